"""TaintToleration: a node's NoSchedule/NoExecute taints keep out every pod that does not
tolerate them; PreferNoSchedule taints only lower the node's score
(plugins/tainttoleration/taint_toleration.go)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.scheduler.cache import PREFER_NO_SCHEDULE, TAINTED
from engine.scheduler.framework import (
    MAX_NODE_SCORE,
    ClusterEventWithHint,
    Code,
    CycleState,
    EnqueueExtensions,
    FilterPlugin,
    PreScorePlugin,
    QueueingHint,
    ScorePlugin,
    Status,
    default_normalize_score,
)
from engine.scheduler.plugins.helper import (
    find_untolerated_taint,
    taint_and_toleration_events,
    tolerations_tolerate_taint,
)
from engine.scheduler.types import NodeInfo, PodInfo

if TYPE_CHECKING:
    from engine.scheduler.framework import Handle

# Since PR #134740 (1.35, backported to 1.34) the taint is no longer named in the reason.
ERR_REASON_UNTOLERATED = "node(s) had untolerated taint(s)"
PRE_SCORE_KEY = "PreScoreTaintToleration"
_DO_NOT_SCHEDULE = ("NoSchedule", "NoExecute")


def _untolerated(node: dict[str, Any], pod: PodInfo) -> bool:
    taints = [
        t
        for t in (node.get("spec") or {}).get("taints") or []
        if t.get("effect") in _DO_NOT_SCHEDULE
    ]
    return find_untolerated_taint(taints, pod.spec.tolerations) is not None


class TaintToleration(FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions):
    name = "TaintToleration"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    def filter(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> Status | None:
        if not node_info.taints:
            return None
        if find_untolerated_taint(node_info.taints, pod.spec.tolerations) is None:
            return None
        return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_UNTOLERATED)

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> list[tuple[int, Status]]:
        if not self.handle.cache.special_nodes[TAINTED]:
            return []  # no node has a NoSchedule or NoExecute taint
        return [
            (i, status)
            for i, node in enumerate(nodes)
            if node.taints and (status := self.filter(state, pod, node)) is not None
        ]

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        # An empty effect tolerates every effect, PreferNoSchedule included.
        state[PRE_SCORE_KEY] = [
            t for t in pod.spec.tolerations if t.get("effect", "") in ("", "PreferNoSchedule")
        ]
        return None

    def score(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> int:
        tolerations = state[PRE_SCORE_KEY]
        return sum(
            1
            for taint in node_info.prefer_no_schedule_taints
            if not tolerations_tolerate_taint(tolerations, taint)
        )

    def score_nodes(self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        if not self.handle.cache.special_nodes[PREFER_NO_SCHEDULE]:
            return [0] * len(nodes)
        return [self.score(state, pod, n) if n.prefer_no_schedule_taints else 0 for n in nodes]

    def normalize_score(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo], scores: list[int]
    ) -> None:
        # More intolerable taints, lower score.
        default_normalize_score(MAX_NODE_SCORE, True, scores)

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return taint_and_toleration_events(self._after_node_change, self._after_toleration_change)

    @staticmethod
    def _after_node_change(pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        was_untolerated = old is None or _untolerated(old, pod)
        if was_untolerated and not _untolerated(new, pod):
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP

    @staticmethod
    def _after_toleration_change(pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        if isinstance(new, PodInfo) and new.uid == pod.uid:
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP
