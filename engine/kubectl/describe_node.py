"""`kubectl describe node`: conditions, addresses, capacity, system info, the Lease, and the
requests/limits of the pods running there as shares of allocatable.

Source: staging/src/k8s.io/kubectl/pkg/describe/describe.go (describeNode,
describeNodeLease, describeNodeResource, getPodsTotalRequestsAndLimits) and
staging/src/k8s.io/kubectl/pkg/util/resource/resource.go (PodRequestsAndLimits).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from engine.apimachinery.quantity import DECIMAL_SI, format_quantity, parse_quantity_with_format
from engine.apiserver.table_cells import node_roles
from engine.kubectl.describe_writer import (
    LEVEL_0,
    LEVEL_1,
    Obj,
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
    print_taints,
    rfc1123z,
    since,
    tabbed,
    time_text,
)


def describe_node(
    node: Obj,
    pods: list[Obj],
    events: list[Obj] | None,
    now: float,
    lease: Obj | None = None,
) -> str:
    """`kubectl describe node`; `pods` are the pods bound to it (terminated ones are dropped,
    as the describer's field selector does), `lease` its kube-node-lease Lease if any."""
    meta, spec, status = node.get("metadata", {}), node.get("spec", {}), node.get("status", {})
    name = meta.get("name", "")
    running = [
        p
        for p in pods
        if p.get("spec", {}).get("nodeName") == name
        and p.get("status", {}).get("phase") not in ("Succeeded", "Failed")
    ]

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{name}\n")
        w.write(LEVEL_0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(meta['creationTimestamp'])}\n")
        print_taints(w, "Taints", spec.get("taints"))
        w.write(LEVEL_0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
        _lease(w, name, lease)
        conditions = status.get("conditions") or []
        if conditions:
            w.write(
                LEVEL_0,
                "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime"
                "\tReason\tMessage\n",
            )
            w.write(
                LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n"
            )
            for c in conditions:
                w.write(
                    LEVEL_1,
                    f"{c.get('type', '')} \t{c.get('status', '')} \t"
                    f"{time_text(c.get('lastHeartbeatTime'))} \t"
                    f"{time_text(c.get('lastTransitionTime'))} \t"
                    f"{c.get('reason', '')} \t{c.get('message', '')}\n",
                )
        w.write(LEVEL_0, "Addresses:\n")
        for address in status.get("addresses") or []:
            w.write(LEVEL_1, f"{address.get('type', '')}:\t{address.get('address', '')}\n")
        for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
            resources = status.get(key) or {}
            if resources:
                w.write(LEVEL_0, f"{title}:\n")
                for resource in sorted(resources):
                    w.write(LEVEL_0, f"  {resource}:\t{_quantity_text(resources[resource])}\n")
        info = status.get("nodeInfo") or {}
        w.write(LEVEL_0, "System Info:\n")
        for title, key in (
            ("Machine ID", "machineID"),
            ("System UUID", "systemUUID"),
            ("Boot ID", "bootID"),
            ("Kernel Version", "kernelVersion"),
            ("OS Image", "osImage"),
            ("Operating System", "operatingSystem"),
            ("Architecture", "architecture"),
            ("Container Runtime Version", "containerRuntimeVersion"),
            ("Kubelet Version", "kubeletVersion"),
        ):
            # No "Kube-Proxy Version" line: kubectl 1.37 dropped it with the deprecated field.
            w.write(LEVEL_0, f"  {title}:\t{info.get(key, '')}\n")
        if spec.get("podCIDR"):
            w.write(LEVEL_0, f"PodCIDR:\t{spec['podCIDR']}\n")
        if spec.get("podCIDRs"):
            w.write(LEVEL_0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
        if spec.get("providerID"):
            w.write(LEVEL_0, f"ProviderID:\t{spec['providerID']}\n")
        _node_resources(w, node, running, now)
        describe_events(w, events, now)

    return tabbed(body)


def _lease(w: PrefixWriter, name: str, lease: Obj | None) -> None:
    """describeNodeLease, or the error line when the Lease could not be read."""
    if lease is None:
        w.write(
            LEVEL_0, f'Lease:\tFailed to get lease: leases.coordination.k8s.io "{name}" not found\n'
        )
        return
    spec = lease.get("spec") or {}
    w.write(LEVEL_0, "Lease:\n")
    holder = spec.get("holderIdentity")  # a pointer in Go: only nil reads <unset>
    w.write(LEVEL_1, f"HolderIdentity:\t{'<unset>' if holder is None else holder}\n")
    acquire = spec.get("acquireTime")
    w.write(LEVEL_1, f"AcquireTime:\t{rfc1123z(acquire) if acquire else '<unset>'}\n")
    renew = spec.get("renewTime")
    w.write(LEVEL_1, f"RenewTime:\t{rfc1123z(renew) if renew else '<unset>'}\n")


def _quantity_text(text: Any) -> str:
    value, fmt = parse_quantity_with_format(text)
    return format_quantity(value, fmt)


class _Sum:
    """A resource.Quantity being added to: keeps the first operand's format, as Quantity.Add."""

    def __init__(self) -> None:
        self.value = Fraction(0)
        self.fmt = ""

    def add(self, text: Any) -> None:
        value, fmt = parse_quantity_with_format(text)
        self.value += value
        self.fmt = self.fmt or fmt

    def set_max(self, other: _Sum) -> None:
        if other.value > self.value:
            self.value, self.fmt = other.value, other.fmt or self.fmt

    def __str__(self) -> str:
        return format_quantity(self.value, self.fmt or DECIMAL_SI)


def _pod_totals(pod: Obj, field: str) -> dict[str, _Sum]:
    """resourcehelper.PodRequestsAndLimits for one side (requests or limits): containers
    summed, sidecars added, then the max with each init container's needs, plus overhead."""
    spec = pod.get("spec", {})
    if (spec.get("resources") or {}).get(field):  # pod-level resources (1.32+)
        return _sum_lists([spec["resources"][field]])
    totals = _sum_lists(
        [(c.get("resources") or {}).get(field) or {} for c in spec.get("containers") or []]
    )
    sidecars: dict[str, _Sum] = {}
    init_max: dict[str, _Sum] = {}
    for container in spec.get("initContainers") or []:
        own = (container.get("resources") or {}).get(field) or {}
        if container.get("restartPolicy") == "Always":
            _add_into(totals, own)
            _add_into(sidecars, own)
            needed = sidecars
        else:
            needed = _sum_lists([own])
            for name, amount in sidecars.items():
                needed.setdefault(name, _Sum()).add(format_quantity(amount.value, amount.fmt))
        for name, amount in needed.items():
            init_max.setdefault(name, _Sum()).set_max(amount)
    for name, amount in init_max.items():
        totals.setdefault(name, _Sum()).set_max(amount)
    _add_into(totals, spec.get("overhead") or {})
    return totals


def _sum_lists(lists: list[dict[str, Any]]) -> dict[str, _Sum]:
    totals: dict[str, _Sum] = {}
    for resources in lists:
        _add_into(totals, resources)
    return totals


def _add_into(totals: dict[str, _Sum], resources: dict[str, Any]) -> None:
    for name, amount in resources.items():
        totals.setdefault(name, _Sum()).add(amount)


def _percent(part: Fraction | int, whole: Fraction | int) -> int:
    """int64(float64(part) / float64(whole) * 100), truncated toward zero."""
    if not whole:
        return 0
    return math.trunc(float(part) / float(whole) * 100)


def _node_resources(w: PrefixWriter, node: Obj, pods: list[Obj], now: float) -> None:
    """describeNodeResource: per-pod requests/limits as a share of allocatable, then totals."""
    status = node.get("status", {})
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    alloc = {name: parse_quantity_with_format(v)[0] for name, v in allocatable.items()}
    cpu_alloc = math.ceil(alloc.get("cpu", 0) * 1000)  # MilliValue
    mem_alloc = math.ceil(alloc.get("memory", 0))  # Value

    w.write(LEVEL_0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(
        LEVEL_1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    )
    w.write(
        LEVEL_1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    )
    all_requests: dict[str, _Sum] = {}
    all_limits: dict[str, _Sum] = {}
    for pod in pods:
        requests, limits = _pod_totals(pod, "requests"), _pod_totals(pod, "limits")
        for totals, own in ((all_requests, requests), (all_limits, limits)):
            for name, amount in own.items():
                totals.setdefault(name, _Sum()).add(format_quantity(amount.value, amount.fmt))
        cells = []
        for totals, name in (
            (requests, "cpu"),
            (limits, "cpu"),
            (requests, "memory"),
            (limits, "memory"),
        ):
            amount = totals.get(name, _Sum())
            scale = 1000 if name == "cpu" else 1
            whole = cpu_alloc if name == "cpu" else mem_alloc
            cells.append(f"{amount} ({_percent(math.ceil(amount.value * scale), whole)}%)")
        meta = pod.get("metadata", {})
        w.write(
            LEVEL_1,
            f"{meta.get('namespace', '')}\t{meta.get('name', '')}\t\t"
            f"{cells[0]}\t{cells[1]}\t{cells[2]}\t{cells[3]}\t"
            f"{since(meta.get('creationTimestamp'), now)}\n",
        )

    w.write(
        LEVEL_0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    )
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n")
    w.write(LEVEL_1, "--------\t--------\t------\n")
    for name in ("cpu", "memory", "ephemeral-storage"):
        scale = 1000 if name == "cpu" else 1
        whole = math.ceil(alloc.get(name, 0) * scale)
        req, lim = all_requests.get(name, _Sum()), all_limits.get(name, _Sum())
        w.write(
            LEVEL_1,
            f"{name}\t{req} ({_percent(math.ceil(req.value * scale), whole)}%)\t"
            f"{lim} ({_percent(math.ceil(lim.value * scale), whole)}%)\n",
        )
    hugepages = sorted(n for n in allocatable if n.startswith("hugepages-"))
    extended = sorted(
        n
        for n in allocatable
        if not n.startswith("hugepages-")
        and n not in ("cpu", "memory", "ephemeral-storage", "pods")
    )
    for name in hugepages:
        req, lim = all_requests.get(name, _Sum()), all_limits.get(name, _Sum())
        whole = math.ceil(alloc[name])
        w.write(
            LEVEL_1,
            f"{name}\t{req} ({_percent(math.ceil(req.value), whole)}%)\t"
            f"{lim} ({_percent(math.ceil(lim.value), whole)}%)\n",
        )
    for name in extended:
        w.write(
            LEVEL_1, f"{name}\t{all_requests.get(name, _Sum())}\t{all_limits.get(name, _Sum())}\n"
        )
