"""ConfigMaps: pkg/registry/core/configmap/strategy.go. Nothing is reset on create or update;
only validation differs from the generic rules."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.config import validate_config_map


class ConfigMapStrategy(Strategy):
    resource_name = "configmaps"
    printer = tables.CONFIG_MAP

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_config_map(obj, old)

    def stored_story(self, obj: dict[str, Any]) -> str:
        return ": pods can now read its keys as environment variables or files"
