"""What the scheduler does with each informer event (pkg/scheduler/eventhandlers.go).

Pods are split in two by the same filters upstream uses: assigned pods (spec.nodeName set) go
to the cache, where they count against their node; unassigned pods whose schedulerName is
ours go to the scheduling queue. A pod that gets bound moves from one side to the other.
Every change that may help a waiting pod is passed to the queue as a cluster event.

A handler that raises (a node too malformed to read) is reported and skipped by the informer;
the cache keeps what it had. A pod too malformed to read still gets a PodInfo (types.py): an
unscheduled one fails its cycles with the error, an assigned one counts on its node as asking
for nothing, and the error is reported once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.client.informer import Handlers
from engine.scheduler.framework import (
    ASSIGNED_POD_ADD,
    ASSIGNED_POD_DELETE,
    NODE,
    NODE_ADD,
    ActionType,
    ClusterEvent,
)
from engine.scheduler.queue import pod_scheduling_properties_change
from engine.utilruntime import klog_line

if TYPE_CHECKING:
    from engine.scheduler.scheduler import Scheduler

Obj = dict[str, Any]
SCHEDULER_NAME = "default-scheduler"


def _assigned(pod: Obj) -> bool:
    return bool((pod.get("spec") or {}).get("nodeName"))


def _ours(pod: Obj) -> bool:
    """responsibleForPod, and not yet assigned."""
    spec = pod.get("spec") or {}
    return not spec.get("nodeName") and (spec.get("schedulerName") or SCHEDULER_NAME) == (
        SCHEDULER_NAME
    )


def add_all_event_handlers(sched: Scheduler) -> None:
    sched.pods.add_handlers(
        Handlers(
            on_add=lambda pod: _on_pod_add(sched, pod),
            on_update=lambda old, new: _on_pod_update(sched, old, new),
            on_delete=lambda pod: _on_pod_delete(sched, pod),
        )
    )
    sched.nodes.add_handlers(
        Handlers(
            on_add=lambda node: _add_node_to_cache(sched, node),
            on_update=lambda old, new: _update_node_in_cache(sched, old, new),
            on_delete=lambda node: sched.cache.remove_node(node["metadata"]["name"]),
        )
    )


def add_volume_event_handlers(sched: Scheduler) -> None:
    """The storage objects VolumeBinding waits on: a change may let a pod be scheduled
    (eventhandlers.go, the informers added for the plugins' registered events)."""
    for informer, resource in (
        (sched.claims, "PersistentVolumeClaim"),
        (sched.volumes, "PersistentVolume"),
        (sched.storage_classes, "StorageClass"),
    ):
        informer.add_handlers(_volume_handlers(sched, resource))


def _volume_handlers(sched: Scheduler, resource: str) -> Handlers:
    add = ClusterEvent(resource, ActionType.ADD, f"{resource}Add")
    update = ClusterEvent(resource, ActionType.UPDATE, f"{resource}Update")

    def on_add(obj: Obj) -> None:
        sched.queue.move_all_to_active_or_backoff(add, None, obj)

    def on_update(old: Obj, new: Obj) -> None:
        sched.queue.move_all_to_active_or_backoff(update, old, new)

    return Handlers(on_add=on_add, on_update=on_update)


# ---- pods: FilteringResourceEventHandler semantics for the two filters -----------------------
def _on_pod_add(sched: Scheduler, pod: Obj) -> None:
    if _assigned(pod):
        _add_pod_to_cache(sched, pod)
    elif _ours(pod):
        sched.queue.add(sched.pod_infos.of(pod))


def _on_pod_update(sched: Scheduler, old: Obj, new: Obj) -> None:
    was, now = _assigned(old), _assigned(new)
    if was and now:
        _update_pod_in_cache(sched, old, new)
    elif now:
        _add_pod_to_cache(sched, new)
    elif was:
        _delete_pod_from_cache(sched, old)
    was, now = _ours(old), _ours(new)
    if was and now:
        _update_pod_in_scheduling_queue(sched, old, new)
    elif now:
        sched.queue.add(sched.pod_infos.of(new))
    elif was:
        sched.queue.delete(sched.pod_infos.of(old))


def _on_pod_delete(sched: Scheduler, pod: Obj) -> None:
    if _assigned(pod):
        _delete_pod_from_cache(sched, pod)
    elif _ours(pod):
        sched.queue.delete(sched.pod_infos.of(pod))
    sched.pod_infos.forget(pod)
    meta = pod["metadata"]
    sched.errors.forget(f"{meta.get('namespace', '')}/{meta['name']}")
    sched.told_pending.pop(meta.get("uid", ""), None)


def _add_pod_to_cache(sched: Scheduler, pod: Obj) -> None:
    info = sched.pod_infos.of(pod)
    if info.spec.error:
        # addPodToCache would not even have decoded it; it is counted as asking for nothing.
        sched.errors.handle_error(
            info.key,
            klog_line("Scheduler cache AddPod failed", err=info.spec.error, pod=info.key),
            obj=sched.ref(info),
            data={"error": info.spec.error},
        )
    sched.cache.add_pod(info)
    sched.queue.move_all_to_active_or_backoff(ASSIGNED_POD_ADD, None, info)


def _update_pod_in_cache(sched: Scheduler, old: Obj, new: Obj) -> None:
    old_info, new_info = sched.pod_infos.of(old), sched.pod_infos.of(new)
    sched.cache.update_pod(new_info)
    for event in pod_scheduling_properties_change(old_info, new_info):
        sched.queue.move_all_to_active_or_backoff(event, old_info, new_info)


def _delete_pod_from_cache(sched: Scheduler, pod: Obj) -> None:
    info = sched.pod_infos.of(pod)
    sched.cache.remove_pod(info)
    sched.queue.move_all_to_active_or_backoff(ASSIGNED_POD_DELETE, info, None)


def _update_pod_in_scheduling_queue(sched: Scheduler, old: Obj, new: Obj) -> None:
    if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
        return  # a resync, not a change
    if sched.cache.is_assumed(new["metadata"].get("uid", "")):
        return  # being bound: the binding will bring it to the cache
    old_info, new_info = sched.pod_infos.of(old), sched.pod_infos.of(new)
    sched.queue.update(old_info, new_info, pod_scheduling_properties_change(old_info, new_info))


# ---- nodes -----------------------------------------------------------------------------------
def _add_node_to_cache(sched: Scheduler, node: Obj) -> None:
    sched.cache.add_node(node)
    sched.queue.move_all_to_active_or_backoff(NODE_ADD, None, node)


def _update_node_in_cache(sched: Scheduler, old: Obj, new: Obj) -> None:
    sched.cache.update_node(new)
    for event in node_scheduling_properties_change(old, new):
        sched.queue.move_all_to_active_or_backoff(event, old, new)


def _conditions(node: Obj) -> dict[str, Any]:
    """Condition statuses, ignoring heartbeat times (nodeConditionsChanged)."""
    conditions = (node.get("status") or {}).get("conditions") or []
    return {c.get("type"): c.get("status") for c in conditions}


def node_scheduling_properties_change(old: Obj, new: Obj) -> list[ClusterEvent]:
    """nodeSchedulingPropertiesChange: which scheduling-relevant parts of a node changed."""
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    old_meta, new_meta = old.get("metadata") or {}, new.get("metadata") or {}
    changes: list[tuple[ActionType, str]] = []
    if bool(old_spec.get("unschedulable")) != bool(new_spec.get("unschedulable")):
        changes.append((ActionType.UPDATE_NODE_TAINT, "UpdateNodeTaint"))
    if (old.get("status") or {}).get("allocatable") != (new.get("status") or {}).get("allocatable"):
        changes.append((ActionType.UPDATE_NODE_ALLOCATABLE, "UpdateNodeAllocatable"))
    if old_meta.get("labels") != new_meta.get("labels"):
        changes.append((ActionType.UPDATE_NODE_LABEL, "UpdateNodeLabel"))
    if old_spec.get("taints") != new_spec.get("taints"):
        changes.append((ActionType.UPDATE_NODE_TAINT, "UpdateNodeTaint"))
    if _conditions(old) != _conditions(new):
        changes.append((ActionType.UPDATE_NODE_CONDITION, "UpdateNodeCondition"))
    if old_meta.get("annotations") != new_meta.get("annotations"):
        changes.append((ActionType.UPDATE_NODE_ANNOTATION, "UpdateNodeAnnotation"))
    return [ClusterEvent(NODE, action, label) for action, label in changes]
