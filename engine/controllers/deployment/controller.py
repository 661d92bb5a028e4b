"""The Deployment controller (pkg/controller/deployment/deployment_controller.go).

It turns a Deployment into ReplicaSets: finds (or creates) the ReplicaSet whose template is the
Deployment's, and moves replicas from the old ones to it as the strategy says. The work is split
as upstream splits it:

    controller.py  informers, handlers, syncDeployment, ReplicaSet adoption
    sync.py        revisions, the new ReplicaSet, scaling (proportional), clean-up, status
    rolling.py     RollingUpdate: reconcileNewReplicaSet / reconcileOldReplicaSets
    recreate.py    Recreate: all old pods gone before the new ones start
    rollback.py    the deprecated rollbackTo annotation (extensions/v1beta1 rollbacks)
    progress.py    the Progressing condition and progressDeadlineSeconds
    util.py        deployment_util.go
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apimachinery.jsoncopy import deep_copy_json
from engine.apimachinery.labels import SelectorError, selector_from_match
from engine.client.informer import Handlers, key_of
from engine.controllers.base import Controller, path_of
from engine.controllers.controller_ref import ClaimManager, resolve_controller_ref
from engine.controllers.deployment import recreate, rollback, rolling, sync
from engine.controllers.deployment.util import get_rollback_to, is_rolling_update
from engine.controllers.informers import CONTROLLER_UID, controller_ref
from engine.utilruntime import klog_line

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


class DeploymentController(Controller):
    name = "deployment-controller"
    service_account = "deployment-controller"
    event_source = "deployment-controller"
    workers = 5  # --concurrent-deployment-syncs
    kind = "Deployment"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.deployments = self.informers.deployments
        self.replicasets = self.informers.replicasets
        self.pods = self.informers.pods

    # ---- informer handlers -------------------------------------------------------------------
    def register(self) -> None:
        self.deployments.add_handlers(
            Handlers(self._enqueue, lambda _old, cur: self._enqueue(cur), self._enqueue)
        )
        self.replicasets.add_handlers(Handlers(self._add_rs, self._update_rs, self._delete_rs))
        self.pods.add_handlers(Handlers(on_delete=self._delete_pod))

    def synced_resources(self) -> tuple[str, ...]:
        return ("deployments", "replicasets", "pods")

    def _enqueue(self, d: Obj) -> None:
        self.queue.add(key_of(d))

    def _add_rs(self, rs: Obj) -> None:
        if rs["metadata"].get("deletionTimestamp"):
            self._delete_rs(rs)
            return
        ref = controller_ref(rs)
        if ref is not None:
            d = self._resolve(rs["metadata"].get("namespace", ""), ref)
            if d is not None:
                self._enqueue(d)
            return
        for d in self._deployments_for_orphan(rs):
            self._enqueue(d)

    def _update_rs(self, old: Obj, cur: Obj) -> None:
        if old["metadata"].get("resourceVersion") == cur["metadata"].get("resourceVersion"):
            return
        namespace = cur["metadata"].get("namespace", "")
        cur_ref, old_ref = controller_ref(cur), controller_ref(old)
        ref_changed = cur_ref != old_ref
        if ref_changed and old_ref is not None:
            d = self._resolve(namespace, old_ref)
            if d is not None:
                self._enqueue(d)
        if cur_ref is not None:
            d = self._resolve(namespace, cur_ref)
            if d is not None:
                self._enqueue(d)
            return
        labels_changed = old["metadata"].get("labels") != cur["metadata"].get("labels")
        if labels_changed or ref_changed:
            for d in self._deployments_for_orphan(cur):
                self._enqueue(d)

    def _delete_rs(self, rs: Obj) -> None:
        ref = controller_ref(rs)
        if ref is None:
            return
        d = self._resolve(rs["metadata"].get("namespace", ""), ref)
        if d is not None:
            self._enqueue(d)

    def _delete_pod(self, pod: Obj) -> None:
        """A Recreate Deployment waits for its last old pod to go: sync when it has none."""
        d = self._deployment_for_pod(pod)
        if d is None or is_rolling_update(d):
            return
        rss = self.replicasets.by_index(CONTROLLER_UID, d["metadata"]["uid"])
        if not any(self.pods.by_index(CONTROLLER_UID, rs["metadata"]["uid"]) for rs in rss):
            self._enqueue(d)

    def _deployment_for_pod(self, pod: Obj) -> Obj | None:
        ref = controller_ref(pod)
        if ref is None or ref.get("kind") != "ReplicaSet":
            return None
        namespace = pod["metadata"].get("namespace", "")
        rs = self.replicasets.get(f"{namespace}/{ref.get('name', '')}")
        if rs is None or rs["metadata"].get("uid") != ref.get("uid"):
            return None
        rs_ref = controller_ref(rs)
        return self._resolve(namespace, rs_ref) if rs_ref else None

    def _resolve(self, namespace: str, ref: Obj) -> Obj | None:
        return resolve_controller_ref(self.deployments, "Deployment", namespace, ref)

    def _deployments_for_orphan(self, rs: Obj) -> list[Obj]:
        """getDeploymentsForReplicaSet: Deployments whose selector matches the ReplicaSet."""
        namespace = rs["metadata"].get("namespace", "")
        labels = rs["metadata"].get("labels") or {}
        found = []
        for d in self.deployments.list():
            if d["metadata"].get("namespace") != namespace:
                continue
            try:
                selector = selector_from_match(d["spec"].get("selector"))
            except Exception:
                # Invalid, or not even a selector (a malformed Deployment): it selects
                # nothing, and its own sync reports what is wrong with it.
                continue
            if not selector.empty() and selector.matches(labels):
                found.append(d)
        return found

    # ---- handleErr (deployment_controller.go) --------------------------------------------------
    def error_line(self, key: str, error: str) -> str:
        return klog_line("Error syncing deployment", deployment=key, err=error)

    def dropped_line(self, key: str, error: str) -> str:
        return klog_line("Dropping deployment out of the queue", deployment=key, err=error)

    # ---- syncDeployment ----------------------------------------------------------------------
    def sync(self, key: str) -> Gen:
        yield from self.work()
        cached = self.deployments.get(key)
        if cached is None:
            self.errors.forget(key)
            return  # "Deployment has been deleted"
        d = deep_copy_json(cached)  # never change the cache
        selector = d["spec"].get("selector")
        if selector == {}:
            self.recorder.event(
                d,
                "Warning",
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.",
            )
            status = d.setdefault("status", {})
            if status.get("observedGeneration", 0) < d["metadata"].get("generation", 0):
                status["observedGeneration"] = d["metadata"]["generation"]
                yield from sync.update_status(self, d)
            return
        rs_list = yield from self.get_replica_sets_for_deployment(d)
        if d["metadata"].get("deletionTimestamp"):
            yield from sync.sync_status_only(self, d, rs_list)
            return
        yield from sync.check_paused_conditions(self, d)
        if d["spec"].get("paused"):
            yield from sync.sync(self, d, rs_list)
            return
        if get_rollback_to(d) is not None:
            yield from rollback.rollback(self, d, rs_list)
            return
        scaling = yield from sync.is_scaling_event(self, d, rs_list)
        if scaling:
            yield from sync.sync(self, d, rs_list)
            return
        if is_rolling_update(d):
            yield from rolling.rollout_rolling(self, d, rs_list)
        else:
            yield from recreate.rollout_recreate(self, d, rs_list, self.pod_map(d, rs_list))

    def get_replica_sets_for_deployment(self, d: Obj) -> Gen:
        """getReplicaSetsForDeployment: the ReplicaSets this Deployment owns after adopting
        matching orphans and releasing the ones that stopped matching."""
        namespace = d["metadata"].get("namespace", "")
        try:
            selector = selector_from_match(d["spec"].get("selector"))
        except SelectorError:
            return []
        uid = d["metadata"]["uid"]
        owned = self.replicasets.by_index(CONTROLLER_UID, uid)
        candidates = list(owned)
        for rs in self.replicasets.list():
            meta = rs["metadata"]
            if meta.get("namespace") == namespace and controller_ref(rs) is None:
                candidates.append(rs)
        manager = ClaimManager(self, d, "deployments", selector)
        claimed: list[Obj] = yield from manager.claim("replicasets", candidates)
        return claimed

    def pod_map(self, d: Obj, rs_list: list[Obj]) -> dict[str, list[Obj]]:
        """getPodMapForDeployment: the Deployment's pods, by the uid of their ReplicaSet."""
        try:
            selector = selector_from_match(d["spec"].get("selector"))
        except SelectorError:
            return {}
        return {
            rs["metadata"]["uid"]: [
                pod
                for pod in self.pods.by_index(CONTROLLER_UID, rs["metadata"]["uid"])
                if selector.matches(pod["metadata"].get("labels") or {})
            ]
            for rs in rs_list
        }

    def rs_path(self, rs: Obj, subresource: str = "") -> str:
        meta = rs["metadata"]
        return path_of("replicasets", meta.get("namespace", ""), meta["name"], subresource)
