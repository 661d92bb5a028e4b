"""ServiceAccounts: pkg/registry/core/serviceaccount/strategy.go. Only validation differs from
the generic rules; the serviceaccounts controller keeps a `default` one in every namespace."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.serviceaccount import validate_service_account


class ServiceAccountStrategy(Strategy):
    resource_name = "serviceaccounts"
    printer = tables.SERVICE_ACCOUNT

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_service_account(obj, old)

    def stored_story(self, obj: dict[str, Any]) -> str:
        return ": pods in its namespace can now run as this identity (spec.serviceAccountName)"
