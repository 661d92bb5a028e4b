"""Which pods `kubectl drain` may remove from a node, and why not
(staging/src/k8s.io/kubectl/pkg/drain/filters.go and drain.go GetPodsForDeletion).

Each pod runs through the filters in order; a filter may allow it (Okay), skip it, allow it
with a warning, or refuse it with an error. The last verdict of the filters that ran wins,
and any error stops the drain before a single pod is touched.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from engine.apiserver.request import Response
from engine.apiserver.resources import BY_NAME
from engine.kubectl.builder import resource_path
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError, api_error_text
from engine.timeutil import parse_rfc3339

Gen = Generator[Any, Any, Any]

OKAY, SKIP, WARNING, ERROR = "Okay", "Skip", "Warning", "Error"

DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"


@dataclass(frozen=True)
class DrainOptions:
    force: bool
    ignore_daemonsets: bool
    delete_emptydir_data: bool
    pod_selector: str
    skip_wait_seconds: int


@dataclass
class PodDelete:
    pod: dict[str, Any]
    delete: bool
    reason: str
    message: str = ""

    @property
    def key(self) -> str:
        meta = self.pod["metadata"]
        return f"{meta.get('namespace', '')}/{meta['name']}"


def pods_for_deletion(ctx: Context, node: str, options: DrainOptions) -> Gen:
    """GetPodsForDeletion: every pod bound to the node, with its verdict."""
    query = {"fieldSelector": f"spec.nodeName={node}", "limit": "500"}
    if options.pod_selector:
        query["labelSelector"] = options.pod_selector
    listing: Response = yield from ctx.request(
        "GET", resource_path(BY_NAME["pods"], ""), query=query
    )
    if not listing.ok:
        raise KubectlError(api_error_text(listing.body))
    verdicts = []
    for pod in listing.body.get("items") or []:
        verdict = PodDelete(pod, True, OKAY)
        for check in (_skip_deleted, _daemonset, _mirror_pod, _local_storage, _unreplicated):
            verdict = yield from check(ctx, pod, options)
            if not verdict.delete:
                break
        verdicts.append(verdict)
    return verdicts


def warnings(verdicts: list[PodDelete]) -> str:
    """PodDeleteList.Warnings: `<message>: ns/a, ns/b` per message, joined by `; `."""
    return "; ".join(
        f"{message}: {', '.join(pods)}" for message, pods in _grouped(verdicts, WARNING).items()
    )


def errors(verdicts: list[PodDelete]) -> list[str]:
    """PodDeleteList.errors: `cannot delete <message>: ns/a, ns/b` per message. (kubectl
    groups them in a Go map, so its order varies; Podlife keeps the pods' order.)"""
    return [
        f"cannot delete {message}: {', '.join(pods)}"
        for message, pods in _grouped(verdicts, ERROR).items()
    ]


def _grouped(verdicts: list[PodDelete], reason: str) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for verdict in verdicts:
        if verdict.reason == reason:
            grouped.setdefault(verdict.message or "unexpected error", []).append(verdict.key)
    return grouped


def _verdict(pod: dict[str, Any], delete: bool, reason: str, message: str = "") -> Gen:
    yield from ()
    return PodDelete(pod, delete, reason, message)


def _finished(pod: dict[str, Any]) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def _controller(pod: dict[str, Any]) -> dict[str, Any] | None:
    refs = (pod.get("metadata") or {}).get("ownerReferences") or []
    return next((ref for ref in refs if ref.get("controller")), None)


def _skip_deleted(ctx: Context, pod: dict[str, Any], options: DrainOptions) -> Gen:
    if should_skip_pod(pod, options.skip_wait_seconds, ctx.now):
        return (yield from _verdict(pod, False, SKIP))
    return (yield from _verdict(pod, True, OKAY))


def should_skip_pod(pod: dict[str, Any], skip_wait_seconds: int, now: float) -> bool:
    """drain.go shouldSkipPod: being deleted for longer than --skip-wait-for-delete-timeout."""
    stamp = (pod.get("metadata") or {}).get("deletionTimestamp")
    return bool(skip_wait_seconds > 0 and stamp and now - parse_rfc3339(stamp) > skip_wait_seconds)


def _daemonset(ctx: Context, pod: dict[str, Any], options: DrainOptions) -> Gen:
    ref = _controller(pod)
    if ref is None or ref.get("kind") != "DaemonSet" or _finished(pod):
        return (yield from _verdict(pod, True, OKAY))
    # The DaemonSet must still exist (Podlife serves no DaemonSets: the API server says so).
    namespace = pod["metadata"].get("namespace", "")
    response: Response = yield from ctx.request(
        "GET", f"/apis/apps/v1/namespaces/{namespace}/daemonsets/{ref.get('name', '')}"
    )
    if not response.ok:
        message = response.body.get("message", "")
        if response.code == 404 and options.force:
            return (yield from _verdict(pod, True, WARNING, message))
        return (yield from _verdict(pod, False, ERROR, message))
    if not options.ignore_daemonsets:
        return (yield from _verdict(pod, False, ERROR, DAEMONSET_FATAL))
    return (yield from _verdict(pod, False, WARNING, DAEMONSET_WARNING))


def _mirror_pod(ctx: Context, pod: dict[str, Any], options: DrainOptions) -> Gen:
    if MIRROR_POD_ANNOTATION in ((pod.get("metadata") or {}).get("annotations") or {}):
        return (yield from _verdict(pod, False, SKIP))
    return (yield from _verdict(pod, True, OKAY))


def _local_storage(ctx: Context, pod: dict[str, Any], options: DrainOptions) -> Gen:
    volumes = (pod.get("spec") or {}).get("volumes") or []
    if not any("emptyDir" in volume for volume in volumes) or _finished(pod):
        return (yield from _verdict(pod, True, OKAY))
    if not options.delete_emptydir_data:
        return (yield from _verdict(pod, False, ERROR, LOCAL_STORAGE_FATAL))
    return (yield from _verdict(pod, True, WARNING, LOCAL_STORAGE_WARNING))


def _unreplicated(ctx: Context, pod: dict[str, Any], options: DrainOptions) -> Gen:
    if _finished(pod) or _controller(pod) is not None:
        return (yield from _verdict(pod, True, OKAY))
    if options.force:
        return (yield from _verdict(pod, True, WARNING, UNMANAGED_WARNING))
    return (yield from _verdict(pod, False, ERROR, UNMANAGED_FATAL))
