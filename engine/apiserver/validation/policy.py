"""The policy kinds: ValidateLimitRange, ValidateResourceQuota (pkg/apis/core/validation/
validation.go), ValidatePriorityClass (pkg/apis/scheduling/validation) and
ValidatePodDisruptionBudget (pkg/apis/policy/validation). Map keys are visited in sorted
order where Go ranges over a map."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral
from engine.apimachinery.quantity import canonical_quantity
from engine.apiserver.validation.common import FIELD_IMMUTABLE, IS_NEGATIVE, Errors, Obj, _d, _l
from engine.apiserver.validation.label_selector import validate_label_selector
from engine.apiserver.validation.meta import validate_meta, validate_object_meta
from engine.apiserver.validation.names import (
    is_qualified_name,
    is_valid_percent,
    name_is_dns_subdomain,
)
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


# helper.IsStandardQuotaResourceName: standardQuotaResources, and hugepages.
_QUOTA_RESOURCES = {
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.storage",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "persistentvolumeclaims",
    "configmaps",
    "services.nodeports",
    "services.loadbalancers",
}
# helper.IsIntegerResourceName: the object counts.
_INTEGER_RESOURCES = {
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "persistentvolumeclaims",
    "configmaps",
    "services.nodeports",
    "services.loadbalancers",
}
QUOTA_SCOPES = (
    "Terminating",
    "NotTerminating",
    "BestEffort",
    "NotBestEffort",
    "PriorityClass",
    "CrossNamespacePodAffinity",
    "VolumeAttributesClass",
)


def validate_resource_quota(obj: Obj, old: Obj | None) -> Errors:
    """ValidateResourceQuota; an update (ValidateResourceQuotaUpdate) checks the spec only."""
    errs = _meta(obj, old, True)
    spec = _d(obj.get("spec"))
    errs += _resource_list(_d(spec.get("hard")), "spec.hard")
    scopes = _l(spec.get("scopes"))
    for scope in scopes:
        if scope not in QUOTA_SCOPES:
            errs.append(field.invalid("spec.scopes", scopes, "unsupported scope"))
            break
    if old is None:
        errs += _quota_status(obj)
    return errs


def validate_resource_quota_status(obj: Obj, old: Obj) -> Errors:
    return _meta(obj, old, True) + _quota_status(obj)


def _quota_status(obj: Obj) -> Errors:
    status = _d(obj.get("status"))
    return _resource_list(_d(status.get("hard")), "status.hard") + _resource_list(
        _d(status.get("used")), "status.used"
    )


def _resource_list(values: Obj, path: str) -> Errors:
    """ValidateResourceQuotaResourceName and ValidateResourceQuantityValue for each name."""
    errs: Errors = []
    for name in sorted(values):
        key = field.key(path, name)
        problems = is_qualified_name(name)
        errs += [field.invalid(key, name, m) for m in problems]
        standard = name in _QUOTA_RESOURCES or name.startswith(
            ("hugepages-", "requests.hugepages-")
        )
        if not problems and "/" not in name and not standard:
            errs.append(field.invalid(key, name, "must be a standard resource for quota"))
        quantity = quantity_or_none(values[name])
        if quantity is None:
            continue
        if quantity < 0:
            errs.append(field.invalid(key, canonical_quantity(values[name]), IS_NEGATIVE))
        integer = name in _INTEGER_RESOURCES or name.startswith("count/")
        if integer and quantity.denominator != 1:
            errs.append(field.invalid(key, canonical_quantity(values[name]), "must be an integer"))
    return errs


# pkg/apis/scheduling: the system classes' prefix and the highest value a user may set.
SYSTEM_PRIORITY_CLASS_PREFIX = "system-"
HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000
SYSTEM_PRIORITY_CLASSES = {
    "system-node-critical": 2000001000,
    "system-cluster-critical": 2000000000,
}
PREEMPTION_POLICIES = ("Never", "PreemptLowerPriority")


def validate_priority_class(obj: Obj, old: Obj | None) -> Errors:
    """ValidatePriorityClass and, on an update, ValidatePriorityClassUpdate."""
    errs = _meta(obj, old, False)
    name = str(_d(obj.get("metadata")).get("name", ""))
    value = obj.get("value", 0)
    if name.startswith(SYSTEM_PRIORITY_CLASS_PREFIX):
        known = SYSTEM_PRIORITY_CLASSES.get(name)
        if known is None:
            why = f"{name} is not a known system priority class"
        elif value != known:
            why = f"value of {name} PriorityClass must be {known}"
        elif obj.get("globalDefault"):
            why = f"globalDefault of {name} PriorityClass must be false"  # IsKnownSystem...
        else:
            why = ""
        if why:
            errs.append(
                field.forbidden(
                    "metadata.name",
                    "priority class names with 'system-' prefix are reserved for system use "
                    f"only. error: {why}",
                )
            )
    elif isinstance(value, int) and value > HIGHEST_USER_DEFINABLE_PRIORITY:
        errs.append(
            field.forbidden(
                "value",
                f"maximum allowed value of a user defined priority is "
                f"{HIGHEST_USER_DEFINABLE_PRIORITY}",
            )
        )
    policy = obj.get("preemptionPolicy")
    if policy is not None and policy not in PREEMPTION_POLICIES:
        errs.append(field.not_supported("preemptionPolicy", policy, PREEMPTION_POLICIES))
    if old is not None:
        if obj.get("value") != old.get("value"):
            errs.append(field.forbidden("value", "may not be changed in an update."))
        if policy != old.get("preemptionPolicy"):
            errs.append(field.invalid("preemptionPolicy", policy, FIELD_IMMUTABLE))
    return errs


UNHEALTHY_POD_EVICTION_POLICIES = ("AlwaysAllow", "IfHealthyBudget")


def validate_pod_disruption_budget(obj: Obj, old: Obj | None) -> Errors:
    """ValidatePodDisruptionBudget (its spec; the status is the controller's)."""
    errs = _meta(obj, old, True)
    spec = _d(obj.get("spec"))
    low, high = spec.get("minAvailable"), spec.get("maxUnavailable")
    if low is not None and high is not None:
        # Upstream prints the whole spec struct as the value (%#v); its fields, briefly here.
        both = GoLiteral(f"{{MinAvailable: {low}, MaxUnavailable: {high}}}")
        errs.append(
            field.invalid("spec", both, "minAvailable and maxUnavailable cannot be both set")
        )
    for key, value in (("minAvailable", low), ("maxUnavailable", high)):
        if value is not None:
            errs += _positive_int_or_percent(value, f"spec.{key}")
    errs += validate_label_selector(spec.get("selector"), "spec.selector")
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in UNHEALTHY_POD_EVICTION_POLICIES:
        errs.append(
            field.not_supported(
                "spec.unhealthyPodEvictionPolicy", policy, UNHEALTHY_POD_EVICTION_POLICIES
            )
        )
    return errs


def validate_pod_disruption_budget_status(obj: Obj, old: Obj) -> Errors:
    errs = _meta(obj, old, True)
    status = _d(obj.get("status"))
    for key in ("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"):
        value = status.get(key)
        if isinstance(value, int) and value < 0:
            errs.append(field.invalid(f"status.{key}", value, IS_NEGATIVE))
    return errs


def _positive_int_or_percent(value: Any, path: str) -> Errors:
    """ValidatePositiveIntOrPercent and IsNotMoreThan100Percent."""
    if isinstance(value, int):
        return [field.invalid(path, value, IS_NEGATIVE)] if value < 0 else []
    text = str(value)
    problems = is_valid_percent(text)
    if problems:
        return [field.invalid(path, text, m) for m in problems]
    if int(text[:-1]) > 100:
        return [field.invalid(path, text, "must not be greater than 100%")]
    return []
