"""Revisions, the new ReplicaSet, scaling, clean-up and status (pkg/controller/deployment/sync.go).

`d` is the controller's own deep copy of the cached Deployment: these functions change it the
way upstream changes its copy (annotations, status) before sending it. Like upstream they do not
refresh its resourceVersion after writing its status, so a second status write in the same
sync meets a 409 Conflict and the key is retried: the well-known "the object has been modified"
of kube-controller-manager's log, kept because it is what really happens.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.apimachinery.jsoncopy import deep_copy_json
from engine.apiserver.request import Response
from engine.controllers.base import SyncError, error_message, path_of
from engine.controllers.controller_ref import new_controller_ref
from engine.controllers.deployment import util
from engine.controllers.hashing import compute_hash
from engine.controllers.informers import controller_ref
from engine.controllers.replicaset import NAMESPACE_TERMINATING

if TYPE_CHECKING:
    from engine.controllers.deployment.controller import DeploymentController

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


def sync_status_only(dc: DeploymentController, d: Obj, rs_list: list[Obj]) -> Gen:
    """syncStatusOnly: a Deployment being deleted only reports status."""
    new_rs, old_rss = yield from get_all_replica_sets_and_sync_revision(dc, d, rs_list, False)
    yield from sync_deployment_status(dc, [*old_rss, new_rs], new_rs, d)


def sync(dc: DeploymentController, d: Obj, rs_list: list[Obj]) -> Gen:
    """sync: a scaling event, or a paused Deployment: resize without rolling out."""
    new_rs, old_rss = yield from get_all_replica_sets_and_sync_revision(dc, d, rs_list, False)
    yield from scale(dc, d, new_rs, old_rss)
    if d["spec"].get("paused") and util.get_rollback_to(d) is None:
        yield from cleanup_deployment(dc, old_rss, d)
    yield from sync_deployment_status(dc, [*old_rss, new_rs], new_rs, d)


def check_paused_conditions(dc: DeploymentController, d: Obj) -> Gen:
    """checkPausedConditions: Progressing=Unknown DeploymentPaused / DeploymentResumed, so a
    resumed Deployment does not time out for the time it spent paused."""
    if not util.has_progress_deadline(d):
        return
    status = d.setdefault("status", {})
    condition = util.get_condition(status, "Progressing")
    if condition is not None and condition.get("reason") == util.TIMED_OUT:
        return
    paused_exists = condition is not None and condition.get("reason") == util.PAUSED
    if d["spec"].get("paused") and not paused_exists:
        util.set_condition(
            status,
            util.new_condition(
                "Progressing", "Unknown", util.PAUSED, "Deployment is paused", dc.now
            ),
        )
    elif not d["spec"].get("paused") and paused_exists:
        util.set_condition(
            status,
            util.new_condition(
                "Progressing", "Unknown", util.RESUMED, "Deployment is resumed", dc.now
            ),
        )
    else:
        return
    yield from update_status(dc, d)


def get_all_replica_sets_and_sync_revision(
    dc: DeploymentController, d: Obj, rs_list: list[Obj], create: bool
) -> Gen:
    """getAllReplicaSetsAndSyncRevision: (new ReplicaSet or None, all old ReplicaSets)."""
    _, all_old = util.find_old_replica_sets(d, rs_list)
    new_rs = yield from get_new_replica_set(dc, d, rs_list, all_old, create)
    return new_rs, all_old


def get_new_replica_set(
    dc: DeploymentController, d: Obj, rs_list: list[Obj], old_rss: list[Obj], create: bool
) -> Gen:
    """getNewReplicaSet: find the ReplicaSet for the current template and bring its revision
    up to date, or (if `create`) make it."""
    existing = util.find_new_replica_set(d, rs_list)
    new_revision = str(util.max_revision(old_rss) + 1)
    status = d.setdefault("status", {})
    if existing is not None:
        rs_copy = deep_copy_json(existing)
        old_revision = util.annotations_of(existing).get(util.REVISION, "")
        annotations_updated = util.set_new_replica_set_annotations(d, rs_copy, new_revision, True)
        min_ready = d["spec"].get("minReadySeconds") or 0
        if annotations_updated or (rs_copy["spec"].get("minReadySeconds") or 0) != min_ready:
            _set_min_ready(rs_copy, min_ready)
            response: Response = yield from dc.request("PUT", dc.rs_path(rs_copy), rs_copy)
            updated: Obj = dc.must(response)
            revision = util.annotations_of(updated).get(util.REVISION, "")
            if old_revision and revision != old_revision:
                dc.milestone(
                    f"The Deployment controller found ReplicaSet {existing['metadata']['name']} "
                    f"(revision {old_revision}) already made for this pod template: a rollback "
                    f"reuses it as the new ReplicaSet, now revision {revision}, and moves the "
                    "replicas back to it",
                    updated,
                    3,
                    4,
                )
            return updated
        needs_update = util.set_deployment_revision(
            d, util.annotations_of(rs_copy).get(util.REVISION, "")
        )
        if util.has_progress_deadline(d) and util.get_condition(status, "Progressing") is None:
            util.set_condition(
                status,
                util.new_condition(
                    "Progressing",
                    "True",
                    util.FOUND_NEW_RS,
                    f'Found new replica set "{rs_copy["metadata"]["name"]}"',
                    dc.now,
                ),
            )
            needs_update = True
        if needs_update:
            yield from update_status(dc, d)
        return rs_copy
    if not create:
        return None
    return (yield from _create_new_replica_set(dc, d, old_rss, new_revision))


def _surge_room(d: Obj, old_rss: list[Obj]) -> str:
    """Why a rolling update's new ReplicaSet starts this small, while old pods still run."""
    old = util.sum_spec_replicas(old_rss)
    if not old or not util.is_rolling_update(d):
        return ""
    replicas, surge = util.replicas_of(d), util.max_surge(d)
    return (
        f": there may be {replicas + surge} pods at once ({replicas} wanted + maxSurge {surge}) "
        f"and the old ReplicaSets have {old}"
    )


def _set_min_ready(rs: Obj, min_ready: int) -> None:
    if min_ready:
        rs["spec"]["minReadySeconds"] = min_ready
    else:
        rs["spec"].pop("minReadySeconds", None)


def _create_new_replica_set(
    dc: DeploymentController, d: Obj, old_rss: list[Obj], new_revision: str
) -> Gen:
    meta = d["metadata"]
    namespace = meta.get("namespace", "")
    status = d.setdefault("status", {})
    template = deep_copy_json(d["spec"].get("template") or {})
    pod_template_hash = compute_hash(template, status.get("collisionCount"))
    template_meta = template.setdefault("metadata", {})
    template_meta["labels"] = util.clone_and_add_label(
        template_meta.get("labels"), util.POD_TEMPLATE_HASH, pod_template_hash
    )
    name = f"{meta['name']}-{pod_template_hash}"
    new_rs: Obj = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": dict(template_meta["labels"]),
            "ownerReferences": [new_controller_ref(d)],
        },
        "spec": {
            "replicas": 0,
            "selector": util.clone_selector_and_add_label(
                d["spec"].get("selector"), util.POD_TEMPLATE_HASH, pod_template_hash
            ),
            "template": template,
        },
    }
    _set_min_ready(new_rs, d["spec"].get("minReadySeconds") or 0)
    new_replicas = util.new_rs_new_replicas(d, [*old_rss, new_rs], new_rs)
    new_rs["spec"]["replicas"] = new_replicas
    util.set_new_replica_set_annotations(d, new_rs, new_revision, False)
    dc.note(
        f"Deployment {namespace}/{meta['name']}: no ReplicaSet has the current pod template "
        f"(pod-template-hash {pod_template_hash}): creating {name} with {new_replicas} replicas",
        d,
        podTemplateHash=pod_template_hash,
        revision=new_revision,
    )
    # Said as it is decided, before the request: the ReplicaSet controller may hear of the new
    # ReplicaSet (a watch event) before this controller hears its create answered.
    dc.milestone(
        f"The Deployment controller creates ReplicaSet {name} (revision {new_revision}) for "
        f"deployment {meta['name']}'s pod template, with {new_replicas} "
        + ("replica" if new_replicas == 1 else "replicas")
        + _surge_room(d, old_rss),
        new_rs,
        3,
        4,
        count=new_replicas,
    )
    response: Response = yield from dc.request("POST", path_of("replicasets", namespace), new_rs)
    already_exists = False
    created: Obj | None = response.body if response.ok else None
    if not response.ok:
        message = error_message(response)
        reason = response.body.get("reason", "") if isinstance(response.body, dict) else ""
        if reason == "AlreadyExists":
            already_exists = True
            cached = dc.replicasets.get(f"{namespace}/{name}")
            if cached is None:
                raise SyncError(message)
            ref = controller_ref(cached)
            if (
                ref is not None
                and ref.get("uid") == meta["uid"]
                and util.equal_ignore_hash(
                    d["spec"].get("template") or {}, cached["spec"].get("template") or {}
                )
            ):
                created = cached
            else:
                # A hash collision: another template hashed to the same name. Count it, so the
                # next hash differs, and try again.
                status["collisionCount"] = (status.get("collisionCount") or 0) + 1
                yield from dc.request("PUT", _status_path(d), d)
                raise SyncError(message)
        elif NAMESPACE_TERMINATING in message:
            raise SyncError(message)
        else:
            text = f'Failed to create new replica set "{name}": {message}'
            if util.has_progress_deadline(d):
                util.set_condition(
                    status,
                    util.new_condition("Progressing", "False", util.FAILED_RS_CREATE, text, dc.now),
                )
                yield from dc.request("PUT", _status_path(d), d)
            dc.recorder.event(d, "Warning", util.FAILED_RS_CREATE, text)
            raise SyncError(message)
    assert created is not None
    if not already_exists and new_replicas > 0:
        dc.recorder.event(
            d,
            "Normal",
            "ScalingReplicaSet",
            f"Scaled up replica set {created['metadata']['name']} from 0 to {new_replicas}",
        )
    needs_update = util.set_deployment_revision(d, new_revision)
    if not already_exists and util.has_progress_deadline(d):
        util.set_condition(
            status,
            util.new_condition(
                "Progressing",
                "True",
                util.NEW_RS_CREATED,
                f'Created new replica set "{created["metadata"]["name"]}"',
                dc.now,
            ),
        )
        needs_update = True
    if needs_update:
        yield from update_status(dc, d)
    return created


def _status_path(d: Obj) -> str:
    meta = d["metadata"]
    return path_of("deployments", meta.get("namespace", ""), meta["name"], "status")


def update_status(dc: DeploymentController, d: Obj) -> Gen:
    """UpdateStatus: PUT deployments/<name>/status (which also carries its annotations)."""
    response: Response = yield from dc.request("PUT", _status_path(d), d)
    return dc.must(response)


# ---- scaling ------------------------------------------------------------------------------------
def is_scaling_event(dc: DeploymentController, d: Obj, rs_list: list[Obj]) -> Gen:
    """isScalingEvent: an active ReplicaSet was sized for a different replica count."""
    new_rs, old_rss = yield from get_all_replica_sets_and_sync_revision(dc, d, rs_list, False)
    for rs in util.filter_active([*old_rss, new_rs]):
        desired = util.annotations_of(rs).get(util.DESIRED_REPLICAS)
        if desired is None or not desired.lstrip("-").isdigit():
            continue
        if int(desired) != util.replicas_of(d):
            return True
    return False


def scale(dc: DeploymentController, d: Obj, new_rs: Obj | None, old_rss: list[Obj]) -> Gen:
    """scale: resize proportionally, so that a resize mid-rollout neither speeds up nor slows
    down the rollout (the extra or missing replicas are shared by the active ReplicaSets in
    proportion to their size, the largest taking the rounding leftover)."""
    replicas = util.replicas_of(d)
    active_or_latest = util.find_active_or_latest(new_rs, old_rss)
    if active_or_latest is not None:
        if util.replicas_of(active_or_latest) == replicas:
            return
        yield from scale_replica_set_and_record_event(
            dc,
            active_or_latest,
            replicas,
            d,
            f"deployment {d['metadata']['name']} wants {replicas}",
        )
        return
    if util.is_saturated(d, new_rs):
        for old in util.filter_active(old_rss):
            yield from scale_replica_set_and_record_event(
                dc, old, 0, d, "the new ReplicaSet has every pod the deployment wants"
            )
        return
    if not util.is_rolling_update(d):
        return
    all_rss = util.filter_active([*old_rss, new_rs])
    allowed = replicas + util.max_surge(d) if replicas > 0 else 0
    to_add = allowed - util.sum_spec_replicas(all_rss)
    if to_add > 0:
        all_rss = util.by_size_newer(all_rss)
    elif to_add < 0:
        all_rss = util.by_size_older(all_rss)
    added = 0
    sizes: dict[str, int] = {}
    for rs in all_rss:
        if to_add != 0:
            proportion = util.replica_set_proportion(rs, d, to_add, added)
            sizes[rs["metadata"]["name"]] = util.replicas_of(rs) + proportion
            added += proportion
        else:
            sizes[rs["metadata"]["name"]] = util.replicas_of(rs)
    if all_rss:
        dc.note(
            f"Deployment {d['metadata'].get('namespace')}/{d['metadata']['name']}: resized to "
            f"{replicas} mid-rollout: {to_add:+d} replicas shared in proportion",
            d,
            sizes=sizes,
        )
    for i, rs in enumerate(all_rss):
        name = rs["metadata"]["name"]
        if i == 0 and to_add != 0:
            sizes[name] = max(sizes[name] + to_add - added, 0)  # the leftover to the largest
        yield from scale_replica_set(
            dc,
            rs,
            sizes[name],
            d,
            f"deployment {d['metadata']['name']} was resized to {replicas} mid-rollout, and "
            "the change is shared between its ReplicaSets in proportion to their size",
        )


def scale_replica_set_and_record_event(
    dc: DeploymentController, rs: Obj, new_scale: int, d: Obj, why: str
) -> Gen:
    if util.replicas_of(rs) == new_scale:
        return False, rs
    return (yield from scale_replica_set(dc, rs, new_scale, d, why))


def scale_replica_set(dc: DeploymentController, rs: Obj, new_scale: int, d: Obj, why: str) -> Gen:
    """scaleReplicaSet: set spec.replicas and the replicas annotations; a ScalingReplicaSet
    event if the size changed. `why` ends the story's headline: the rule that allowed it."""
    replicas = util.replicas_of(d)
    maximum = replicas + util.max_surge(d)
    old_scale = util.replicas_of(rs)
    size_changed = old_scale != new_scale
    if not size_changed and not util.replicas_annotations_need_update(rs, replicas, maximum):
        return False, rs
    rs_copy = deep_copy_json(rs)
    rs_copy["spec"]["replicas"] = new_scale
    util.set_replicas_annotations(rs_copy, replicas, maximum)
    response: Response = yield from dc.request("PUT", dc.rs_path(rs_copy), rs_copy)
    updated: Obj = dc.must(response)
    if size_changed:
        direction = "up" if old_scale < new_scale else "down"
        dc.milestone(
            f"The Deployment controller scaled {direction} ReplicaSet {rs['metadata']['name']} "
            f"from {old_scale} to {new_scale}: {why}",
            updated,
            3,
            4,
            count=new_scale,
        )
        dc.recorder.event(
            d,
            "Normal",
            "ScalingReplicaSet",
            f"Scaled {direction} replica set {rs['metadata']['name']} "
            f"from {old_scale} to {new_scale}",
        )
    return size_changed, updated


def cleanup_deployment(dc: DeploymentController, old_rss: list[Obj], d: Obj) -> Gen:
    """cleanupDeployment: delete the oldest empty ReplicaSets beyond revisionHistoryLimit."""
    if not util.has_revision_history_limit(d):
        return
    cleanable = [rs for rs in old_rss if not rs["metadata"].get("deletionTimestamp")]
    diff = len(cleanable) - d["spec"]["revisionHistoryLimit"]
    if diff <= 0:
        return
    for rs in util.by_revision(cleanable)[:diff]:
        meta = rs["metadata"]
        if (
            (rs.get("status") or {}).get("replicas", 0)
            or util.replicas_of(rs)
            or meta.get("generation", 0) > (rs.get("status") or {}).get("observedGeneration", 0)
        ):
            continue
        dc.note(
            f"Deployment {d['metadata'].get('namespace')}/{d['metadata']['name']}: "
            f"revisionHistoryLimit {d['spec']['revisionHistoryLimit']}: deleting old "
            f"ReplicaSet {meta['name']} (revision {util.revision_of(rs)})",
            rs,
        )
        response: Response = yield from dc.request("DELETE", dc.rs_path(rs), {})
        if not response.ok and response.code != 404:
            raise SyncError(error_message(response))


# ---- status -------------------------------------------------------------------------------------
def calculate_status(all_rss: list[Obj | None], new_rs: Obj | None, d: Obj, now: float) -> Obj:
    """calculateStatus. Zero counts are left out, as Go's omitempty leaves them out;
    terminatingReplicas (a pointer, DeploymentReplicaSetTerminatingReplicas) is always there."""
    old = d.get("status") or {}
    available = util.sum_available_replicas(all_rss)
    total = util.sum_spec_replicas(all_rss)
    counts = {
        "observedGeneration": d["metadata"].get("generation", 0),
        "replicas": util.sum_actual_replicas(all_rss),
        "updatedReplicas": util.sum_actual_replicas([new_rs]),
        "readyReplicas": util.sum_ready_replicas(all_rss),
        "availableReplicas": available,
        "unavailableReplicas": max(total - available, 0),
    }
    status: Obj = {k: v for k, v in counts.items() if v}
    status["terminatingReplicas"] = util.sum_terminating_replicas(all_rss)
    if old.get("conditions"):
        status["conditions"] = [dict(c) for c in old["conditions"]]
    if old.get("collisionCount") is not None:
        status["collisionCount"] = old["collisionCount"]
    if available >= util.replicas_of(d) - util.max_unavailable(d):
        condition = util.new_condition(
            "Available",
            "True",
            util.MINIMUM_AVAILABLE,
            "Deployment has minimum availability.",
            now,
        )
    else:
        condition = util.new_condition(
            "Available",
            "False",
            util.MINIMUM_UNAVAILABLE,
            "Deployment does not have minimum availability.",
            now,
        )
    util.set_condition(status, condition)
    return status


def sync_deployment_status(
    dc: DeploymentController, all_rss: list[Obj | None], new_rs: Obj | None, d: Obj
) -> Gen:
    """syncDeploymentStatus: write the status if it changed."""
    new_status = calculate_status(all_rss, new_rs, d, dc.now)
    if new_status == (d.get("status") or {}):
        return
    d["status"] = new_status
    yield from update_status(dc, d)
