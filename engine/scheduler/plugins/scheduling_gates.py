"""SchedulingGates: a pod with spec.schedulingGates is not tried until they are all removed
(plugins/schedulinggates/scheduling_gates.go)."""

from __future__ import annotations

from typing import Any

from engine.scheduler.framework import (
    POD,
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    Code,
    EnqueueExtensions,
    PreEnqueuePlugin,
    QueueingHint,
    Status,
)
from engine.scheduler.types import PodInfo


class SchedulingGates(PreEnqueuePlugin, EnqueueExtensions):
    name = "SchedulingGates"

    def pre_enqueue(self, pod: PodInfo) -> Status | None:
        gates = [gate.get("name", "") for gate in pod.spec.scheduling_gates]
        if not gates:
            return None
        # fmt.Sprintf("waiting for scheduling gates: %v", gates) prints a Go []string
        return Status(
            Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
            f"waiting for scheduling gates: [{' '.join(gates)}]",
        )

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(
                ClusterEvent(POD, ActionType.UPDATE_POD_SCHEDULING_GATES_ELIMINATED),
                self._gates_removed,
            )
        ]

    @staticmethod
    def _gates_removed(pod: PodInfo, old: Any, new: Any) -> QueueingHint:
        if isinstance(new, PodInfo) and new.uid == pod.uid and not new.spec.scheduling_gates:
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP
