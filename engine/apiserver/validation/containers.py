"""Containers and init containers: names, images, ports, mounts and policies.

Sidecars (init containers with restartPolicy Always) may have probes and lifecycle hooks; other
init containers may not. Mirrors validateContainerCommon, validateContainers,
validateInitContainers, validateContainerPorts, ValidateVolumeMounts and checkHostPortConflicts
in pkg/apis/core/validation/validation.go. Env, resources and probes have their own modules.
"""

from __future__ import annotations

from typing import Any

from engine.apimachinery import field
from engine.apiserver.validation.common import Errors, Obj, _d, _i, _l, _s
from engine.apiserver.validation.env import validate_env, validate_env_from
from engine.apiserver.validation.names import (
    is_dns1123_label,
    is_valid_port_name,
    is_valid_port_num,
)
from engine.apiserver.validation.probes import validate_lifecycle_and_probes
from engine.apiserver.validation.resources import validate_resource_requirements
from engine.apiserver.validation.volumes import validate_local_descending_path

_PROTOCOLS = ["SCTP", "TCP", "UDP"]  # sets.List sorts
_PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
_MOUNT_PROPAGATIONS = ["Bidirectional", "HostToContainer", "None"]
_TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
SA_TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"


def _validate_container_ports(ports: Any, path: str) -> Errors:
    errs: Errors = []
    names: set[str] = set()
    for i, port in enumerate(_l(ports)):
        port, ppath = _d(port), field.index(path, i)
        name = _s(port.get("name"))
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [field.invalid(field.child(ppath, "name"), name, m) for m in msgs]
            elif name in names:
                errs.append(field.duplicate(field.child(ppath, "name"), name))
            else:
                names.add(name)
        container_port = _i(port.get("containerPort")) or 0
        if container_port == 0:
            errs.append(field.required(field.child(ppath, "containerPort")))
        else:
            errs += [
                field.invalid(field.child(ppath, "containerPort"), container_port, m)
                for m in is_valid_port_num(container_port)
            ]
        host_port = _i(port.get("hostPort")) or 0
        if host_port != 0:
            errs += [
                field.invalid(field.child(ppath, "hostPort"), host_port, m)
                for m in is_valid_port_num(host_port)
            ]
        protocol = port.get("protocol")
        if not protocol:
            errs.append(field.required(field.child(ppath, "protocol")))
        elif protocol not in _PROTOCOLS:
            errs.append(field.not_supported(field.child(ppath, "protocol"), protocol, _PROTOCOLS))
    return errs


def _validate_volume_mounts(
    mounts: Any, volumes: dict[str, Obj], container: Obj, path: str
) -> Errors:
    errs: Errors = []
    mount_points: set[str] = set()
    for i, mount in enumerate(_l(mounts)):
        mount, mpath = _d(mount), field.index(path, i)
        name, mount_path = _s(mount.get("name")), _s(mount.get("mountPath"))
        if not name:
            errs.append(field.required(field.child(mpath, "name")))
        if name not in volumes:
            errs.append(field.not_found(field.child(mpath, "name"), name))
        if not mount_path:
            errs.append(field.required(field.child(mpath, "mountPath")))
        if mount_path in mount_points:
            errs.append(
                field.invalid(field.child(mpath, "mountPath"), mount_path, "must be unique")
            )
        mount_points.add(mount_path)
        sub_path, sub_expr = _s(mount.get("subPath")), _s(mount.get("subPathExpr"))
        # Upstream validates subPath against the list's path, not the item's.
        if sub_path:
            errs += validate_local_descending_path(sub_path, field.child(path, "subPath"))
        if sub_expr:
            if sub_path:
                errs.append(
                    field.invalid(
                        field.child(mpath, "subPathExpr"),
                        sub_expr,
                        "subPathExpr and subPath are mutually exclusive",
                    )
                )
            errs += validate_local_descending_path(sub_expr, field.child(path, "subPathExpr"))
        propagation = mount.get("mountPropagation")
        if propagation is not None:
            ppath = field.child(path, "mountPropagation")
            if propagation not in _MOUNT_PROPAGATIONS:
                errs.append(field.not_supported(ppath, propagation, _MOUNT_PROPAGATIONS))
            privileged = _d(container.get("securityContext")).get("privileged") is True
            if propagation == "Bidirectional" and not privileged:
                errs.append(
                    field.forbidden(
                        ppath,
                        "Bidirectional mount propagation is available only to privileged "
                        "containers",
                    )
                )
    return errs


def _validate_container_common(container: Obj, volumes: dict[str, Obj], path: str) -> Errors:
    errs: Errors = []
    name = _s(container.get("name"))
    if not name:
        errs.append(field.required(field.child(path, "name")))
    else:
        errs += [field.invalid(field.child(path, "name"), name, m) for m in is_dns1123_label(name)]
    if not _s(container.get("image")):
        errs.append(field.required(field.child(path, "image")))
    policy = container.get("terminationMessagePolicy")
    if not policy:
        errs.append(field.required(field.child(path, "terminationMessagePolicy")))
    elif policy not in _TERMINATION_MESSAGE_POLICIES:
        errs.append(
            field.not_supported(
                field.child(path, "terminationMessagePolicy"), policy, _TERMINATION_MESSAGE_POLICIES
            )
        )
    errs += _validate_container_ports(container.get("ports"), field.child(path, "ports"))
    errs += validate_env(container.get("env"), field.child(path, "env"))
    errs += validate_env_from(container.get("envFrom"), field.child(path, "envFrom"))
    errs += _validate_volume_mounts(
        container.get("volumeMounts"), volumes, container, field.child(path, "volumeMounts")
    )
    pull = container.get("imagePullPolicy")
    if not pull:
        errs.append(field.required(field.child(path, "imagePullPolicy")))
    elif pull not in _PULL_POLICIES:
        errs.append(field.not_supported(field.child(path, "imagePullPolicy"), pull, _PULL_POLICIES))
    errs += validate_resource_requirements(
        container.get("resources"), field.child(path, "resources")
    )
    return errs


def _check_host_port_conflicts(containers: list[Obj], path: str, indexes: list[int]) -> Errors:
    errs: Errors = []
    seen: set[str] = set()
    for ci, container in zip(indexes, containers, strict=True):
        for pi, port in enumerate(_l(container.get("ports"))):
            port = _d(port)
            host_port = _i(port.get("hostPort")) or 0
            if host_port == 0:
                continue
            key = f"{_s(port.get('protocol'))}/{_s(port.get('hostIP'))}/{host_port}"
            ppath = field.child(
                field.index(field.child(field.index(path, ci), "ports"), pi), "hostPort"
            )
            if key in seen:
                errs.append(field.duplicate(ppath, key))
            seen.add(key)
    return errs


def validate_containers(
    containers: Any, volumes: dict[str, Obj], grace: int | None, path: str
) -> Errors:
    items = [_d(c) for c in _l(containers)]
    if not items:
        return [field.required(path)]
    errs: Errors = []
    names: set[str] = set()
    for i, container in enumerate(items):
        cpath = field.index(path, i)
        errs += _validate_container_common(container, volumes, cpath)
        name = _s(container.get("name"))
        if name in names:
            errs.append(field.duplicate(field.child(cpath, "name"), name))
        names.add(name)
        errs += validate_lifecycle_and_probes(container, grace, cpath)
        if container.get("restartPolicy") is not None:
            errs.append(
                field.forbidden(
                    field.child(cpath, "restartPolicy"), "may not be set for non-init containers"
                )
            )
    errs += _check_host_port_conflicts(items, path, list(range(len(items))))
    return errs


def validate_init_containers(
    init: Any, regular: Any, volumes: dict[str, Obj], grace: int | None, path: str
) -> Errors:
    errs: Errors = []
    names = {_s(_d(c).get("name")) for c in _l(regular)}
    for i, container in enumerate(_d(c) for c in _l(init)):
        cpath = field.index(path, i)
        errs += _validate_container_common(container, volumes, cpath)
        restart = container.get("restartPolicy")
        if restart is not None and restart != "Always":
            errs.append(
                field.not_supported(field.child(cpath, "restartPolicy"), restart, ["Always"])
            )
        name = _s(container.get("name"))
        if name in names:
            errs.append(field.duplicate(field.child(cpath, "name"), name))
        elif name:
            names.add(name)
        errs += _check_host_port_conflicts([container], path, [i])
        if restart == "Always":  # a sidecar may have probes and hooks
            errs += validate_lifecycle_and_probes(container, grace, cpath)
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if container.get(key) is not None:
                    errs.append(
                        field.forbidden(
                            field.child(cpath, key),
                            "may not be set for init containers without restartPolicy=Always",
                        )
                    )
    return errs
