"""EndpointSlices: pkg/registry/discovery/endpointslice/strategy.go. metadata.generation
starts at 1 and counts changes of the endpoints, ports or address type (there is no spec)."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.discovery import validate_endpoint_slice

_CONTENTS = ("addressType", "endpoints", "ports")


class EndpointSliceStrategy(Strategy):
    resource_name = "endpointslices"
    printer = tables.ENDPOINT_SLICE

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        obj["metadata"]["generation"] = 1

    def prepare_for_update(
        self, new: dict[str, Any], old: dict[str, Any], subresource: str
    ) -> None:
        if any(new.get(key) != old.get(key) for key in _CONTENTS):
            new["metadata"]["generation"] = old["metadata"].get("generation", 1) + 1

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_endpoint_slice(obj, old)
