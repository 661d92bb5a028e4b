"""The kubelet's status manager (pkg/kubelet/status/status_manager.go): the one place pod
status leaves the node.

It keeps the latest status the kubelet computed for each pod and PATCHes pods/<name>/status —
a strategic merge patch from the last status the API server acknowledged, with the pod's uid
in the patch as a precondition (pkg/util/pod PatchPodStatus) — only when it changed. Updates
that arrive at the same virtual instant are sent as one patch, unless the kubelet asks for the
pending one to go out on its own first (`separate`). Once the kubelet has finished
terminating a pod that is being deleted, the status manager issues the final DELETE with
gracePeriodSeconds 0 and a uid precondition, which removes the object.

Deviation, for speed: upstream GETs the pod before every patch; here the pod comes from the
kubelet's watch cache and the previous patch's response.

A sync that raises (a pod whose status is too malformed to diff) is reported once ("Failed to
update status for pod") and tried again at the next syncBatch, 10 s later.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.apimachinery.jsoncopy import deep_copy_json
from engine.trace import Step, object_ref
from engine.utilruntime import describe, klog_line

if TYPE_CHECKING:
    from engine.node.kubelet import Kubelet

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

SYNC_PERIOD = 10.0  # status_manager.go syncPeriod: syncBatch retries what did not go out


@dataclass
class _Entry:
    namespace: str
    name: str
    uid: str
    status: Obj  # the latest status the kubelet computed
    acked: Obj | None = None  # the status the API server last confirmed
    held: list[Obj] = field(default_factory=list)  # older statuses still to send, in order
    terminated: bool = False  # the kubelet has finished with the pod
    syncing: bool = False
    dirty: bool = False
    deleted: bool = False


class StatusManager:
    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet
        self._pods: dict[str, _Entry] = {}
        self._told: dict[str, set[str]] = {}  # pod uid -> the states the story has reported

    def get_pod_status(self, uid: str) -> Obj | None:
        entry = self._pods.get(uid)
        return entry.status if entry else None

    def set_pod_status(self, pod: Obj, status: Obj, separate: bool = False) -> None:
        """Record the kubelet's view of the pod; send it if it differs from the last one.

        `separate`: a status set earlier at this instant and not sent yet goes out as its own
        patch before this one instead of being replaced by it (watchers see both)."""
        meta = pod["metadata"]
        uid = meta["uid"]
        entry = self._pods.get(uid)
        if entry is None:
            entry = self._pods[uid] = _Entry(meta["namespace"], meta["name"], uid, status)
            entry.acked = deep_copy_json(pod.get("status") or {})
        elif entry.status == status:
            return
        elif separate and entry.dirty and entry.status != entry.acked:
            entry.held.append(entry.status)
        entry.status = status
        self._queue(entry)

    def terminate_pod(self, pod: Obj) -> None:
        """The kubelet is done with the pod: delete it once its final status is in."""
        entry = self._pods.get(pod["metadata"]["uid"])
        if entry is None:
            return
        entry.terminated = True
        self._queue(entry)

    def forget(self, uid: str) -> None:
        self._pods.pop(uid, None)
        self._told.pop(uid, None)

    def resync_all(self) -> None:
        """After the kubelet comes back: everything not yet confirmed goes again."""
        for entry in self._pods.values():
            entry.held.clear()  # only the latest status matters now
            self._queue(entry)

    def _queue(self, entry: _Entry) -> None:
        entry.dirty = True
        if not entry.syncing:
            entry.syncing = True
            self.kubelet.context.env.process(self._sync(entry), "status manager")

    def _sync(self, entry: _Entry) -> Gen:
        try:
            yield from self._send(entry)
        except Exception as error:
            entry.syncing = False
            key = f"{entry.namespace}/{entry.name}"
            text = describe(error)
            self.kubelet.errors.handle_error(
                key,
                klog_line("Failed to update status for pod", pod=key, err=text),
                error=error,
                obj=object_ref("Pod", entry.name, entry.namespace),
                data={"error": text},
            )
            self._retry(entry)

    def _retry(self, entry: _Entry) -> None:
        def again() -> None:
            if self._pods.get(entry.uid) is entry and self.kubelet.running:
                self._queue(entry)

        self.kubelet.context.env.schedule(SYNC_PERIOD, again, background=True)

    def _send(self, entry: _Entry) -> Gen:
        yield 0  # let everything that changes at this instant land in one patch
        client = self.kubelet.client
        while (entry.dirty or entry.held) and not entry.deleted and self.kubelet.running:
            if entry.held:
                status = entry.held.pop(0)
            else:
                entry.dirty = False
                status = entry.status
            current = self.kubelet.pod(entry.namespace, entry.name)
            if current is None or current["metadata"].get("uid") != entry.uid:
                # Gone, or replaced by a namesake: upstream's uid precondition would refuse.
                entry.deleted = True
                break
            if status != entry.acked:
                patch = status_patch(entry.acked or {}, status, entry.uid)
                response = yield from client.request(
                    "PATCH",
                    f"/api/v1/namespaces/{entry.namespace}/pods/{entry.name}/status",
                    body=patch,
                    headers={"content-type": "application/strategic-merge-patch+json"},
                    step=Step.REPORT,
                )
                if response.code == 404:
                    entry.deleted = True
                    break
                if response.ok:
                    before = entry.acked or {}
                    entry.acked = response.body.get("status") or {}
                    self._tell(response.body, before, entry.acked)
                    if response.body["metadata"].get("uid") != entry.uid:
                        entry.deleted = True
                        break
            if entry.terminated and self._can_be_deleted(entry):
                yield from self._delete(entry)
        entry.syncing = False

    def _tell(self, pod: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> None:
        """Step 5 of the pod's story, once the API server has the status: Running and Ready,
        or finished."""
        name, node = pod["metadata"]["name"], self.kubelet.node_name
        was, now = _shown_state(before), _shown_state(after)
        uid = pod["metadata"].get("uid", "")
        told = self._told.setdefault(uid, set())
        if now == was or now is None or now in told:
            return  # said once: a crash-looping pod is Ready again and again
        told.add(now)
        headline = {
            "ready": f"Pod {name} is Running and Ready on {node}: the kubelet told the API server",
            "Succeeded": f"Pod {name} finished: all its containers exited 0 (Succeeded)",
            "Failed": f"Pod {name} failed on {node} (Failed)",
        }[now]
        self.kubelet.milestone(headline, pod, 5, node=node)

    def _can_be_deleted(self, entry: _Entry) -> bool:
        pod = self.kubelet.pod(entry.namespace, entry.name)
        return (
            pod is not None
            and pod["metadata"].get("uid") == entry.uid
            and bool(pod["metadata"].get("deletionTimestamp"))
        )

    def _delete(self, entry: _Entry) -> Gen:
        response = yield from self.kubelet.client.request(
            "DELETE",
            f"/api/v1/namespaces/{entry.namespace}/pods/{entry.name}",
            body={"gracePeriodSeconds": 0, "preconditions": {"uid": entry.uid}},
            step=Step.REPORT,
        )
        if response.ok or response.code in (404, 409):
            entry.deleted = True
        if response.ok:
            self.kubelet.milestone(
                f"Pod {entry.name} is gone: its containers have stopped on "
                f"{self.kubelet.node_name}, and the API server removed it from etcd",
                response.body,
                5,
                node=self.kubelet.node_name,
            )


# PodStatus lists with a patch merge key (k8s.io/api core/v1 types.go); the others, such as
# containerStatuses, are atomic and replaced whole.
_MERGE_KEYS = {"conditions": "type", "podIPs": "ip", "hostIPs": "ip"}


def status_patch(old: Obj, new: Obj, uid: str) -> Obj:
    """What strategicpatch.CreateTwoWayMergePatch gives for {status: old} to
    {metadata: {uid}, status: new} (statusutil.PatchPodStatus), written for PodStatus alone:
    the generic diff costs more than everything else the kubelet does for a pod."""
    diff: Obj = {}
    for key, value in new.items():
        before = old.get(key)
        if key in old and before == value:
            continue
        merge_key = _MERGE_KEYS.get(key)
        if merge_key and isinstance(before, list) and before and isinstance(value, list):
            changes, order = _diff_keyed(before, value, merge_key)
            if changes:
                diff[key] = changes
            if order:
                diff[f"$setElementOrder/{key}"] = order
        else:
            diff[key] = value
    for key in old:
        if key not in new:
            diff[key] = None
    patch: Obj = {"metadata": {"uid": uid}}
    if diff:
        patch["status"] = dict(sorted(diff.items()))
    return patch


def _diff_keyed(old: list[Obj], new: list[Obj], key: str) -> tuple[list[Obj], list[Obj]]:
    before = {item.get(key): item for item in old}
    now = {item.get(key) for item in new}
    changes: list[Obj] = []
    for item in new:
        previous = before.get(item.get(key))
        if previous is None:
            changes.append(item)
            continue
        fields = {k: v for k, v in item.items() if k not in previous or previous[k] != v}
        fields.update({k: None for k in previous if k not in item})
        if fields:
            changes.append({key: item.get(key), **dict(sorted(fields.items()))})
    changes += [{key: k, "$patch": "delete"} for k in before if k not in now]
    same_order = [i.get(key) for i in old] == [i.get(key) for i in new]
    order = [{key: item.get(key)} for item in new] if changes or not same_order else []
    return changes, order


def _shown_state(status: dict[str, Any]) -> str | None:
    """The state the story reports: Ready while Running, or a finished phase."""
    phase = status.get("phase")
    if phase in ("Succeeded", "Failed"):
        return str(phase)
    ready = any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in status.get("conditions") or []
    )
    return "ready" if phase == "Running" and ready else None
