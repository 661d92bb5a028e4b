"""Compute resources: resource names, quantities, and requests against limits.

Mirrors ValidateResourceRequirements, validateContainerResourceName, ValidateResourceQuantityValue
and the helpers in pkg/apis/core/helper (IsNativeResource, IsHugePageResourceName,
IsExtendedResourceName) and pkg/apis/core/validation/validation.go.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral
from engine.apimachinery.quantity import canonical_quantity
from engine.apiserver.memo import parse_quantity
from engine.apiserver.validation.common import IS_NEGATIVE, Errors, _d
from engine.apiserver.validation.names import is_qualified_name


def quantity_or_none(value: Any) -> Fraction | None:
    try:
        return parse_quantity(value)
    except ValueError:
        return None


_STANDARD_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}
_STANDARD_RESOURCES = _STANDARD_CONTAINER_RESOURCES | {
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "storage",
    "requests.storage",
    "services.nodeports",
    "services.loadbalancers",
}


def _is_native_resource(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _is_extended_resource(name: str) -> bool:
    if _is_native_resource(name) or name.startswith("requests."):
        return False
    return not is_qualified_name("requests." + name)


def _validate_container_resource_name(name: str, path: str) -> Errors:
    # Resource names have a String() method, so they print unquoted.
    errs = [field.invalid(path, name, m) for m in is_qualified_name(name)]
    if errs:
        return errs
    if "/" not in name:
        if name not in _STANDARD_RESOURCES and not _is_hugepages(name):
            errs.append(
                field.invalid(
                    path, GoLiteral(name), "must be a standard resource type or fully qualified"
                )
            )
        if name not in _STANDARD_CONTAINER_RESOURCES and not _is_hugepages(name):
            errs.append(
                field.invalid(path, GoLiteral(name), "must be a standard resource for containers")
            )
    elif not _is_native_resource(name) and not _is_extended_resource(name):
        errs.append(
            field.invalid(path, GoLiteral(name), "doesn't follow extended resource name standard")
        )
    return errs


def _validate_quantity_value(name: str, raw: Any, path: str) -> tuple[Fraction | None, Errors]:
    value = quantity_or_none(raw)
    if value is None:
        # The real API server refuses these while decoding (see decode_error); reported here
        # too so that validate() alone never lets a malformed quantity through.
        try:
            parse_quantity(raw)
        except ValueError as exc:
            return None, [field.invalid(path, raw if isinstance(raw, str) else str(raw), str(exc))]
    assert value is not None
    errs: Errors = []
    if value < 0:
        errs.append(field.invalid(path, canonical_quantity(raw), IS_NEGATIVE))
    if _is_extended_resource(name) and (value * 1000) % 1000 != 0:
        errs.append(field.invalid(path, GoLiteral(canonical_quantity(raw)), "must be an integer"))
    return value, errs


def validate_resource_requirements(resources: Any, path: str) -> Errors:
    """ValidateResourceRequirements: names, non-negative quantities, requests <= limits."""
    resources = _d(resources)
    limits, requests = _d(resources.get("limits")), _d(resources.get("requests"))
    lim_path, req_path = field.child(path, "limits"), field.child(path, "requests")
    errs: Errors = []
    limit_values: dict[str, Fraction | None] = {}
    for name in sorted(limits):
        rpath = field.key(lim_path, name)
        errs += _validate_container_resource_name(name, rpath)
        limit_values[name], qerrs = _validate_quantity_value(name, limits[name], rpath)
        errs += qerrs
    for name in sorted(requests):
        rpath = field.key(req_path, name)
        errs += _validate_container_resource_name(name, rpath)
        value, qerrs = _validate_quantity_value(name, requests[name], rpath)
        errs += qerrs
        overcommit = _is_native_resource(name) and not _is_hugepages(name)
        if name in limits:
            limit = limit_values.get(name)
            if value is None or limit is None:
                continue
            shown = canonical_quantity(requests[name])
            limit_text = canonical_quantity(limits[name])
            if value != limit and not overcommit:
                errs.append(
                    field.invalid(req_path, shown, f"must be equal to {name} limit of {limit_text}")
                )
            elif value > limit:
                errs.append(
                    field.invalid(
                        req_path,
                        shown,
                        f"must be less than or equal to {name} limit of {limit_text}",
                    )
                )
        elif not overcommit:
            errs.append(
                field.required(lim_path, "Limit must be set for non overcommitable resources")
            )
    return errs
