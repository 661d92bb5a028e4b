"""NodeName: a pod that names its node (spec.nodeName) fits only there
(plugins/nodename/node_name.go). Pods created with spec.nodeName never reach the scheduler,
so in practice this filter always passes; it is in the default profile all the same."""

from __future__ import annotations

from typing import Any

from engine.scheduler.framework import (
    NODE,
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    Code,
    CycleState,
    EnqueueExtensions,
    FilterPlugin,
    QueueingHint,
    Status,
)
from engine.scheduler.types import NodeInfo, PodInfo

ERR_REASON = "node(s) didn't match the requested node name"


class NodeName(FilterPlugin, EnqueueExtensions):
    name = "NodeName"

    def filter(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> Status | None:
        wanted = pod.spec.node_name
        if not wanted or wanted == node_info.name:
            return None
        return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON)

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> list[tuple[int, Status]]:
        if not pod.spec.node_name:
            return []
        return super().filter_nodes(state, pod, nodes)

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [ClusterEventWithHint(ClusterEvent(NODE, ActionType.ADD), self._after_node_add)]

    @staticmethod
    def _after_node_add(pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        wanted = pod.spec.node_name
        if not wanted or wanted == new["metadata"]["name"]:
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP
