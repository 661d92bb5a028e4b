"""What the Job controller asks of a Job or a pod (pkg/controller/job/job_controller.go and
util/utils.go helpers): finished or not, which pods failed, when, how often they restarted."""

from __future__ import annotations

from typing import Any

from engine.apimachinery.labels import LabelSelector, SelectorError, selector_from_match
from engine.apiserver.tables_batch import condition_true
from engine.timeutil import parse_rfc3339

Obj = dict[str, Any]

TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"


def is_finished(job: Obj) -> bool:
    """IsJobFinished: Complete or Failed is True."""
    return condition_true(job, "Complete") or condition_true(job, "Failed")


def selector(job: Obj) -> LabelSelector | None:
    try:
        return selector_from_match((job.get("spec") or {}).get("selector"))
    except (SelectorError, TypeError, AttributeError):
        return None


def phase(pod: Obj) -> str:
    return (pod.get("status") or {}).get("phase") or ""


def failed(pod: Obj, job: Obj) -> bool:
    """isPodFailed: Failed, or (unless only failed pods are replaced) deleted before it
    succeeded: an orphan that never gets to say Failed still counts."""
    if phase(pod) == "Failed":
        return True
    if (job.get("spec") or {}).get("podReplacementPolicy") == "Failed":
        return False
    return bool(pod["metadata"].get("deletionTimestamp")) and phase(pod) != "Succeeded"


def has_finalizer(pod: Obj) -> bool:
    return TRACKING_FINALIZER in (pod["metadata"].get("finalizers") or [])


def finished_at(pod: Obj, fallback: float) -> float:
    """When a pod ended: its containers' latest finishedAt (getFinishedTime)."""
    latest = None
    for status in (pod.get("status") or {}).get("containerStatuses") or []:
        stamp = ((status.get("state") or {}).get("terminated") or {}).get("finishedAt")
        if stamp:
            latest = max(latest or 0.0, parse_rfc3339(stamp))
    return latest if latest is not None else fallback


def restarts(pods: list[Obj]) -> int:
    return sum(
        s.get("restartCount") or 0
        for p in pods
        for s in (p.get("status") or {}).get("containerStatuses") or []
    )


def condition(kind: str, reason: str, message: str, stamp: str) -> Obj:
    return {
        "type": kind,
        "status": "True",
        "lastProbeTime": stamp,
        "lastTransitionTime": stamp,
        "reason": reason,
        "message": message,
    }


def newest_first(pod: Obj) -> tuple[bool, float]:
    """ActivePods ordering, reversed: the pods to delete first are the least far along."""
    stamp = pod["metadata"].get("creationTimestamp")
    return (bool((pod.get("spec") or {}).get("nodeName")), -(parse_rfc3339(stamp) if stamp else 0))
