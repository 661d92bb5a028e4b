"""A container's environment, as the kubelet makes it before CreateContainer
(pkg/kubelet/kubelet_pods.go makeEnvironmentVariables, podFieldSelectorRuntimeValue;
third_party/forked/golang/expansion for `$(VAR)`; pkg/kubelet/container/helpers.go
ExpandContainerCommandAndArgs).

`envFrom` first (each ConfigMap's data or Secret's decoded data, keys with `prefix`), then `env`
in order: a `value` has its `$(VAR)` references expanded against what is defined so far, a
`valueFrom` reads a ConfigMap or Secret key or a pod field. A missing object or key that is not
`optional` is the error the container's creation fails with (CreateContainerConfigError).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from engine.apimachinery.quantity import parse_quantity
from engine.node.config_manager import (
    CONFIGMAP,
    SECRET,
    ConfigError,
    ConfigManager,
    string_data,
)

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]
_SERVICE_NAME = re.compile(r"[^A-Za-z0-9_]")


@dataclass(frozen=True)
class Node:
    """What the downward API takes from where the pod runs."""

    pod_ip: str = ""
    host_ip: str = ""
    allocatable: dict[str, str] = field(default_factory=dict)


def make_environment_variables(pod: Obj, container: Obj, manager: ConfigManager, node: Node) -> Gen:
    """The container's environment (name → value); raises ConfigError."""
    namespace = pod["metadata"].get("namespace", "default")
    env: dict[str, str] = {}
    # One read per object per container, as upstream's configMaps/secrets maps in this function.
    fetched: dict[tuple[str, str], dict[str, str] | None] = {}

    def read(kind: str, name: str, optional: bool) -> Gen:
        key = (kind, name)
        if key not in fetched:
            try:
                obj = yield from manager.get(kind, namespace, name)
                fetched[key] = string_data(kind, obj)
            except ConfigError as error:
                if not (error.missing and optional):
                    raise
                fetched[key] = None  # an optional object that does not exist: skipped
        return fetched[key]

    for source in container.get("envFrom") or []:
        kind, ref = _env_from_ref(source)
        if ref is None:
            continue
        data = yield from read(kind, str(ref.get("name", "")), bool(ref.get("optional")))
        prefix = str(source.get("prefix") or "")
        for key, value in (data or {}).items():
            env[prefix + key] = value

    for var in container.get("env") or []:
        name = str(var.get("name", ""))
        value = var.get("value")
        if value not in (None, ""):
            env[name] = expand(str(value), _mapping(env))
            continue
        value_from = var.get("valueFrom") or {}
        kind, ref = _key_ref(value_from)
        if ref is not None:
            object_name, key = str(ref.get("name", "")), str(ref.get("key", ""))
            optional = bool(ref.get("optional"))
            data = yield from read(kind, object_name, optional)
            if data is None:
                continue
            if key not in data:
                if optional:
                    continue
                raise ConfigError(
                    f"couldn't find key {key} in {kind} {namespace}/{object_name}",
                    kind,
                    object_name,
                    key,
                )
            env[name] = data[key]
        elif "fieldRef" in value_from:
            path = str((value_from["fieldRef"] or {}).get("fieldPath", ""))
            env[name] = pod_field(pod, path, node)
        elif "resourceFieldRef" in value_from:
            env[name] = resource_field(pod, container, value_from["resourceFieldRef"] or {}, node)
        else:
            env[name] = ""
    return env


def service_env(services: list[Obj], namespace: str, links: bool) -> dict[str, str]:
    """getServiceEnvVarMap + envvars.FromServices, from the Services the kubelet's lister holds
    as it makes the container: the `kubernetes` Service of `default` always, the pod's
    namespace's Services if enableServiceLinks. A Service made later is not there."""
    chosen: dict[str, Obj] = {}
    for service in sorted(services, key=lambda s: s["metadata"]["name"]):
        meta, spec = service["metadata"], service.get("spec") or {}
        ip = spec.get("clusterIP", "")
        if not ip or ip == "None":
            continue
        ns = meta.get("namespace", "default")
        if ns == "default" and meta["name"] == "kubernetes":
            chosen.setdefault(meta["name"], service)
        elif ns == namespace and links:
            chosen[meta["name"]] = service
    env: dict[str, str] = {}
    for name, service in sorted(chosen.items()):
        spec = service["spec"]
        ip, ports = spec["clusterIP"], spec.get("ports") or []
        prefix = _SERVICE_NAME.sub("_", name.upper())
        env[f"{prefix}_SERVICE_HOST"] = ip
        if not ports:
            continue
        env[f"{prefix}_SERVICE_PORT"] = str(ports[0].get("port"))
        for port in ports:
            if port.get("name"):
                env[f"{prefix}_SERVICE_PORT_{_SERVICE_NAME.sub('_', port['name'].upper())}"] = str(
                    port.get("port")
                )
        for k, port in enumerate(ports):
            protocol = str(port.get("protocol", "TCP"))
            link = f"{prefix}_PORT_{port.get('port')}_{protocol.upper()}"
            url = f"{protocol.lower()}://{ip}:{port.get('port')}"
            if k == 0:
                env[f"{prefix}_PORT"] = url
            env[link] = url
            env[f"{link}_PROTO"] = protocol.lower()
            env[f"{link}_PORT"] = str(port.get("port"))
            env[f"{link}_ADDR"] = ip
    return env


def _env_from_ref(source: Obj) -> tuple[str, Obj | None]:
    if source.get("configMapRef") is not None:
        return CONFIGMAP, source["configMapRef"]
    return SECRET, source.get("secretRef")


def _key_ref(value_from: Obj) -> tuple[str, Obj | None]:
    if value_from.get("configMapKeyRef") is not None:
        return CONFIGMAP, value_from["configMapKeyRef"]
    return SECRET, value_from.get("secretKeyRef")


_LABEL = re.compile(r"^metadata\.(labels|annotations)\['(.*)'\]$")


def pod_field(pod: Obj, path: str, node: Node) -> str:
    """podFieldSelectorRuntimeValue (and the downward API's metadata fields)."""
    meta, spec = pod.get("metadata") or {}, pod.get("spec") or {}
    match = _LABEL.match(path)
    if match:
        return str((meta.get(match.group(1)) or {}).get(match.group(2), ""))
    if path in ("metadata.labels", "metadata.annotations"):
        # fieldpath.FormatMap: key="value" lines, sorted
        items = meta.get(path.split(".")[1]) or {}
        return "\n".join(f'{k}="{v}"' for k, v in sorted(items.items()))
    fields = {
        "metadata.name": meta.get("name", ""),
        "metadata.namespace": meta.get("namespace", "default"),
        "metadata.uid": meta.get("uid", ""),
        "spec.nodeName": spec.get("nodeName", ""),
        "spec.serviceAccountName": spec.get("serviceAccountName", ""),
        "status.hostIP": node.host_ip,
        "status.hostIPs": node.host_ip,
        "status.podIP": node.pod_ip,
        "status.podIPs": node.pod_ip,
    }
    return str(fields.get(path, ""))


def resource_field(pod: Obj, container: Obj, ref: Obj, node: Node) -> str:
    """containerResourceRuntimeValue (pkg/api/v1/resource/helpers.go
    ExtractContainerResourceValue): a limit not set is the node's allocatable; the value is
    divided by `divisor` (default 1) and rounded up, CPU counted in millicores."""
    wanted = ref.get("containerName") or container.get("name")
    for candidate in (pod["spec"].get("containers") or []) + (
        pod["spec"].get("initContainers") or []
    ):
        if candidate.get("name") == wanted:
            container = candidate
    kind, _, resource = str(ref.get("resource", "")).partition(".")
    values = (container.get("resources") or {}).get(kind) or {}
    amount = values.get(resource)
    if amount is None and kind == "limits":
        amount = node.allocatable.get(resource)
    try:
        value = parse_quantity(amount if amount is not None else 0)
        divisor = parse_quantity(ref.get("divisor") or 1) or 1
    except ValueError:
        return ""
    scale = 1000 if resource == "cpu" else 1  # MilliValue for CPU, Value for the others
    return str(math.ceil(math.ceil(value * scale) / math.ceil(divisor * scale)))


def _mapping(env: dict[str, str]) -> Callable[[str], str]:
    """expansion.MappingFuncFor: a reference to an undefined variable stays as written."""
    return lambda name: env.get(name, f"$({name})")


def expand(text: str, mapping: Callable[[str], str]) -> str:
    """expansion.Expand: `$(VAR)` → its value, `$$` → `$`; any other `$` stays."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "$" or i + 1 >= len(text):
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
        elif nxt == "(":
            close = text.find(")", i + 2)
            if close < 0:
                out.append("$(")
                i += 2
            else:
                out.append(mapping(text[i + 2 : close]))
                i = close + 1
        else:
            out.append("$" + nxt)
            i += 2
    return "".join(out)


def expand_command_and_args(container: Obj, env: dict[str, str]) -> Obj:
    """ExpandContainerCommandAndArgs: the container spec with `$(VAR)` filled in its command
    and args (the spec itself is left alone: its hash must not change)."""
    mapping = _mapping(env)
    expanded = dict(container)
    for key in ("command", "args"):
        if container.get(key):
            expanded[key] = [expand(str(word), mapping) for word in container[key]]
    return expanded
