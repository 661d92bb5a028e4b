"""Nodes: pkg/registry/core/node/strategy.go."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables
from engine.apiserver.registry.strategy import Obj, Strategy, generic_fields
from engine.apiserver.validation.cluster_objects import validate_node
from engine.apiserver.validation.common import Errors


class NodeStrategy(Strategy):
    resource_name = "nodes"
    printer = tables.NODE
    return_deleted_object = True
    # Podlife's kubelets register their Node and keep its status with plain writes, so an
    # update keeps the status it is given.
    update_resets_status = False
    field_labels = ("metadata.name", "spec.unschedulable")

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_node(obj, old)

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        """NodeToSelectableFields: fmt.Sprint of the bool."""
        unschedulable = bool((obj.get("spec") or {}).get("unschedulable"))
        return {
            **generic_fields(obj, namespaced=False),
            "spec.unschedulable": str(unschedulable).lower(),
        }
