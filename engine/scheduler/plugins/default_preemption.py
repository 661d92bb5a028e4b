"""DefaultPreemption: the PostFilter that preempts lower-priority pods
(plugins/defaultpreemption/default_preemption.go). The search itself is preemption.py's
Evaluator; this plugin says who may preempt, who may be a victim, and how many candidate nodes
to look for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.scheduler.framework import (
    Code,
    CycleState,
    NodeToStatus,
    PostFilterPlugin,
    PostFilterResult,
    Status,
)
from engine.scheduler.preemption import Evaluator, more_important
from engine.scheduler.types import NodeInfo, PodInfo

if TYPE_CHECKING:
    from engine.scheduler.framework import Handle

NO_VICTIMS = "No preemption victims found for incoming pod"
MIN_CANDIDATE_NODES_PERCENTAGE = 10  # DefaultPreemptionArgs defaults
MIN_CANDIDATE_NODES_ABSOLUTE = 100


def _terminating_by_preemption(pod: PodInfo) -> bool:
    if not pod.deleting:
        return False
    for condition in pod.status.get("conditions") or []:
        if condition.get("type") == "DisruptionTarget":
            return (
                condition.get("status") == "True"
                and condition.get("reason") == "PreemptionByScheduler"
            )
    return False


class DefaultPreemption(PostFilterPlugin):
    name = "DefaultPreemption"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle
        self.evaluator = Evaluator(
            handle, self.name, self.select_victims_on_node, self.eligible, self.num_candidates
        )

    def post_filter(
        self, state: CycleState, pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[PostFilterResult | None, Status]:
        result, status = self.evaluator.preempt(state, pod, statuses)
        message = status.message()
        if message:
            return result, Status(status.code, "preemption: " + message)
        return result, status

    def num_candidates(self, num_nodes: int) -> int:
        wanted = num_nodes * MIN_CANDIDATE_NODES_PERCENTAGE // 100
        return min(max(wanted, MIN_CANDIDATE_NODES_ABSOLUTE), num_nodes)

    def eligible(self, pod: PodInfo, nominated_status: Status) -> tuple[bool, str]:
        """PodEligibleToPreemptOthers."""
        if pod.spec.preemption_policy == "Never":
            return False, "not eligible due to preemptionPolicy=Never."
        nominated = pod.nominated_node_name
        if nominated:
            if nominated_status.code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE:
                return True, ""  # its node can no longer take it: preempt elsewhere
            node = self.handle.cache.get(nominated)
            if node is not None:
                for other in node.pods.values():
                    if other.priority < pod.priority and _terminating_by_preemption(other):
                        # Its victims are still going; wait for them rather than preempt more.
                        return False, "not eligible due to a terminating pod on the nominated node."
        return True, ""

    def select_victims_on_node(
        self, state: CycleState, pod: PodInfo, node: NodeInfo
    ) -> tuple[list[PodInfo], Status | None]:
        """Remove every lower-priority pod; if the pod then fits, give back as many as
        possible, most important first. Works on a clone of the node and the state."""
        framework = self.handle.framework
        nominated = self.handle.nominator.pods_for_node(node.name)
        potential = [p for p in node.pods.values() if p.priority < pod.priority]
        if not potential:
            return [], Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, NO_VICTIMS)
        for victim in potential:
            node.remove_pod(victim.uid)
            framework.run_pre_filter_extension_remove_pod(state, pod, victim, node)
        status = framework.run_filter_plugins_with_nominated_pods(state, pod, node, nominated)
        if status is not None:
            return [], status
        now = self.handle.env.now
        potential.sort(key=lambda p: more_important(p, now))
        victims: list[PodInfo] = []
        for candidate in potential:
            node.add_pod(candidate)
            framework.run_pre_filter_extension_add_pod(state, pod, candidate, node)
            if framework.run_filter_plugins_with_nominated_pods(state, pod, node, nominated):
                node.remove_pod(candidate.uid)
                framework.run_pre_filter_extension_remove_pod(state, pod, candidate, node)
                victims.append(candidate)
        return victims, None
