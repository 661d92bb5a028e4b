"""ReplicaSets: pkg/registry/apps/replicaset/strategy.go, with the scale subresource."""

from __future__ import annotations

from typing import Any

from engine.apiserver.registry.apps import scale
from engine.apiserver.registry.strategy import Obj, Strategy, generic_fields


class ReplicaSetStrategy(Strategy):
    resource_name = "replicasets"
    generation = True
    field_labels = ("metadata.name", "metadata.namespace", "status.replicas")
    subresources = scale.SUBRESOURCES

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        obj["status"] = {}

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        """ReplicaSetToSelectableFields."""
        replicas = (obj.get("status") or {}).get("replicas") or 0
        return {**generic_fields(obj), "status.replicas": str(replicas)}
