"""Preemption: when a pod fits nowhere, find a node where evicting lower-priority pods would
make room, nominate the pod there and delete the victims
(pkg/scheduler/framework/preemption/preemption.go Evaluator, executor.go).

The victims are deleted asynchronously (SchedulerAsyncPreemption, on by default since 1.33):
the scheduling cycle ends with the pod nominated, and the pod is tried again when the victims
are gone (an AssignedPodDelete event).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine import timeutil
from engine.apimachinery import strategicpatch
from engine.scheduler.framework import (
    CLEAR_NOMINATED_NODE,
    MODE_OVERRIDE,
    Code,
    CycleState,
    Diagnosis,
    FitError,
    NodeToStatus,
    NominatingInfo,
    PostFilterResult,
    Status,
)
from engine.scheduler.types import NodeInfo, PodInfo

if TYPE_CHECKING:
    from engine.scheduler.framework import Handle

Gen = Generator[Any, Any, Any]

NOT_HELPFUL = "Preemption is not helpful for scheduling"
MAX_INT32 = 2**31 - 1


@dataclass
class Candidate:
    name: str
    victims: list[PodInfo]  # most important first


SelectVictims = Callable[[CycleState, PodInfo, NodeInfo], tuple[list[PodInfo], Status | None]]


def more_important(pod: PodInfo, now: float) -> tuple[int, float]:
    """util.MoreImportantPod as a sort key: higher priority, then started earlier."""
    start = pod.start_time()
    return (-pod.priority, start if start is not None else now)


class Evaluator:
    def __init__(
        self,
        handle: Handle,
        plugin_name: str,
        select_victims: SelectVictims,
        eligible: Callable[[PodInfo, Status], tuple[bool, str]],
        num_candidates: Callable[[int], int],
    ) -> None:
        self.handle = handle
        self.plugin_name = plugin_name
        self.select_victims = select_victims
        self.eligible = eligible
        self.num_candidates = num_candidates
        self.started: list[tuple[PodInfo, Candidate]] = []  # for the cycle's trace

    def preempt(
        self, state: CycleState, pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[PostFilterResult | None, Status]:
        latest = self.handle.get_pod(pod.namespace, pod.name)
        if latest is None:
            return None, Status(Code.ERROR, f'pods "{pod.name}" not found')
        pod = self.handle.pod_infos.of(latest)
        ok, message = self.eligible(pod, statuses.get(pod.nominated_node_name))
        if not ok:
            return None, Status(Code.UNSCHEDULABLE, message)
        all_nodes = self.handle.cache.node_infos()
        candidates, node_statuses = self.find_candidates(state, all_nodes, pod, statuses)
        if not candidates:
            node_statuses.absent = Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, NOT_HELPFUL)
            fit_error = FitError(pod, len(all_nodes), Diagnosis(node_to_status=node_statuses))
            return PostFilterResult(CLEAR_NOMINATED_NODE), Status(
                Code.UNSCHEDULABLE, str(fit_error)
            )
        best = self.select_candidate(candidates)
        self.started.append((pod, best))
        return PostFilterResult(NominatingInfo(best.name, MODE_OVERRIDE)), Status(Code.SUCCESS)

    def find_candidates(
        self, state: CycleState, all_nodes: list[NodeInfo], pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[list[Candidate], NodeToStatus]:
        """Dry-run preemption on the nodes that failed with a plain Unschedulable (the
        UnschedulableAndUnresolvable ones cannot be helped), from a random offset, until
        enough candidates are found."""
        potential = statuses.nodes_for_status_code(all_nodes, Code.UNSCHEDULABLE)
        found = NodeToStatus()
        if not potential:
            return [], found
        offset = self.handle.rng.randrange(len(potential))
        wanted = self.num_candidates(len(potential))
        candidates: list[Candidate] = []
        for i in range(len(potential)):
            node = potential[(offset + i) % len(potential)]
            victims, status = self.select_victims(state.clone(), pod, node.clone())
            if status is None and victims:
                candidates.append(Candidate(node.name, victims))
                if len(candidates) >= wanted:
                    break
                continue
            if status is None:
                status = Status(
                    Code.ERROR, f'expected at least one victim pod on node "{node.name}"'
                )
            found.set(node.name, status)
        return candidates, found

    def select_candidate(self, candidates: list[Candidate]) -> Candidate:
        """pickOneNodeForPreemption: fewest PDB violations (Podlife has no PDBs), then the
        lowest highest-priority victim, the lowest sum of priorities, the fewest victims, and
        the latest start among the most important victims."""
        if len(candidates) == 1:
            return candidates[0]
        now = self.handle.env.now

        def earliest_start(c: Candidate) -> float:
            top = c.victims[0].priority
            starts = [p.start_time() for p in c.victims if p.priority == top]
            return min((s if s is not None else now) for s in starts)

        rules: list[Callable[[Candidate], float]] = [
            lambda c: -c.victims[0].priority,
            lambda c: -sum(p.priority + MAX_INT32 + 1 for p in c.victims),
            lambda c: -len(c.victims),
            earliest_start,
        ]
        remaining = candidates
        for rule in rules:
            best = max(rule(c) for c in remaining)
            remaining = [c for c in remaining if rule(c) == best]
            if len(remaining) == 1:
                break
        return remaining[0]

    def prepare_candidate(self, pod: PodInfo, candidate: Candidate) -> Gen:
        """Evict the victims: mark each DisruptionTarget, delete it, and say why; then take
        the nomination away from lower-priority pods waiting for the same node."""
        client, recorder = self.handle.client, self.handle.recorder
        for victim in candidate.victims:
            old_status = victim.status
            new_status = dict(old_status)
            condition = {
                "type": "DisruptionTarget",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": timeutil.rfc3339(self.handle.env.now),
                "reason": "PreemptionByScheduler",
                "message": f"{pod.spec.scheduler_name}: preempting to accommodate a higher "
                "priority pod",
            }
            others = [
                c for c in old_status.get("conditions") or [] if c["type"] != "DisruptionTarget"
            ]
            new_status["conditions"] = [*others, condition]
            yield from patch_pod_status(client, victim, old_status, new_status)
            yield from client.request(
                "DELETE", f"/api/v1/namespaces/{victim.namespace}/pods/{victim.name}"
            )
            recorder.event(
                victim.pod,
                "Normal",
                "Preempted",
                f"Preempted by pod {pod.uid} on node {candidate.name}",
                action="Preempting",
            )
        for other in self.handle.nominator.pods_for_node(candidate.name):
            if other.priority < pod.priority:
                yield from patch_pod_status(
                    client, other, other.status, {**other.status, "nominatedNodeName": None}
                )


def patch_pod_status(client: Any, pod: PodInfo, old: dict[str, Any], new: dict[str, Any]) -> Gen:
    """util.PatchPodStatus: a strategic merge patch of the difference, nothing if none."""
    body = strategicpatch.create_two_way_merge_patch({"status": old}, {"status": new}, "Pod")
    if not body:
        return None
    response = yield from client.request(
        "PATCH",
        f"/api/v1/namespaces/{pod.namespace}/pods/{pod.name}/status",
        body=body,
        headers={"content-type": "application/strategic-merge-patch+json"},
    )
    return response
