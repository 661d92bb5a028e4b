"""InterPodAffinity: place pods near (affinity) or away from (anti-affinity) other pods, per
topology domain (plugins/interpodaffinity/{plugin,filtering,scoring}.go).

Filter checks three things, each with its own reason: the pod's required affinity is met by
some pod in the node's domain; its required anti-affinity matches no pod there; and no pod
already there has a required anti-affinity against this pod. Score adds up preferred terms
both ways (and existing pods' required affinity, with hardPodAffinityWeight 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.scheduler.framework import (
    MAX_NODE_SCORE,
    NODE,
    POD,
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
)
from engine.scheduler.types import NOTHING, AffinityTerm, NodeInfo, PodInfo

if TYPE_CHECKING:
    from engine.scheduler.framework import Handle

ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules"
ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
PRE_FILTER_KEY = "PreFilterInterPodAffinity"
PRE_SCORE_KEY = "PreScoreInterPodAffinity"
HARD_POD_AFFINITY_WEIGHT = 1  # InterPodAffinityArgs default

Pair = tuple[str, str]  # (topology key, value)


def _bump(counts: dict[Pair, int], node: NodeInfo, key: str, delta: int) -> None:
    value = node.labels.get(key)
    if value is None:
        return
    pair = (key, value)
    counts[pair] = counts.get(pair, 0) + delta
    if counts[pair] == 0:
        del counts[pair]


def _matches_all(terms: list[AffinityTerm], pod: PodInfo) -> bool:
    """podMatchesAllAffinityTerms (false for no terms)."""
    return bool(terms) and all(t.matches(pod, None) for t in terms)


@dataclass
class _FilterState:
    pod: PodInfo
    affinity_terms: list[AffinityTerm]
    anti_affinity_terms: list[AffinityTerm]
    namespace_labels: dict[str, str]
    existing_anti_affinity: dict[Pair, int]
    affinity: dict[Pair, int]
    anti_affinity: dict[Pair, int]

    def update_with_pod(self, other: PodInfo, node: NodeInfo, delta: int) -> None:
        for term in other.spec.required_anti_affinity:
            if term.matches(self.pod, self.namespace_labels):
                _bump(self.existing_anti_affinity, node, term.topology_key, delta)
        if _matches_all(self.affinity_terms, other):
            for term in self.affinity_terms:
                _bump(self.affinity, node, term.topology_key, delta)
        for term in self.anti_affinity_terms:
            if term.matches(other, None):
                _bump(self.anti_affinity, node, term.topology_key, delta)

    def clone(self) -> _FilterState:
        return _FilterState(
            self.pod,
            self.affinity_terms,
            self.anti_affinity_terms,
            self.namespace_labels,
            dict(self.existing_anti_affinity),
            dict(self.affinity),
            dict(self.anti_affinity),
        )


class InterPodAffinity(
    PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions
):
    name = "InterPodAffinity"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    def _merged(self, terms: list[AffinityTerm]) -> list[AffinityTerm]:
        """mergeAffinityTermNamespacesIfNotEmpty: resolve a namespaceSelector of the incoming
        pod's terms into namespace names, so matching needs no namespace labels."""
        merged = []
        for term in terms:
            selector = term.namespace_selector
            if selector.nothing or selector.empty():
                merged.append(term)
                continue
            names = term.namespaces | set(self.handle.namespaces_matching(selector))
            merged.append(
                AffinityTerm(
                    frozenset(names), term.selector, term.topology_key, NOTHING, term.weight
                )
            )
        return merged

    # ---- filter ------------------------------------------------------------------------------
    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        cache = self.handle.cache
        spec = pod.spec
        if not cache.required_anti_affinity_pods and not (
            spec.required_affinity or spec.required_anti_affinity
        ):
            return None, SKIP  # the common case, decided without looking at any node
        s = _FilterState(
            pod,
            self._merged(spec.required_affinity),
            self._merged(spec.required_anti_affinity),
            self.handle.namespace_labels(pod.namespace),
            {},
            {},
            {},
        )
        for node in cache.have_pods_with_required_anti_affinity():
            for existing in node.pods_with_required_anti_affinity.values():
                for term in existing.spec.required_anti_affinity:
                    if term.matches(pod, s.namespace_labels):
                        _bump(s.existing_anti_affinity, node, term.topology_key, 1)
        if s.affinity_terms or s.anti_affinity_terms:
            for node in nodes:
                for existing in node.pods.values():
                    if _matches_all(s.affinity_terms, existing):
                        for term in s.affinity_terms:
                            _bump(s.affinity, node, term.topology_key, 1)
                    for term in s.anti_affinity_terms:
                        if term.matches(existing, None):
                            _bump(s.anti_affinity, node, term.topology_key, 1)
        if not s.existing_anti_affinity and not s.affinity_terms and not s.anti_affinity_terms:
            return None, SKIP
        state[PRE_FILTER_KEY] = s
        return None, None

    def add_pod(
        self, state: CycleState, pod: PodInfo, to_add: PodInfo, node_info: NodeInfo
    ) -> None:
        s: _FilterState | None = state.get(PRE_FILTER_KEY)
        if s is not None:
            s.update_with_pod(to_add, node_info, 1)

    def remove_pod(
        self, state: CycleState, pod: PodInfo, to_remove: PodInfo, node_info: NodeInfo
    ) -> None:
        s: _FilterState | None = state.get(PRE_FILTER_KEY)
        if s is not None:
            s.update_with_pod(to_remove, node_info, -1)

    def filter(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> Status | None:
        s: _FilterState = state[PRE_FILTER_KEY]
        labels = node_info.labels
        if not self._satisfies_affinity(s, labels):
            return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_AFFINITY)
        if s.anti_affinity:
            for term in s.anti_affinity_terms:
                value = labels.get(term.topology_key)
                if value is not None and s.anti_affinity.get((term.topology_key, value), 0) > 0:
                    return Status(Code.UNSCHEDULABLE, ERR_REASON_ANTI_AFFINITY)
        if s.existing_anti_affinity:
            for pair in labels.items():
                if s.existing_anti_affinity.get(pair, 0) > 0:
                    return Status(Code.UNSCHEDULABLE, ERR_REASON_EXISTING_ANTI_AFFINITY)
        return None

    @staticmethod
    def _satisfies_affinity(s: _FilterState, labels: dict[str, str]) -> bool:
        pods_exist = True
        for term in s.affinity_terms:
            value = labels.get(term.topology_key)
            if value is None:
                return False  # every topology label must be on the node
            if s.affinity.get((term.topology_key, value), 0) <= 0:
                pods_exist = False
        if pods_exist:
            return True
        # The first pod of a group with affinity to itself may go anywhere its terms allow,
        # or it would wait forever for a pod that cannot exist yet.
        return not s.affinity and _matches_all(s.affinity_terms, s.pod)

    # ---- score -------------------------------------------------------------------------------
    def pre_score(self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        spec = pod.spec
        has_preferences = bool(spec.preferred_affinity or spec.preferred_anti_affinity)
        cache = self.handle.cache
        if not has_preferences and not cache.affinity_pods:
            return SKIP
        preferred = self._merged(spec.preferred_affinity)
        preferred_anti = self._merged(spec.preferred_anti_affinity)
        namespace_labels = self.handle.namespace_labels(pod.namespace)
        scores: dict[str, dict[str, int]] = {}

        def process(
            terms: list[AffinityTerm],
            target: PodInfo,
            ns_labels: Any,
            node: NodeInfo,
            sign: int,
            weight: int | None = None,
        ) -> None:
            for term in terms:
                if term.matches(target, ns_labels):
                    value = node.labels.get(term.topology_key)
                    if value is not None:
                        per_value = scores.setdefault(term.topology_key, {})
                        w = term.weight if weight is None else weight
                        per_value[value] = per_value.get(value, 0) + w * sign

        candidates = cache.node_infos() if has_preferences else cache.have_pods_with_affinity()
        for node in candidates:
            if not node.labels:
                continue
            existing_pods = (
                node.pods.values() if has_preferences else (node.pods_with_affinity.values())
            )
            for existing in existing_pods:
                process(preferred, existing, None, node, 1)
                process(preferred_anti, existing, None, node, -1)
                e = existing.spec
                process(
                    e.required_affinity, pod, namespace_labels, node, 1, HARD_POD_AFFINITY_WEIGHT
                )
                process(e.preferred_affinity, pod, namespace_labels, node, 1)
                process(e.preferred_anti_affinity, pod, namespace_labels, node, -1)
        if not scores:
            return SKIP
        state[PRE_SCORE_KEY] = scores
        return None

    def score(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> int:
        scores: dict[str, dict[str, int]] = state[PRE_SCORE_KEY]
        total = 0
        for key, per_value in scores.items():
            value = node_info.labels.get(key)
            if value is not None:
                total += per_value.get(value, 0)
        return total

    def normalize_score(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo], scores: list[int]
    ) -> None:
        """Min-max scaling to 0..100 (scores may be negative before this)."""
        if not scores:
            return
        low, high = min(scores), max(scores)
        spread = high - low
        for i, score in enumerate(scores):
            scores[i] = int(MAX_NODE_SCORE * ((score - low) / spread)) if spread > 0 else 0

    # ---- requeueing --------------------------------------------------------------------------
    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(
                ClusterEvent(POD, ActionType.ADD | ActionType.UPDATE_POD_LABEL | ActionType.DELETE),
                self._after_pod_change,
            ),
            ClusterEventWithHint(
                ClusterEvent(NODE, ActionType.ADD | ActionType.UPDATE_NODE_LABEL),
                self._after_node_change,
            ),
        ]

    @staticmethod
    def _after_pod_change(pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        """A bound pod that matches one of our terms came, changed or went; or a pod whose
        anti-affinity kept us out went."""
        spec = pod.spec
        for other in (old, new):
            if not isinstance(other, PodInfo) or not other.node_name:
                continue
            if any(
                t.matches(other, None) for t in spec.required_affinity + spec.required_anti_affinity
            ):
                return QueueingHint.QUEUE
        if new is None and isinstance(old, PodInfo) and old.spec.required_anti_affinity:
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP

    @staticmethod
    def _after_node_change(pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        keys = {
            t.topology_key for t in pod.spec.required_affinity + pod.spec.required_anti_affinity
        }
        labels = (new.get("metadata") or {}).get("labels") or {}
        if not keys or any(k in labels for k in keys):
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP
