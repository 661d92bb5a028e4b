"""ReplicationControllers: pkg/registry/core/replicationcontroller/strategy.go, with the status
and scale subresources (storage/storage.go ScaleREST, scaleFromRC).

What differs from a ReplicaSet's strategy is only the validation: core's, where the selector
is a map and may change."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables
from engine.apiserver.registry.apps.workload import WorkloadStrategy
from engine.apiserver.registry.strategy import Obj, generic_fields
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.replicationcontroller import validate_replication_controller


class ReplicationControllerStrategy(WorkloadStrategy):
    resource_name = "replicationcontrollers"
    printer = tables.REPLICATION_CONTROLLER
    field_labels = ("metadata.name", "metadata.namespace", "status.replicas")

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_replication_controller(obj, old)

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        """ControllerToSelectableFields (pkg/registry/core/replicationcontroller)."""
        replicas = (obj.get("status") or {}).get("replicas") or 0
        return {**generic_fields(obj), "status.replicas": str(replicas)}
