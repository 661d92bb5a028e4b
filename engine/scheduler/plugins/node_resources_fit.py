"""NodeResourcesFit: the node must have room for the pod's requests, and (the default
LeastAllocated strategy) emptier nodes score higher (plugins/noderesources/fit.go,
least_allocated.go, resource_allocation.go)."""

from __future__ import annotations

from typing import Any

from engine.scheduler.framework import (
    MAX_NODE_SCORE,
    NODE,
    POD,
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    Code,
    CycleState,
    EnqueueExtensions,
    FilterPlugin,
    PreFilterPlugin,
    PreFilterResult,
    PreScorePlugin,
    QueueingHint,
    ScorePlugin,
    Status,
)
from engine.scheduler.types import NodeInfo, PodInfo, Resource

PRE_FILTER_KEY = "PreFilterNodeResourcesFit"
PRE_SCORE_KEY = "PreScoreNodeResourcesFit"


def fits_request(request: Resource, node_info: NodeInfo) -> list[tuple[str, bool]]:
    """fitsRequest: every resource the node is short of, as (reason, unresolvable). A shortage
    is unresolvable when the pod asks for more than the whole node has: evicting pods cannot
    help, so preemption will not try."""
    allocatable, requested = node_info.allocatable, node_info.requested
    short: list[tuple[str, bool]] = []
    if len(node_info.pods) + 1 > allocatable.allowed_pod_number:
        short.append(("Too many pods", False))
    if request.is_zero():
        return short
    if request.milli_cpu and request.milli_cpu > allocatable.milli_cpu - requested.milli_cpu:
        short.append(("Insufficient cpu", request.milli_cpu > allocatable.milli_cpu))
    if request.memory and request.memory > allocatable.memory - requested.memory:
        short.append(("Insufficient memory", request.memory > allocatable.memory))
    if (
        request.ephemeral_storage
        and request.ephemeral_storage > allocatable.ephemeral_storage - requested.ephemeral_storage
    ):
        short.append(
            (
                "Insufficient ephemeral-storage",
                request.ephemeral_storage > allocatable.ephemeral_storage,
            )
        )
    for name, quantity in request.scalar.items():
        if not quantity:
            continue
        have = allocatable.scalar.get(name, 0)
        if quantity > have - requested.scalar.get(name, 0):
            short.append((f"Insufficient {name}", quantity > have))
    return short


def least_requested_score(requested: int, capacity: int) -> int:
    """leastRequestedScore: the free fraction of the node after placing the pod, 0..100."""
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


class NodeResourcesFit(
    PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions
):
    name = "NodeResourcesFit"

    def __init__(self) -> None:
        self._keys: dict[tuple[int, ...], tuple[int, ...]] = {}

    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        state[PRE_FILTER_KEY] = pod.spec.requests
        return None, None

    def filter(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> Status | None:
        request: Resource = state.get(PRE_FILTER_KEY) or pod.spec.requests
        short = fits_request(request, node_info)
        if not short:
            return None
        code = Code.UNSCHEDULABLE
        if any(unresolvable for _, unresolvable in short):
            code = Code.UNSCHEDULABLE_AND_UNRESOLVABLE
        return Status(code, *(reason for reason, _ in short))

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> list[tuple[int, Status]]:
        request: Resource = state.get(PRE_FILTER_KEY) or pod.spec.requests
        if request.scalar:
            return super().filter_nodes(state, pod, nodes)
        cpu, memory, storage = request.milli_cpu, request.memory, request.ephemeral_storage
        key = self._keys.setdefault((cpu, memory, storage), (cpu, memory, storage))
        # Only the nodes that changed since they last passed this request need a look.
        failed = []
        for i in [i for i, node in enumerate(nodes) if node.memo_fits_key is not key]:
            node = nodes[i]
            if (
                node.free_pods > 0
                and cpu <= node.free_milli_cpu
                and memory <= node.free_memory
                and storage <= node.free_ephemeral_storage
            ) or (status := self.filter(state, pod, node)) is None:
                node.memo_fits_key = key
            else:
                failed.append((i, status))
        return failed

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        # Scoring counts a container that requests nothing as 100m cpu and 200Mi memory.
        state[PRE_SCORE_KEY] = (pod.spec.non_zero_cpu, pod.spec.non_zero_memory)
        return None

    def score(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> int:
        return self.score_nodes(state, pod, [node_info])[0]

    def score_nodes(self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        """LeastAllocated over cpu and memory, weight 1 each; a resource the node does not
        have at all is left out of the average."""
        cpu, memory = state[PRE_SCORE_KEY]
        key = self._keys.setdefault((cpu, memory), (cpu, memory))  # one object per request
        scores = [node.memo_fit if node.memo_fit_key is key else None for node in nodes]
        if None not in scores:
            return scores  # type: ignore[return-value]
        for i, node in enumerate(nodes):
            if scores[i] is not None:
                continue
            allocatable, requested = node.allocatable, node.non_zero_requested
            total = weights = 0
            if allocatable.milli_cpu:
                total += least_requested_score(requested.milli_cpu + cpu, allocatable.milli_cpu)
                weights += 1
            if allocatable.memory:
                total += least_requested_score(requested.memory + memory, allocatable.memory)
                weights += 1
            scores[i] = node.memo_fit = total // weights if weights else 0
            node.memo_fit_key = key
        return scores  # type: ignore[return-value]

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(
                ClusterEvent(POD, ActionType.DELETE | ActionType.UPDATE_POD_SCALE_DOWN),
                self._after_pod_event,
            ),
            ClusterEventWithHint(
                ClusterEvent(NODE, ActionType.ADD | ActionType.UPDATE_NODE_ALLOCATABLE),
                self._after_node_change,
            ),
        ]

    @staticmethod
    def _after_pod_event(pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        if new is None:  # deleted: only a bound (or nominated) pod held resources
            if isinstance(old, PodInfo) and (old.node_name or old.nominated_node_name):
                return QueueingHint.QUEUE
            return QueueingHint.QUEUE_SKIP
        if not isinstance(old, PodInfo) or not isinstance(new, PodInfo):
            return QueueingHint.QUEUE
        if new.uid == pod.uid:
            return QueueingHint.QUEUE
        if not new.node_name:
            return QueueingHint.QUEUE_SKIP
        want, before, after = pod.spec.requests, old.spec.requests, new.spec.requests
        freed = (
            (want.milli_cpu and after.milli_cpu < before.milli_cpu)
            or (want.memory and after.memory < before.memory)
            or (want.ephemeral_storage and after.ephemeral_storage < before.ephemeral_storage)
        )
        return QueueingHint.QUEUE if freed else QueueingHint.QUEUE_SKIP

    @staticmethod
    def _after_node_change(pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        modified = NodeInfo(new["metadata"]["name"])
        modified.set_node(new)
        if fits_request(pod.spec.requests, modified):
            return QueueingHint.QUEUE_SKIP  # it would not fit even on the empty node
        if old is None:
            return QueueingHint.QUEUE
        original = NodeInfo(old["metadata"]["name"])
        original.set_node(old)
        a, b, want = original.allocatable, modified.allocatable, pod.spec.requests
        increased = (
            b.allowed_pod_number > a.allowed_pod_number
            or (want.milli_cpu and b.milli_cpu > a.milli_cpu)
            or (want.memory and b.memory > a.memory)
            or (want.ephemeral_storage and b.ephemeral_storage > a.ephemeral_storage)
            or any(q and b.scalar.get(n, 0) > a.scalar.get(n, 0) for n, q in want.scalar.items())
        )
        return QueueingHint.QUEUE if increased else QueueingHint.QUEUE_SKIP
