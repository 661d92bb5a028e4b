"""A node's Service rules, as kube-proxy derives them from what its informers hold: every
Service with a ClusterIP, each of its ports with the ready endpoints of the Service's
EndpointSlices (pkg/proxy/servicechangetracker.go, endpointschangetracker.go), and a NodePort
rule for the ports that have one (pkg/proxy/iptables/proxier.go syncProxyRules: KUBE-SERVICES,
KUBE-NODEPORTS, one KUBE-SVC chain per port with a KUBE-SEP per endpoint).

Podlife derives them from the objects when a connection is made, where kube-proxy writes them
on every change: the same rules, without the sync delay (minSyncPeriod).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]
SERVICE_NAME_LABEL = "kubernetes.io/service-name"  # discovery/v1 LabelServiceName


@dataclass(frozen=True)
class Endpoint:
    """A KUBE-SEP chain: one ready pod the Service port sends to."""

    pod: str  # namespace/name of the pod (targetRef)
    ip: str
    port: int
    node: str


@dataclass(frozen=True)
class ServicePort:
    """A KUBE-SVC chain: one port of one Service and its endpoints."""

    service: str  # namespace/name
    name: str  # the port's name ("" for a single unnamed port)
    protocol: str
    cluster_ip: str
    port: int
    node_port: int
    endpoints: tuple[Endpoint, ...]


def node_rules(node: str, objects: Callable[[str], list[Obj]]) -> list[ServicePort]:
    """The rules kube-proxy on `node` has for every Service (a Service whose
    internalTrafficPolicy is Local keeps only the endpoints on `node`: proxier.go
    CategorizeEndpoints)."""
    slices: dict[tuple[str, str], list[Obj]] = {}
    for slice_ in objects("endpointslices"):
        meta = slice_.get("metadata") or {}
        owner = (meta.get("labels") or {}).get(SERVICE_NAME_LABEL)
        if owner:
            slices.setdefault((meta.get("namespace", "default"), owner), []).append(slice_)
    rules = []
    for service in objects("services"):
        meta, spec = service.get("metadata") or {}, service.get("spec") or {}
        ip = spec.get("clusterIP") or ""
        if not ip or ip == "None" or spec.get("type") == "ExternalName":
            continue  # headless and ExternalName Services get no rules, only DNS records
        namespace = meta.get("namespace", "default")
        local = spec.get("internalTrafficPolicy") == "Local"
        for port in spec.get("ports") or []:
            endpoints = _ready(slices.get((namespace, meta["name"]), []), port, namespace)
            if local:
                endpoints = [e for e in endpoints if e.node == node]
            rules.append(
                ServicePort(
                    f"{namespace}/{meta['name']}",
                    port.get("name") or "",
                    port.get("protocol") or "TCP",
                    ip,
                    int(port.get("port") or 0),
                    int(port.get("nodePort") or 0),
                    tuple(endpoints),
                )
            )
    return rules


def _ready(slices: Iterable[Obj], port: Obj, namespace: str) -> list[Endpoint]:
    """The endpoints a Service port sends to: those of its slices that are ready, at the
    slice's port of the same name and protocol."""
    found = set()
    for slice_ in slices:
        number = next(
            (
                int(p.get("port") or 0)
                for p in slice_.get("ports") or []
                if (p.get("name") or "") == (port.get("name") or "")
                and (p.get("protocol") or "TCP") == (port.get("protocol") or "TCP")
            ),
            0,
        )
        if not number:
            continue
        for endpoint in slice_.get("endpoints") or []:
            if (endpoint.get("conditions") or {}).get("ready") is False:
                continue
            ref = endpoint.get("targetRef") or {}
            pod = f"{ref.get('namespace', namespace)}/{ref.get('name', '')}"
            for ip in endpoint.get("addresses") or []:
                found.add(Endpoint(pod, ip, number, endpoint.get("nodeName") or ""))
    return sorted(found, key=lambda e: (e.pod, e.ip, e.port))


def find(
    rules: list[ServicePort], ip: str, port: int, protocol: str, node_ips: Iterable[str] = ()
) -> ServicePort | None:
    """The rule a packet to ip:port matches: a ClusterIP and port (KUBE-SERVICES), or a node's
    address and a NodePort (KUBE-NODEPORTS)."""
    nodes = set(node_ips)
    for rule in rules:
        if rule.protocol != protocol:
            continue
        if (rule.cluster_ip, rule.port) == (ip, port):
            return rule
        if rule.node_port and rule.node_port == port and ip in nodes:
            return rule
    return None
