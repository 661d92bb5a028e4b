"""Cluster IPs and node ports for Services, as kube-apiserver allocates them when it stores one
(pkg/registry/core/service/storage/alloc.go, ipallocator, portallocator).

This cluster is single-stack IPv4: service CIDR 10.96.0.0/12 (kube-apiserver's
--service-cluster-ip-range as kubeadm sets it) and node ports 30000-32767 (the default
--service-node-port-range). What is taken is read from the Services in etcd, so deleting a
Service releases its IP and ports; the values handed out to writes still on their way to etcd
are held until they land. Free values are drawn from a generator seeded with the cluster's seed:
the same seed gives the same IPs.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable
from typing import Any

from engine.apimachinery import errors, field
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.service import (
    has_selector,
    is_headless,
    validate_cluster_ip_fields,
)

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
NODE_PORTS = range(30000, 32768)
NODE_PORT_RANGE = "30000-32767"
KUBERNETES_SERVICE_IP = "10.96.0.1"  # the first address: the `kubernetes` Service's
# ipallocator/bitmap.go and portallocator: min(max(16, size/step), cap) values at the bottom of
# the range are kept for the values users ask for; dynamic ones are drawn above them first.
_IP_OFFSET = min(max(16, (SERVICE_CIDR.num_addresses - 2) // 16), 256)
_PORT_OFFSET = min(max(16, len(NODE_PORTS) // 32), 128)
# ipallocator/interfaces.go and portallocator/allocator.go
IP_ALLOCATED = "provided IP is already allocated"
PORT_ALLOCATED = "provided port is already allocated"

Obj = dict[str, Any]
Finish = Callable[[], None]


def needs_cluster_ip(spec: Obj) -> bool:
    return spec.get("type") != "ExternalName" and spec.get("clusterIP") != "None"


def needs_node_ports(spec: Obj) -> bool:
    """alloc.go: NodePort services, and LoadBalancers unless allocateLoadBalancerNodePorts is
    false."""
    kind = spec.get("type")
    return kind == "NodePort" or (
        kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is not False
    )


def needs_health_check_port(spec: Obj) -> bool:
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


class ServiceAllocator:
    """The service IP and node port allocators of one API server."""

    def __init__(self, services: Callable[[], list[Obj]], rng: random.Random) -> None:
        self.services = services  # the stored Services
        self.rng = rng
        self.held_ips: set[str] = set()
        self.held_ports: set[int] = set()

    # ---- what is taken -----------------------------------------------------------------------
    def _taken(self, skip: str = "") -> tuple[set[str], set[int]]:
        """The IPs and node ports of the stored Services (but `skip`'s, by uid), and the held."""
        ips, ports = set(self.held_ips), set(self.held_ports)
        for svc in self.services():
            if skip and svc["metadata"].get("uid") == skip:
                continue
            spec = svc.get("spec") or {}
            ips.update(ip for ip in spec.get("clusterIPs") or [] if ip != "None")
            ports.update(p.get("nodePort") for p in spec.get("ports") or [] if p.get("nodePort"))
            if spec.get("healthCheckNodePort"):
                ports.add(spec["healthCheckNodePort"])
        return ips, ports

    # ---- create and update -------------------------------------------------------------------
    def allocate(self, svc: Obj, old: Obj | None, dry_run: bool) -> Finish:
        """allocateCreate / allocateUpdate: fill in the IP families, the cluster IP and the
        node ports; raise a 422 for a value already taken. Returns what to call once the
        write is over (it lets go of the values held meanwhile)."""
        spec = svc["spec"]
        name = svc["metadata"].get("name", "")
        problems = _init_ip_families(spec, (old or {}).get("spec"))
        if problems:
            raise errors.invalid("Service", name, problems)
        old_ips = ((old or {}).get("spec") or {}).get("clusterIPs") or []
        taken_ips, taken_ports = self._taken(skip=(old or {}).get("metadata", {}).get("uid", ""))
        held_ips: set[str] = set()
        held_ports: set[int] = set()
        if needs_cluster_ip(spec) and not spec.get("clusterIPs"):
            ip = self._next_ip(taken_ips)
            spec["clusterIP"], spec["clusterIPs"] = ip, [ip]
            held_ips.add(ip)
        elif needs_cluster_ip(spec) and spec["clusterIPs"][0] not in old_ips:
            ip = spec["clusterIPs"][0]
            problem = _check_ip(ip, taken_ips)
            if problem:
                # alloc.go allocIPs
                detail = f"failed to allocate IP {ip}: {problem}"
                bad = field.invalid("spec.clusterIPs", spec["clusterIPs"], detail)
                raise errors.invalid("Service", name, [bad])
            held_ips.add(ip)
        held_ports = self._node_ports(name, spec, old, taken_ports)
        if not dry_run:
            self.held_ips |= held_ips
            self.held_ports |= held_ports

        def finish() -> None:
            self.held_ips -= held_ips
            self.held_ports -= held_ports

        return finish

    def _node_ports(self, name: str, spec: Obj, old: Obj | None, taken: set[int]) -> set[int]:
        """allocNodePorts: each port's nodePort, asked for or drawn; a port number served on
        two protocols shares one node port."""
        old_ports = {
            p.get("nodePort")
            for p in ((old or {}).get("spec") or {}).get("ports") or []
            if p.get("nodePort")
        }
        held: set[int] = set()
        if needs_node_ports(spec):
            by_port: dict[int, int] = {}
            for index, port in enumerate(spec.get("ports") or []):
                wanted = port.get("nodePort")
                if wanted:
                    if wanted not in old_ports and wanted not in held:
                        _claim_port(name, wanted, taken, f"spec.ports[{index}].nodePort")
                        held.add(wanted)
                else:
                    number = port.get("port")
                    if number not in by_port:
                        by_port[number] = self._next_port(taken | held)
                        held.add(by_port[number])
                    port["nodePort"] = by_port[number]
                by_port.setdefault(port.get("port"), port["nodePort"])
        if needs_health_check_port(spec):
            wanted = spec.get("healthCheckNodePort")
            old_check = ((old or {}).get("spec") or {}).get("healthCheckNodePort")
            if not wanted:
                spec["healthCheckNodePort"] = self._next_port(taken | held)
                held.add(spec["healthCheckNodePort"])
            elif wanted != old_check:
                _claim_port(name, wanted, taken | held, "spec.healthCheckNodePort")
                held.add(wanted)
        return held

    def _next_ip(self, taken: set[str]) -> str:
        """ipallocator AllocateNext: a random start above the reserved band, then the next
        free address; the reserved band only once the rest is full."""
        first = int(SERVICE_CIDR.network_address) + 1
        size = SERVICE_CIDR.num_addresses - 2  # no network or broadcast address
        upper = size - _IP_OFFSET
        start = self.rng.randrange(upper)
        for step in range(size):
            offset = _IP_OFFSET + (start + step) % upper if step < upper else step - upper
            ip = str(ipaddress.ip_address(first + offset))
            if ip not in taken:
                return ip
        raise errors.internal("failed to allocate a serviceIP: range is full")

    def _next_port(self, taken: set[int]) -> int:
        """portallocator AllocateNext: as for IPs, above the band kept for asked-for ports."""
        upper = len(NODE_PORTS) - _PORT_OFFSET
        start = self.rng.randrange(upper)
        for step in range(len(NODE_PORTS)):
            offset = _PORT_OFFSET + (start + step) % upper if step < upper else step - upper
            port = NODE_PORTS[offset]
            if port not in taken:
                return port
        raise errors.internal("failed to allocate a nodePort: range is full")


def _check_ip(ip: str, taken: set[str]) -> str:
    if ipaddress.ip_address(ip) not in SERVICE_CIDR or ip in (
        str(SERVICE_CIDR.network_address),
        str(SERVICE_CIDR.broadcast_address),
    ):
        return f"provided IP {ip} is not in the valid range"
    return IP_ALLOCATED if ip in taken else ""


def _claim_port(name: str, port: int, taken: set[int], path: str) -> None:
    """portallocator Allocate: a node port asked for must be in range and free."""
    if port not in NODE_PORTS:
        detail = (
            "provided port is not in the valid range. "
            f"The range of valid ports is {NODE_PORT_RANGE}"
        )
    elif port in taken:
        detail = PORT_ALLOCATED
    else:
        return
    raise errors.invalid("Service", name, [field.invalid(path, port, detail)])


def _init_ip_families(spec: Obj, old: Obj | None) -> Errors:
    """alloc.go initIPFamilyFields on a single-stack IPv4 cluster, after its loose
    pre-validation (ValidateServiceClusterIPsRelatedFields)."""
    if spec.get("type") == "ExternalName":
        return []
    headless_without_selector = is_headless(spec) and not has_selector(spec)
    if not spec.get("ipFamilyPolicy"):
        if old and old.get("ipFamilyPolicy"):
            spec["ipFamilyPolicy"] = old["ipFamilyPolicy"]
        else:
            # Headless services without a selector default to dual-stack.
            spec["ipFamilyPolicy"] = (
                "RequireDualStack" if headless_without_selector else "SingleStack"
            )
    problems = validate_cluster_ip_fields(spec)
    if problems:
        return problems
    families = spec.setdefault("ipFamilies", [])
    for index, ip in enumerate(spec.get("clusterIPs") or []):
        if ip == "None":
            break
        family = f"IPv{ipaddress.ip_address(ip).version}"
        if index >= len(families):
            if family != "IPv4":
                detail = f"{family} is not configured on this cluster"
                return [field.invalid(f"spec.clusterIPs[{index}]", spec["clusterIPs"], detail)]
            families.append(family)
    if headless_without_selector:
        if not families:
            families.append("IPv4")
        if len(families) < 2 and spec["ipFamilyPolicy"] != "SingleStack":
            families.append("IPv6" if families[0] == "IPv4" else "IPv4")
        return []
    problems = []
    if spec["ipFamilyPolicy"] == "RequireDualStack":
        detail = "this cluster is not configured for dual-stack services"
        problems.append(field.invalid("spec.ipFamilyPolicy", spec["ipFamilyPolicy"], detail))
    for index, family in enumerate(families):
        if family != "IPv4":
            path = f"spec.ipFamilies[{index}]"
            problems.append(field.invalid(path, family, "not configured on this cluster"))
    if not families:
        families.append("IPv4")
    return problems
