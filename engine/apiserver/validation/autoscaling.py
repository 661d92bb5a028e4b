"""HorizontalPodAutoscalers: ValidateHorizontalPodAutoscaler, ValidateHorizontalPodAutoscalerUpdate
and ValidateHorizontalPodAutoscalerStatusUpdate of pkg/apis/autoscaling/validation/validation.go
(HPAScaleToZero off: minReplicas at least 1).

The errors learners meet: maxReplicas below minReplicas, a target without kind or name, a
metric whose type does not match the field given, a utilization of 0."""

from __future__ import annotations

from typing import Any

from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral
from engine.apimachinery.quantity import canonical_quantity, parse_quantity
from engine.apiserver.validation.common import Errors, Obj, _d, _i, _l, _s, validate_nonnegative
from engine.apiserver.validation.meta import validate_meta
from engine.apiserver.validation.names import name_is_dns_subdomain
from engine.apiserver.validation.networking import is_path_segment_name

# validMetricSourceTypes.List(), sorted
METRIC_SOURCE_TYPES = ("ContainerResource", "External", "Object", "Pods", "Resource")
# The sources in the order validateMetricSpec looks at them.
_FIELD_OF_TYPE = {
    "Object": "object",
    "External": "external",
    "Pods": "pods",
    "Resource": "resource",
    "ContainerResource": "containerResource",
}
SELECT_POLICIES = ("Disabled", "Max", "Min")  # validSelectPolicyTypesList
POLICY_TYPES = ("Percent", "Pods")  # validPolicyTypesList
MAX_STABILIZATION_WINDOW = 3600  # MaxStabilizationWindowSeconds
MAX_PERIOD = 1800  # MaxPeriodSeconds
_POPULATE = "must populate information for the given metric source"


def validate_hpa(obj: Obj, old: Obj | None) -> Errors:
    """ValidateHorizontalPodAutoscaler (old is None) or ...Update (metadata update rules, then
    the spec's; a stored minReplicas of 0 stays allowed)."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    old_min = _d((old or {}).get("spec")).get("minReplicas")
    return errs + _spec(_d(obj.get("spec")), 0 if old_min == 0 else 1)


def validate_hpa_status(obj: Obj, old: Obj) -> Errors:
    """ValidateHorizontalPodAutoscalerStatusUpdate."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    status = _d(obj.get("status"))
    errs += validate_nonnegative(status.get("currentReplicas"), "status.currentReplicas")
    return errs + validate_nonnegative(status.get("desiredReplicas"), "status.desiredReplicas")


def _spec(spec: Obj, min_lower_bound: int) -> Errors:
    """validateHorizontalPodAutoscalerSpec."""
    errs: Errors = []
    low, high = _i(spec.get("minReplicas")), _i(spec.get("maxReplicas")) or 0
    if low is not None and low < min_lower_bound:
        detail = f"must be greater than or equal to {min_lower_bound}"
        errs.append(field.invalid("spec.minReplicas", low, detail))
    if high < 1:
        errs.append(field.invalid("spec.maxReplicas", high, "must be greater than 0"))
    if low is not None and high < low:
        detail = "must be greater than or equal to `minReplicas`"
        errs.append(field.invalid("spec.maxReplicas", high, detail))
    errs += cross_version_reference(_d(spec.get("scaleTargetRef")), "spec.scaleTargetRef")
    metrics = _l(spec.get("metrics"))
    for index, metric in enumerate(metrics):
        errs += _metric(_d(metric), f"spec.metrics[{index}]")
    kinds = {_d(m).get("type") for m in metrics}
    if low == 0 and not kinds & {"Object", "External"}:
        detail = (
            "must specify at least one Object or External metric to support scaling to zero "
            "replicas"
        )
        errs.append(field.forbidden("spec.metrics", detail))
    behavior = spec.get("behavior")
    if behavior is not None:
        for direction in ("scaleUp", "scaleDown"):
            rules = _d(behavior).get(direction)
            if rules is not None:
                errs += _scaling_rules(_d(rules), f"spec.behavior.{direction}")
    return errs


def cross_version_reference(ref: Obj, path: str) -> Errors:
    """ValidateCrossVersionObjectReference."""
    errs: Errors = []
    for key in ("kind", "name"):
        value = _s(ref.get(key))
        if not value:
            errs.append(field.required(f"{path}.{key}", ""))
        else:
            errs += [field.invalid(f"{path}.{key}", value, m) for m in is_path_segment_name(value)]
    return errs


def _scaling_rules(rules: Obj, path: str) -> Errors:
    """validateScalingRules."""
    errs: Errors = []
    window = _i(rules.get("stabilizationWindowSeconds"))
    if window is not None and window < 0:
        detail = "must be greater than or equal to zero"
        errs.append(field.invalid(f"{path}.stabilizationWindowSeconds", window, detail))
    if window is not None and window > MAX_STABILIZATION_WINDOW:
        detail = f"must be less than or equal to {MAX_STABILIZATION_WINDOW}"
        errs.append(field.invalid(f"{path}.stabilizationWindowSeconds", window, detail))
    select = rules.get("selectPolicy")
    if select is not None and select not in SELECT_POLICIES:
        errs.append(field.not_supported(f"{path}.selectPolicy", select, SELECT_POLICIES))
    policies = _l(rules.get("policies"))
    if not policies:
        errs.append(field.required(f"{path}.policies", "must specify at least one Policy"))
    for index, policy in enumerate(policies):
        policy, where = _d(policy), f"{path}.policies[{index}]"
        if policy.get("type") not in POLICY_TYPES:
            errs.append(field.not_supported(where + ".type", _s(policy.get("type")), POLICY_TYPES))
        value, period = _i(policy.get("value")) or 0, _i(policy.get("periodSeconds")) or 0
        if value <= 0:
            errs.append(field.invalid(where + ".value", value, "must be greater than zero"))
        if period <= 0:
            errs.append(
                field.invalid(where + ".periodSeconds", period, "must be greater than zero")
            )
        if period > MAX_PERIOD:
            detail = f"must be less than or equal to {MAX_PERIOD}"
            errs.append(field.invalid(where + ".periodSeconds", period, detail))
    return errs


def _metric(metric: Obj, path: str) -> Errors:
    """validateMetricSpec: its type, and exactly the one source that type names."""
    errs: Errors = []
    kind = _s(metric.get("type"))
    if not kind:
        errs.append(field.required(path + ".type", "must specify a metric source type"))
    if kind not in METRIC_SOURCE_TYPES:
        errs.append(field.not_supported(path + ".type", kind, METRIC_SOURCE_TYPES))
    present = [key for key in _FIELD_OF_TYPE.values() if metric.get(key) is not None]
    if present:
        first = present[0]
        errs += _SOURCE_CHECKS[first](_d(metric[first]), f"{path}.{first}")
    expected = _FIELD_OF_TYPE.get(kind, "")
    if expected:
        if metric.get(expected) is None:
            errs.append(field.required(f"{path}.{expected}", _POPULATE))
    else:  # the switch's default: said a second time
        errs.append(field.not_supported(path + ".type", kind, METRIC_SOURCE_TYPES))
    if len(present) != 1:
        for key in sorted(set(present) - {expected}):
            errs.append(
                field.forbidden(f"{path}.{key}", "must populate the given metric source only")
            )
    return errs


def _quantity_value(value: Any) -> GoLiteral:
    """A resource.Quantity as the error shows it (its String())."""
    try:
        return GoLiteral(f'"{canonical_quantity(value)}"')
    except ValueError:
        return GoLiteral(f'"{value}"')


def _positive(value: Any) -> bool:
    try:
        return parse_quantity(value) > 0
    except (ValueError, TypeError):
        return False


def _target(target: Obj, path: str) -> Errors:
    """validateMetricTarget."""
    errs: Errors = []
    kind = _s(target.get("type"))
    if not kind:
        errs.append(field.required(path + ".type", "must specify a metric target type"))
    if kind not in ("Utilization", "Value", "AverageValue"):
        detail = "must be either Utilization, Value, or AverageValue"
        errs.append(field.invalid(path + ".type", kind, detail))
    for key in ("value", "averageValue"):
        if target.get(key) is not None and not _positive(target[key]):
            errs.append(
                field.invalid(f"{path}.{key}", _quantity_value(target[key]), "must be positive")
            )
    utilization = _i(target.get("averageUtilization"))
    if utilization is not None and utilization < 1:
        detail = "must be greater than 0"
        errs.append(field.invalid(path + ".averageUtilization", utilization, detail))
    return errs


def _identifier(metric: Obj, path: str) -> Errors:
    """validateMetricIdentifier."""
    name = _s(metric.get("name"))
    if not name:
        return [field.required(path + ".name", "must specify a metric name")]
    return [field.invalid(path + ".name", name, m) for m in is_path_segment_name(name)]


def _resource(source: Obj, path: str) -> Errors:
    """validateResourceSource (and the shared part of validateContainerResourceSource)."""
    errs: Errors = []
    if not _s(source.get("name")):
        errs.append(field.required(path + ".name", "must specify a resource name"))
    target = _d(source.get("target"))
    errs += _target(target, path + ".target")
    utilization, average = target.get("averageUtilization"), target.get("averageValue")
    if utilization is None and average is None:
        detail = "must set either a target raw value or a target utilization"
        errs.append(field.required(path + ".target.averageUtilization", detail))
    if utilization is not None and average is not None:
        detail = "may not set both a target raw value and a target utilization"
        errs.append(field.forbidden(path + ".target.averageValue", detail))
    return errs


def _container_resource(source: Obj, path: str) -> Errors:
    errs: Errors = []
    if not _s(source.get("container")):
        errs.append(field.required(path + ".container", "must specify a container"))
    return _resource(source, path) + errs


def _pods(source: Obj, path: str) -> Errors:
    """validatePodsSource."""
    errs = _identifier(_d(source.get("metric")), path + ".metric")
    target = _d(source.get("target"))
    errs += _target(target, path + ".target")
    if target.get("averageValue") is None:
        detail = "must specify a positive target averageValue"
        errs.append(field.required(path + ".target.averageValue", detail))
    return errs


def _object(source: Obj, path: str) -> Errors:
    """validateObjectSource."""
    errs = cross_version_reference(_d(source.get("describedObject")), path + ".describedObject")
    errs += _identifier(_d(source.get("metric")), path + ".metric")
    target = _d(source.get("target"))
    errs += _target(target, path + ".target")
    if target.get("value") is None and target.get("averageValue") is None:
        detail = "must set either a target value or averageValue"
        errs.append(field.required(path + ".target.averageValue", detail))
    return errs


def _external(source: Obj, path: str) -> Errors:
    """validateExternalSource."""
    errs = _identifier(_d(source.get("metric")), path + ".metric")
    target = _d(source.get("target"))
    errs += _target(target, path + ".target")
    value, average = target.get("value"), target.get("averageValue")
    if value is None and average is None:
        detail = "must set either a target value for metric or a per-pod target"
        errs.append(field.required(path + ".target.averageValue", detail))
    if value is not None and average is not None:
        detail = "may not set both a target value for metric and a per-pod target"
        errs.append(field.forbidden(path + ".target.value", detail))
    return errs


_SOURCE_CHECKS = {
    "object": _object,
    "pods": _pods,
    "resource": _resource,
    "external": _external,
    "containerResource": _container_resource,
}
