"""Deployment helpers: pkg/controller/deployment/util/deployment_util.go, plus the ReplicaSet
orderings of pkg/controller/controller_utils.go.

Everything here is a pure function of the objects passed in (cached copies: never mutated).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from typing import Any

from engine import timeutil
from engine.apiserver.validation import semantic_equal

Obj = dict[str, Any]

# Annotations (deployment_util.go)
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
ROLLBACK_TO = "deprecated.deployment.rollback.to"  # apps.DeprecatedRollbackTo
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
POD_TEMPLATE_HASH = "pod-template-hash"  # apps.DefaultDeploymentUniqueLabelKey

ANNOTATIONS_TO_SKIP = {
    LAST_APPLIED,
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    ROLLBACK_TO,
}
MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000  # sync.go maxRevHistoryLengthInChars

# Condition reasons (deployment_util.go)
NEW_RS_CREATED = "NewReplicaSetCreated"
FOUND_NEW_RS = "FoundNewReplicaSet"
RS_UPDATED = "ReplicaSetUpdated"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
PAUSED = "DeploymentPaused"
RESUMED = "DeploymentResumed"
FAILED_RS_CREATE = "ReplicaSetCreateError"
MINIMUM_AVAILABLE = "MinimumReplicasAvailable"
MINIMUM_UNAVAILABLE = "MinimumReplicasUnavailable"

MAX_INT32 = 2**31 - 1


# ---- replicas and fenceposts --------------------------------------------------------------------
def replicas_of(obj: Obj) -> int:
    value = obj.get("spec", {}).get("replicas")
    return 1 if value is None else int(value)


def scaled_value(value: Any, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent: an int as is, `25%` of total rounded."""
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.endswith("%"):
        return int(text)
    scaled = int(text[:-1]) * total / 100
    return math.ceil(scaled) if round_up else math.floor(scaled)


def is_rolling_update(d: Obj) -> bool:
    return (d["spec"].get("strategy") or {}).get("type", "RollingUpdate") == "RollingUpdate"


def _rolling(d: Obj) -> Obj:
    rolling: Obj = (d["spec"].get("strategy") or {}).get("rollingUpdate") or {}
    return rolling


def resolve_fenceposts(max_surge: Any, max_unavailable: Any, desired: int) -> tuple[int, int]:
    """ResolveFenceposts: surge rounds up, unavailability down; both 0 means unavailable 1."""
    surge = scaled_value(0 if max_surge is None else max_surge, desired, True)
    unavailable = scaled_value(0 if max_unavailable is None else max_unavailable, desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1  # "surge might not work due to quota"
    return surge, unavailable


def max_surge(d: Obj) -> int:
    if not is_rolling_update(d):
        return 0
    rolling = _rolling(d)
    return resolve_fenceposts(
        rolling.get("maxSurge"), rolling.get("maxUnavailable"), replicas_of(d)
    )[0]


def max_unavailable(d: Obj) -> int:
    replicas = replicas_of(d)
    if not is_rolling_update(d) or replicas == 0:
        return 0
    rolling = _rolling(d)
    unavailable = resolve_fenceposts(
        rolling.get("maxSurge"), rolling.get("maxUnavailable"), replicas
    )[1]
    return min(unavailable, replicas)


def new_rs_new_replicas(d: Obj, all_rss: list[Obj], new_rs: Obj) -> int:
    """NewRSNewReplicas: how big the new ReplicaSet may be now."""
    replicas = replicas_of(d)
    if not is_rolling_update(d):
        return replicas  # Recreate
    surge = scaled_value(_rolling(d).get("maxSurge", 0), replicas, True)
    current = sum_spec_replicas(all_rss)
    max_total = replicas + surge
    if current >= max_total:
        return replicas_of(new_rs)
    scale_up = min(max_total - current, replicas - replicas_of(new_rs))
    return replicas_of(new_rs) + scale_up


# ---- sums over ReplicaSets ----------------------------------------------------------------------
def sum_spec_replicas(rss: Iterable[Obj | None]) -> int:
    """GetReplicaCountForReplicaSets."""
    return sum(replicas_of(rs) for rs in rss if rs is not None)


def _sum_status(rss: Iterable[Obj | None], name: str) -> int:
    return sum((rs.get("status") or {}).get(name, 0) or 0 for rs in rss if rs is not None)


def sum_actual_replicas(rss: Iterable[Obj | None]) -> int:
    return _sum_status(rss, "replicas")


def sum_ready_replicas(rss: Iterable[Obj | None]) -> int:
    return _sum_status(rss, "readyReplicas")


def sum_available_replicas(rss: Iterable[Obj | None]) -> int:
    return _sum_status(rss, "availableReplicas")


def sum_terminating_replicas(rss: Iterable[Obj | None]) -> int:
    return _sum_status(rss, "terminatingReplicas")


def filter_active(rss: Iterable[Obj | None]) -> list[Obj]:
    """controller.FilterActiveReplicaSets: spec.replicas > 0."""
    return [rs for rs in rss if rs is not None and replicas_of(rs) > 0]


# ---- orderings ----------------------------------------------------------------------------------
def _created(obj: Obj) -> float:
    stamp = obj["metadata"].get("creationTimestamp")
    return timeutil.parse_rfc3339(stamp) if stamp else 0.0


def by_creation(rss: Iterable[Obj]) -> list[Obj]:
    """ReplicaSetsByCreationTimestamp: oldest first, then by name."""
    return sorted(rss, key=lambda rs: (_created(rs), rs["metadata"]["name"]))


def by_size_older(rss: Iterable[Obj]) -> list[Obj]:
    """ReplicaSetsBySizeOlder: largest first; ties oldest first."""
    return sorted(rss, key=lambda rs: (-replicas_of(rs), _created(rs), rs["metadata"]["name"]))


def by_size_newer(rss: Iterable[Obj]) -> list[Obj]:
    """ReplicaSetsBySizeNewer: largest first; ties newest first."""

    def compare(a: Obj, b: Obj) -> int:
        if replicas_of(a) != replicas_of(b):
            return -1 if replicas_of(a) > replicas_of(b) else 1
        ka, kb = (_created(a), a["metadata"]["name"]), (_created(b), b["metadata"]["name"])
        return (ka < kb) - (ka > kb)

    return sorted(rss, key=functools.cmp_to_key(compare))


def revision_of(obj: Obj) -> int:
    text = (obj["metadata"].get("annotations") or {}).get(REVISION, "")
    try:
        return int(text)
    except ValueError:
        return 0


def by_revision(rss: Iterable[Obj]) -> list[Obj]:
    """ReplicaSetsByRevision: oldest revision first; ties by creation."""
    return sorted(rss, key=lambda rs: (revision_of(rs), _created(rs), rs["metadata"]["name"]))


def max_revision(rss: Iterable[Obj]) -> int:
    return max((revision_of(rs) for rs in rss), default=0)


def last_revision(rss: Iterable[Obj]) -> int:
    """LastRevision: the second highest revision (the one before the current)."""
    maximum = second = 0
    for rs in rss:
        v = revision_of(rs)
        if v >= maximum:
            second, maximum = maximum, v
        elif v > second:
            second = v
    return second


# ---- new and old ReplicaSets --------------------------------------------------------------------
def without_hash(template: Obj) -> Obj:
    meta = dict(template.get("metadata") or {})
    labels = dict(meta.get("labels") or {})
    labels.pop(POD_TEMPLATE_HASH, None)
    meta["labels"] = labels
    return {**template, "metadata": meta}


def equal_ignore_hash(t1: Obj, t2: Obj) -> bool:
    """EqualIgnoreHash: templates equal once pod-template-hash is dropped (Semantic.DeepEqual)."""
    return semantic_equal(without_hash(t1), without_hash(t2))


def find_new_replica_set(d: Obj, rss: list[Obj]) -> Obj | None:
    """FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's."""
    template = d["spec"].get("template") or {}
    for rs in by_creation(rss):
        if equal_ignore_hash(rs["spec"].get("template") or {}, template):
            return rs
    return None


def find_old_replica_sets(d: Obj, rss: list[Obj]) -> tuple[list[Obj], list[Obj]]:
    """FindOldReplicaSets: (old ones with replicas, all old ones)."""
    new = find_new_replica_set(d, rss)
    all_old = [rs for rs in rss if new is None or rs["metadata"]["uid"] != new["metadata"]["uid"]]
    return [rs for rs in all_old if replicas_of(rs) != 0], all_old


def find_active_or_latest(new_rs: Obj | None, old_rss: list[Obj]) -> Obj | None:
    """FindActiveOrLatest: the only active ReplicaSet, or the newest if none is active."""
    if new_rs is None and not old_rss:
        return None
    old_sorted = list(reversed(by_creation(old_rss)))
    active = filter_active([*old_sorted, new_rs])
    if not active:
        return new_rs if new_rs is not None else old_sorted[0]
    return active[0] if len(active) == 1 else None


def is_saturated(d: Obj, rs: Obj | None) -> bool:
    """IsSaturated: the new ReplicaSet has all the Deployment's replicas, all available."""
    if rs is None:
        return False
    try:
        desired = int((rs["metadata"].get("annotations") or {}).get(DESIRED_REPLICAS, ""))
    except ValueError:
        return False
    replicas = replicas_of(d)
    return (
        replicas_of(rs) == replicas
        and desired == replicas
        and (rs.get("status") or {}).get("availableReplicas", 0) == replicas
    )


# ---- annotations --------------------------------------------------------------------------------
def annotations_of(obj: Obj) -> dict[str, str]:
    annotations: dict[str, str] = obj["metadata"].get("annotations") or {}
    return annotations


def _max_replicas_annotation(rs: Obj) -> int | None:
    try:
        return int(annotations_of(rs).get(MAX_REPLICAS, ""))
    except ValueError:
        return None


def set_replicas_annotations(rs: Obj, desired: int, maximum: int) -> bool:
    """SetReplicasAnnotations (mutates rs, a copy)."""
    annotations = rs["metadata"].setdefault("annotations", {})
    changed = False
    for name, value in ((DESIRED_REPLICAS, str(desired)), (MAX_REPLICAS, str(maximum))):
        if annotations.get(name) != value:
            annotations[name] = value
            changed = True
    return changed


def replicas_annotations_need_update(rs: Obj, desired: int, maximum: int) -> bool:
    annotations = annotations_of(rs)
    return annotations.get(DESIRED_REPLICAS) != str(desired) or annotations.get(
        MAX_REPLICAS
    ) != str(maximum)


def copy_deployment_annotations(d: Obj, rs: Obj) -> bool:
    """copyDeploymentAnnotationsToReplicaSet (mutates rs, a copy)."""
    annotations = rs["metadata"].setdefault("annotations", {})
    changed = False
    for name, value in annotations_of(d).items():
        if name in ANNOTATIONS_TO_SKIP or annotations.get(name) == value:
            continue
        annotations[name] = value
        changed = True
    return changed


def set_new_replica_set_annotations(
    d: Obj, rs: Obj, new_revision: str, exists: bool, limit: int = MAX_REV_HISTORY_LENGTH_IN_CHARS
) -> bool:
    """SetNewReplicaSetAnnotations (mutates rs, a copy): copy the Deployment's annotations, raise
    the revision (remembering the old one in revision-history when a rollback re-uses this
    ReplicaSet) and, for a new ReplicaSet, the replicas annotations."""
    changed = copy_deployment_annotations(d, rs)
    annotations = rs["metadata"].setdefault("annotations", {})
    old_revision = annotations.get(REVISION)
    try:
        old_int = int(old_revision) if old_revision else 0
    except ValueError:
        return False
    new_int = int(new_revision)
    if old_int < new_int:
        annotations[REVISION] = new_revision
        changed = True
    if old_revision is not None and old_int < new_int:
        history = annotations.get(REVISION_HISTORY, "")
        old_revisions = history.split(",")
        if not old_revisions[0]:
            annotations[REVISION_HISTORY] = old_revision
        else:
            total = len(history) + len(old_revision) + 1
            start = 0
            while total > limit and start < len(old_revisions):
                total -= len(old_revisions[start]) + 1
                start += 1
            if total <= limit:
                annotations[REVISION_HISTORY] = ",".join([*old_revisions[start:], old_revision])
    if not exists and set_replicas_annotations(rs, replicas_of(d), replicas_of(d) + max_surge(d)):
        changed = True
    return changed


def get_rollback_to(d: Obj) -> int | None:
    """getRollbackTo (rollback.go): the revision the deprecated annotation asks for, or None
    when it is absent or not a number."""
    text = annotations_of(d).get(ROLLBACK_TO, "")
    try:
        return int(text) if text else None
    except ValueError:
        return None


def set_deployment_revision(d: Obj, revision: str) -> bool:
    """SetDeploymentRevision (mutates d, a copy)."""
    annotations = d["metadata"].setdefault("annotations", {})
    if annotations.get(REVISION) != revision:
        annotations[REVISION] = revision
        return True
    return False


# ---- conditions ---------------------------------------------------------------------------------
def new_condition(kind: str, status: str, reason: str, message: str, now: float) -> Obj:
    stamp = timeutil.rfc3339(now)
    return {
        "type": kind,
        "status": status,
        "lastUpdateTime": stamp,
        "lastTransitionTime": stamp,
        "reason": reason,
        "message": message,
    }


def get_condition(status: Obj, kind: str) -> Obj | None:
    for condition in status.get("conditions") or ():
        if condition.get("type") == kind:
            return condition
    return None


def set_condition(status: Obj, condition: Obj) -> None:
    """SetDeploymentCondition: same status and reason is a no-op; otherwise the old one of
    that type goes and the new one is appended (keeping lastTransitionTime if the status
    did not change)."""
    current = get_condition(status, condition["type"])
    if (
        current is not None
        and current["status"] == condition["status"]
        and current.get("reason") == condition.get("reason")
    ):
        return
    if current is not None and current["status"] == condition["status"]:
        condition = {**condition, "lastTransitionTime": current["lastTransitionTime"]}
    status["conditions"] = [
        c for c in status.get("conditions") or () if c.get("type") != condition["type"]
    ] + [condition]


def remove_condition(status: Obj, kind: str) -> None:
    conditions = [c for c in status.get("conditions") or () if c.get("type") != kind]
    if conditions:
        status["conditions"] = conditions
    else:
        status.pop("conditions", None)


def rs_to_deployment_condition(condition: Obj) -> Obj:
    """ReplicaSetToDeploymentCondition."""
    return {
        "type": condition["type"],
        "status": condition["status"],
        "lastUpdateTime": condition.get("lastTransitionTime"),
        "lastTransitionTime": condition.get("lastTransitionTime"),
        "reason": condition.get("reason", ""),
        "message": condition.get("message", ""),
    }


# ---- progress -----------------------------------------------------------------------------------
def has_progress_deadline(d: Obj) -> bool:
    deadline = d["spec"].get("progressDeadlineSeconds")
    return deadline is not None and deadline != MAX_INT32


def has_revision_history_limit(d: Obj) -> bool:
    limit = d["spec"].get("revisionHistoryLimit")
    return limit is not None and limit != MAX_INT32


def deployment_complete(d: Obj, status: Obj) -> bool:
    """DeploymentComplete."""
    replicas = replicas_of(d)
    return (
        status.get("updatedReplicas", 0) == replicas
        and status.get("replicas", 0) == replicas
        and status.get("availableReplicas", 0) == replicas
        and status.get("observedGeneration", 0) >= d["metadata"].get("generation", 0)
    )


def deployment_progressing(d: Obj, new_status: Obj) -> bool:
    """DeploymentProgressing: more updated, fewer old, more ready or more available."""
    old = d.get("status") or {}

    def get(status: Obj, name: str) -> int:
        value: int = status.get(name, 0) or 0
        return value

    old_old = get(old, "replicas") - get(old, "updatedReplicas")
    new_old = get(new_status, "replicas") - get(new_status, "updatedReplicas")
    return (
        get(new_status, "updatedReplicas") > get(old, "updatedReplicas")
        or new_old < old_old
        or get(new_status, "readyReplicas") > get(old, "readyReplicas")
        or get(new_status, "availableReplicas") > get(old, "availableReplicas")
    )


def deployment_timed_out(d: Obj, new_status: Obj, now: float) -> bool:
    """DeploymentTimedOut: no progress reported for progressDeadlineSeconds."""
    if not has_progress_deadline(d):
        return False
    condition = get_condition(new_status, "Progressing")
    if condition is None or condition.get("reason") == NEW_RS_AVAILABLE:
        return False
    if condition.get("reason") == TIMED_OUT:
        return True
    since = timeutil.parse_rfc3339(condition["lastUpdateTime"])
    return bool(since + d["spec"]["progressDeadlineSeconds"] < now)


# ---- proportional scaling -----------------------------------------------------------------------
def _round_half_away(value: float) -> int:
    """integer.RoundToInt32."""
    return int(value + 0.5) if value >= 0 else int(value - 0.5)


def replica_set_fraction(rs: Obj, d: Obj) -> int:
    """getReplicaSetFraction: this ReplicaSet's share of a resize, from max-replicas."""
    replicas = replicas_of(d)
    if replicas == 0:
        return -replicas_of(rs)
    deployment_max = replicas + max_surge(d)
    before = _max_replicas_annotation(rs)
    if not before:
        # Scaled by hand, or the annotation is missing: fall back to the current size.
        before = (d.get("status") or {}).get("replicas", 0)
        if not before:
            return 0
    new_size = replicas_of(rs) * deployment_max / before
    return _round_half_away(new_size) - replicas_of(rs)


def replica_set_proportion(rs: Obj, d: Obj, to_add: int, added: int) -> int:
    """GetReplicaSetProportion."""
    if replicas_of(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = replica_set_fraction(rs, d)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def clone_and_add_label(labels: dict[str, str] | None, key: str, value: str) -> dict[str, str]:
    return {**(labels or {}), key: value}


def clone_selector_and_add_label(selector: Obj | None, key: str, value: str) -> Obj:
    """CloneSelectorAndAddLabel."""
    out = dict(selector or {})
    out["matchLabels"] = {**(out.get("matchLabels") or {}), key: value}
    return out
