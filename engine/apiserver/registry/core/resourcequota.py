"""ResourceQuotas: pkg/registry/core/resourcequota/strategy.go. A new quota's status is
cleared (the resource quota controller fills it in); a plain update keeps the status, the
status subresource keeps the spec. The ResourceQuota admission plugin charges new objects to
them (engine/apiserver/resourcequota.py)."""

from __future__ import annotations

from typing import Any

from engine.apiserver import policy_tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.policy import (
    validate_resource_quota,
    validate_resource_quota_status,
)


class ResourceQuotaStrategy(Strategy):
    resource_name = "resourcequotas"
    printer = policy_tables.RESOURCE_QUOTA

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        obj["status"] = {}

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_resource_quota(obj, old)

    def validate_status_update(self, obj: dict[str, Any], old: dict[str, Any]) -> Errors:
        return validate_resource_quota_status(obj, old)

    def stored_story(self, obj: dict[str, Any]) -> str:
        hard = (obj.get("spec") or {}).get("hard") or {}
        limits = ", ".join(f"{name} {value}" for name, value in sorted(hard.items()))
        return (
            f": namespace {obj['metadata'].get('namespace', '')} may now use at most {limits}; "
            "the resource quota controller counts what it uses"
        )
