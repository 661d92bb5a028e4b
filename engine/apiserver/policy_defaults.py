"""Defaulting of the policy kinds: pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem and
pkg/apis/scheduling/v1/defaults.go SetDefaults_PriorityClass."""

from __future__ import annotations

import contextlib
from typing import Any

from engine.apiserver.memo import round_up_milli

Obj = dict[str, Any]


def _resource_list(item: Obj, key: str) -> dict[str, Any]:
    """The item's list under `key`, each quantity in its stored form (SetDefaults_ResourceList:
    rounded up to milli-units, canonical)."""
    values = item.get(key)
    if not isinstance(values, dict):
        return {}
    for name, value in values.items():
        with contextlib.suppress(ValueError):  # the decoder refuses a malformed quantity
            values[name] = round_up_milli(value)
    return values


def default_limit_range(obj: Obj) -> None:
    """A Container item's default limit falls back to its max, its default request to its
    default limit, then to its min: what the docs' LimitRange tasks show in `-o yaml`."""
    spec = obj.get("spec")
    limits = spec.get("limits") if isinstance(spec, dict) else None
    for item in limits if isinstance(limits, list) else []:
        if not isinstance(item, dict):
            continue
        lists = {
            key: _resource_list(item, key)
            for key in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")
        }
        if item.get("type") != "Container":
            continue
        default, request = lists["default"], lists["defaultRequest"]
        for name, value in lists["max"].items():
            default.setdefault(name, value)
        for name, value in default.items():
            request.setdefault(name, value)
        for name, value in lists["min"].items():
            request.setdefault(name, value)
        if default:
            item["default"] = default
        if request:
            item["defaultRequest"] = request


def default_priority_class(obj: Obj) -> None:
    if obj.get("preemptionPolicy") is None:
        obj["preemptionPolicy"] = "PreemptLowerPriority"


POLICY_DEFAULTS = {
    "LimitRange": default_limit_range,
    "PriorityClass": default_priority_class,
}
