"""Events (core/v1): pkg/registry/core/event/strategy.go."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables
from engine.apiserver.registry.strategy import Obj, Strategy, generic_fields, text
from engine.apiserver.validation.cluster_objects import validate_event
from engine.apiserver.validation.common import Errors

_INVOLVED = ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")


class EventStrategy(Strategy):
    resource_name = "events"
    printer = tables.EVENT
    return_deleted_object = True
    # Written by the thousand and never applied to: managedFields would only cost time.
    tracks_managed_fields = False
    field_labels = (
        "metadata.name",
        "metadata.namespace",
        *(f"involvedObject.{name}" for name in _INVOLVED),
        "reason",
        "reportingComponent",
        "source",
        "type",
    )

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_event(obj)

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        """ToSelectableFields: `source` falls back to the reporting controller (core/v1's
        reportingComponent)."""
        involved = obj.get("involvedObject") or {}
        source = (obj.get("source") or {}).get("component") or obj.get("reportingComponent")
        return {
            **generic_fields(obj),
            **{f"involvedObject.{name}": text(involved.get(name)) for name in _INVOLVED},
            "reason": text(obj.get("reason")),
            "reportingComponent": text(obj.get("reportingComponent")),
            "source": text(source),
            "type": text(obj.get("type")),
        }
