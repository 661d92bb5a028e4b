"""ControllerRevisions: pkg/registry/apps/controllerrevision/strategy.go. No status, no
generation: an immutable snapshot (its data may not change) with a revision number."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.daemonset import validate_controller_revision


class ControllerRevisionStrategy(Strategy):
    resource_name = "controllerrevisions"
    printer = tables.CONTROLLER_REVISION

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_controller_revision(obj, old)
