"""One pod's trip through the scheduler (pkg/scheduler/schedule_one.go).

scheduling cycle: PreFilter, Filter (until enough feasible nodes are found, starting where the
previous cycle stopped), PostFilter if nothing fits (preemption), PreScore, Score, pick the
best node (ties broken at random), assume the pod onto it, Reserve, Permit. Then the binding
cycle runs on its own, so the next pod's scheduling cycle need not wait for the API server:
PreBind, Bind (POST pods/<name>/binding), the Scheduled event, PostBind.

An exception in a cycle (a plugin meeting a malformed pod, a bug) fails that pod's attempt with
an internal error, exactly as a Go plugin's error would: the cycle's trace event carries the
message, handleSchedulingFailure reports it ("Error scheduling pod; retrying"), records
FailedScheduling and sets PodScheduled=False reason SchedulerError, and the pod waits out its
error back-off (in the background: see queue.py). Every other pod is scheduled as usual.
"""

from __future__ import annotations

import itertools
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine import timeutil
from engine.scheduler import cycle_trace, why_pending
from engine.scheduler.framework import (
    CLEAR_NOMINATED_NODE,
    MODE_OVERRIDE,
    NO_NODES_AVAILABLE,
    Code,
    CycleState,
    Diagnosis,
    FitError,
    NominatingInfo,
    Status,
    StatusError,
)
from engine.scheduler.preemption import Candidate, patch_pod_status
from engine.scheduler.types import NodeInfo, PodInfo, QueuedPodInfo
from engine.utilruntime import describe, klog_line

if TYPE_CHECKING:
    from engine.scheduler.scheduler import Scheduler

Gen = Generator[Any, Any, Any]

MIN_FEASIBLE_NODES_TO_FIND = 100  # schedule_one.go minFeasibleNodesToFind
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
# Podlife: the smallest batch of nodes handed to the Filter plugins at once (see
# Framework.run_filter_plugins_batch); small enough not to waste work past the cut-off.
MIN_FILTER_BATCH = 16


class NoNodesAvailableError(Exception):
    """ErrNoNodesAvailable."""


@dataclass
class Cycle:
    """What one scheduling cycle found: the result, and the details for the trace."""

    pod: PodInfo
    num_all_nodes: int = 0
    filters: list[str] = field(default_factory=list)
    skipped_filters: list[str] = field(default_factory=list)
    diagnosis: Diagnosis = field(default_factory=Diagnosis)
    feasible: list[NodeInfo] = field(default_factory=list)
    scores: dict[str, list[int]] = field(default_factory=dict)
    totals: list[int] = field(default_factory=list)
    skipped_scores: list[str] = field(default_factory=list)
    host: str | None = None
    host_index: int | None = None  # its position in `feasible`
    status: Status | None = None  # None: the pod has a node
    fit_error: FitError | None = None
    nominating: NominatingInfo | None = None
    preemptions: list[tuple[PodInfo, Candidate]] = field(default_factory=list)
    error: Exception | None = None  # the exception the status comes from, if it does

    @property
    def evaluated(self) -> int:
        return len(self.feasible) + len(self.diagnosis.node_to_status)


def num_feasible_nodes_to_find(num_all_nodes: int, percentage: int = 0) -> int:
    """numFeasibleNodesToFind: in big clusters, stop filtering once this many nodes fit.
    percentageOfNodesToScore 0 means adaptive: 50% minus 1% per 125 nodes, at least 5%."""
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    if percentage == 0:
        percentage = max(50 - num_all_nodes // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
    return max(num_all_nodes * percentage // 100, MIN_FEASIBLE_NODES_TO_FIND)


def schedule_one(sched: Scheduler, qpi: QueuedPodInfo) -> Gen:
    """ScheduleOne: one pod, popped from the queue."""
    pod = qpi.pod_info
    queue = sched.queue
    if pod.deleting:
        message = f"skip schedule deleting pod: {pod.namespace}/{pod.name}"
        sched.recorder.event(pod.pod, "Warning", "FailedScheduling", message, action="Scheduling")
        cycle_trace.emit_skipped(sched, pod, message)
        queue.cycle_done()
        queue.done(pod.uid)
        return
    if sched.cache.is_assumed(pod.uid):  # an update raced with its own binding
        queue.cycle_done()
        queue.done(pod.uid)
        return
    state = CycleState()
    cycle = scheduling_cycle(sched, state, pod)
    # The cycle's work takes virtual time in proportion to the nodes it looked at.
    yield sched.timings.scheduling_cycle * cycle.evaluated / 100
    cycle_trace.emit(sched, cycle)
    for preemptor, candidate in cycle.preemptions:
        sched.env.process(
            guarded(
                sched,
                sched.preemption.prepare_candidate(preemptor, candidate),
                preemptor.key,
                "Error occurred during async preemption",
            ),
            "scheduler preemption",
        )
    if cycle.status is not None:
        handle_scheduling_failure(
            sched, qpi, cycle.status, cycle.nominating, cycle.fit_error, cycle.error
        )
        return
    assert cycle.host is not None
    assumed = pod.with_node(cycle.host)
    try:
        sched.cache.assume_pod(assumed)
    except ValueError as error:  # bound by someone else while the cycle ran
        handle_scheduling_failure(
            sched, qpi, Status(Code.ERROR, str(error)), CLEAR_NOMINATED_NODE, None
        )
        return
    sched.nominator.delete(pod)
    framework = sched.framework
    status = framework.run_reserve_plugins_reserve(state, assumed, cycle.host)
    permit_wait = 0.0
    if status is None:
        status, permit_wait = framework.run_permit_plugins(state, assumed, cycle.host)
        if status is not None and status.code is Code.WAIT:
            status = None
        elif status is not None:
            framework.run_reserve_plugins_unreserve(state, assumed, cycle.host)
    else:
        framework.run_reserve_plugins_unreserve(state, assumed, cycle.host)
    if status is not None:
        sched.cache.forget_pod(assumed)
        handle_scheduling_failure(sched, qpi, status, CLEAR_NOMINATED_NODE, None)
        return
    queue.cycle_done()
    sched.env.process(
        binding_cycle(sched, state, qpi, assumed, cycle.host, permit_wait), "scheduler binding"
    )


def scheduling_cycle(sched: Scheduler, state: CycleState, pod: PodInfo) -> Cycle:
    """schedulingCycle up to the choice of a node (or the failure), all in one step."""
    cycle = Cycle(pod)
    try:
        if pod.spec.error:
            raise StatusError(Status(Code.ERROR, pod.spec.error))
        _find_node(sched, state, pod, cycle)
    except Exception as error:
        # An internal error, not a verdict on the pod: no node, no preemption.
        status = error.status if isinstance(error, StatusError) else None
        cycle.status = status or Status(Code.ERROR, describe(error))
        cycle.error = error.__cause__ if isinstance(error.__cause__, Exception) else error
        cycle.host = cycle.host_index = None
        cycle.nominating = CLEAR_NOMINATED_NODE
        cycle.fit_error, cycle.preemptions = None, []
    return cycle


def _find_node(sched: Scheduler, state: CycleState, pod: PodInfo, cycle: Cycle) -> None:
    try:
        schedule_pod(sched, state, pod, cycle)
    except NoNodesAvailableError:
        cycle.status = Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, NO_NODES_AVAILABLE)
        cycle.nominating = CLEAR_NOMINATED_NODE
    except FitError as fit_error:
        cycle.fit_error = fit_error
        if sched.framework.post_filter:
            result, status = sched.framework.run_post_filter_plugins(
                state, pod, fit_error.diagnosis.node_to_status
            )
            fit_error.diagnosis.post_filter_msg = status.message()
            if result is not None:
                cycle.nominating = result.nominating_info
            cycle.preemptions = sched.take_started_preemptions()
        cycle.status = Status(Code.UNSCHEDULABLE, str(fit_error))


def schedule_pod(sched: Scheduler, state: CycleState, pod: PodInfo, cycle: Cycle) -> None:
    """schedulePod: filter, then score if more than one node fits, then pick."""
    cache = sched.cache
    cycle.num_all_nodes = cache.num_nodes()
    if cycle.num_all_nodes == 0:
        raise NoNodesAvailableError
    feasible = find_nodes_that_fit_pod(sched, state, pod, cycle)
    cycle.feasible = feasible
    if cycle.status is not None:
        return  # an internal error, not a verdict on the pod
    if not feasible:
        raise FitError(pod, cycle.num_all_nodes, cycle.diagnosis)
    if len(feasible) == 1:  # "When only one node after predicate, just use it."
        cycle.host, cycle.host_index = feasible[0].name, 0
        return
    framework = sched.framework
    status = framework.run_pre_score_plugins(state, pod, feasible)
    if status is not None:
        cycle.status = status
        return
    cycle.skipped_scores = [p.name for p in framework.score if p.name in state.skip_score_plugins]
    cycle.scores, cycle.totals = framework.run_score_plugins(state, pod, feasible)
    cycle.host_index = select_host(sched, cycle.totals)
    cycle.host = feasible[cycle.host_index].name


def find_nodes_that_fit_pod(
    sched: Scheduler, state: CycleState, pod: PodInfo, cycle: Cycle
) -> list[NodeInfo]:
    framework, cache, diagnosis = sched.framework, sched.cache, cycle.diagnosis
    all_nodes = cache.node_infos()
    result, status, narrowing = framework.run_pre_filter_plugins(state, pod, all_nodes)
    diagnosis.unschedulable_plugins = set(narrowing)
    cycle.skipped_filters = [
        p.name for p in framework.filter if p.name in state.skip_filter_plugins
    ]
    if status is not None and not status.is_success():
        if not status.is_rejected():
            cycle.status = status
            return []
        diagnosis.node_to_status.absent = status
        diagnosis.pre_filter_msg = status.message()
        diagnosis.add_plugin_status(status)
        return []
    cycle.filters = [name for name, _ in framework.active_filters(state)]
    nominated = pod.nominated_node_name
    if nominated:
        # The node this pod preempted for is likely the only one that fits: try it first.
        node = cache.get(nominated)
        if node is not None:
            feasible = find_nodes_that_pass_filters(sched, state, pod, cycle, [node], 0)
            if feasible:
                return feasible
    nodes = all_nodes
    if result is not None and not result.all_nodes():
        assert result.node_names is not None
        nodes = [n for name in sorted(result.node_names) if (n := cache.get(name)) is not None]
        diagnosis.node_to_status.absent = Status(
            Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
            f"node(s) didn't satisfy plugin(s) [{' '.join(sorted(narrowing))}]",
        )
    feasible = find_nodes_that_pass_filters(
        sched, state, pod, cycle, nodes, sched.next_start_node_index
    )
    processed = len(feasible) + len(diagnosis.node_to_status)
    sched.next_start_node_index = (sched.next_start_node_index + processed) % len(all_nodes)
    return feasible


def find_nodes_that_pass_filters(
    sched: Scheduler,
    state: CycleState,
    pod: PodInfo,
    cycle: Cycle,
    nodes: list[NodeInfo],
    start: int,
) -> list[NodeInfo]:
    """Run the Filter plugins on the nodes from `start` on (wrapping around), until enough
    nodes fit; record why each rejected node was rejected."""
    framework, diagnosis = sched.framework, cycle.diagnosis
    num_all = len(nodes)
    if not num_all:
        return []
    start %= num_all
    wanted = num_feasible_nodes_to_find(num_all)
    filters = framework.active_filters(state)
    if not filters:
        return [nodes[(start + i) % num_all] for i in range(wanted)]  # nothing to filter on
    nominated = sched.nominator.nominated_pods
    statuses = diagnosis.node_to_status.statuses
    feasible: list[NodeInfo] = []
    done = 0
    # Nodes are filtered in batches just big enough to find the nodes still wanted; verdicts
    # past the node where enough were found are thrown away, as if never computed.
    rotated = nodes[start:] + nodes[:start] if start else nodes
    while done < num_all and len(feasible) < wanted:
        size = min(max(wanted - len(feasible), MIN_FILTER_BATCH), num_all - done)
        batch = rotated[done : done + size]
        rejected = framework.run_filter_plugins_batch(state, pod, batch)
        if nominated:
            for j, node in enumerate(batch):
                if node.name in nominated:
                    status = framework.run_filter_plugins_with_nominated_pods(
                        state, pod, node, sched.nominator.pods_for_node(node.name)
                    )
                    if status is None:
                        rejected.pop(j, None)
                    else:
                        rejected[j] = status
        if not rejected:  # the usual case: take what is still wanted, in order
            take = min(size, wanted - len(feasible))
            feasible.extend(batch[:take])
            done += take
            continue
        for j, node in enumerate(batch):
            done += 1
            status = rejected.get(j)
            if status is None:
                feasible.append(node)
                if len(feasible) >= wanted:
                    break
            else:
                statuses[node.name] = status
                diagnosis.add_plugin_status(status)
    return feasible


def select_host(sched: Scheduler, totals: list[int]) -> int:
    """selectHost: the highest total; among equals, each equally likely. Upstream samples a
    reservoir, one math/rand draw per tied node; one draw from the cluster's RNG among the
    tied nodes gives the same distribution for a fraction of the cost (in a balanced
    cluster hundreds of nodes tie)."""
    best = max(totals)
    if totals.count(best) == 1:
        return totals.index(best)
    tied = list(itertools.compress(range(len(totals)), map(best.__eq__, totals)))
    return tied[sched.rng.randrange(len(tied))]


# ---------------------------------------------------------------------------------------------
# after the cycle


def handle_scheduling_failure(
    sched: Scheduler,
    qpi: QueuedPodInfo,
    status: Status,
    nominating: NominatingInfo | None,
    fit_error: FitError | None,
    error: Exception | None = None,
) -> None:
    """handleSchedulingFailure: requeue the pod, record FailedScheduling, and PATCH its
    status with PodScheduled=False (and the nominated node, after a preemption).
    `error`: the exception behind an internal error (its back-off runs in the background)."""
    pod = qpi.pod_info
    queue = sched.queue
    reason = "Unschedulable" if status.is_rejected() else "SchedulerError"
    if fit_error is not None:
        qpi.unschedulable_plugins = set(fit_error.diagnosis.unschedulable_plugins)
        qpi.pending_plugins = set(fit_error.diagnosis.pending_plugins)
    elif status.code is Code.ERROR:
        # neither ErrNoNodesAvailable nor a FitError: utilruntime.HandleErrorWithContext
        text = status.message()
        sched.errors.handle_error(
            pod.key,
            klog_line("Error scheduling pod; retrying", err=text, pod=pod.key),
            error=error,
            obj=sched.ref(pod),
            data={"error": text},
        )
    qpi.unexpected_error = error is not None
    cached = sched.get_pod(pod.namespace, pod.name)
    if cached is None or (cached.get("spec") or {}).get("nodeName"):
        queue.cycle_done()  # gone, or bound meanwhile: nothing to requeue
        queue.done(pod.uid)
    else:
        qpi.pod_info = sched.pod_infos.of(cached)
        queue.add_unschedulable_if_not_present(qpi)
        sched.nominator.add(qpi.pod_info, nominating)
    message = status.message()
    sched.recorder.event(pod.pod, "Warning", "FailedScheduling", message, action="Scheduling")
    if cached is not None and sched.told_pending.get(pod.uid) != message:
        # Once a reason, not at every retry: the story says why it waits, not each attempt.
        sched.told_pending[pod.uid] = message
        why = why_pending.explain(pod, sched.cache.node_infos(), message)
        sched.context.trace.milestone(
            "scheduler", f"Pod {pod.name} stays Pending: {why}", sched.ref(pod), 3, 5
        )
    if cached is not None:
        condition = {
            "type": "PodScheduled",
            "status": "False",
            "lastProbeTime": None,
            "lastTransitionTime": timeutil.rfc3339(sched.env.now),
            "reason": reason,
            "message": message,
        }
        sched.env.process(
            guarded(
                sched,
                update_pod(sched, sched.pod_infos.of(cached), condition, nominating),
                pod.key,
                "Error updating pod",
            ),
            "scheduler status",
        )


def update_pod(
    sched: Scheduler, pod: PodInfo, condition: dict[str, Any], nominating: NominatingInfo | None
) -> Gen:
    """updatePod: set the condition (keeping lastTransitionTime if the status did not flip)
    and the nominated node, with one status PATCH; nothing if neither changed."""
    old = pod.status
    new = dict(old)
    conditions = list(old.get("conditions") or [])
    current = next((c for c in conditions if c.get("type") == condition["type"]), None)
    if current is not None and current.get("status") == condition["status"]:
        condition["lastTransitionTime"] = current.get("lastTransitionTime")
    if current is None:
        conditions.append(condition)
    else:
        conditions[conditions.index(current)] = {**current, **condition}
    new["conditions"] = conditions
    if nominating is not None and nominating.mode == MODE_OVERRIDE:
        if nominating.nominated_node_name:
            new["nominatedNodeName"] = nominating.nominated_node_name
        else:
            new.pop("nominatedNodeName", None)
    yield from patch_pod_status(sched.client, pod, old, new)


def guarded(sched: Scheduler, work: Gen, pod_key: str, message: str) -> Gen:
    """Run work the scheduler started on its own process; an exception in it is reported
    (utilruntime.HandleErrorWithContext with `message`) instead of stopping the simulation."""
    try:
        yield from work
    except Exception as error:
        text = describe(error)
        namespace, _, name = pod_key.partition("/")
        sched.errors.handle_error(
            pod_key,
            klog_line(message, err=text, pod=pod_key),
            error=error,
            obj=sched.ref_of(namespace, name),
            data={"error": text},
        )


def binding_cycle(
    sched: Scheduler,
    state: CycleState,
    qpi: QueuedPodInfo,
    assumed: PodInfo,
    host: str,
    permit_wait: float,
) -> Gen:
    """bindingCycle, on its own process: WaitOnPermit, PreBind, Bind, Scheduled, PostBind."""
    framework = sched.framework
    if permit_wait:
        yield permit_wait  # no plugin allows early: the wait times out
        status = Status(Code.UNSCHEDULABLE, f"rejected due to timeout after waiting {permit_wait}s")
        yield from handle_binding_error(sched, state, qpi, assumed, host, status)
        return
    sched.queue.done(assumed.uid)
    # Said as the binding is sent, so that the story tells it before the kubelet sees it.
    sched.told_pending.pop(assumed.uid, None)
    sched.context.trace.milestone(
        "scheduler",
        f"The scheduler picked {host} for pod {assumed.name} and binds the pod to it",
        sched.ref(assumed),
        3,
        5,
        node=host,
    )
    failure: Exception | None = None
    try:
        status = yield from framework.run_pre_bind_plugins(state, assumed, host)
        if status is None:
            status = yield from framework.run_bind_plugins(state, assumed, host)
    except Exception as error:
        status, failure = Status(Code.ERROR, describe(error)), error
    if status is not None:
        yield from handle_binding_error(sched, state, qpi, assumed, host, status, failure)
        return
    sched.cache.finish_binding(assumed)
    sched.recorder.event(
        assumed.pod,
        "Normal",
        "Scheduled",
        f"Successfully assigned {assumed.namespace}/{assumed.name} to {host}",
        action="Binding",
    )
    yield from guarded(
        sched,
        _post_bind(framework, state, assumed, host),
        assumed.key,
        "Error running PostBind plugins",
    )


def _post_bind(framework: Any, state: CycleState, assumed: PodInfo, host: str) -> Gen:
    framework.run_post_bind_plugins(state, assumed, host)
    yield from ()


def handle_binding_error(
    sched: Scheduler,
    state: CycleState,
    qpi: QueuedPodInfo,
    assumed: PodInfo,
    host: str,
    status: Status,
    error: Exception | None = None,
) -> Gen:
    """handleBindingCycleError: give the node's room back and treat the pod as failed."""
    from engine.scheduler.framework import ASSIGNED_POD_DELETE

    sched.framework.run_reserve_plugins_unreserve(state, assumed, host)
    sched.cache.forget_pod(assumed)
    sched.queue.move_all_to_active_or_backoff(ASSIGNED_POD_DELETE, assumed, None)
    handle_scheduling_failure(sched, qpi, status, CLEAR_NOMINATED_NODE, None, error)
    yield from ()


def recover(sched: Scheduler, qpi: QueuedPodInfo, error: Exception) -> None:
    """ScheduleOne raised outside the plugins: the attempt fails as an internal error. A pod
    it had assumed onto a node gives the room back first."""
    pod = qpi.pod_info
    if sched.cache.is_assumed(pod.uid) and not sched.cache.assumed[pod.uid]:
        sched.cache.forget_pod(pod)
    status = Status(Code.ERROR, describe(error))
    handle_scheduling_failure(sched, qpi, status, CLEAR_NOMINATED_NODE, None, error)
