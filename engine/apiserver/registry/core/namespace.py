"""Namespaces: pkg/registry/core/namespace/strategy.go and storage/storage.go, whose DELETE
only marks a namespace Terminating until the namespace controller has emptied it."""

from __future__ import annotations

from typing import Any

from engine.apimachinery.value import copy_json
from engine.apiserver import memo, tables
from engine.apiserver.registry.strategy import Obj, Strategy, generic_fields, text
from engine.apiserver.validation.cluster_objects import validate_namespace
from engine.apiserver.validation.common import Errors


class NamespaceStrategy(Strategy):
    resource_name = "namespaces"
    printer = tables.NAMESPACE
    return_deleted_object = True
    field_labels = ("metadata.name", "status.phase")

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        obj["status"] = {"phase": "Active"}
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_namespace(obj, old)

    def should_delete_during_update(self, obj: dict[str, Any]) -> bool:
        # ShouldDeleteNamespaceDuringUpdate: spec.finalizers must be empty too
        if (obj.get("spec") or {}).get("finalizers"):
            return False
        return super().should_delete_during_update(obj)

    def begin_delete(self, obj: dict[str, Any], now: float) -> tuple[dict[str, Any], str] | None:
        """storage.go Delete: the first DELETE only marks the namespace Terminating; it goes
        once the namespace controller has emptied it and removed its spec.finalizers (PUT
        namespaces/<name>/finalize). Marked already: the object itself."""
        if not (obj.get("spec") or {}).get("finalizers"):
            return None
        if obj["metadata"].get("deletionTimestamp"):
            return obj, ""
        new = copy_json(obj)  # obj is freshly decoded JSON
        new["metadata"]["deletionTimestamp"] = memo.rfc3339(now)
        new.setdefault("status", {})["phase"] = "Terminating"
        finalizers = ", ".join(new["spec"]["finalizers"])
        return new, f"Namespace is Terminating; waiting for finalizers {finalizers}"

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        phase = (obj.get("status") or {}).get("phase")
        return {**generic_fields(obj, namespaced=False), "status.phase": text(phase)}
