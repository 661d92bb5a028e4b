"""Kubelet admission (pkg/kubelet/lifecycle/predicate.go): does the pod fit what is left of
the node? The scheduler checked already, but the kubelet checks again — a pod created with
spec.nodeName set bypasses the scheduler, and the kubelet rejects it if it does not fit.

Rejection makes the pod Failed with reason `OutOf<resource>` and message
`Pod was rejected: Node didn't have enough resource: cpu, requested: 5000, used: 200,
capacity: 4000` (InsufficientResourceError, pkg/kubelet/kubelet.go rejectPod).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.apimachinery.quantity import cpu_millis, to_bytes

Obj = dict[str, Any]


def pod_requests(pod: Obj) -> dict[str, int]:
    """resourcehelper.PodRequests: the sum over app containers, or the largest init container
    if that is more (they run one at a time, before the app), plus the pod overhead."""
    spec = pod.get("spec") or {}

    def of(container: Obj) -> dict[str, int]:
        requests = (container.get("resources") or {}).get("requests") or {}
        return {
            "cpu": cpu_millis(requests["cpu"]) if "cpu" in requests else 0,
            "memory": to_bytes(requests["memory"]) if "memory" in requests else 0,
            "ephemeral-storage": to_bytes(requests["ephemeral-storage"])
            if "ephemeral-storage" in requests
            else 0,
        }

    total = {"cpu": 0, "memory": 0, "ephemeral-storage": 0}
    sidecars = {"cpu": 0, "memory": 0, "ephemeral-storage": 0}
    for container in spec.get("containers") or []:
        for key, value in of(container).items():
            total[key] += value
    for container in spec.get("initContainers") or []:
        need = of(container)
        if container.get("restartPolicy") == "Always":
            for key, value in need.items():
                sidecars[key] += value
                total[key] += value
            continue
        for key, value in need.items():
            total[key] = max(total[key], value + sidecars[key])
    overhead = spec.get("overhead") or {}
    if "cpu" in overhead:
        total["cpu"] += cpu_millis(overhead["cpu"])
    if "memory" in overhead:
        total["memory"] += to_bytes(overhead["memory"])
    return total


def admit(
    pod: Obj,
    active: list[Obj],
    allocatable: dict[str, str],
    requests_of: Callable[[Obj], dict[str, int]] = pod_requests,
) -> tuple[str, str] | None:
    """None if the pod fits; else (reason, message) of the first resource that does not."""
    pods_allowed = int(allocatable.get("pods", "110"))
    if len(active) + 1 > pods_allowed:
        return _insufficient("pods", 1, len(active), pods_allowed)
    need = requests_of(pod)
    used = {"cpu": 0, "memory": 0, "ephemeral-storage": 0}
    for other in active:
        for key, value in requests_of(other).items():
            used[key] += value
    capacity = {
        "cpu": cpu_millis(allocatable.get("cpu", "0")),
        "memory": to_bytes(allocatable.get("memory", "0")),
        "ephemeral-storage": to_bytes(allocatable.get("ephemeral-storage", "0")),
    }
    for key in ("cpu", "memory", "ephemeral-storage"):
        if need[key] and need[key] > capacity[key] - used[key]:
            return _insufficient(key, need[key], used[key], capacity[key])
    return None


def _insufficient(resource: str, requested: int, used: int, capacity: int) -> tuple[str, str]:
    return (
        f"OutOf{resource}",
        f"Node didn't have enough resource: {resource}, requested: {requested}, "
        f"used: {used}, capacity: {capacity}",
    )
