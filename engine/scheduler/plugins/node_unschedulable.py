"""NodeUnschedulable: no new pods on a cordoned node (spec.unschedulable), unless the pod
tolerates the node.kubernetes.io/unschedulable:NoSchedule taint
(plugins/nodeunschedulable/node_unschedulable.go)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.scheduler.cache import UNSCHEDULABLE
from engine.scheduler.framework import (
    ClusterEventWithHint,
    Code,
    CycleState,
    EnqueueExtensions,
    FilterPlugin,
    QueueingHint,
    Status,
)
from engine.scheduler.plugins.helper import (
    taint_and_toleration_events,
    tolerations_tolerate_taint,
)
from engine.scheduler.types import NodeInfo, PodInfo

if TYPE_CHECKING:
    from engine.scheduler.framework import Handle

ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable"
UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


def _tolerates_unschedulable(pod: PodInfo) -> bool:
    return tolerations_tolerate_taint(pod.spec.tolerations, UNSCHEDULABLE_TAINT)


class NodeUnschedulable(FilterPlugin, EnqueueExtensions):
    name = "NodeUnschedulable"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    def filter(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> Status | None:
        if not node_info.unschedulable or _tolerates_unschedulable(pod):
            return None
        return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_UNSCHEDULABLE)

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> list[tuple[int, Status]]:
        if not self.handle.cache.special_nodes[UNSCHEDULABLE]:
            return []  # no node is cordoned
        return [
            (i, status)
            for i, node in enumerate(nodes)
            if node.unschedulable and (status := self.filter(state, pod, node)) is not None
        ]

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return taint_and_toleration_events(self._after_node_change, self._after_toleration_change)

    @staticmethod
    def _after_node_change(pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        was = old is not None and not (old.get("spec") or {}).get("unschedulable")
        now = not (new.get("spec") or {}).get("unschedulable")
        if (now and not was) or _tolerates_unschedulable(pod):
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP

    @staticmethod
    def _after_toleration_change(pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        if isinstance(new, PodInfo) and new.uid == pod.uid and _tolerates_unschedulable(new):
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP
