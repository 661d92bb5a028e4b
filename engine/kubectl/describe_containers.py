"""The Containers / Init Containers blocks of `kubectl describe` (pods and pod templates).

Source: staging/src/k8s.io/kubectl/pkg/describe/describe.go (describeContainers,
describeContainerBasicInfo, describeContainerCommand, describeContainerState,
describeStatus, describeResources, DescribeProbe, describeContainerEnvFrom,
describeContainerEnvVars, EnvValueRetriever, describeContainerVolumes).
"""

from __future__ import annotations

import math
from typing import Any

from engine.apimachinery.quantity import canonical_quantity, parse_quantity
from engine.kubectl.describe_writer import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    Obj,
    PrefixWriter,
    time_text,
)


def describe_containers(
    w: PrefixWriter,
    label: str,
    containers: list[Obj],
    statuses: list[Obj] | None,
    space: str = "",
    *,
    pod: Obj | None = None,
) -> None:
    """describeContainers; `pod` resolves fieldRef env values (templates have none)."""
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(LEVEL_0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    for container in containers:
        status = by_name.get(container.get("name"))
        _basic_info(w, container, status, space)
        _command(w, container)
        if status is not None:
            _describe_state(w, "State", status.get("state") or {})
            if (status.get("lastState") or {}).get("terminated"):
                _describe_state(w, "Last State", status["lastState"])
            w.write(LEVEL_2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(LEVEL_2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        describe_resources(w, container.get("resources") or {}, LEVEL_2)
        for title, key in (
            ("Liveness", "livenessProbe"),
            ("Readiness", "readinessProbe"),
            ("Startup", "startupProbe"),
        ):
            if container.get(key):
                w.write(LEVEL_2, f"{title}:\t{describe_probe(container[key])}\n")
        if container.get("envFrom"):
            _env_from(w, container["envFrom"])
        _env(w, container, pod)
        _mounts(w, container)


def _basic_info(w: PrefixWriter, container: Obj, status: Obj | None, space: str) -> None:
    w.write(LEVEL_1, f"{' ' if space else ''}{container.get('name', '')}:\n")
    if status is not None:
        w.write(LEVEL_2, f"Container ID:\t{status.get('containerID', '')}\n")
    w.write(LEVEL_2, f"Image:\t{container.get('image', '')}\n")
    if status is not None:
        w.write(LEVEL_2, f"Image ID:\t{status.get('imageID', '')}\n")
    ports = container.get("ports") or []
    # kubectl 1.3x appends a named port's name: `80/TCP (http)`.
    port_text = ", ".join(_port(p.get("containerPort", 0), p) for p in ports)
    host_text = ", ".join(_port(p.get("hostPort", 0), p) for p in ports)
    if "," in port_text:
        w.write(LEVEL_2, f"Ports:\t{port_text}\n")
    else:
        w.write(LEVEL_2, f"Port:\t{port_text or '<none>'}\n")
    if "," in host_text:
        w.write(LEVEL_2, f"Host Ports:\t{host_text}\n")
    else:
        w.write(LEVEL_2, f"Host Port:\t{host_text or '<none>'}\n")
    seccomp = (container.get("securityContext") or {}).get("seccompProfile")
    if seccomp:
        w.write(LEVEL_2, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("type") == "Localhost":
            w.write(LEVEL_3, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")


def _port(number: int, port: Obj) -> str:
    text = f"{number}/{port.get('protocol', '')}"
    return f"{text} ({port['name']})" if port.get("name") else text


def _command(w: PrefixWriter, container: Obj) -> None:
    for title, key in (("Command", "command"), ("Args", "args")):
        if container.get(key):
            w.write(LEVEL_2, f"{title}:\n")
            for item in container[key]:
                for line in item.split("\n"):
                    w.write(LEVEL_3, f"{line}\n")


def _describe_state(w: PrefixWriter, title: str, state: Obj) -> None:
    """describeStatus: Running / Waiting (+Reason) / Terminated (+details)."""
    if state.get("running") is not None:
        w.write(LEVEL_2, f"{title}:\tRunning\n")
        w.write(LEVEL_3, f"Started:\t{time_text(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(LEVEL_2, f"{title}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(LEVEL_3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        done = state["terminated"]
        w.write(LEVEL_2, f"{title}:\tTerminated\n")
        if done.get("reason"):
            w.write(LEVEL_3, f"Reason:\t{done['reason']}\n")
        if done.get("message"):
            w.write(LEVEL_3, f"Message:\t{done['message']}\n")
        w.write(LEVEL_3, f"Exit Code:\t{done.get('exitCode', 0)}\n")
        if done.get("signal", 0) > 0:
            w.write(LEVEL_3, f"Signal:\t{done['signal']}\n")
        w.write(LEVEL_3, f"Started:\t{time_text(done.get('startedAt'))}\n")
        w.write(LEVEL_3, f"Finished:\t{time_text(done.get('finishedAt'))}\n")
    else:
        w.write(LEVEL_2, f"{title}:\tWaiting\n")


def describe_resources(w: PrefixWriter, resources: Obj, level: int) -> None:
    """describeResources: Limits then Requests, resource names sorted, canonical quantities."""
    for title, key in (("Limits", "limits"), ("Requests", "requests")):
        values = resources.get(key) or {}
        if values:
            w.write(level, f"{title}:\n")
        for name in sorted(values):
            w.write(level + 1, f"{name}:\t{canonical_quantity(values[name])}\n")


def describe_probe(probe: Obj) -> str:
    """DescribeProbe, e.g. `http-get http://:8080/healthz delay=0s timeout=1s period=10s
    successThreshold=1 failureThreshold=3` (kubectl before 1.3x wrote #success=/#failure=)."""
    attrs = (
        f"delay={probe.get('initialDelaySeconds', 0)}s timeout={probe.get('timeoutSeconds', 0)}s "
        f"period={probe.get('periodSeconds', 0)}s "
        f"successThreshold={probe.get('successThreshold', 0)} "
        f"failureThreshold={probe.get('failureThreshold', 0)}"
    )
    if probe.get("exec") is not None:
        return f"exec [{' '.join(probe['exec'].get('command') or [])}] {attrs}"
    if probe.get("httpGet") is not None:
        get = probe["httpGet"]
        host, port = get.get("host", ""), str(get.get("port", ""))
        if port:
            host = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        scheme = (get.get("scheme") or "").lower()
        return f"http-get {scheme}://{host}{get.get('path', '')} {attrs}"
    if probe.get("tcpSocket") is not None:
        sock = probe["tcpSocket"]
        return f"tcp-socket {sock.get('host', '')}:{sock.get('port', '')} {attrs}"
    if probe.get("grpc") is not None:
        grpc = probe["grpc"]
        return f"grpc <pod>:{grpc.get('port', 0)} {grpc.get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _env_from(w: PrefixWriter, sources: list[Obj]) -> None:
    w.write(LEVEL_2, "Environment Variables from:\n")
    for source in sources:
        kind, ref = (
            ("ConfigMap", source.get("configMapRef"))
            if source.get("configMapRef")
            else ("Secret", source.get("secretRef") or {})
        )
        name, optional = (ref or {}).get("name", ""), bool((ref or {}).get("optional"))
        prefix = f" with prefix '{source['prefix']}'" if source.get("prefix") else ""
        w.write(LEVEL_3, f"{name}\t{kind}{prefix}\tOptional: {_go_bool(optional)}\n")


def _env(w: PrefixWriter, container: Obj, pod: Obj | None) -> None:
    """describeContainerEnvVars."""
    env = container.get("env") or []
    w.write(LEVEL_2, "Environment:\n" if env else "Environment:\t<none>\n")
    for var in env:
        name, source = var.get("name", ""), var.get("valueFrom")
        if source is None:
            for index, line in enumerate((var.get("value") or "").split("\n")):
                w.write(LEVEL_3, f"{name}:\t{line}\n" if index == 0 else f"\t{line}\n")
        elif source.get("fieldRef"):
            ref = source["fieldRef"]
            value = _field_value(pod, ref.get("fieldPath", "")) if pod is not None else ""
            w.write(
                LEVEL_3,
                f"{name}:\t{value} ({ref.get('apiVersion', '')}:{ref.get('fieldPath', '')})\n",
            )
        elif source.get("resourceFieldRef"):
            ref = source["resourceFieldRef"]
            resource = ref.get("resource", "")
            value = _resource_value(ref, container)
            if value == "0" and resource in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.write(LEVEL_3, f"{name}:\t{value} ({resource})\n")
        elif source.get("secretKeyRef"):
            ref = source["secretKeyRef"]
            w.write(
                LEVEL_3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' in secret "
                f"'{ref.get('name', '')}'>\tOptional: {_go_bool(ref.get('optional'))}\n",
            )
        elif source.get("configMapKeyRef"):
            ref = source["configMapKeyRef"]
            w.write(
                LEVEL_3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' of config map "
                f"'{ref.get('name', '')}'>\tOptional: {_go_bool(ref.get('optional'))}\n",
            )


def _field_value(pod: Obj, path: str) -> str:
    """EnvValueRetriever: the path goes through scheme.ConvertFieldLabel, which for kubectl's
    scheme accepts only metadata.name and metadata.namespace; anything else (status.podIP,
    metadata.labels['app']) fails and describe prints an empty value."""
    if path in ("metadata.name", "metadata.namespace"):
        return str(pod.get("metadata", {}).get(path.split(".")[1], ""))
    return ""


def _resource_value(ref: Obj, container: Obj) -> str:
    """resourcehelper.ExtractContainerResourceValue against the container being described:
    ceil(amount / divisor), in millis for CPU."""
    side, _, resource = ref.get("resource", "").partition(".")
    if side not in ("limits", "requests") or resource not in ("cpu", "memory", "ephemeral-storage"):
        return ""
    amount = parse_quantity(((container.get("resources") or {}).get(side) or {}).get(resource, "0"))
    divisor = parse_quantity(ref.get("divisor") or "1") or 1
    if resource == "cpu":
        return str(math.ceil(math.ceil(amount * 1000) / math.ceil(divisor * 1000)))
    return str(math.ceil(math.ceil(amount) / math.ceil(divisor)))


def _mounts(w: PrefixWriter, container: Obj) -> None:
    mounts = container.get("volumeMounts") or []
    w.write(LEVEL_2, "Mounts:\n" if mounts else "Mounts:\t<none>\n")
    for mount in sorted(mounts, key=lambda m: m.get("mountPath", "")):
        flags = ["ro" if mount.get("readOnly") else "rw"]
        if mount.get("subPath"):
            flags.append(f'path="{mount["subPath"]}"')
        w.write(
            LEVEL_3,
            f"{mount.get('mountPath', '')} from {mount.get('name', '')} ({','.join(flags)})\n",
        )
    devices = container.get("volumeDevices") or []
    if devices:
        w.write(LEVEL_2, "Devices:\n")
        for device in sorted(devices, key=lambda d: d.get("devicePath", "")):
            w.write(LEVEL_3, f"{device.get('devicePath', '')} from {device.get('name', '')}\n")


def _go_bool(value: Any) -> str:
    return "true" if value else "false"
