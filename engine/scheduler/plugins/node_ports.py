"""NodePorts: a pod's hostPorts must be free on the node (plugins/nodeports/node_ports.go)."""

from __future__ import annotations

from typing import Any

from engine.scheduler.framework import (
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
    QueueingHint,
    Status,
)
from engine.scheduler.types import HostPortInfo, NodeInfo, PodInfo

ERR_REASON = "node(s) didn't have free ports for the requested pod ports"
PRE_FILTER_KEY = "PreFilterNodePorts"


class NodePorts(PreFilterPlugin, FilterPlugin, EnqueueExtensions):
    name = "NodePorts"

    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        if not pod.spec.host_ports:
            return None, SKIP
        state[PRE_FILTER_KEY] = pod.spec.host_ports
        return None, None

    def filter(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> Status | None:
        wanted = state.get(PRE_FILTER_KEY) or pod.spec.host_ports
        used = node_info.used_ports
        for ip, protocol, port in wanted:
            if used.check_conflict(ip, protocol, port):
                return Status(Code.UNSCHEDULABLE, ERR_REASON)
        return None

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(ClusterEvent(POD, ActionType.DELETE), self._after_pod_deleted),
            ClusterEventWithHint(ClusterEvent(NODE, ActionType.ADD)),
        ]

    @staticmethod
    def _after_pod_deleted(pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        """Only the deletion of a bound pod holding one of the ports we want can help."""
        if not isinstance(old, PodInfo) or not old.node_name:
            return QueueingHint.QUEUE_SKIP
        held = HostPortInfo()
        for ip, protocol, port in old.spec.host_ports:
            held.add(ip, protocol, port)
        for ip, protocol, port in pod.spec.host_ports:
            if held.check_conflict(ip, protocol, port):
                return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP
