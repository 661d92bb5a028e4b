"""DaemonSets and their ControllerRevisions: ValidateDaemonSet, ValidateDaemonSetUpdate,
ValidateDaemonSetSpec, ValidateDaemonSetUpdateStrategy, ValidateRollingUpdateDaemonSet,
ValidateDaemonSetStatus, ValidateControllerRevisionCreate and ValidateControllerRevisionUpdate
of pkg/apis/apps/validation/validation.go."""

from __future__ import annotations

import json
from typing import Any

from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral, go_quote, go_string_map
from engine.apiserver.validation.common import (
    FIELD_IMMUTABLE,
    Errors,
    Obj,
    _d,
    _i,
    _s,
    semantic_equal,
    validate_nonnegative,
)
from engine.apiserver.validation.label_selector import (
    go_label_selector,
    selector_is_empty,
    selector_matches,
    validate_label_selector,
)
from engine.apiserver.validation.meta import validate_meta
from engine.apiserver.validation.names import name_is_dns_subdomain
from engine.apiserver.validation.pod_spec import validate_pod_template
from engine.apiserver.validation.workloads import (
    _go_int_or_string,
    _int_or_percent_value,
    _percent_value,
    _validate_int_or_percent,
)

_STATUS_FIELDS = (
    "currentNumberScheduled",
    "numberMisscheduled",
    "desiredNumberScheduled",
    "numberReady",
    "observedGeneration",
    "updatedNumberScheduled",
    "numberAvailable",
    "numberUnavailable",
    "collisionCount",
)


def _validate_rolling_update(rolling: Obj, path: str) -> Errors:
    """ValidateRollingUpdateDaemonSet: exactly one of maxSurge and maxUnavailable non-zero."""
    unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
    unavailable_path, surge_path = (
        field.child(path, "maxUnavailable"),
        field.child(path, "maxSurge"),
    )
    errs = _validate_int_or_percent(unavailable, unavailable_path)
    errs += _validate_int_or_percent(surge, surge_path)
    for value, at in ((unavailable, unavailable_path), (surge, surge_path)):
        if _percent_value(value) > 100:
            errs.append(
                field.invalid(at, _go_int_or_string(value), "must not be greater than 100%")
            )
    has_unavailable = _int_or_percent_value(unavailable) != 0
    has_surge = _int_or_percent_value(surge) != 0
    if has_unavailable and has_surge:
        errs.append(
            field.invalid(
                surge_path,
                _go_int_or_string(surge),
                "may not be set when maxUnavailable is non-zero",
            )
        )
    elif not has_unavailable and not has_surge:
        errs.append(field.required(unavailable_path, "cannot be 0 when maxSurge is 0"))
    return errs


def _validate_update_strategy(strategy: Obj, path: str) -> Errors:
    kind, rolling = strategy.get("type"), strategy.get("rollingUpdate")
    if kind == "OnDelete":
        return []
    if kind == "RollingUpdate":
        if rolling is None:
            return [field.required(field.child(path, "rollingUpdate"), "")]
        return _validate_rolling_update(_d(rolling), field.child(path, "rollingUpdate"))
    # NotSupported reports the whole strategy struct, printed with %#v.
    pointer = "(*apps.RollingUpdateDaemonSet)(nil)" if rolling is None else "(0xc0004a8f60)"
    shown = GoLiteral(
        f"apps.DaemonSetUpdateStrategy{{Type:{go_quote(_s(kind))}, RollingUpdate:{pointer}}}"
    )
    return [field.not_supported(path, shown, ["RollingUpdate", "OnDelete"])]


def validate_daemonset_spec(spec: Any) -> Errors:
    spec = _d(spec)
    selector = spec.get("selector")
    errs = validate_label_selector(selector, "spec.selector") if selector is not None else []
    template = _d(spec.get("template"))
    labels = _d(template.get("metadata")).get("labels")
    # LabelSelectorAsSelector: a nil selector selects nothing, so it matches no template.
    selects_all = selector is not None and selector_is_empty(selector)
    if not errs and not selects_all and not selector_matches(selector, labels):
        errs.append(
            field.invalid(
                "spec.template.metadata.labels",
                go_string_map(_d(labels) if labels is not None else None),
                "`selector` does not match template `labels`",
            )
        )
    if selector is not None and selector_is_empty(selector):
        errs.append(
            field.invalid(
                "spec.selector",
                go_label_selector(selector),
                "empty selector is invalid for daemonset",
            )
        )
    errs += validate_pod_template(template, "spec.template")
    tspec = _d(template.get("spec"))
    if tspec.get("restartPolicy") != "Always":
        errs.append(
            field.not_supported(
                "spec.template.spec.restartPolicy", _s(tspec.get("restartPolicy")), ["Always"]
            )
        )
    deadline = tspec.get("activeDeadlineSeconds")
    if deadline is not None:
        errs.append(
            field.invalid(
                "spec.template.spec.activeDeadlineSeconds",
                deadline,
                "activeDeadlineSeconds must be nil for daemonset",
            )
        )
    errs += validate_nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    errs += _validate_update_strategy(_d(spec.get("updateStrategy")), "spec.updateStrategy")
    errs += validate_nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    return errs


def validate_daemonset(obj: Obj, old: Obj | None) -> Errors:
    """ValidateDaemonSet (old is None) or ValidateDaemonSetUpdate: the selector is immutable
    (ValidateDaemonSetSpecUpdate), then the whole spec again."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    if old is not None:
        new_selector = _d(obj.get("spec")).get("selector")
        if not semantic_equal(new_selector, _d(old.get("spec")).get("selector")):
            errs.append(
                field.invalid("spec.selector", go_label_selector(new_selector), FIELD_IMMUTABLE)
            )
    return errs + validate_daemonset_spec(obj.get("spec"))


def validate_daemonset_status(status: Any) -> Errors:
    """ValidateDaemonSetStatus: every count non-negative."""
    status = _d(status)
    errs: Errors = []
    for key in _STATUS_FIELDS:
        errs += validate_nonnegative(_i(status.get(key)), f"status.{key}")
    return errs


def validate_controller_revision(obj: Obj, old: Obj | None) -> Errors:
    """ValidateControllerRevisionCreate (old is None) or ValidateControllerRevisionUpdate:
    data is required, revision non-negative, and data never changes."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    if obj.get("data") is None:
        errs.append(field.required("data", "data is mandatory"))
    errs += validate_nonnegative(obj.get("revision"), "revision")
    if old is not None and not semantic_equal(obj.get("data"), old.get("data")):
        # Go prints the runtime.Object with %#v; Podlife shows its JSON.
        errs.append(field.invalid("data", GoLiteral(json.dumps(obj.get("data"))), FIELD_IMMUTABLE))
    return errs
