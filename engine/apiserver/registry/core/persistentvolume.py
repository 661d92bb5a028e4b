"""PersistentVolumes and PersistentVolumeClaims: pkg/registry/core/persistentvolume and
persistentvolumeclaim strategy.go, the StorageObjectInUseProtection admission plugin (their
protection finalizers), DefaultStorageClass (a claim without a class gets the default one) and
PersistentVolumeClaimResize (plugin/pkg/admission/storage/...)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from engine.apimachinery import errors
from engine.apimachinery.quantity import parse_quantity
from engine.apiserver import limitranger, storage_tables
from engine.apiserver.registry.strategy import Finish, Strategy, finished
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.storage import (
    validate_persistent_volume,
    validate_persistent_volume_claim,
)
from engine.volumeutil import BETA_CLASS_ANNOTATION, PV_PROTECTION, PVC_PROTECTION, default_class

if TYPE_CHECKING:
    from engine.apiserver.request import Request
    from engine.apiserver.server import APIServer

Obj = dict[str, Any]


def _protect(obj: Obj, finalizer: str) -> list[str]:
    """StorageObjectInUseProtection: the finalizer that keeps the object while it is in use."""
    finalizers = obj["metadata"].setdefault("finalizers", [])
    if finalizer in finalizers:
        return []
    finalizers.append(finalizer)
    return ["StorageObjectInUseProtection"]


class PersistentVolumeStrategy(Strategy):
    resource_name = "persistentvolumes"
    printer = storage_tables.PERSISTENT_VOLUME
    return_deleted_object = True  # storage.go ReturnDeletedObject

    def prepare_for_create(self, obj: Obj) -> None:
        """A new volume's status is Pending, since its creation. (Upstream the status strategy
        also stamps lastPhaseTransitionTime on each phase change; here the PV controller
        sends it with the phase, as the strategy has no clock.)"""
        obj["status"] = {
            "phase": "Pending",
            "lastPhaseTransitionTime": obj["metadata"]["creationTimestamp"],
        }

    def admit(self, api: APIServer, obj: Obj) -> list[str]:
        return _protect(obj, PV_PROTECTION)

    def validate_object(self, obj: Obj, old: Obj | None) -> Errors:
        return validate_persistent_volume(obj, old)

    def stored_story(self, obj: Obj) -> str:
        spec = obj.get("spec") or {}
        size = (spec.get("capacity") or {}).get("storage", "")
        modes = ",".join(spec.get("accessModes") or [])
        klass = spec.get("storageClassName") or ""
        of_class = f" of class {klass}" if klass else " without a class"
        return f": {size} {modes}{of_class}, free for a claim that fits"


class PersistentVolumeClaimStrategy(Strategy):
    resource_name = "persistentvolumeclaims"
    printer = storage_tables.PERSISTENT_VOLUME_CLAIM
    return_deleted_object = True  # storage.go ReturnDeletedObject

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {}

    def admit(self, api: APIServer, obj: Obj) -> list[str]:
        """DefaultStorageClass, then StorageObjectInUseProtection (kube-apiserver's plugin
        order)."""
        return [*_default_class(api, obj), *_protect(obj, PVC_PROTECTION)]

    def admit_validating(self, api: APIServer, req: Request, obj: Obj) -> None:
        limitranger.validate(api, req, obj, "persistentvolumeclaims", self.resource.ref_of(obj))

    def begin_write(self, api: APIServer, obj: Obj, old: Obj | None, dry_run: bool) -> Finish:
        """PersistentVolumeClaimResize: a bound claim may only grow if its class allows it.
        A validating plugin: it speaks only when the claim passed validation."""
        if old is None or (old.get("status") or {}).get("phase") != "Bound":
            return finished
        if self.validate_object(obj, old):
            return finished
        try:
            grows = parse_quantity(_storage(obj)) > parse_quantity(_storage(old))
        except (ValueError, TypeError):
            return finished
        if not grows:
            return finished
        name = (old.get("spec") or {}).get("storageClassName") or ""
        kv = api.etcd.get(f"/registry/storageclasses/{name}") if name else None
        if kv is None or not json.loads(kv.value).get("allowVolumeExpansion"):
            raise errors.forbidden(
                "persistentvolumeclaims",
                old["metadata"]["name"],
                "only dynamically provisioned pvc can be resized and the storageclass that "
                "provisions the pvc must support resize",
            )
        return finished

    def validate_object(self, obj: Obj, old: Obj | None) -> Errors:
        return validate_persistent_volume_claim(obj, old)

    def stored_story(self, obj: Obj) -> str:
        spec = obj.get("spec") or {}
        size = (spec.get("resources") or {}).get("requests", {}).get("storage", "")
        modes = ",".join(spec.get("accessModes") or [])
        klass = spec.get("storageClassName")
        of_class = f" of class {klass}" if klass else " without a class"
        return f": it asks for {size} {modes}{of_class}; Pending until a volume is bound to it"

    def deleted_story(self, obj: Obj, at_once: bool) -> str:
        if at_once:
            return ""
        return ": its finalizer kubernetes.io/pvc-protection keeps it until no pod uses it any more"


def _storage(obj: Obj) -> Any:
    return ((obj.get("spec") or {}).get("resources") or {}).get("requests", {}).get("storage")


def _default_class(api: APIServer, obj: Obj) -> list[str]:
    """DefaultStorageClass: a claim that names no class (not even "") gets the default."""
    spec = obj.setdefault("spec", {})
    annotations = obj["metadata"].get("annotations") or {}
    if spec.get("storageClassName") is not None or BETA_CLASS_ANNOTATION in annotations:
        return []
    classes = [json.loads(kv.value) for kv in api.etcd.range("/registry/storageclasses/")]
    found = default_class(classes)
    if found is None:
        return []
    spec["storageClassName"] = found["metadata"]["name"]
    return ["DefaultStorageClass"]
