"""RollingUpdate (pkg/controller/deployment/rolling.go).

Each sync first tries to grow the new ReplicaSet (never past replicas + maxSurge pods in all);
only if it could not does it shrink the old ones (never below replicas - maxUnavailable
available pods), unhealthy replicas first.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.controllers.base import SyncError
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


def rollout_rolling(dc: DeploymentController, d: Obj, rs_list: list[Obj]) -> Gen:
    """rolloutRolling."""
    new_rs, old_rss = yield from get_all_replica_sets_and_sync_revision(dc, d, rs_list, True)
    all_rss = [*old_rss, new_rs]
    scaled_up = yield from reconcile_new_replica_set(dc, all_rss, new_rs, d)
    if scaled_up:
        yield from sync_rollout_status(dc, all_rss, new_rs, d)
        return
    scaled_down = yield from reconcile_old_replica_sets(
        dc, all_rss, util.filter_active(old_rss), new_rs, d
    )
    if scaled_down:
        yield from sync_rollout_status(dc, all_rss, new_rs, d)
        return
    if util.deployment_complete(d, d.get("status") or {}):
        yield from cleanup_deployment(dc, old_rss, d)
    yield from sync_rollout_status(dc, all_rss, new_rs, d)


def _rs_name(rs: Obj) -> str:
    return f"{rs['metadata'].get('namespace')}/{rs['metadata']['name']}"


def _name(d: Obj) -> str:
    return f"{d['metadata'].get('namespace')}/{d['metadata']['name']}"


def reconcile_new_replica_set(
    dc: DeploymentController, all_rss: list[Obj], new_rs: Obj, d: Obj
) -> Gen:
    """reconcileNewReplicaSet: scale the new ReplicaSet up as far as maxSurge allows."""
    replicas = util.replicas_of(d)
    current = util.replicas_of(new_rs)
    if current == replicas:
        return False
    if current > replicas:
        scaled, _ = yield from scale_replica_set_and_record_event(
            dc, new_rs, replicas, d, f"deployment {d['metadata']['name']} wants {replicas}"
        )
        return scaled
    target = util.new_rs_new_replicas(d, all_rss, new_rs)
    surge = util.max_surge(d)
    total = util.sum_spec_replicas(all_rss)
    if target != current:
        dc.note(
            f"Deployment {_name(d)}: {total} pods of at most "
            f"{replicas + surge} ({replicas} + maxSurge {surge}): scale new replica set "
            f"{new_rs['metadata']['name']} from {current} to {target}",
            d,
            maxSurge=surge,
            newReplicas=target,
        )
    scaled, _ = yield from scale_replica_set_and_record_event(
        dc,
        new_rs,
        target,
        d,
        f"there may be {replicas + surge} pods at once ({replicas} wanted + maxSurge {surge}) "
        f"and there were {total}",
    )
    return scaled


def reconcile_old_replica_sets(
    dc: DeploymentController, all_rss: list[Obj], old_rss: list[Obj], new_rs: Obj, d: Obj
) -> Gen:
    """reconcileOldReplicaSets: scale old ReplicaSets down while keeping minAvailable."""
    if util.sum_spec_replicas(old_rss) == 0:
        return False
    all_pods = util.sum_spec_replicas(all_rss)
    unavailable = util.max_unavailable(d)
    min_available = util.replicas_of(d) - unavailable
    new_unavailable = util.replicas_of(new_rs) - (new_rs.get("status") or {}).get(
        "availableReplicas", 0
    )
    max_scaled_down = all_pods - min_available - new_unavailable
    if max_scaled_down <= 0:
        return False
    dc.note(
        f"Deployment {_name(d)}: {all_pods} pods, at least {min_available} must stay available "
        f"({util.replicas_of(d)} - maxUnavailable {unavailable}), {new_unavailable} new ones "
        f"not available yet: old replica sets may lose up to {max_scaled_down}",
        d,
        minAvailable=min_available,
        maxScaledDown=max_scaled_down,
    )
    old_rss, cleaned = yield from cleanup_unhealthy_replicas(dc, old_rss, d, max_scaled_down)
    scaled = yield from scale_down_old_replica_sets_for_rolling_update(
        dc, [*old_rss, new_rs], old_rss, d
    )
    return cleaned + scaled > 0


def cleanup_unhealthy_replicas(
    dc: DeploymentController, old_rss: list[Obj], d: Obj, max_cleanup: int
) -> Gen:
    """cleanupUnhealthyReplicas: drop old replicas that are not available anyway."""
    old_rss = util.by_creation(old_rss)
    total = 0
    for i, rs in enumerate(old_rss):
        if total >= max_cleanup:
            break
        replicas = util.replicas_of(rs)
        available = (rs.get("status") or {}).get("availableReplicas", 0)
        if replicas == 0 or replicas == available:
            continue
        count = min(max_cleanup - total, replicas - available)
        unready = replicas - available
        if count < 0:
            # A status that counts more available pods than spec.replicas (it lags a scale
            # down): upstream refuses and retries rather than scale up an old ReplicaSet.
            raise SyncError(
                f"when cleaning up unhealthy replicas, got invalid request to scale down "
                f"{_rs_name(rs)} {replicas} -> {replicas - count}"
            )
        _, updated = yield from scale_replica_set_and_record_event(
            dc,
            rs,
            replicas - count,
            d,
            f"{unready} of its pods {'is' if unready == 1 else 'are'} not available anyway, "
            "so they go first",
        )
        total += count
        old_rss[i] = updated
    return old_rss, total


def scale_down_old_replica_sets_for_rolling_update(
    dc: DeploymentController, all_rss: list[Obj], old_rss: list[Obj], d: Obj
) -> Gen:
    """scaleDownOldReplicaSetsForRollingUpdate: oldest first, down to minAvailable."""
    replicas = util.replicas_of(d)
    unavailable = util.max_unavailable(d)
    min_available = replicas - unavailable
    available = util.sum_available_replicas(all_rss)
    if available <= min_available:
        return 0
    total_to_scale_down = available - min_available
    total = 0
    for rs in util.by_creation(old_rss):
        if total >= total_to_scale_down:
            break
        size = util.replicas_of(rs)
        if size == 0:
            continue
        count = min(size, total_to_scale_down - total)
        yield from scale_replica_set_and_record_event(
            dc,
            rs,
            size - count,
            d,
            f"at least {min_available} pods must stay available ({replicas} wanted − "
            f"maxUnavailable {unavailable}) and {available} were",
        )
        total += count
    return total
