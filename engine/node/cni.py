"""The node's CNI plugin: a bridge with host-local IPAM over the node's spec.podCIDR
(containernetworking/plugins plugins/main/bridge and plugins/ipam/host-local).

host-local hands out addresses in order from the range, skipping the gateway (.1) — so the
first pod on node-1 (10.244.1.0/24) gets 10.244.1.2 — and goes on from the last address it
reserved rather than reusing a freed one at once (allocator.go RangeIter). ADD and DEL are
trace events from the container runtime to `cni/<node>` and back.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.trace import ObjectRef, Step

if TYPE_CHECKING:
    from engine.context import Context

Gen = Generator[Any, Any, Any]

NETWORK_NAME = "kindnet"  # the CNI network kind clusters configure (bridge + host-local)


class CNIError(Exception):
    pass


class CNIPlugin:
    def __init__(self, context: Context, node_name: str) -> None:
        self.context = context
        self.id = f"cni/{node_name}"
        self.network = ipaddress.ip_network("0.0.0.0/32")
        self.configured = False
        self.allocated: dict[str, str] = {}  # sandbox id -> IP
        self._in_use: set[int] = set()
        self._last_reserved: int | None = None

    def configure(self, pod_cidr: str) -> None:
        """Write the CNI config for the node's spec.podCIDR (what kindnet does on each node)."""
        if self.configured or not pod_cidr:
            return
        try:
            self.network = ipaddress.ip_network(pod_cidr, strict=False)
        except ValueError:
            return  # no usable range: sandboxes fail with "cni plugin not initialized"
        self.configured = True

    @property
    def gateway(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        return self.network.network_address + 1

    @property
    def range_start(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        return self.network.network_address + 1

    @property
    def range_end(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        return self.network.broadcast_address - 1

    def add(self, runtime_id: str, sandbox_id: str, pod: ObjectRef) -> Gen:
        """CNI ADD for a new sandbox: wire eth0 and allocate its IP. Returns the IP."""
        half = self.context.timings.cni_add / 2
        trace = self.context.trace
        trace.emit(
            runtime_id,
            self.id,
            "cni-add",
            f"ADD eth0 for pod {pod.namespace}/{pod.name}",
            step=Step.RUN,
            obj=pod,
            duration=half,
            data={
                "command": "ADD",
                "containerID": sandbox_id,
                "ifName": "eth0",
                "netns": f"/var/run/netns/cni-{sandbox_id[:8]}",
                "network": NETWORK_NAME,
            },
        )
        yield half
        try:
            ip = self._allocate(sandbox_id)
        except CNIError as error:
            trace.emit(
                self.id,
                runtime_id,
                "cni-reply",
                f"ADD failed: {error}",
                step=Step.RUN,
                obj=pod,
                duration=half,
                data={"error": str(error)},
            )
            yield half
            raise
        trace.emit(
            self.id,
            runtime_id,
            "cni-reply",
            f"eth0 is {ip}/{self.network.prefixlen} (host-local from {self.network})",
            step=Step.RUN,
            obj=pod,
            duration=half,
            data={
                "ip": f"{ip}/{self.network.prefixlen}",
                "gateway": str(self.gateway),
                "ipam": "host-local",
                "range": str(self.network),
            },
        )
        yield half
        return ip

    def delete(self, runtime_id: str, sandbox_id: str, pod: ObjectRef) -> Gen:
        """CNI DEL: tear down eth0 and release the IP."""
        half = self.context.timings.cni_add / 2
        ip = self.allocated.get(sandbox_id, "")
        self.context.trace.emit(
            runtime_id,
            self.id,
            "cni-del",
            f"DEL eth0 for pod {pod.namespace}/{pod.name}" + (f" (release {ip})" if ip else ""),
            step=Step.RUN,
            obj=pod,
            duration=half,
            data={"command": "DEL", "containerID": sandbox_id, "ifName": "eth0", "ip": ip},
        )
        yield half
        self._release(sandbox_id)
        self.context.trace.emit(
            self.id,
            runtime_id,
            "cni-reply",
            "DEL done",
            step=Step.RUN,
            obj=pod,
            duration=half,
        )
        yield half

    def _allocate(self, sandbox_id: str) -> str:
        if not self.configured:
            raise CNIError("cni plugin not initialized: no network config found in /etc/cni/net.d")
        start, end = int(self.range_start), int(self.range_end)
        size = end - start + 1
        first = start if self._last_reserved is None else self._last_reserved + 1
        for step in range(size):
            candidate = start + (first - start + step) % size
            if candidate == int(self.gateway) or candidate in self._in_use:
                continue
            self._in_use.add(candidate)
            self._last_reserved = candidate
            ip = str(ipaddress.ip_address(candidate))
            self.allocated[sandbox_id] = ip
            return ip
        raise CNIError(
            "failed to allocate for range 0: no IP addresses available in range set: "
            f"{self.range_start}-{self.range_end}"
        )

    def _release(self, sandbox_id: str) -> None:
        ip = self.allocated.pop(sandbox_id, None)
        if ip is not None:
            self._in_use.discard(int(ipaddress.ip_address(ip)))
