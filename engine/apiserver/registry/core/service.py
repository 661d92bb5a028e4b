"""Services: pkg/registry/core/service/strategy.go and storage/storage.go. What sets a Service
apart is that storing one allocates: a cluster IP from the service CIDR and, for NodePort and
LoadBalancer services, node ports (service_alloc.py), before it is validated."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from engine.apimachinery.labels import format_labels
from engine.apiserver import fieldorder, tables
from engine.apiserver.registry.core.service_alloc import (
    needs_cluster_ip,
    needs_health_check_port,
    needs_node_ports,
)
from engine.apiserver.registry.strategy import Finish, Strategy
from engine.apiserver.service_defaults import externally_accessible
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.service import validate_service

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

Obj = dict[str, Any]


def normalize_cluster_ips(new: Obj, old: Obj | None) -> None:
    """storage.go normalizeClusterIPs: keep clusterIP and clusterIPs in step for clients that
    set only the first (kubectl's own `create service --clusterip` does)."""
    spec = new.get("spec") or {}
    ip, ips = spec.get("clusterIP") or "", spec.get("clusterIPs") or []
    if old is None:
        if ip and not ips:
            spec["clusterIPs"] = [ip]
        return
    old_spec = old.get("spec") or {}
    old_ip, old_ips = old_spec.get("clusterIP") or "", old_spec.get("clusterIPs") or []
    if old_ips and not ips and old_ip == ip:
        spec["clusterIPs"] = ips = old_ips
    if old_ip != ip:
        if old_ip and not ip:
            if ips == old_ips:
                spec.pop("clusterIPs", None)
        elif ips == old_ips:
            spec["clusterIPs"] = [ip]


def patch_allocated_values(new: Obj, old: Obj) -> None:
    """storage.go patchAllocatedValues: an update that leaves out what was allocated (a
    re-applied manifest without clusterIP or nodePort) keeps it."""
    spec, old_spec = new.setdefault("spec", {}), old.get("spec") or {}
    if needs_cluster_ip(old_spec) and needs_cluster_ip(spec):
        if not spec.get("clusterIP") and old_spec.get("clusterIP"):
            spec["clusterIP"] = old_spec["clusterIP"]
        if not spec.get("clusterIPs") and old_spec.get("clusterIPs"):
            spec["clusterIPs"] = old_spec["clusterIPs"]
    if needs_node_ports(old_spec) and needs_node_ports(spec):
        ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
        old_ports = old_spec.get("ports") or []
        used = {p.get("nodePort") for p in old_ports} & {p.get("nodePort") for p in ports}
        by_name = {p.get("name", ""): p.get("nodePort") for p in old_ports}
        for port in ports:
            if not port.get("nodePort"):
                value = by_name.get(port.get("name", ""))
                if value and value not in used:
                    port["nodePort"] = value
    if (
        needs_health_check_port(old_spec)
        and needs_health_check_port(spec)
        and not spec.get("healthCheckNodePort")
    ):
        spec["healthCheckNodePort"] = old_spec.get("healthCheckNodePort")


def drop_type_dependent_fields(new: Obj, old: Obj) -> None:
    """strategy.go dropTypeDependentFields: on a change of type, what the old type had and the
    new one does not need goes, unless the client changed it."""
    spec, old_spec = new["spec"], old.get("spec") or {}

    def lost(needs: Callable[[Obj], bool]) -> bool:
        return needs(old_spec) and not needs(spec)

    def drop_unchanged(*keys: str) -> None:
        for key in keys:
            if spec.get(key) == old_spec.get(key):
                spec.pop(key, None)

    if lost(needs_cluster_ip):
        drop_unchanged("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy")
    ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
    old_node_ports = [p.get("nodePort") for p in old_spec.get("ports") or []]
    if lost(needs_node_ports) and [p.get("nodePort") for p in ports] == old_node_ports:
        for port in ports:
            port.pop("nodePort", None)
    if lost(needs_health_check_port):
        drop_unchanged("healthCheckNodePort")
    if lost(lambda s: s.get("type") == "LoadBalancer"):
        drop_unchanged("allocateLoadBalancerNodePorts")
    if lost(externally_accessible):
        drop_unchanged("externalTrafficPolicy")


class ServiceStrategy(Strategy):
    resource_name = "services"
    printer = tables.SERVICE

    def prepare_for_create(self, obj: Obj) -> None:
        obj.pop("status", None)  # PrepareForCreate: service.Status = api.ServiceStatus{}

    def begin_write(self, api: APIServer, obj: Obj, old: Obj | None, dry_run: bool) -> Finish:
        """beginCreate / beginUpdate: the cluster IP and node ports allocated (or kept)."""
        if old is not None:
            drop_type_dependent_fields(obj, old)
            patch_allocated_values(obj, old)
        normalize_cluster_ips(obj, old)
        finish = api.service_allocator.allocate(obj, old, dry_run)
        fieldorder.order_like_go("Service", obj)  # the allocated fields where Go writes them
        return finish

    def validate_object(self, obj: Obj, old: Obj | None) -> Errors:
        return validate_service(obj, old)

    def deleted_story(self, obj: Obj, at_once: bool) -> str:
        return ": its cluster IP and node ports are free for other Services again"

    def stored_story(self, obj: Obj) -> str:
        spec = obj.get("spec") or {}
        if spec.get("type") == "ExternalName":
            return f": its DNS name will be an alias of {spec.get('externalName', '')}"
        ip = spec.get("clusterIP", "")
        got = "it is headless (no cluster IP)" if ip == "None" else f"it got cluster IP {ip}"
        node_ports = [str(p["nodePort"]) for p in spec.get("ports") or [] if p.get("nodePort")]
        if node_ports:
            got += f" and node port {', '.join(node_ports)} on every node"
        selector = spec.get("selector")
        if not selector:
            return f": {got}; it has no selector, so it sends traffic to no pod by itself"
        return f": {got}; traffic to it will go to pods labelled {format_labels(selector)}"
