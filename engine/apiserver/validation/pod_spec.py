"""PodSpec and PodTemplateSpec: what Pods and workload templates share.

Mirrors ValidatePodSpec, validatePodDNSConfig, ValidatePodSpecificAnnotations and
ValidatePodTemplateSpec in pkg/apis/core/validation/validation.go. Volumes, containers and
tolerations have their own modules.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from engine.apimachinery import field
from engine.apiserver.validation.common import MAX_INT32, Errors, Obj, _d, _i, _l, _s
from engine.apiserver.validation.containers import validate_containers, validate_init_containers
from engine.apiserver.validation.meta import validate_annotations, validate_labels
from engine.apiserver.validation.names import (
    inclusive_range_error,
    is_dns1123_label,
    is_qualified_name,
    name_is_dns_subdomain,
)
from engine.apiserver.validation.resources import validate_resource_requirements
from engine.apiserver.validation.taints import validate_tolerations
from engine.apiserver.validation.volumes import validate_volumes

_RESTART_POLICIES = ["Always", "OnFailure", "Never"]
_DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
_PREEMPTION_POLICIES = ["PreemptLowerPriority", "Never"]

MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"


def _validate_dns_config(spec: Obj, path: str) -> Errors:
    config = spec.get("dnsConfig")
    if spec.get("dnsPolicy") == "None":
        if config is None:
            return [field.required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not _l(_d(config).get("nameservers")):
            return [
                field.required(
                    field.child(path, "nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                )
            ]
    if config is None:
        return []
    errs: Errors = []
    nameservers = _l(_d(config).get("nameservers"))
    if len(nameservers) > 3:
        errs.append(
            field.invalid(
                field.child(path, "nameservers"),
                [_s(n) for n in nameservers],
                "must not have more than 3 nameservers",
            )
        )
    for i, server in enumerate(nameservers):
        try:
            ipaddress.ip_address(_s(server))
        except ValueError:
            errs.append(
                field.invalid(
                    field.index(field.child(path, "nameservers"), i),
                    _s(server),
                    "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                )
            )
    for i, option in enumerate(_l(_d(config).get("options"))):
        if not _s(_d(option).get("name")):
            errs.append(
                field.required(field.index(field.child(path, "options"), i), "must not be empty")
            )
    return errs


def validate_pod_spec(spec: Any, path: str, resource_is_pod: bool) -> Errors:
    """ValidatePodSpec: for Pods and for the templates inside Deployments and ReplicaSets."""
    spec = _d(spec)
    errs: Errors = []
    grace = _i(spec.get("terminationGracePeriodSeconds"))
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.append(field.required(field.child(path, "terminationGracePeriodSeconds")))
    volumes, verrs = validate_volumes(spec.get("volumes"), field.child(path, "volumes"))
    errs += verrs
    errs += validate_containers(
        spec.get("containers"), volumes, grace, field.child(path, "containers")
    )
    errs += validate_init_containers(
        spec.get("initContainers"),
        spec.get("containers"),
        volumes,
        grace,
        field.child(path, "initContainers"),
    )
    if spec.get("hostNetwork") is True:
        for i, container in enumerate(_l(spec.get("containers"))):
            for j, port in enumerate(_l(_d(container).get("ports"))):
                host, cont = _i(_d(port).get("hostPort")) or 0, _i(_d(port).get("containerPort"))
                if (resource_is_pod or host != 0) and host != cont:
                    ppath = field.index(
                        field.child(field.index(field.child(path, "containers"), i), "ports"), j
                    )
                    errs.append(
                        field.invalid(
                            field.child(ppath, "hostPort"),
                            host,
                            "must match `containerPort` when `hostNetwork` is true",
                        )
                    )
    restart = spec.get("restartPolicy")
    if not restart:
        errs.append(field.required(field.child(path, "restartPolicy")))
    elif restart not in _RESTART_POLICIES:
        errs.append(
            field.not_supported(field.child(path, "restartPolicy"), restart, _RESTART_POLICIES)
        )
    dns = spec.get("dnsPolicy")
    if not dns:
        errs.append(field.required(field.child(path, "dnsPolicy")))
    elif dns not in _DNS_POLICIES:
        errs.append(field.not_supported(field.child(path, "dnsPolicy"), dns, _DNS_POLICIES))
    errs += validate_labels(spec.get("nodeSelector"), field.child(path, "nodeSelector"))
    errs += _validate_dns_config(spec, field.child(path, "dnsConfig"))
    for i, gate in enumerate(_l(spec.get("readinessGates"))):
        ctype = _s(_d(gate).get("conditionType"))
        gpath = field.child(field.index(field.child(path, "readinessGates"), i), "conditionType")
        errs += [field.invalid(gpath, ctype, m) for m in is_qualified_name(ctype)]
    seen_gates: set[str] = set()
    for i, gate in enumerate(_l(spec.get("schedulingGates"))):
        name, gpath = _s(_d(gate).get("name")), field.index(field.child(path, "schedulingGates"), i)
        errs += [field.invalid(gpath, name, m) for m in is_qualified_name(name)]
        if name in seen_gates:
            errs.append(field.duplicate(gpath, name))
        seen_gates.add(name)
    for key in ("serviceAccountName", "nodeName"):
        value = _s(spec.get(key))
        if value:
            errs += [
                field.invalid(field.child(path, key), value, m)
                for m in name_is_dns_subdomain(value, False)
            ]
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None and (_i(deadline) is None or not 1 <= deadline <= MAX_INT32):
        errs.append(
            field.invalid(
                field.child(path, "activeDeadlineSeconds"),
                deadline,
                inclusive_range_error(1, MAX_INT32),
            )
        )
    for key in ("hostname", "subdomain"):
        value = _s(spec.get(key))
        if value:
            errs += [
                field.invalid(field.child(path, key), value, m) for m in is_dns1123_label(value)
            ]
    errs += validate_tolerations(spec.get("tolerations"), field.child(path, "tolerations"))
    priority_class = _s(spec.get("priorityClassName"))
    if priority_class:
        errs += [
            field.invalid(field.child(path, "priorityClassName"), priority_class, m)
            for m in name_is_dns_subdomain(priority_class, False)
        ]
    runtime_class = spec.get("runtimeClassName")
    if runtime_class is not None:
        errs += [
            field.invalid(field.child(path, "runtimeClassName"), _s(runtime_class), m)
            for m in name_is_dns_subdomain(_s(runtime_class), False)
        ]
    preemption = spec.get("preemptionPolicy")
    if preemption is not None:
        if not preemption:
            errs.append(field.required(field.child(path, "preemptionPolicy")))
        elif preemption not in _PREEMPTION_POLICIES:
            errs.append(
                field.not_supported(
                    field.child(path, "preemptionPolicy"), preemption, _PREEMPTION_POLICIES
                )
            )
    if spec.get("overhead") is not None:
        errs += validate_resource_requirements(
            {"limits": spec.get("overhead")}, field.child(path, "overhead")
        )
    return errs


def validate_pod_template(template: Any, path: str) -> Errors:
    """ValidatePodTemplateSpec. Upstream checks labels at `<path>.labels`, not metadata.labels."""
    template = _d(template)
    meta = _d(template.get("metadata"))
    errs = validate_labels(meta.get("labels"), field.child(path, "labels"))
    errs += validate_annotations(meta.get("annotations"), field.child(path, "annotations"))
    errs += validate_pod_annotations(
        meta, _d(template.get("spec")), field.child(path, "annotations")
    )
    errs += validate_pod_spec(template.get("spec"), field.child(path, "spec"), False)
    if _l(_d(template.get("spec")).get("ephemeralContainers")):
        errs.append(
            field.forbidden(
                field.child(path, "spec", "ephemeralContainers"),
                "ephemeral containers not allowed in pod template",
            )
        )
    return errs


def validate_pod_annotations(meta: Obj, spec: Obj, path: str) -> Errors:
    annotations = _d(meta.get("annotations"))
    errs: Errors = []
    if MIRROR_POD_ANNOTATION in annotations and not _s(spec.get("nodeName")):
        errs.append(
            field.invalid(
                field.key(path, MIRROR_POD_ANNOTATION),
                annotations[MIRROR_POD_ANNOTATION],
                "must set spec.nodeName if mirror pod annotation is set",
            )
        )
    if DELETION_COST_ANNOTATION in annotations:
        cost = str(annotations[DELETION_COST_ANNOTATION])
        if not re.fullmatch(r"[+-]?\d+", cost) or not -(2**31) <= int(cost) <= MAX_INT32:
            errs.append(
                field.invalid(
                    field.key(path, DELETION_COST_ANNOTATION), cost, "must be a 32bit integer"
                )
            )
    return errs
