"""The policy kinds: ValidateLimitRange, ValidateResourceQuota (pkg/apis/core/validation/
validation.go), ValidatePriorityClass (pkg/apis/scheduling/validation) and
ValidatePodDisruptionBudget (pkg/apis/policy/validation). Map keys are visited in sorted
order where Go ranges over a map."""

from __future__ import annotations

from fractions import Fraction

from engine.apimachinery import field
from engine.apimachinery.quantity import canonical_quantity
from engine.apiserver.validation.common import Errors, Obj, _d, _l
from engine.apiserver.validation.meta import validate_meta, validate_object_meta
from engine.apiserver.validation.names import is_qualified_name, name_is_dns_subdomain
from engine.apiserver.validation.resources import quantity_or_none

LIMIT_TYPES = ("Container", "Pod", "PersistentVolumeClaim")
_LIMIT_KEYS = ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")
_STANDARD_LIMIT_RESOURCES = {"cpu", "memory", "ephemeral-storage", "storage"}


def _meta(obj: Obj, old: Obj | None, namespaced: bool) -> Errors:
    errs = validate_meta(obj, old, namespaced, name_is_dns_subdomain)
    if old is not None:  # the update runs the create validation again, metadata included
        errs += validate_object_meta(_d(obj.get("metadata")), namespaced, name_is_dns_subdomain)
    return errs


def validate_limit_range(obj: Obj, old: Obj | None) -> Errors:
    errs = _meta(obj, old, True)
    seen: set[str] = set()
    for i, item in enumerate(_l(_d(obj.get("spec")).get("limits"))):
        item = _d(item)
        path = f"spec.limits[{i}]"
        kind = item.get("type", "")
        errs += _limit_type(str(kind), f"{path}.type")
        if kind in seen:
            errs.append(field.duplicate(f"{path}.type", kind))
        seen.add(str(kind))
        values: dict[str, dict[str, Fraction]] = {}
        for key in _LIMIT_KEYS:
            values[key] = {}
            listed = _d(item.get(key))
            if kind == "Pod" and key in ("default", "defaultRequest"):
                if listed:
                    errs.append(
                        field.forbidden(
                            f"{path}.{key}", "may not be specified when `type` is 'Pod'"
                        )
                    )
                continue
            for name in sorted(listed):
                errs += _limit_resource(str(kind), name, field.key(f"{path}.{key}", name))
                quantity = quantity_or_none(listed[name])
                if quantity is not None:
                    values[key][name] = quantity
        if kind == "PersistentVolumeClaim" and not (
            "storage" in values["min"] or "storage" in values["max"]
        ):
            errs.append(
                field.required(
                    f"{path}.limits",
                    "either minimum or maximum storage value is required, but neither was provided",
                )
            )
        errs += _limit_bounds(item, values, path)
    return errs


def _limit_type(value: str, path: str) -> Errors:
    """validateLimitRangeTypeName: a qualified name, standard unless it has a prefix."""
    errs = [field.invalid(path, value, m) for m in is_qualified_name(value)]
    if not errs and "/" not in value and value not in LIMIT_TYPES:
        errs.append(field.invalid(path, value, "must be a standard limit type or fully qualified"))
    return errs


def _limit_resource(kind: str, name: str, path: str) -> Errors:
    """validateLimitRangeResourceName: for Container and Pod items a container resource."""
    errs = [field.invalid(path, name, m) for m in is_qualified_name(name)]
    if errs or "/" in name:
        return errs
    if kind in ("Container", "Pod") and name not in _STANDARD_LIMIT_RESOURCES - {"storage"}:
        if not name.startswith("hugepages-"):
            errs.append(field.invalid(path, name, "must be a standard resource for containers"))
    elif name not in _STANDARD_LIMIT_RESOURCES and not name.startswith("hugepages-"):
        errs.append(
            field.invalid(path, name, "must be a standard resource type or fully qualified")
        )
    return errs


def _limit_bounds(item: Obj, values: dict[str, dict[str, Fraction]], path: str) -> Errors:
    """The per-resource comparisons of ValidateLimitRange, in its order."""
    errs: Errors = []

    def shown(key: str, name: str) -> str:
        return canonical_quantity(_d(item.get(key))[name])

    names = sorted({name for listed in values.values() for name in listed})
    for name in names:
        low, high = values["min"].get(name), values["max"].get(name)
        default, request = values["default"].get(name), values["defaultRequest"].get(name)
        ratio = values["maxLimitRequestRatio"].get(name)
        if low is not None and high is not None and low > high:
            errs.append(
                field.invalid(
                    field.key(f"{path}.min", name),
                    shown("min", name),
                    f"min value {shown('min', name)} is greater than max value "
                    f"{shown('max', name)}",
                )
            )
        if request is not None and low is not None and low > request:
            errs.append(
                field.invalid(
                    field.key(f"{path}.defaultRequest", name),
                    shown("defaultRequest", name),
                    f"min value {shown('min', name)} is greater than default request value "
                    f"{shown('defaultRequest', name)}",
                )
            )
        if request is not None and high is not None and request > high:
            errs.append(
                field.invalid(
                    field.key(f"{path}.defaultRequest", name),
                    shown("defaultRequest", name),
                    f"default request value {shown('defaultRequest', name)} is greater than max "
                    f"value {shown('max', name)}",
                )
            )
        if request is not None and default is not None and request > default:
            errs.append(
                field.invalid(
                    field.key(f"{path}.defaultRequest", name),
                    shown("defaultRequest", name),
                    f"default request value {shown('defaultRequest', name)} is greater than "
                    f"default limit value {shown('default', name)}",
                )
            )
        if default is not None and low is not None and low > default:
            errs.append(
                field.invalid(
                    field.key(f"{path}.default", name),
                    shown("min", name),
                    f"min value {shown('min', name)} is greater than default value "
                    f"{shown('default', name)}",
                )
            )
        if default is not None and high is not None and default > high:
            errs.append(
                field.invalid(
                    field.key(f"{path}.default", name),
                    shown("max", name),
                    f"default value {shown('default', name)} is greater than max value "
                    f"{shown('max', name)}",
                )
            )
        if ratio is not None and ratio < 1:
            errs.append(
                field.invalid(
                    field.key(f"{path}.maxLimitRequestRatio", name),
                    shown("maxLimitRequestRatio", name),
                    f"ratio {shown('maxLimitRequestRatio', name)} is less than 1",
                )
            )
        if ratio is not None and low and high is not None and ratio > high / low:
            errs.append(
                field.invalid(
                    field.key(f"{path}.maxLimitRequestRatio", name),
                    shown("maxLimitRequestRatio", name),
                    f"ratio {shown('maxLimitRequestRatio', name)} is greater than max/min = "
                    f"{float(high / low):f}",
                )
            )
    return errs
