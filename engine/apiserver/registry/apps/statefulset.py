"""StatefulSets: pkg/registry/apps/statefulset/strategy.go, with the status and scale
subresources (storage/storage.go ScaleREST, as a Deployment's)."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables
from engine.apiserver.registry.apps import scale
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.statefulset import (
    validate_statefulset,
    validate_statefulset_status,
)


class StatefulSetStrategy(Strategy):
    resource_name = "statefulsets"
    printer = tables.STATEFUL_SET
    generation = True
    subresources = scale.SUBRESOURCES

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        obj["status"] = {}

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_statefulset(obj, old)

    def validate_status_update(self, obj: dict[str, Any], old: dict[str, Any]) -> Errors:
        errors = super().validate_status_update(obj, old)
        return errors + validate_statefulset_status(obj.get("status"), old.get("status"))
