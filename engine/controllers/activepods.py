"""Which pods a ReplicaSet deletes first when it scales down: ActivePodsWithRanks.Less
(pkg/controller/controller_utils.go), with the LogarithmicScaleDown and PodDeletionCost
features on, as they are by default.

Smaller sorts first and is deleted first:
 1. unassigned before assigned;
 2. Pending before Unknown before Running;
 3. not ready before ready;
 4. lower controller.kubernetes.io/pod-deletion-cost before higher;
 5. more related ready pods on the same node before fewer ("doubled up");
 6. ready for less time before more, compared on a log2 scale of the age (ties: by UID);
 7. more container restarts before fewer;
 8. newer before older, on the same log2 scale (ties: by UID).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

from engine import timeutil
from engine.controllers.podutil import is_pod_active, is_pod_ready, pod_ready_time

Obj = dict[str, Any]

_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}
DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"


def _deletion_cost(pod: Obj) -> int:
    text = (pod["metadata"].get("annotations") or {}).get(DELETION_COST, "")
    try:
        return int(text)
    except ValueError:
        return 0


def _created(pod: Obj) -> float | None:
    stamp = pod["metadata"].get("creationTimestamp")
    return timeutil.parse_rfc3339(stamp) if stamp else None


def _max_restarts(pod: Obj) -> tuple[int, int]:
    """maxContainerRestarts: (regular containers, restartable init containers)."""
    status = pod.get("status") or {}
    regular = max(
        (c.get("restartCount", 0) for c in status.get("containerStatuses") or ()), default=0
    )
    sidecars = {
        c["name"]
        for c in pod.get("spec", {}).get("initContainers") or ()
        if c.get("restartPolicy") == "Always"
    }
    sidecar = max(
        (
            c.get("restartCount", 0)
            for c in status.get("initContainerStatuses") or ()
            if c.get("name") in sidecars
        ),
        default=0,
    )
    return regular, sidecar


def _log_rank(moment: float, now: float) -> int:
    """int64(math.Log2(float64(now - moment))) on nanoseconds, -1 for no age."""
    age = round((now - moment) * 1e9)
    return int(math.log2(age)) if age > 0 else -1


def _newer_first(t1: float | None, t2: float | None, uid1: str, uid2: str, now: float) -> int:
    """afterOrZero / logarithmicRankDiff: a zero time, then the newer one, sorts first."""
    if t1 is None or t2 is None:
        if (t1 is None) == (t2 is None):
            return 0
        return -1 if t1 is None else 1
    diff = _log_rank(t1, now) - _log_rank(t2, now)
    if diff == 0:
        return (uid1 > uid2) - (uid1 < uid2)
    return -1 if diff < 0 else 1


def _compare(a: tuple[Obj, int], b: tuple[Obj, int], now: float) -> int:
    pa, rank_a = a
    pb, rank_b = b
    node_a, node_b = pa.get("spec", {}).get("nodeName", ""), pb.get("spec", {}).get("nodeName", "")
    if node_a != node_b and (not node_a or not node_b):
        return -1 if not node_a else 1
    phase_a = _PHASE_ORDINAL.get((pa.get("status") or {}).get("phase", ""), 0)
    phase_b = _PHASE_ORDINAL.get((pb.get("status") or {}).get("phase", ""), 0)
    if phase_a != phase_b:
        return -1 if phase_a < phase_b else 1
    ready_a, ready_b = is_pod_ready(pa), is_pod_ready(pb)
    if ready_a != ready_b:
        return -1 if not ready_a else 1
    cost_a, cost_b = _deletion_cost(pa), _deletion_cost(pb)
    if cost_a != cost_b:
        return -1 if cost_a < cost_b else 1
    if rank_a != rank_b:
        return -1 if rank_a > rank_b else 1
    uid_a, uid_b = pa["metadata"].get("uid", ""), pb["metadata"].get("uid", "")
    if ready_a and ready_b:
        time_a, time_b = pod_ready_time(pa), pod_ready_time(pb)
        if time_a != time_b:
            order = _newer_first(time_a, time_b, uid_a, uid_b, now)
            if order:
                return order
    restarts_a, restarts_b = _max_restarts(pa), _max_restarts(pb)
    if restarts_a[0] != restarts_b[0]:
        return -1 if restarts_a[0] > restarts_b[0] else 1
    if restarts_a[1] != restarts_b[1]:
        return -1 if restarts_a[1] > restarts_b[1] else 1
    created_a, created_b = _created(pa), _created(pb)
    if created_a != created_b:
        return _newer_first(created_a, created_b, uid_a, uid_b, now)
    return 0


def rank_for_deletion(pods: Sequence[Obj], related: Sequence[Obj], now: float) -> list[Obj]:
    """getPodsRankedByRelatedPodsOnSameNode + sort: the pods in deletion order.

    `related` are the active pods of every ReplicaSet with the same owner; a pod's rank is how
    many of them share its node. The sort is stable where Go's is not, so ties keep their
    (deterministic) input order."""
    on_node: dict[str, int] = {}
    for pod in related:
        if is_pod_active(pod):
            node = pod.get("spec", {}).get("nodeName", "")
            on_node[node] = on_node.get(node, 0) + 1
    ranked = [(pod, on_node.get(pod.get("spec", {}).get("nodeName", ""), 0)) for pod in pods]

    def compare(a: tuple[Obj, int], b: tuple[Obj, int]) -> int:
        return _compare(a, b, now)

    return [pod for pod, _ in sorted(ranked, key=functools.cmp_to_key(compare))]
