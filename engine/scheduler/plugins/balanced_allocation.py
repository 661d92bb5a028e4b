"""NodeResourcesBalancedAllocation: prefer nodes whose cpu and memory would be used in equal
proportion after placing the pod (plugins/noderesources/balanced_allocation.go)."""

from __future__ import annotations

import math

from engine.scheduler.framework import (
    MAX_NODE_SCORE,
    SKIP,
    CycleState,
    PreScorePlugin,
    ScorePlugin,
    Status,
)
from engine.scheduler.types import NodeInfo, PodInfo

PRE_SCORE_KEY = "PreScoreNodeResourcesBalancedAllocation"


def balanced_resource_score(requested: list[int], allocatable: list[int]) -> int:
    """(1 - standard deviation of the used fractions) * 100; with two resources the standard
    deviation is simply |f1 - f2| / 2."""
    fractions = [
        min(req / alloc, 1.0) for req, alloc in zip(requested, allocatable, strict=True) if alloc
    ]
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = sum(fractions) / len(fractions)
        std = math.sqrt(sum((f - mean) ** 2 for f in fractions) / len(fractions))
    return int((1 - std) * MAX_NODE_SCORE)


class NodeResourcesBalancedAllocation(PreScorePlugin, ScorePlugin):
    name = "NodeResourcesBalancedAllocation"

    def __init__(self) -> None:
        self._keys: dict[tuple[int, int], tuple[int, int]] = {}

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        # The pod's own requests, without the defaults scoring gives empty containers.
        cpu, memory = pod.spec.requests.milli_cpu, pod.spec.requests.memory
        if not cpu and not memory:
            # Best-effort pods are not balanced, or they would all pile onto one node
            # (kubernetes/kubernetes#129138).
            return SKIP
        state[PRE_SCORE_KEY] = (cpu, memory)
        return None

    def score(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> int:
        return self.score_nodes(state, pod, [node_info])[0]

    def score_nodes(self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        cpu, memory = state[PRE_SCORE_KEY]
        key = self._keys.setdefault((cpu, memory), (cpu, memory))  # one object per request
        scores = [node.memo_balanced if node.memo_balanced_key is key else None for node in nodes]
        if None not in scores:
            return scores  # type: ignore[return-value]
        for i, node in enumerate(nodes):
            score = scores[i]
            if score is None:
                alloc_cpu, alloc_mem = node.allocatable.milli_cpu, node.allocatable.memory
                if alloc_cpu and alloc_mem:  # the usual case, inline
                    f_cpu = min((node.requested.milli_cpu + cpu) / alloc_cpu, 1.0)
                    f_mem = min((node.requested.memory + memory) / alloc_mem, 1.0)
                    score = int((1 - abs((f_cpu - f_mem) / 2)) * MAX_NODE_SCORE)
                else:
                    score = balanced_resource_score(
                        [node.requested.milli_cpu + cpu, node.requested.memory + memory],
                        [alloc_cpu, alloc_mem],
                    )
                scores[i] = node.memo_balanced = score
                node.memo_balanced_key = key
        return scores  # type: ignore[return-value]
