"""The taint eviction controller (pkg/controller/tainteviction/taint_eviction.go, formerly the
node lifecycle controller's taint manager).

When a node has NoExecute taints, each pod on it is evicted: at once if some taint is not
tolerated, after the shortest matching tolerationSeconds if all are (the DefaultTolerationSeconds
admission plugin gives every pod 300 s for not-ready and unreachable), never if tolerated
forever. Taints removed in time cancel the eviction. The eviction itself: event
TaintManagerEviction `Marking for deletion Pod %s`, the pod condition DisruptionTarget
(`DeletionByTaintManager`), then a DELETE. A cancelled one: `Cancelling deletion of Pod %s`.

The timers are background timers (TimedWorkerQueue): a pending eviction does not keep the
cluster from settling; it fires when time is advanced past it.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from engine import timeutil
from engine.apiserver.request import Response
from engine.client.informer import Handlers
from engine.controllers import nodeutil
from engine.controllers.base import STRATEGIC_MERGE, Controller, path_of
from engine.controllers.informers import NODE_NAME
from engine.trace import ObjectRef, object_ref
from engine.utilruntime import describe, klog_line

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

RETRIES = 5  # deletePodHandler retries
RETRY_DELAY = 0.01


@dataclass
class _TimedWork:
    created_at: float
    fire_at: float
    cancelled: bool = False
    done: bool = False  # kept after success so the pod is not evicted twice


class TaintEvictionController(Controller):
    name = "taint-eviction-controller"
    service_account = "taint-eviction-controller"
    event_source = "taint-eviction-controller"
    workers = 0  # it works in its handlers and timers, not from a queue

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.nodes = self.informers.nodes
        self.pods = self.informers.pods
        self.tainted: dict[str, list[Obj]] = {}  # node name -> its NoExecute taints
        self.work_items: dict[str, _TimedWork] = {}  # pod key -> scheduled eviction

    def register(self) -> None:
        self.nodes.add_handlers(
            Handlers(
                on_add=lambda node: self._node_updated(None, node),
                on_update=self._node_updated,
                on_delete=lambda node: self._node_deleted(node),
            )
        )
        self.pods.add_handlers(
            Handlers(
                on_add=lambda pod: self._pod_updated(None, pod),
                on_update=self._pod_updated,
                on_delete=self._pod_deleted,
            )
        )

    def synced_resources(self) -> tuple[str, ...]:
        return ("nodes", "pods")

    # ---- handlers (handleNodeUpdate / handlePodUpdate) ----------------------------------------
    def _node_updated(self, old: Obj | None, node: Obj) -> None:
        taints = nodeutil.no_execute_taints(node)
        if old is not None and nodeutil.no_execute_taints(old) == taints:
            return
        name = node["metadata"]["name"]
        if taints:
            self.tainted[name] = taints
        else:
            self.tainted.pop(name, None)
        pods = self.pods.by_index(NODE_NAME, name)
        if not taints:
            for pod in pods:
                self._cancel_with_event(_key(pod))
            return
        for pod in pods:
            self._process_pod_on_node(pod, name, taints)

    def _node_deleted(self, node: Obj) -> None:
        self.tainted.pop(node["metadata"]["name"], None)

    def _pod_updated(self, old: Obj | None, pod: Obj) -> None:
        node_name = pod.get("spec", {}).get("nodeName", "")
        if (
            old is not None
            and old.get("spec", {}).get("tolerations") == pod.get("spec", {}).get("tolerations")
            and old.get("spec", {}).get("nodeName") == node_name
        ):
            return
        if not node_name or node_name not in self.tainted:
            return
        self._process_pod_on_node(pod, node_name, self.tainted[node_name])

    def _pod_deleted(self, pod: Obj) -> None:
        self._cancel_with_event(_key(pod))

    # ---- processPodOnNode ----------------------------------------------------------------------
    def _process_pod_on_node(self, pod: Obj, node_name: str, taints: list[Obj]) -> None:
        key = _key(pod)
        now = self.now
        if not taints:
            self._cancel_with_event(key)
        used = nodeutil.matching_tolerations(taints, pod.get("spec", {}).get("tolerations") or [])
        ref = ObjectRef(kind="Pod", name=pod["metadata"]["name"], namespace=_ns(pod))
        if used is None:
            self.note(
                f"Pod {key} does not tolerate the NoExecute taints of node {node_name}: "
                "evicting it now",
                ref,
            )
            self._cancel_with_event(key)
            self._add_work(key, now, now)
            return
        seconds = nodeutil.min_toleration_seconds(used)
        if seconds < 0:
            self._cancel_with_event(key)  # tolerated forever
            return
        start, trigger = now, now + seconds
        scheduled = self.work_items.get(key)
        if scheduled is not None and not scheduled.done:
            start = scheduled.created_at
            if start + seconds < trigger:
                return  # the one already scheduled fires sooner
            self._cancel_with_event(key)
        self.note(
            f"Pod {key} tolerates {_describe(taints)} on node {node_name} for {seconds:.0f}s: "
            f"deletion at {timeutil.rfc3339(start + seconds)}",
            ref,
            tolerationSeconds=seconds,
        )
        self._add_work(key, start, start + seconds)

    def _add_work(self, key: str, created_at: float, fire_at: float) -> None:
        """TimedWorkerQueue.AddWork: nothing if this pod already has (or had) one."""
        if key in self.work_items:
            return
        work = _TimedWork(created_at, fire_at)
        self.work_items[key] = work

        def fire() -> None:
            if not work.cancelled:
                self.env.process(self._timed_worker(key, work), f"{self.name} evict {key}")

        self.env.schedule(max(fire_at - self.now, 0.0), fire, background=True)

    def _cancel_with_event(self, key: str) -> None:
        """cancelWorkWithEvent."""
        work = self.work_items.pop(key, None)
        if work is None or work.done:
            return
        work.cancelled = True
        namespace, _, name = key.partition("/")
        self.recorder.event(
            _pod_ref(namespace, name),
            "Normal",
            "TaintManagerEviction",
            f"Cancelling deletion of Pod {key}",
        )

    # ---- deletePodHandler ----------------------------------------------------------------------
    def _timed_worker(self, key: str, work: _TimedWork) -> Gen:
        """timed_workers.go createWorker: the eviction, its error logged and nothing retried."""
        try:
            yield from self._delete_pod(key, work)
        except Exception as error:
            text = describe(error)
            namespace, _, name = key.partition("/")
            self.errors.handle_error(
                key,
                klog_line("TaintEvictionController: timed worker failed", err=text),
                error=error,
                obj=object_ref("Pod", name, namespace),
                data={"error": text},
            )
            self.work_items.pop(key, None)

    def _delete_pod(self, key: str, work: _TimedWork) -> Gen:
        namespace, _, name = key.partition("/")
        self.recorder.event(
            _pod_ref(namespace, name),
            "Normal",
            "TaintManagerEviction",
            f"Marking for deletion Pod {key}",
        )
        for _ in range(RETRIES):
            ok = yield from self._add_condition_and_delete_pod(namespace, name)
            if ok:
                work.done = True
                return
            yield RETRY_DELAY
        self.work_items.pop(key, None)

    def _add_condition_and_delete_pod(self, namespace: str, name: str) -> Gen:
        """addConditionAndDeletePod: the DisruptionTarget condition, then the DELETE."""
        path = path_of("pods", namespace, name)
        response: Response = yield from self.request("GET", path)
        if not response.ok:
            return response.code == 404
        pod = response.body
        conditions = (pod.get("status") or {}).get("conditions") or []
        current = next((c for c in conditions if c.get("type") == "DisruptionTarget"), None)
        wanted = {
            "type": "DisruptionTarget",
            "status": "True",
            "reason": "DeletionByTaintManager",
            "message": "Taint manager: deleting due to NoExecute taint",
        }
        if current is None or any(current.get(k) != v for k, v in wanted.items()):
            condition = {
                **wanted,
                "lastProbeTime": None,
                "lastTransitionTime": timeutil.rfc3339(self.now),
            }
            patched: Response = yield from self.request(
                "PATCH",
                path_of("pods", namespace, name, "status"),
                {
                    "metadata": {"uid": pod["metadata"]["uid"]},
                    "status": {"conditions": [condition]},
                },
                headers=STRATEGIC_MERGE,
            )
            if not patched.ok:
                return patched.code == 404
        node = (pod.get("spec") or {}).get("nodeName", "")
        self.milestone(  # said as it is decided, before its ReplicaSet hears of it
            f"The taint eviction controller deletes pod {name} from {node}: its toleration of "
            "the taint ran out. It stays Terminating until the node's kubelet confirms its "
            "containers stopped (or someone force-deletes it)",
            pod,
            None,
            None,
            node=node,
        )
        deleted: Response = yield from self.request("DELETE", path, {})
        return deleted.ok or deleted.code == 404


def _key(pod: Obj) -> str:
    return f"{_ns(pod)}/{pod['metadata']['name']}"


def _ns(pod: Obj) -> str:
    namespace: str = pod["metadata"].get("namespace", "")
    return namespace


def _pod_ref(namespace: str, name: str) -> Obj:
    """emitPodDeletionEvent's ObjectReference: kind, apiVersion, name and namespace; no uid."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace}}


def _describe(taints: list[Obj]) -> str:
    return ", ".join(f"{t['key']}:{t['effect']}" for t in taints)
