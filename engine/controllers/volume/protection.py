"""The PVC and PV protection controllers (pkg/controller/volume/pvcprotection,
pvprotection): the finalizers `kubernetes.io/pvc-protection` and `kubernetes.io/pv-protection`
(added by the StorageObjectInUseProtection admission plugin) keep a claim while a pod uses
it and a volume while it is bound; once that is over the controller removes the finalizer
and the API server finishes the delete."""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

from engine.client.informer import Handlers, key_of
from engine.controllers.base import Controller, path_of, split_key
from engine.controllers.podutil import is_terminal
from engine.trace import ObjectRef, object_ref
from engine.volumeutil import PV_PROTECTION, PVC_PROTECTION

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


def claims_of(pod: Obj) -> list[str]:
    """The keys of the claims a pod's volumes name."""
    namespace = pod["metadata"].get("namespace", "")
    return [
        f"{namespace}/{v['persistentVolumeClaim'].get('claimName', '')}"
        for v in (pod.get("spec") or {}).get("volumes") or []
        if isinstance(v, dict) and isinstance(v.get("persistentVolumeClaim"), dict)
    ]


def _without(obj: Obj, finalizer: str) -> Obj:
    body = copy.deepcopy(obj)
    body["metadata"]["finalizers"] = [
        f for f in body["metadata"].get("finalizers") or [] if f != finalizer
    ]
    return body


class PVCProtectionController(Controller):
    name = "persistentvolumeclaim-protection-controller"
    service_account = "pvc-protection-controller"
    event_source = "pvc-protection-controller"
    kind = "PersistentVolumeClaim"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.claims = self.informers.get("persistentvolumeclaims")
        self.pods = self.informers.pods
        self.told: set[tuple[str, str]] = set()

    def register(self) -> None:
        enqueue = self._enqueue
        self.claims.add_handlers(Handlers(enqueue, lambda _old, cur: enqueue(cur)))
        self.pods.add_handlers(Handlers(self._pod, lambda _old, cur: self._pod(cur), self._pod))

    def synced_resources(self) -> tuple[str, ...]:
        return ("persistentvolumeclaims", "pods")

    def _enqueue(self, claim: Obj) -> None:
        meta = claim["metadata"]
        if meta.get("deletionTimestamp") and PVC_PROTECTION in (meta.get("finalizers") or []):
            self.queue.add(key_of(claim))

    def _pod(self, pod: Obj) -> None:
        """podAddedDeletedUpdated: a pod's claims being deleted may be free now."""
        for key in claims_of(pod):
            claim = self.claims.get(key)
            if claim is not None:
                self._enqueue(claim)

    def _user(self, claim: Obj) -> Obj | None:
        """isBeingUsed: a pod of the namespace, not finished, whose volumes name the claim."""
        key = key_of(claim)
        for pod in self.pods.list():
            if key in claims_of(pod) and not is_terminal(pod):
                return pod
        return None

    def sync(self, key: str) -> Gen:
        claim = self.claims.get(key)
        if claim is None:
            return
        meta = claim["metadata"]
        if not meta.get("deletionTimestamp") or PVC_PROTECTION not in (
            meta.get("finalizers") or []
        ):
            return
        yield from self.work()
        user = self._user(claim)
        namespace, name = split_key(key)
        if user is not None:
            pod = user["metadata"]["name"]
            if (key, pod) not in self.told:
                self.told.add((key, pod))
                self.milestone(
                    f"Claim {name} stays Terminating: pod {pod} still uses it "
                    "(kubernetes.io/pvc-protection)",
                    claim,
                    None,
                    None,
                )
            return
        self.milestone(
            f"No pod uses claim {name} any more: the protection finalizer is removed and the "
            "claim is deleted",
            claim,
            None,
            None,
        )
        path = path_of("persistentvolumeclaims", namespace, name)
        response = yield from self.request("PUT", path, _without(claim, PVC_PROTECTION))
        if response.code != 404:
            self.must(response)


class PVProtectionController(Controller):
    name = "persistentvolume-protection-controller"
    service_account = "pv-protection-controller"
    event_source = "pv-protection-controller"
    kind = "PersistentVolume"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.volumes = self.informers.get("persistentvolumes")

    def register(self) -> None:
        enqueue = self._enqueue
        self.volumes.add_handlers(Handlers(enqueue, lambda _old, cur: enqueue(cur)))

    def synced_resources(self) -> tuple[str, ...]:
        return ("persistentvolumes",)

    def _enqueue(self, pv: Obj) -> None:
        meta = pv["metadata"]
        if meta.get("deletionTimestamp") and PV_PROTECTION in (meta.get("finalizers") or []):
            self.queue.add(meta["name"])

    def ref_for(self, key: str) -> ObjectRef | None:
        return object_ref("PersistentVolume", key, "")

    def sync(self, key: str) -> Gen:
        pv = self.volumes.get(key)
        if pv is None or not pv["metadata"].get("deletionTimestamp"):
            return
        if PV_PROTECTION not in (pv["metadata"].get("finalizers") or []):
            return
        if (pv.get("status") or {}).get("phase") == "Bound":
            return  # isBeingUsed: a bound volume stays until its claim lets go
        yield from self.work()
        path = path_of("persistentvolumes", "", key)
        response = yield from self.request("PUT", path, _without(pv, PV_PROTECTION))
        if response.code != 404:
            self.must(response)
