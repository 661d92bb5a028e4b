"""Matching rules several plugins share: taints and tolerations
(staging/src/k8s.io/api/core/v1/toleration.go, pkg/apis/core/v1/helper/helpers.go) and node
selectors / node affinity (staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity);
and the requeueing events of the plugins that keep pods off nodes by taint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from engine.scheduler.framework import (
    NODE,
    POD,
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    QueueingHintFn,
)

Obj = dict[str, Any]

NODE_NAME_FIELD = "metadata.name"  # the only field a NodeSelectorTerm may match on


def tolerates(toleration: Obj, taint: Obj) -> bool:
    """Toleration.ToleratesTaint: an empty effect or key matches any; Exists ignores values."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return operator == "Exists"


def tolerations_tolerate_taint(tolerations: Iterable[Obj], taint: Obj) -> bool:
    return any(tolerates(t, taint) for t in tolerations)


def taint_and_toleration_events(
    after_node_change: QueueingHintFn, after_toleration_change: QueueingHintFn
) -> list[ClusterEventWithHint]:
    """EventsToRegister of TaintToleration and NodeUnschedulable (a cordon is a taint): a pod
    kept out by a node's taint may fit once a node is added or its taints change, or once the
    pod's own tolerations change."""
    return [
        ClusterEventWithHint(
            ClusterEvent(NODE, ActionType.ADD | ActionType.UPDATE_NODE_TAINT),
            after_node_change,
        ),
        ClusterEventWithHint(
            ClusterEvent(POD, ActionType.UPDATE_POD_TOLERATION), after_toleration_change
        ),
    ]


def find_untolerated_taint(taints: Iterable[Obj], tolerations: list[Obj]) -> Obj | None:
    """FindMatchingUntoleratedTaint: the first taint no toleration tolerates."""
    for taint in taints:
        if not tolerations_tolerate_taint(tolerations, taint):
            return taint
    return None


@dataclass(frozen=True)
class _Requirement:
    key: str
    operator: str
    values: tuple[str, ...]

    def matches(self, value: str | None) -> bool:
        op = self.operator
        if op == "In":
            return value is not None and value in self.values
        if op == "NotIn":
            return value is None or value not in self.values
        if op == "Exists":
            return value is not None
        if op == "DoesNotExist":
            return value is None
        if op in ("Gt", "Lt") and value is not None and len(self.values) == 1:
            try:
                actual, bound = int(value), int(self.values[0])
            except ValueError:
                return False
            return actual > bound if op == "Gt" else actual < bound
        return False


@dataclass(frozen=True)
class NodeSelectorTerm:
    expressions: tuple[_Requirement, ...]
    fields: tuple[_Requirement, ...]

    def matches(self, name: str, labels: dict[str, str]) -> bool:
        if not self.expressions and not self.fields:
            return False  # an empty term matches no node
        return all(r.matches(labels.get(r.key)) for r in self.expressions) and all(
            r.matches(name if r.key == NODE_NAME_FIELD else None) for r in self.fields
        )


def _requirements(items: Any) -> tuple[_Requirement, ...]:
    return tuple(
        _Requirement(r.get("key", ""), r.get("operator", ""), tuple(r.get("values") or []))
        for r in items or []
    )


def node_selector_terms(node_selector: Obj | None) -> list[NodeSelectorTerm]:
    return [
        NodeSelectorTerm(
            _requirements(t.get("matchExpressions")), _requirements(t.get("matchFields"))
        )
        for t in (node_selector or {}).get("nodeSelectorTerms") or []
    ]


class RequiredNodeAffinity:
    """GetRequiredNodeAffinity: spec.nodeSelector AND (any of the required affinity terms)."""

    def __init__(self, node_selector: dict[str, str], node_affinity: Obj) -> None:
        self.labels = node_selector
        required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
        self.terms = node_selector_terms(required) if required is not None else None

    def match(self, name: str, labels: dict[str, str]) -> bool:
        for key, value in self.labels.items():
            if labels.get(key) != value:
                return False
        if self.terms is None:
            return True
        return any(term.matches(name, labels) for term in self.terms)


class PreferredNodeAffinity:
    """The weighted preferred terms; a node scores the sum of the weights of terms it meets."""

    def __init__(self, node_affinity: Obj) -> None:
        self.terms = [
            (
                int(t.get("weight", 0)),
                node_selector_terms({"nodeSelectorTerms": [t.get("preference") or {}]})[0],
            )
            for t in node_affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or []
            if t.get("weight")
        ]

    def score(self, name: str, labels: dict[str, str]) -> int:
        return sum(weight for weight, term in self.terms if term.matches(name, labels))
