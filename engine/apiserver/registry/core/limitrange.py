"""LimitRanges: pkg/registry/core/limitrange/strategy.go. No status; validation and the
printer differ from the generic rules. The LimitRanger admission plugin reads them
(engine/apiserver/limitranger.py)."""

from __future__ import annotations

from typing import Any

from engine.apiserver import policy_tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.policy import validate_limit_range


class LimitRangeStrategy(Strategy):
    resource_name = "limitranges"
    printer = policy_tables.LIMIT_RANGE

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_limit_range(obj, old)
