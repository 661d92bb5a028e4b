"""Pod predicates the controllers share (pkg/api/v1/pod/util.go and
pkg/controller/controller_utils.go)."""

from __future__ import annotations

from typing import Any

from engine import timeutil

Obj = dict[str, Any]


def get_condition(pod: Obj, kind: str) -> Obj | None:
    for condition in (pod.get("status") or {}).get("conditions") or ():
        if condition.get("type") == kind:
            return dict(condition)
    return None


def is_pod_ready(pod: Obj) -> bool:
    """podutil.IsPodReady: the Ready condition is True."""
    condition = get_condition(pod, "Ready")
    return condition is not None and condition.get("status") == "True"


def pod_ready_time(pod: Obj) -> float | None:
    """When the pod last became Ready (its Ready condition's lastTransitionTime)."""
    condition = get_condition(pod, "Ready")
    if condition is None or condition.get("status") != "True":
        return None
    stamp = condition.get("lastTransitionTime")
    return timeutil.parse_rfc3339(stamp) if stamp else None


def is_pod_available(pod: Obj, min_ready_seconds: int, now: float) -> bool:
    """podutil.IsPodAvailable: Ready for longer than minReadySeconds."""
    if not is_pod_ready(pod):
        return False
    if not min_ready_seconds:
        return True
    since = pod_ready_time(pod)
    return since is not None and since + min_ready_seconds < now


def is_terminal(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def is_pod_active(pod: Obj) -> bool:
    """controller.IsPodActive: not finished and not being deleted."""
    return not is_terminal(pod) and not pod["metadata"].get("deletionTimestamp")


def pod_key(pod: Obj) -> str:
    """controller.PodKey: namespace/name."""
    meta = pod["metadata"]
    return f"{meta.get('namespace', '')}/{meta['name']}"


def labels_of(obj: Obj) -> dict[str, str]:
    labels: dict[str, str] = obj["metadata"].get("labels") or {}
    return labels
