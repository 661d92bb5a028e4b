"""PodTopologySpread: spread matching pods evenly across topology domains (nodes, zones...)
(plugins/podtopologyspread/{plugin,filtering,scoring,common}.go).

DoNotSchedule constraints filter: placing the pod must not make the number of matching pods
in the node's domain exceed the emptiest domain's by more than maxSkew. ScheduleAnyway
constraints score. A pod without constraints of its own gets the system defaults (hostname
maxSkew 3, zone maxSkew 5, ScheduleAnyway), selecting the pods of its ReplicaSet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.apimachinery.labels import IN, LabelSelector, Requirement
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
from engine.scheduler.plugins.helper import (
    RequiredNodeAffinity,
    find_untolerated_taint,
)
from engine.scheduler.types import NodeInfo, PodInfo, _selector

if TYPE_CHECKING:
    from engine.scheduler.framework import Handle

ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints"
ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)"
PRE_FILTER_KEY = "PreFilterPodTopologySpread"
PRE_SCORE_KEY = "PreScorePodTopologySpread"
HOSTNAME = "kubernetes.io/hostname"

# apis/config/v1/defaults.go: the cluster-level default constraints (defaultingType System).
SYSTEM_DEFAULT_CONSTRAINTS = (
    {"topologyKey": HOSTNAME, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 3},
    {
        "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "ScheduleAnyway",
        "maxSkew": 5,
    },
)


@dataclass
class Constraint:
    max_skew: int
    topology_key: str
    selector: LabelSelector
    min_domains: int = 1
    honor_node_affinity: bool = True  # nodeAffinityPolicy: Honor (default)
    honor_node_taints: bool = False  # nodeTaintsPolicy: Ignore (default)

    def includes_node(self, pod: PodInfo, node: NodeInfo, required: RequiredNodeAffinity) -> bool:
        """matchNodeInclusionPolicies: whether the node's pods count at all."""
        if self.honor_node_affinity and not required.match(node.name, node.labels):
            return False
        return not (
            self.honor_node_taints
            and find_untolerated_taint(node.taints, pod.spec.tolerations) is not None
        )


def _constraints(specs: Any, pod: PodInfo, action: str) -> list[Constraint]:
    """filterTopologySpreadConstraints: those with the given whenUnsatisfiable."""
    found = []
    for spec in specs:
        if spec.get("whenUnsatisfiable") != action:
            continue
        selector = _selector(spec.get("labelSelector"))
        extra = [
            Requirement(key, IN, (pod.labels[key],))
            for key in spec.get("matchLabelKeys") or []
            if key in pod.labels
        ]
        if extra and not selector.nothing:
            selector = LabelSelector(
                tuple(sorted((*selector.requirements, *extra), key=lambda r: r.key))
            )
        found.append(
            Constraint(
                int(spec.get("maxSkew", 1)),
                spec.get("topologyKey", ""),
                selector,
                int(spec.get("minDomains") or 1),
                spec.get("nodeAffinityPolicy", "Honor") != "Ignore",
                spec.get("nodeTaintsPolicy", "Ignore") == "Honor",
            )
        )
    return found


def count_matching(
    node: NodeInfo, selector: LabelSelector, namespace: str, memo: dict[Any, bool]
) -> int:
    """countPodsMatchSelector: matching, non-terminating pods of the namespace on the node.
    Pods with identical labels are counted as one group, and each group is matched once per
    cycle (`memo`), which keeps this cheap for the replicas of one ReplicaSet."""
    if selector.empty():
        return 0
    total = 0
    for key, count in node.label_groups.items():
        group_namespace, labels, deleting = key
        if deleting or group_namespace != namespace:
            continue
        matched = memo.get(key)
        if matched is None:
            matched = memo[key] = selector.matches(dict(labels))
        if matched:
            total += count
    return total


def _has_all_keys(labels: dict[str, str], constraints: list[Constraint]) -> bool:
    return all(c.topology_key in labels for c in constraints)


@dataclass
class _FilterState:
    constraints: list[Constraint]
    required: RequiredNodeAffinity
    counts: list[dict[str, int]]  # per constraint: topology value -> matching pods
    memos: list[dict[Any, bool]] = field(default_factory=list)

    def min_match(self, i: int) -> int:
        counts = self.counts[i]
        if len(counts) < self.constraints[i].min_domains or not counts:
            return 0
        return min(counts.values())

    def clone(self) -> _FilterState:
        return _FilterState(
            self.constraints, self.required, [dict(c) for c in self.counts], self.memos
        )


@dataclass
class _ScoreState:
    constraints: list[Constraint]
    ignored: set[str]
    pair_counts: dict[tuple[str, str], int]
    weights: list[float]
    memos: list[dict[Any, bool]]
    present: set[str]  # topology keys some candidate node has; the others add nothing
    count_keys: list[tuple[str, str]]  # what NodeInfo.memo_spread_key says a count is for


class PodTopologySpread(
    PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions
):
    name = "PodTopologySpread"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle
        self._keys: dict[tuple[str, str], tuple[str, str]] = {}

    # ---- which constraints -------------------------------------------------------------------
    def _default_constraints(self, pod: PodInfo, action: str) -> list[Constraint]:
        """buildDefaultConstraints: the system defaults, selecting the pod's siblings through
        its owning ReplicaSet or ReplicationController (helper.DefaultSelector; Services and
        StatefulSets are not looked at here)."""
        constraints = _constraints(SYSTEM_DEFAULT_CONSTRAINTS, pod, action)
        if not constraints:
            return []
        selector = self._default_selector(pod)
        if selector.empty():
            return []
        for c in constraints:
            c.selector = selector
        return constraints

    def _default_selector(self, pod: PodInfo) -> LabelSelector:
        owners = (pod.pod.get("metadata") or {}).get("ownerReferences") or []
        owner = next((o for o in owners if o.get("controller")), None)
        kind = owner.get("kind") if owner is not None else None
        if owner is None or kind not in ("ReplicaSet", "ReplicationController"):
            return LabelSelector()
        found = self.handle.get_controller(kind, pod.namespace, owner.get("name", ""))
        if found is None:
            return LabelSelector()
        match = (found.get("spec") or {}).get("selector")
        selector = _selector({"matchLabels": match} if kind == "ReplicationController" else match)
        return LabelSelector() if selector.nothing else selector

    # ---- filter ------------------------------------------------------------------------------
    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        specs = pod.spec.spread_constraints
        constraints = (
            _constraints(specs, pod, "DoNotSchedule")
            if specs
            else self._default_constraints(pod, "DoNotSchedule")
        )
        if not constraints:
            return None, SKIP
        required = RequiredNodeAffinity(pod.spec.node_selector, pod.spec.node_affinity)
        s = _FilterState(
            constraints, required, [{} for _ in constraints], [{} for _ in constraints]
        )
        for node in nodes:
            if not _has_all_keys(node.labels, constraints):
                continue
            for i, c in enumerate(constraints):
                if not c.includes_node(pod, node, required):
                    continue
                value = node.labels[c.topology_key]
                matched = count_matching(node, c.selector, pod.namespace, s.memos[i])
                s.counts[i][value] = s.counts[i].get(value, 0) + matched
        state[PRE_FILTER_KEY] = s
        return None, None

    def _update(
        self, state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: int
    ) -> None:
        s: _FilterState | None = state.get(PRE_FILTER_KEY)
        if s is None or other.namespace != pod.namespace or other.deleting:
            return
        if not _has_all_keys(node.labels, s.constraints):
            return
        for i, c in enumerate(s.constraints):
            if c.includes_node(pod, node, s.required) and c.selector.matches(other.labels):
                value = node.labels[c.topology_key]
                s.counts[i][value] = s.counts[i].get(value, 0) + delta

    def add_pod(
        self, state: CycleState, pod: PodInfo, to_add: PodInfo, node_info: NodeInfo
    ) -> None:
        self._update(state, pod, to_add, node_info, 1)

    def remove_pod(
        self, state: CycleState, pod: PodInfo, to_remove: PodInfo, node_info: NodeInfo
    ) -> None:
        self._update(state, pod, to_remove, node_info, -1)

    def filter(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> Status | None:
        s: _FilterState = state[PRE_FILTER_KEY]
        for i, c in enumerate(s.constraints):
            value = node_info.labels.get(c.topology_key)
            if value is None:
                return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_NODE_LABEL_NOT_MATCH)
            self_match = 1 if c.selector.matches(pod.labels) else 0
            skew = s.counts[i].get(value, 0) + self_match - s.min_match(i)
            if skew > c.max_skew:
                return Status(Code.UNSCHEDULABLE, ERR_REASON_CONSTRAINTS_NOT_MATCH)
        return None

    # ---- score -------------------------------------------------------------------------------
    def pre_score(self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        specs = pod.spec.spread_constraints
        system_defaulted = not specs
        constraints = (
            _constraints(specs, pod, "ScheduleAnyway")
            if specs
            else self._default_constraints(pod, "ScheduleAnyway")
        )
        if not constraints:
            return SKIP
        require_all = not system_defaulted
        # Keys no node in the cluster carries need no scan of the candidates.
        cluster_keys = self.handle.cache.label_keys
        present = {
            c.topology_key
            for c in constraints
            if cluster_keys[c.topology_key] > 0 and any(c.topology_key in n.labels for n in nodes)
        }
        ignored: set[str] = set()
        if require_all and any(c.topology_key not in present for c in constraints):
            ignored = {n.name for n in nodes}  # no candidate has every key
        elif require_all:
            ignored = {n.name for n in nodes if not _has_all_keys(n.labels, constraints)}
        pair_counts: dict[tuple[str, str], int] = {}
        sizes = [0] * len(constraints)
        for i, c in enumerate(constraints):
            if c.topology_key == HOSTNAME:
                continue  # counted per node at Score
            if c.topology_key not in present:
                if len(ignored) < len(nodes):  # every candidate is in the domain ""
                    pair_counts[(c.topology_key, "")] = 0
                    sizes[i] = 1
                continue
            for node in nodes:
                if node.name in ignored:
                    continue
                pair = (c.topology_key, node.labels.get(c.topology_key, ""))
                if pair not in pair_counts:
                    pair_counts[pair] = 0
                    sizes[i] += 1
        weights = [
            math.log((len(nodes) - len(ignored) if c.topology_key == HOSTNAME else sizes[i]) + 2)
            for i, c in enumerate(constraints)
        ]
        memos: list[dict[Any, bool]] = [{} for _ in constraints]
        # A domain's count only matters for nodes that carry its label: skip the counting when
        # no candidate node has the key (the system-default zone constraint without zones).
        keyed = present - {HOSTNAME}
        required = RequiredNodeAffinity(pod.spec.node_selector, pod.spec.node_affinity)
        if keyed:
            for node in self.handle.cache.node_infos():
                if require_all and not _has_all_keys(node.labels, constraints):
                    continue
                for i, c in enumerate(constraints):
                    if c.topology_key not in keyed or not c.includes_node(pod, node, required):
                        continue
                    pair = (c.topology_key, node.labels.get(c.topology_key, ""))
                    if pair in pair_counts:
                        pair_counts[pair] += count_matching(
                            node, c.selector, pod.namespace, memos[i]
                        )
        # One key object per (namespace, selector), so that a node can tell by identity
        # whether its remembered count is for this constraint.
        count_keys = [
            self._keys.setdefault(k, k)
            for k in ((pod.namespace, c.selector.string()) for c in constraints)
        ]
        state[PRE_SCORE_KEY] = _ScoreState(
            constraints, ignored, pair_counts, weights, memos, present, count_keys
        )
        return None

    def _node_count(self, s: _ScoreState, i: int, node: NodeInfo, namespace: str) -> int:
        """Matching pods on the node itself (the hostname constraint), remembered on the node
        until its pods change."""
        key = s.count_keys[i]
        if node.memo_spread_key is key:
            return node.memo_spread
        count = count_matching(node, s.constraints[i].selector, namespace, s.memos[i])
        node.memo_spread_key, node.memo_spread = key, count
        return count

    def score(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> int:
        s: _ScoreState = state[PRE_SCORE_KEY]
        if node_info.name in s.ignored:
            return 0
        score = 0.0
        for i, c in enumerate(s.constraints):
            value = node_info.labels.get(c.topology_key)
            if value is None:
                continue
            if c.topology_key == HOSTNAME:
                count = self._node_count(s, i, node_info, pod.namespace)
            else:
                count = s.pair_counts.get((c.topology_key, value), 0)
            score += count * s.weights[i] + (c.max_skew - 1)  # scoreForCount
        return math.floor(score + 0.5)  # math.Round: halves away from zero (never negative)

    def score_nodes(self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        s: _ScoreState = state[PRE_SCORE_KEY]
        counting = [i for i, c in enumerate(s.constraints) if c.topology_key in s.present]
        if s.ignored or len(counting) != 1 or s.constraints[counting[0]].topology_key != HOSTNAME:
            return [self.score(state, pod, node) for node in nodes]
        # The usual case (a ReplicaSet's pods, nodes without zones): only the node's own count.
        i = counting[0]
        weight, base = s.weights[i], s.constraints[i].max_skew - 1 + 0.5
        key = s.count_keys[i]
        counts = [node.memo_spread if node.memo_spread_key is key else None for node in nodes]
        if None in counts:
            counts = [
                count if count is not None else self._node_count(s, i, node, pod.namespace)
                for node, count in zip(nodes, counts, strict=True)
            ]
        # Few distinct counts: compute each one's score once (int() floors: all positive).
        table = {count: int(count * weight + base) for count in set(counts)}  # type: ignore[operator]
        if self.handle.cache.label_keys[HOSTNAME] < self.handle.cache.num_nodes():
            return [
                table[count] if HOSTNAME in node.labels else 0
                for node, count in zip(nodes, counts, strict=True)
            ]
        return [table[count] for count in counts]

    def normalize_score(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo], scores: list[int]
    ) -> None:
        """Fewer matching pods, higher score; nodes without the topology labels get 0."""
        s: _ScoreState = state[PRE_SCORE_KEY]
        if not s.ignored:
            low, high = min(scores, default=0), max(scores, default=0)
            if high == 0:
                scores[:] = [MAX_NODE_SCORE] * len(scores)
            else:
                table = {
                    score: MAX_NODE_SCORE * (high + low - score) // high for score in set(scores)
                }
                scores[:] = [table[score] for score in scores]
            return
        counted = [
            score for node, score in zip(nodes, scores, strict=True) if node.name not in s.ignored
        ]
        low, high = min(counted, default=0), max(counted, default=0)
        for i, score in enumerate(scores):
            if nodes[i].name in s.ignored:
                scores[i] = 0
            elif high == 0:
                scores[i] = MAX_NODE_SCORE
            else:
                scores[i] = MAX_NODE_SCORE * (high + low - score) // high

    # ---- requeueing --------------------------------------------------------------------------
    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(
                ClusterEvent(POD, ActionType.ADD | ActionType.UPDATE_POD_LABEL | ActionType.DELETE),
                self._after_pod_change,
            ),
            ClusterEventWithHint(
                ClusterEvent(
                    NODE,
                    ActionType.ADD
                    | ActionType.DELETE
                    | ActionType.UPDATE_NODE_LABEL
                    | ActionType.UPDATE_NODE_TAINT,
                ),
                self._after_node_change,
            ),
        ]

    def _all_constraints(self, pod: PodInfo) -> list[Constraint]:
        specs = pod.spec.spread_constraints
        if specs:
            return _constraints(specs, pod, "DoNotSchedule") + _constraints(
                specs, pod, "ScheduleAnyway"
            )
        return self._default_constraints(pod, "DoNotSchedule")

    def _after_pod_change(self, pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        constraints = self._all_constraints(pod)
        for other in (old, new):
            if (
                isinstance(other, PodInfo)
                and other.node_name
                and other.namespace == pod.namespace
                and any(c.selector.matches(other.labels) for c in constraints)
            ):
                return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP

    def _after_node_change(self, pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        constraints = self._all_constraints(pod)
        for node in (old, new):
            labels = ((node or {}).get("metadata") or {}).get("labels") or {}
            if node is not None and _has_all_keys(labels, constraints):
                return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP
