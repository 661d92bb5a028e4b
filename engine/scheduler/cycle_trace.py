"""The `scheduling-cycle` trace event: why the pod landed where it did, or why it is Pending.

One event per cycle, `scheduler` -> `scheduler`, whose data is the page's filter/score table:

    {"filter": {plugin: {node: "" | reason}},   "" = passed; a node stops at its first failure
     "score":  {plugin: {node: weighted score}},
     "total":  {node: total},
     "chosen": node | None,
     "message": text,
     "skipped": {"filter": [plugins], "score": [plugins]},   nothing to do for this pod
     "nodes": {"all": n, "evaluated": n, "feasible": n, "shown": n},
     "nominatedNode", "victims": after a preemption}

Per-node detail is bounded: at most TRACE_NODE_DETAIL nodes appear (the winner and the best
runners-up first, then rejected nodes), so that a thousand-node cluster's trace stays small.
Documented in docs/scheduler.md and docs/trace.md.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from engine.scheduler.types import PodInfo
from engine.trace import ObjectRef, Step

if TYPE_CHECKING:
    from engine.scheduler.schedule_one import Cycle
    from engine.scheduler.scheduler import Scheduler

# Enough for any teaching cluster in full; at scale, a sample that still explains the choice.
TRACE_NODE_DETAIL = 20
KIND = "scheduling-cycle"


def _ref(pod: PodInfo) -> ObjectRef:
    return ObjectRef(kind="Pod", name=pod.name, namespace=pod.namespace)


def emit_skipped(sched: Scheduler, pod: PodInfo, message: str) -> None:
    data: dict[str, Any] = {
        "filter": {},
        "score": {},
        "total": {},
        "chosen": None,
        "message": message,
    }
    sched.context.trace.emit(
        "scheduler", "scheduler", KIND, message, step=Step.SCHEDULE, obj=_ref(pod), data=data
    )


def _shown_nodes(cycle: Cycle, order: dict[str, int]) -> tuple[list[str], dict[str, int]]:
    """Which nodes get per-node detail (in the cluster's node order), and the position in
    cycle.feasible of those that fit. In a big cluster: the winner, the best runners-up, then
    rejected nodes, found from the totals without visiting every node."""
    rejected = cycle.diagnosis.node_to_status.statuses
    feasible = cycle.feasible
    count = len(feasible)
    if count + len(rejected) <= TRACE_NODE_DETAIL:
        positions: list[int] = list(range(count))
    else:
        ranked: Any = (
            sorted(range(count), key=cycle.totals.__getitem__, reverse=True)
            if cycle.totals
            else range(count)
        )
        positions = [cycle.host_index] if cycle.host_index is not None else []
        positions += [i for i in ranked[:TRACE_NODE_DETAIL] if i != cycle.host_index]
        positions = positions[:TRACE_NODE_DETAIL]
    index = {feasible[i].name: i for i in positions}
    names = list(index) + list(itertools.islice(rejected, TRACE_NODE_DETAIL - len(index)))
    return sorted(names, key=lambda n: order.get(n, len(order))), index


def build(cycle: Cycle, order: dict[str, int]) -> tuple[str, dict[str, Any]]:
    shown, index = _shown_nodes(cycle, order)
    statuses = cycle.diagnosis.node_to_status.statuses
    filters: dict[str, dict[str, str]] = {name: {} for name in cycle.filters}
    for node in shown:
        status = statuses.get(node)
        for plugin in cycle.filters:
            if status is None:
                filters[plugin][node] = ""
            elif plugin == status.plugin:
                filters[plugin][node] = status.message()
                break
            else:
                filters[plugin][node] = ""
    scored = [n for n in shown if n in index] if cycle.totals else []
    scores = {
        plugin: {n: values[index[n]] for n in scored} for plugin, values in cycle.scores.items()
    }
    totals = {n: cycle.totals[index[n]] for n in scored}
    message = cycle.status.message() if cycle.status is not None else ""
    data: dict[str, Any] = {
        "filter": filters,
        "score": scores,
        "total": totals,
        "chosen": cycle.host,
        "message": message,
        "skipped": {"filter": cycle.skipped_filters, "score": cycle.skipped_scores},
        "nodes": {
            "all": cycle.num_all_nodes,
            "evaluated": cycle.evaluated,
            "feasible": len(cycle.feasible),
            "shown": len(shown),
        },
    }
    summary = message
    if cycle.host is not None and cycle.totals:
        best = cycle.totals[index[cycle.host]]
        ties = cycle.totals.count(best) - 1
        summary = (
            f"Filtered {cycle.evaluated} nodes, scored {len(cycle.feasible)}: "
            f"{cycle.host} wins (score {best}"
            + (
                f", tied with {ties} other{'s' if ties > 1 else ''}: picked at random"
                if ties
                else ""
            )
            + ")"
        )
        data["message"] = summary
    elif cycle.host is not None:
        summary = f"Filtered {cycle.evaluated} nodes, only {cycle.host} fits: no scoring needed"
        data["message"] = summary
    for _, candidate in cycle.preemptions:
        victims = [p.key for p in candidate.victims]
        data["nominatedNode"] = candidate.name
        data["victims"] = victims
        summary += f" Preempting {', '.join(victims)} on {candidate.name} to make room."
    return summary, data


def emit(sched: Scheduler, cycle: Cycle) -> None:
    summary, data = build(cycle, sched.cache.node_order())
    sched.context.trace.emit(
        "scheduler", "scheduler", KIND, summary, step=Step.SCHEDULE, obj=_ref(cycle.pod), data=data
    )
