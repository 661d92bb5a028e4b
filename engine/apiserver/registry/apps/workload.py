"""What Deployments and ReplicaSets share (pkg/registry/apps/{deployment,replicaset}/
strategy.go): a reset status on create, generation counting spec changes, the scale
subresource, and the apps validation of the object and of its status."""

from __future__ import annotations

from typing import Any

from engine.apiserver.registry.apps import scale
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.workloads import validate_workload, validate_workload_status


class WorkloadStrategy(Strategy):
    generation = True
    subresources = scale.SUBRESOURCES

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        obj["status"] = {}

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_workload(self.kind, obj, old)

    def validate_status_update(self, obj: dict[str, Any], old: dict[str, Any]) -> Errors:
        errors = super().validate_status_update(obj, old)
        return errors + validate_workload_status(self.kind, obj.get("status"))
