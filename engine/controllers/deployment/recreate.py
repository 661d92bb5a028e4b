"""Recreate (pkg/controller/deployment/recreate.go): scale every old ReplicaSet to zero, wait
until none of their pods is left running, then create and scale up the new one."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.controllers.deployment import util
from engine.controllers.deployment.progress import sync_rollout_status
from engine.controllers.deployment.sync import (
    cleanup_deployment,
    get_all_replica_sets_and_sync_revision,
    scale_replica_set_and_record_event,
)

if TYPE_CHECKING:
    from engine.controllers.deployment.controller import DeploymentController

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


def rollout_recreate(
    dc: DeploymentController, d: Obj, rs_list: list[Obj], pod_map: dict[str, list[Obj]]
) -> Gen:
    """rolloutRecreate."""
    # No new ReplicaSet yet: creating it now would scale up before the old pods are gone.
    new_rs, old_rss = yield from get_all_replica_sets_and_sync_revision(dc, d, rs_list, False)
    all_rss = [*old_rss, new_rs]
    scaled_down = False
    for rs in util.filter_active(old_rss):
        scaled, _ = yield from scale_replica_set_and_record_event(
            dc, rs, 0, d, "the Recreate strategy stops every old pod before it starts new ones"
        )
        scaled_down = scaled_down or scaled
    if scaled_down:
        yield from sync_rollout_status(dc, all_rss, new_rs, d)
        return
    if old_pods_running(new_rs, old_rss, pod_map):
        yield from sync_rollout_status(dc, all_rss, new_rs, d)
        return
    if new_rs is None:
        new_rs, old_rss = yield from get_all_replica_sets_and_sync_revision(dc, d, rs_list, True)
        all_rss = [*old_rss, new_rs]
    yield from scale_replica_set_and_record_event(
        dc,
        new_rs,
        util.replicas_of(d),
        d,
        "the old pods are gone, so the Recreate strategy starts the new ones",
    )
    if util.deployment_complete(d, d.get("status") or {}):
        yield from cleanup_deployment(dc, old_rss, d)
    yield from sync_rollout_status(dc, all_rss, new_rs, d)


def old_pods_running(new_rs: Obj | None, old_rss: list[Obj], pod_map: dict[str, list[Obj]]) -> bool:
    """oldPodsRunning: any old pod not yet Succeeded or Failed (terminating ones count)."""
    if util.sum_actual_replicas(old_rss) > 0:
        return True
    new_uid = new_rs["metadata"]["uid"] if new_rs is not None else None
    for uid, pods in pod_map.items():
        if uid == new_uid:
            continue
        for pod in pods:
            if (pod.get("status") or {}).get("phase") not in ("Failed", "Succeeded"):
                return True
    return False
