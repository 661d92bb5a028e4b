"""Endpoints: pkg/registry/core/endpoint/strategy.go. Only validation differs from the
generic rules."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.endpoints import validate_endpoints


class EndpointsStrategy(Strategy):
    resource_name = "endpoints"
    printer = tables.ENDPOINTS

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_endpoints(obj, old)
