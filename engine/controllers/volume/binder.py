"""The PersistentVolume controller (pkg/controller/volume/persistentvolume/pv_controller.go):
binds claims to volumes and follows both through their phases.

- A claim without a volume: the best fitting volume (matching.py) is bound to it, in
  upstream's four writes (the volume's claimRef, its phase Bound, the claim's volumeName,
  its phase, access modes and capacity). Without one, a claim of no class stays Pending
  (`FailedBinding`); one of a WaitForFirstConsumer class waits for the scheduler to pick a
  node (`WaitForFirstConsumer`); one of another class is handed to its external provisioner
  (`ExternalProvisioning`), or fails when the class does not exist (`ProvisioningFailed`).
- A volume: Available when free, Bound when its claim is bound to it, Released once its claim
  is gone; a Released volume with reclaim policy Retain keeps its data until an administrator
  deletes it; with Delete its provisioner deletes it (provisioner.py), and a volume no
  provisioner made fails to be deleted (`VolumeFailedDelete`).

Not simulated: the periodic resync (every change reaches it through the informers, and a
volume that becomes Available is offered to the waiting claims of its class at once), Recycle,
in-tree provisioners, claims of a bound claim's volume going Lost and back.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

from engine.client.informer import Handlers, key_of
from engine.controllers.base import Controller, path_of, split_key
from engine.scheduler.plugins.pv_helpers import SELECTED_NODE, best_match, is_pre_bound_to
from engine.trace import ObjectRef, object_ref
from engine.volumeutil import access_modes_as_string, storage_class_of

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
PROVISIONED_BY = "pv.kubernetes.io/provisioned-by"
STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer"
NO_PROVISIONER = "kubernetes.io/no-provisioner"


def claim_key(key: str) -> str:
    return "pvc:" + key


def volume_key(name: str) -> str:
    return "pv:" + name


class PersistentVolumeController(Controller):
    name = "persistentvolume-binder-controller"
    service_account = "persistent-volume-binder"
    event_source = "persistentvolume-controller"
    kind = "PersistentVolumeClaim"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.claims = self.informers.get("persistentvolumeclaims")
        self.volumes = self.informers.get("persistentvolumes")
        self.classes = self.informers.get("storageclasses")
        self.told: dict[str, str] = {}  # object key -> the last thing the story said of it

    def register(self) -> None:
        self.claims.add_handlers(Handlers(self._claim, lambda _o, c: self._claim(c), self._claim))
        self.volumes.add_handlers(
            Handlers(self._volume, lambda _o, v: self._volume(v), self._volume)
        )

    def synced_resources(self) -> tuple[str, ...]:
        return ("persistentvolumeclaims", "persistentvolumes", "storageclasses")

    def _claim(self, claim: Obj) -> None:
        self.queue.add(claim_key(key_of(claim)))
        volume = (claim.get("spec") or {}).get("volumeName")
        if volume:
            self.queue.add(volume_key(volume))

    def _volume(self, pv: Obj) -> None:
        self.queue.add(volume_key(pv["metadata"]["name"]))
        ref = (pv.get("spec") or {}).get("claimRef")
        if ref:
            self.queue.add(claim_key(f"{ref.get('namespace', '')}/{ref.get('name', '')}"))
        elif (pv.get("status") or {}).get("phase") == "Available":
            # Upstream the waiting claims find a new free volume at the next resync (every
            # 15 s, --pvclaimbinder-sync-period); here they are offered it at once.
            class_name = storage_class_of(pv)
            for claim in self.claims.list():
                spec = claim.get("spec") or {}
                if not spec.get("volumeName") and storage_class_of(claim) == class_name:
                    self.queue.add(claim_key(key_of(claim)))

    def ref_for(self, key: str) -> ObjectRef | None:
        kind, _, rest = key.partition(":")
        if kind == "pv":
            return object_ref("PersistentVolume", rest, "")
        namespace, name = split_key(rest)
        return object_ref("PersistentVolumeClaim", name, namespace)

    def sync(self, key: str) -> Gen:
        kind, _, rest = key.partition(":")
        if kind == "pv":
            yield from self._sync_volume(rest)
        else:
            yield from self._sync_claim(rest)

    def tell(self, key: str, headline: str, obj: Obj) -> None:
        """A milestone, once per object and headline however often it is synced."""
        if self.told.get(key) != headline:
            self.told[key] = headline
            self.milestone(headline, obj, None, None)

    # ---- claims ----------------------------------------------------------------------------
    def _sync_claim(self, key: str) -> Gen:
        """syncClaim."""
        claim = self.claims.get(key)
        if claim is None:
            self.told.pop(key, None)
            return
        if claim["metadata"].get("deletionTimestamp"):
            return
        volume_name = (claim.get("spec") or {}).get("volumeName")
        if not volume_name:
            yield from self._sync_unbound_claim(claim)
            return
        pv = self.volumes.get(volume_name)
        if pv is None:
            if (claim.get("status") or {}).get("phase") != "Lost":
                yield from self.work()
                self.recorder.event(
                    claim,
                    "Warning",
                    "ClaimLost",
                    "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
                )
                yield from self._claim_status(claim, {"phase": "Lost"})
            return
        ref = (pv.get("spec") or {}).get("claimRef")
        if ref is None or (is_pre_bound_to(pv, claim) and not ref.get("uid")):
            yield from self.work()  # the claim names its volume: bind the volume to it
            yield from self._bind(pv, claim)
        elif (
            ref.get("uid") == claim["metadata"].get("uid")
            and (claim.get("status") or {}).get("phase") != "Bound"
        ):
            yield from self.work()
            yield from self._bind(pv, claim)

    def _sync_unbound_claim(self, claim: Obj) -> Gen:
        """syncUnboundClaim with a claim that names no volume."""
        key = key_of(claim)
        class_name = storage_class_of(claim)
        sc = self.classes.get(class_name) if class_name else None
        delayed = (sc or {}).get("volumeBindingMode") == WAIT_FOR_FIRST_CONSUMER
        pv = best_match(self.volumes.list(), claim, delayed)
        name = claim["metadata"]["name"]
        yield from self.work()
        if pv is not None:
            yield from self._bind(pv, claim)
            return
        annotations = claim["metadata"].get("annotations") or {}
        if delayed and SELECTED_NODE not in annotations:
            self.recorder.event(
                claim,
                "Normal",
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding",
            )
            self.tell(
                key,
                f"Claim {name} waits for a pod to use it (WaitForFirstConsumer): its volume "
                "will be made on the node the scheduler picks for that pod",
                claim,
            )
            return
        if not class_name:
            self.recorder.event(
                claim,
                "Normal",
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
            )
            self.tell(
                key,
                f"Claim {name} stays Pending: no PersistentVolume fits it ({_wanted(claim)}), "
                "and it names no StorageClass, so none will be made",
                claim,
            )
            return
        if sc is None:
            # provisionClaim: the class must exist for anything to be provisioned.
            self.recorder.event(
                claim,
                "Warning",
                "ProvisioningFailed",
                f'storageclass.storage.k8s.io "{class_name}" not found',
            )
            self.tell(
                key,
                f"Claim {name} stays Pending: no PersistentVolume of class {class_name} fits "
                f"it ({_wanted(claim)}), and there is no StorageClass {class_name} to make one",
                claim,
            )
            return
        provisioner = sc.get("provisioner", "")
        if provisioner == NO_PROVISIONER:
            return  # only volumes made by hand can serve it: wait for one
        if annotations.get(STORAGE_PROVISIONER) != provisioner:
            # setClaimProvisioner: which external provisioner is to serve the claim.
            body = copy.deepcopy(claim)
            body["metadata"].setdefault("annotations", {}).update(
                {BETA_STORAGE_PROVISIONER: provisioner, STORAGE_PROVISIONER: provisioner}
            )
            namespace = claim["metadata"].get("namespace", "")
            self.must(
                (
                    yield from self.request(
                        "PUT", path_of("persistentvolumeclaims", namespace, name), body
                    )
                )
            )
        self.recorder.event(
            claim,
            "Normal",
            "ExternalProvisioning",
            "Waiting for a volume to be created either by the external provisioner "
            f"'{provisioner}' or manually by the system administrator. If volume creation is "
            "delayed, please verify that the provisioner is running and correctly registered.",
        )
        self.tell(
            key,
            f"Claim {name} of class {class_name} waits for provisioner "
            f"{provisioner} to make a volume for it",
            claim,
        )

    def _bind(self, pv: Obj, claim: Obj) -> Gen:
        """bind: bindVolumeToClaim, updateVolumePhase(Bound), bindClaimToVolume,
        updateClaimStatus — each its own write, as upstream."""
        meta, pv_name = claim["metadata"], pv["metadata"]["name"]
        namespace = meta.get("namespace", "")
        spec = pv.get("spec") or {}
        ref = spec.get("claimRef") or {}
        if ref.get("uid") != meta.get("uid"):
            body = copy.deepcopy(pv)
            if not ref:
                body["metadata"].setdefault("annotations", {})[BOUND_BY_CONTROLLER] = "yes"
            body["spec"]["claimRef"] = {
                "kind": "PersistentVolumeClaim",
                "namespace": namespace,
                "name": meta["name"],
                "uid": meta.get("uid", ""),
                "apiVersion": "v1",
                "resourceVersion": meta.get("resourceVersion", ""),
            }
            pv = self.must(
                (yield from self.request("PUT", path_of("persistentvolumes", "", pv_name), body))
            )
        if (pv.get("status") or {}).get("phase") != "Bound":
            pv = yield from self._volume_phase(pv, "Bound")
        if (claim.get("spec") or {}).get("volumeName") != pv_name or not (
            meta.get("annotations") or {}
        ).get(BIND_COMPLETED):
            body = copy.deepcopy(claim)
            annotations = body["metadata"].setdefault("annotations", {})
            annotations[BIND_COMPLETED] = "yes"
            if not (claim.get("spec") or {}).get("volumeName"):
                annotations[BOUND_BY_CONTROLLER] = "yes"
            body["spec"]["volumeName"] = pv_name
            path = path_of("persistentvolumeclaims", namespace, meta["name"])
            claim = self.must((yield from self.request("PUT", path, body)))
        status = {
            "phase": "Bound",
            "accessModes": list((pv.get("spec") or {}).get("accessModes") or []),
            "capacity": dict((pv.get("spec") or {}).get("capacity") or {}),
        }
        yield from self._claim_status(claim, status)
        pv_spec = pv.get("spec") or {}
        of_class = f" of class {storage_class_of(claim)}" if storage_class_of(claim) else ""
        self.tell(
            key_of(claim),
            f"The PersistentVolume controller bound claim {meta['name']} ({_wanted(claim)}"
            f"{of_class}) to volume {pv_name} "
            f"({(pv_spec.get('capacity') or {}).get('storage', '')} "
            f"{access_modes_as_string(pv_spec.get('accessModes'))})",
            claim,
        )

    def _claim_status(self, claim: Obj, status: Obj) -> Gen:
        meta = claim["metadata"]
        current = claim.get("status") or {}
        if all(current.get(k) == v for k, v in status.items()):
            return claim
        body = copy.deepcopy(claim)
        body["status"] = {**current, **status}
        path = path_of("persistentvolumeclaims", meta.get("namespace", ""), meta["name"], "status")
        return self.must((yield from self.request("PUT", path, body)))

    # ---- volumes ---------------------------------------------------------------------------
    def _sync_volume(self, name: str) -> Gen:
        """syncVolume."""
        pv = self.volumes.get(name)
        if pv is None:
            self.told.pop(name, None)
            return
        if pv["metadata"].get("deletionTimestamp"):
            return
        spec = pv.get("spec") or {}
        phase = (pv.get("status") or {}).get("phase")
        ref = spec.get("claimRef")
        if ref is None or not ref.get("uid"):
            if phase not in ("Available", "Released", "Failed"):
                yield from self.work()
                yield from self._volume_phase(pv, "Available")
            return
        claim = self.claims.get(f"{ref.get('namespace', '')}/{ref.get('name', '')}")
        if claim is not None and claim["metadata"].get("uid") == ref.get("uid"):
            if (claim.get("spec") or {}).get("volumeName") == name and phase != "Bound":
                yield from self.work()
                yield from self._volume_phase(pv, "Bound")
            return
        # The claim is gone: the volume is Released and reclaimed by its policy.
        if phase in ("Released", "Failed"):
            return
        yield from self.work()
        pv = yield from self._volume_phase(pv, "Released")
        policy = spec.get("persistentVolumeReclaimPolicy", "Retain")
        claim_name = ref.get("name", "")
        if policy == "Retain":
            self.tell(
                name,
                f"Volume {name} is Released: its claim {claim_name} is gone, and reclaim "
                "policy Retain keeps the volume and its data until an administrator deletes it",
                pv,
            )
        elif policy == "Delete" and (pv["metadata"].get("annotations") or {}).get(PROVISIONED_BY):
            self.tell(
                name,
                f"Volume {name} is Released: its claim {claim_name} is gone, and reclaim "
                "policy Delete has its provisioner delete it",
                pv,
            )
        else:
            # deleteVolumeOperation: only a provisioner (or an in-tree plugin) can delete it.
            self.recorder.event(
                pv,
                "Warning",
                "VolumeFailedDelete" if policy == "Delete" else "VolumeFailedRecycle",
                f'error getting deleter volume plugin for volume "{name}": no deletable '
                "volume plugin matched"
                if policy == "Delete"
                else f'error getting recycler volume plugin for volume "{name}": no '
                "recyclable volume plugin matched",
            )
            yield from self._volume_phase(pv, "Failed")

    def _volume_phase(self, pv: Obj, phase: str) -> Gen:
        """updateVolumePhase (the transition time stamped as the status strategy would)."""
        body = copy.deepcopy(pv)
        body["status"] = {"phase": phase, "lastPhaseTransitionTime": self.stamp()}
        path = path_of("persistentvolumes", "", pv["metadata"]["name"], "status")
        return self.must((yield from self.request("PUT", path, body)))


def _wanted(claim: Obj) -> str:
    spec = claim.get("spec") or {}
    size = ((spec.get("resources") or {}).get("requests") or {}).get("storage", "")
    return f"{size} {access_modes_as_string(spec.get('accessModes'))}".strip()
