"""kubectl expose (staging/src/k8s.io/kubectl/pkg/cmd/expose/expose.go): a Service in front of
a Deployment, ReplicaSet, Pod or Service, its selector, ports and labels read from the object
(polymorphichelpers MapBasedSelectorForObject, PortsForObject, ProtocolsForObject). kubectl
sends it through the dynamic client, as JSON."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apimachinery.labels import format_labels
from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil
from engine.kubectl.cli import command
from engine.kubectl.commands.create_subcommand import send_created_object
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed
from engine.kubectl.selection import select

Gen = Generator[Any, Any, Any]

SERVICES = BY_NAME["services"]
EXPOSABLE = ("Pod", "Service", "ReplicationController", "Deployment", "ReplicaSet")


@command(
    "expose",
    Flag("port", default=""),
    Flag("target-port", default=""),
    Flag("protocol", default=""),
    Flag("type", default=""),
    Flag("name", default=""),
    Flag("selector", default=""),
    Flag("labels", "l", default=""),
    Flag("cluster-ip", default=""),
    Flag("external-ip", default=""),
    Flag("load-balancer-ip", default=""),
    Flag("session-affinity", default=""),
    Flag("output", "o", default=""),
    Flag("dry-run", default="none"),
    Flag("save-config", kind="bool", default=False),
    Flag("field-manager", default="kubectl-expose"),
    summary="Take a replication controller, service, deployment or pod and expose it as a new "
    "Kubernetes service",
)
def expose(ctx: Context, flags: Parsed) -> Gen:
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    if flags.session_affinity not in ("", "None", "ClientIP"):
        raise KubectlError(
            f"error: unknown session affinity: {flags.session_affinity}, only None and "
            "ClientIP are supported"
        )
    selection = yield from select(ctx, flags.args)
    selection.fail_if_errors()
    for info in selection.infos:
        obj = {"kind": info.resource.kind, **info.obj}
        if info.resource.kind not in EXPOSABLE:
            group = f".{info.resource.group}" if info.resource.group else ""
            raise KubectlError(f"error: cannot expose a {info.resource.kind}{group}")
        service = _service_for(ctx, flags, obj, info.name)
        yield from send_created_object(
            ctx, flags, strategy, SERVICES, ctx.namespace, service, operation="exposed"
        )


def _service_for(ctx: Context, flags: Parsed, obj: dict[str, Any], name: str) -> dict[str, Any]:
    """RunExpose's introspection, then createService."""
    selector_text = flags.selector or _selector_of(obj)
    port_text = flags.port
    protocols: dict[str, list[str]] = {}
    ports_found = _container_ports(obj)
    for number, protocol in ports_found:
        protocols.setdefault(str(number), []).append(protocol)
    if not port_text:
        numbers = list(dict.fromkeys(str(number) for number, _ in ports_found))
        if not numbers and flags.cluster_ip != "None":
            raise ctx.usage_error("couldn't find port via --port flag or introspection")
        port_text = ",".join(numbers)
    labels_text = flags.labels or format_labels((obj.get("metadata") or {}).get("labels"))
    selector = _parse_labels(selector_text)
    ports: list[dict[str, Any]] = []
    texts = port_text.split(",") if port_text else []
    for index, text in enumerate(texts):
        if not text.lstrip("+-").isdigit():
            raise KubectlError(f'error: strconv.Atoi: parsing "{text}": invalid syntax')
        port_name = f"port-{index + 1}" if len(texts) > 1 else ""
        known = protocols.get(text, [])
        if flags.protocol or not protocols:
            ports.append(_port(port_name, int(text), flags.protocol or "TCP"))
        elif len(known) > 1:
            ports += [_port(f"port-{index + 1}-{p.lower()}", int(text), p) for p in known]
        else:
            ports.append(_port(port_name, int(text), known[0] if known else "TCP"))
    for port in ports:
        target = flags.target_port
        port["targetPort"] = int(target) if target.isdigit() else target or port["port"]
    metadata: dict[str, Any] = {"name": flags.name or name}
    if labels_text and labels_text != "<none>":
        metadata["labels"] = _parse_labels(labels_text)
    spec: dict[str, Any] = {"ports": ports, "selector": selector}
    if flags.cluster_ip:
        spec["clusterIP"] = flags.cluster_ip
    if flags.type:
        spec["type"] = flags.type
    if flags.external_ip:
        spec["externalIPs"] = [flags.external_ip]
    if flags.type == "LoadBalancer" and flags.load_balancer_ip:
        spec["loadBalancerIP"] = flags.load_balancer_ip
    if flags.session_affinity:
        spec["sessionAffinity"] = flags.session_affinity
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata,
        "spec": spec,
        "status": {"loadBalancer": {}},
    }


def _port(name: str, number: int, protocol: str) -> dict[str, Any]:
    port: dict[str, Any] = {"name": name} if name else {}
    return {**port, "port": number, "protocol": protocol}


def _selector_of(obj: dict[str, Any]) -> str:
    """MapBasedSelectorForObject: a pod's labels, a Service's selector, a workload's
    matchLabels (match expressions cannot be written as a Service's selector)."""
    kind, spec = obj.get("kind"), obj.get("spec") or {}
    if kind == "Pod":
        labels = (obj.get("metadata") or {}).get("labels")
        if not labels:
            raise KubectlError(
                "error: couldn't retrieve selectors via --selector flag or introspection: "
                "the pod has no labels and cannot be exposed"
            )
        return format_labels(labels)
    if kind in ("Service", "ReplicationController"):
        return format_labels(spec.get("selector"))
    selector = spec.get("selector") or {}
    if selector.get("matchExpressions"):
        raise KubectlError(
            "error: couldn't retrieve selectors via --selector flag or introspection: "
            f'couldn\'t convert expressions - "{selector}" to map-based selector format'
        )
    return format_labels(selector.get("matchLabels"))


def _container_ports(obj: dict[str, Any]) -> list[tuple[int, str]]:
    """PortsForObject and ProtocolsForObject: the containers' ports (a Service's own ports)."""
    kind, spec = obj.get("kind"), obj.get("spec") or {}
    if kind == "Service":
        return [(p.get("port"), p.get("protocol", "TCP")) for p in spec.get("ports") or []]
    pod_spec = spec if kind == "Pod" else (spec.get("template") or {}).get("spec") or {}
    return [
        (port.get("containerPort"), port.get("protocol") or "TCP")
        for container in pod_spec.get("containers") or []
        for port in container.get("ports") or []
    ]


def _parse_labels(text: str) -> dict[str, str]:
    """parseLabels: `k=v,k2=v2`."""
    labels: dict[str, str] = {}
    for pair in text.split(","):
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise KubectlError(f"error: invalid label spec: {pair}")
        labels[key] = value
    return labels
