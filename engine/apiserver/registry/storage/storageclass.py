"""StorageClasses: pkg/registry/storage/storageclass/strategy.go. Cluster-scoped, no status;
only validation and the printer differ from the generic rules."""

from __future__ import annotations

from typing import Any

from engine.apiserver import storage_tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.storage import validate_storage_class


class StorageClassStrategy(Strategy):
    resource_name = "storageclasses"
    printer = storage_tables.STORAGE_CLASS
    return_deleted_object = True  # storage.go ReturnDeletedObject

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_storage_class(obj, old)

    def stored_story(self, obj: dict[str, Any]) -> str:
        mode = obj.get("volumeBindingMode", "Immediate")
        when = (
            "once a pod using the claim is scheduled"
            if mode == "WaitForFirstConsumer"
            else "as soon as the claim exists"
        )
        return (
            f": claims of class {obj['metadata'].get('name', '')} will get volumes made by "
            f"{obj.get('provisioner', '')}, {when}"
        )
