"""PodDisruptionBudgets: pkg/registry/policy/poddisruptionbudget/strategy.go. A new budget's
status is cleared (the disruption controller fills it in), spec changes bump the generation,
a plain update keeps the status and the status subresource the spec."""

from __future__ import annotations

from typing import Any

from engine.apiserver import policy_tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.policy import (
    validate_pod_disruption_budget,
    validate_pod_disruption_budget_status,
)


class PodDisruptionBudgetStrategy(Strategy):
    resource_name = "poddisruptionbudgets"
    printer = policy_tables.POD_DISRUPTION_BUDGET
    generation = True

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        obj["status"] = {}

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_pod_disruption_budget(obj, old)

    def validate_status_update(self, obj: dict[str, Any], old: dict[str, Any]) -> Errors:
        return validate_pod_disruption_budget_status(obj, old)

    def stored_story(self, obj: dict[str, Any]) -> str:
        spec = obj.get("spec") or {}
        if spec.get("minAvailable") is not None:
            rule = f"at least {spec['minAvailable']} of its pods must stay available"
        elif spec.get("maxUnavailable") is not None:
            rule = f"at most {spec['maxUnavailable']} of its pods may be unavailable"
        else:
            rule = "it sets no limit yet"
        return f": evictions (kubectl drain) now ask it first: {rule}"
