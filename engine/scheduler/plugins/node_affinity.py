"""NodeAffinity: spec.nodeSelector and required node affinity filter nodes; preferred node
affinity scores them (plugins/nodeaffinity/node_affinity.go)."""

from __future__ import annotations

from typing import Any

from engine.scheduler.framework import (
    MAX_NODE_SCORE,
    NODE,
    SKIP,
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
    default_normalize_score,
)
from engine.scheduler.plugins.helper import (
    NODE_NAME_FIELD,
    PreferredNodeAffinity,
    RequiredNodeAffinity,
)
from engine.scheduler.types import NodeInfo, PodInfo

ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"
ERR_REASON_CONFLICT = "pod affinity terms conflict"
PRE_FILTER_KEY = "PreFilterNodeAffinity"
PRE_SCORE_KEY = "PreScoreNodeAffinity"
REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"


def _required(pod: PodInfo) -> RequiredNodeAffinity:
    return RequiredNodeAffinity(pod.spec.node_selector, pod.spec.node_affinity)


def _node_name_affinity(terms: list[dict[str, Any]]) -> set[str] | None:
    """Nodes named by `matchFields: metadata.name In [...]` in every term, or None if some term
    does not name nodes (the terms are ORed, so then any node may match)."""
    names: set[str] = set()
    for term in terms:
        term_names: set[str] | None = None
        for field in term.get("matchFields") or []:
            if field.get("key") == NODE_NAME_FIELD and field.get("operator") == "In":
                values = set(field.get("values") or [])
                term_names = values if term_names is None else term_names & values
        if term_names is None:
            return None
        names |= term_names
    return names


class NodeAffinity(PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions):
    name = "NodeAffinity"

    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        required = pod.spec.node_affinity.get(REQUIRED)
        if required is None and not pod.spec.node_selector:
            return None, SKIP  # nothing to check for this pod
        state[PRE_FILTER_KEY] = _required(pod)
        terms = (required or {}).get("nodeSelectorTerms") or []
        if not terms:
            return None, None
        names = _node_name_affinity(terms)
        if names is None:
            return None, None
        if not names:
            return None, Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_CONFLICT)
        return PreFilterResult(frozenset(names)), None

    def filter(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> Status | None:
        required = state.get(PRE_FILTER_KEY) or _required(pod)
        if required.match(node_info.name, node_info.labels):
            return None
        return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_POD)

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        preferred = PreferredNodeAffinity(pod.spec.node_affinity)
        if not preferred.terms:
            return SKIP
        state[PRE_SCORE_KEY] = preferred
        return None

    def score(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> int:
        preferred: PreferredNodeAffinity = state[PRE_SCORE_KEY]
        return preferred.score(node_info.name, node_info.labels)

    def normalize_score(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo], scores: list[int]
    ) -> None:
        default_normalize_score(MAX_NODE_SCORE, False, scores)

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(
                ClusterEvent(NODE, ActionType.ADD | ActionType.UPDATE_NODE_LABEL),
                self._after_node_change,
            )
        ]

    @staticmethod
    def _after_node_change(pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        required = _required(pod)

        def matches(node: dict[str, Any]) -> bool:
            meta = node.get("metadata") or {}
            return required.match(meta.get("name", ""), meta.get("labels") or {})

        if not matches(new):
            return QueueingHint.QUEUE_SKIP
        if old is None or not matches(old):
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP
