"""HorizontalPodAutoscalers: pkg/registry/autoscaling/horizontalpodautoscaler/strategy.go.
Status reset on create and kept by a plain update; generation counts spec changes; the HPA
controller writes the status through /status."""

from __future__ import annotations

from typing import Any

from engine.apiserver import autoscaling_tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.autoscaling import validate_hpa, validate_hpa_status
from engine.apiserver.validation.common import Errors

Obj = dict[str, Any]


class HorizontalPodAutoscalerStrategy(Strategy):
    resource_name = "horizontalpodautoscalers"
    printer = autoscaling_tables.HORIZONTAL_POD_AUTOSCALER
    generation = True

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {}

    def validate_object(self, obj: Obj, old: Obj | None) -> Errors:
        return validate_hpa(obj, old)

    def validate_status_update(self, obj: Obj, old: Obj) -> Errors:
        return validate_hpa_status(obj, old)

    def stored_story(self, obj: Obj) -> str:
        spec = obj.get("spec") or {}
        target = spec.get("scaleTargetRef") or {}
        metrics = autoscaling_tables.format_metrics(spec.get("metrics") or [], [])
        wanted = metrics.replace("<unknown>/", "").replace("cpu: ", "CPU at ")
        return (
            f": it will keep {target.get('kind', '')} {target.get('name', '')} between "
            f"{spec.get('minReplicas', 1)} and {spec.get('maxReplicas', 0)} replicas, aiming "
            f"for {wanted}; the HPA controller needs the metrics API (metrics-server), which "
            "this cluster lacks"
        )
