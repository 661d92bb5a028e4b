"""ReplicaSets: pkg/registry/apps/replicaset/strategy.go, with the scale subresource."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables
from engine.apiserver.registry.apps import scale
from engine.apiserver.registry.strategy import Obj, Strategy, generic_fields
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.workloads import validate_workload, validate_workload_status


class ReplicaSetStrategy(Strategy):
    resource_name = "replicasets"
    printer = tables.REPLICA_SET
    generation = True
    field_labels = ("metadata.name", "metadata.namespace", "status.replicas")
    subresources = scale.SUBRESOURCES

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        obj["status"] = {}

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_workload(self.kind, obj, old)

    def validate_status_update(self, obj: dict[str, Any], old: dict[str, Any]) -> Errors:
        errors = super().validate_status_update(obj, old)
        return errors + validate_workload_status(self.kind, obj.get("status"))

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        """ReplicaSetToSelectableFields."""
        replicas = (obj.get("status") or {}).get("replicas") or 0
        return {**generic_fields(obj), "status.replicas": str(replicas)}
