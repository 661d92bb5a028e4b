"""What CoreDNS serves for the cluster domain: its `kubernetes` plugin (plugin/kubernetes
kubernetes.go Records, the Corefile's `kubernetes cluster.local ... { pods insecure }`), read
from what its informers hold (Services, EndpointSlices).

- <service>.<namespace>.svc.cluster.local: an A record with the Service's ClusterIP, or for a
  headless Service (clusterIP None) one per ready endpoint address;
- <hostname>.<service>.<namespace>.svc.cluster.local: the ready endpoint the EndpointSlice
  controller gave that hostname (a StatefulSet's pod, under its governing headless Service);
- <a-b-c-d>.<namespace>.pod.cluster.local: `pods insecure` answers the address the name spells.

Any other name is NXDOMAIN (its `forward` to the node's resolver leads nowhere: Podlife's
cluster has no world outside).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from engine.proxy.rules import SERVICE_NAME_LABEL

Obj = dict[str, Any]
DOMAIN = "cluster.local"


def records(fqdn: str, objects: Callable[[str], list[Obj]]) -> list[str] | None:
    """The A records' addresses, or None for NXDOMAIN."""
    parts = fqdn.rstrip(".").split(".")
    if ".".join(parts[2:]) == f"pod.{DOMAIN}" and len(parts) == 5:
        ip = parts[0].replace("-", ".")
        try:
            ipaddress.IPv4Address(ip)
        except ValueError:
            return None
        return [ip]
    hostname = parts.pop(0) if len(parts) == 6 else ""
    if len(parts) != 5 or ".".join(parts[2:]) != f"svc.{DOMAIN}":
        return None
    name, namespace = parts[0], parts[1]
    service = next(
        (
            s
            for s in objects("services")
            if s["metadata"]["name"] == name and s["metadata"].get("namespace") == namespace
        ),
        None,
    )
    if service is None:
        return None
    ip = (service.get("spec") or {}).get("clusterIP", "")
    if ip and ip != "None" and not hostname:
        return [ip]
    ready = sorted(
        {
            address
            for slice_ in objects("endpointslices")
            if slice_["metadata"].get("namespace") == namespace
            and (slice_["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL) == name
            for endpoint in slice_.get("endpoints") or []
            if (endpoint.get("conditions") or {}).get("ready") is not False
            and (not hostname or endpoint.get("hostname") == hostname)
            for address in endpoint.get("addresses") or []
        }
    )
    return ready or None
