"""The Progressing condition and progressDeadlineSeconds (pkg/controller/deployment/progress.go)."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine import timeutil
from engine.controllers.deployment import util
from engine.controllers.deployment.sync import calculate_status, update_status

if TYPE_CHECKING:
    from engine.controllers.deployment.controller import DeploymentController

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


def sync_rollout_status(
    dc: DeploymentController, all_rss: list[Obj | None], new_rs: Obj | None, d: Obj
) -> Gen:
    """syncRolloutStatus: status plus the Progressing condition (complete, progressing, or
    timed out) and any ReplicaFailure of the ReplicaSets."""
    new_status = calculate_status(all_rss, new_rs, d, dc.now)
    if not util.has_progress_deadline(d):
        util.remove_condition(new_status, "Progressing")
    old_status = d.get("status") or {}
    current = util.get_condition(old_status, "Progressing")
    complete = (
        new_status.get("replicas", 0) == new_status.get("updatedReplicas", 0)
        and current is not None
        and current.get("reason") == util.NEW_RS_AVAILABLE
    )
    what = (
        f'ReplicaSet "{new_rs["metadata"]["name"]}"'
        if new_rs is not None
        else f'Deployment "{d["metadata"]["name"]}"'
    )
    if util.has_progress_deadline(d) and not complete:
        if util.deployment_complete(d, new_status):
            util.set_condition(
                new_status,
                util.new_condition(
                    "Progressing",
                    "True",
                    util.NEW_RS_AVAILABLE,
                    f"{what} has successfully progressed.",
                    dc.now,
                ),
            )
        elif util.deployment_progressing(d, new_status):
            condition = util.new_condition(
                "Progressing", "True", util.RS_UPDATED, f"{what} is progressing.", dc.now
            )
            if current is not None:
                # Progress moves lastUpdateTime, not lastTransitionTime: remove and re-add.
                if current["status"] == "True":
                    condition["lastTransitionTime"] = current["lastTransitionTime"]
                util.remove_condition(new_status, "Progressing")
            util.set_condition(new_status, condition)
        elif util.deployment_timed_out(d, new_status, dc.now):
            util.set_condition(
                new_status,
                util.new_condition(
                    "Progressing",
                    "False",
                    util.TIMED_OUT,
                    f"{what} has timed out progressing.",
                    dc.now,
                ),
            )
    failures = _replica_failures(all_rss, new_rs)
    if failures:
        util.set_condition(new_status, failures[0])
    else:
        util.remove_condition(new_status, "ReplicaFailure")
    if new_status == old_status:
        requeue_stuck_deployment(dc, d, new_status)
        return
    d["status"] = new_status
    yield from update_status(dc, d)


def _replica_failures(all_rss: list[Obj | None], new_rs: Obj | None) -> list[Obj]:
    """getReplicaFailures: the new ReplicaSet's first, else any old one's."""

    def of(rs: Obj | None) -> list[Obj]:
        if rs is None:
            return []
        return [
            util.rs_to_deployment_condition(c)
            for c in (rs.get("status") or {}).get("conditions") or ()
            if c.get("type") == "ReplicaFailure"
        ]

    found = of(new_rs)
    if found:
        return found
    return [c for rs in all_rss for c in of(rs)]


def requeue_stuck_deployment(dc: DeploymentController, d: Obj, new_status: Obj) -> float:
    """requeueStuckDeployment: come back when the progress deadline would pass.

    The re-check is a background timer: a stuck rollout does not keep the cluster from
    settling, and the deadline passes when time is advanced."""
    current = util.get_condition(d.get("status") or {}, "Progressing")
    if not util.has_progress_deadline(d) or current is None:
        return -1
    if util.deployment_complete(d, new_status) or current.get("reason") == util.TIMED_OUT:
        return -1
    last = timeutil.parse_rfc3339(current["lastUpdateTime"])
    after = last + d["spec"]["progressDeadlineSeconds"] - dc.now
    key = f"{d['metadata'].get('namespace')}/{d['metadata']['name']}"
    if after < 1:
        dc.queue.add_rate_limited(key)
        return 0
    dc.enqueue_after(key, after + 1, background=True)  # "a second to avoid skew"
    return after
