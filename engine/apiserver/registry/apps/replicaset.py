"""ReplicaSets: pkg/registry/apps/replicaset/strategy.go, with the scale subresource."""

from __future__ import annotations

from engine.apiserver import tables
from engine.apiserver.registry.apps.workload import WorkloadStrategy
from engine.apiserver.registry.strategy import Obj, generic_fields


class ReplicaSetStrategy(WorkloadStrategy):
    resource_name = "replicasets"
    printer = tables.REPLICA_SET
    field_labels = ("metadata.name", "metadata.namespace", "status.replicas")

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        """ReplicaSetToSelectableFields."""
        replicas = (obj.get("status") or {}).get("replicas") or 0
        return {**generic_fields(obj), "status.replicas": str(replicas)}
