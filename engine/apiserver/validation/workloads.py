"""Deployments and ReplicaSets: specs, rollout strategy, selector immutability, status.

Mirrors pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec,
ValidateDeploymentStrategy, ValidateRollingUpdateDeployment, ValidateReplicaSetSpec,
ValidatePodTemplateSpecForReplicaSet, the status validators); selector immutability from
pkg/registry/apps/{deployment,replicaset}/strategy.go.
"""

from __future__ import annotations

import re
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
from engine.apiserver.validation.names import PERCENT_RE, is_valid_percent, name_is_dns_subdomain
from engine.apiserver.validation.pod_spec import validate_pod_template

_DEPLOYMENT_STATUS_FIELDS = (
    "observedGeneration",
    "replicas",
    "updatedReplicas",
    "readyReplicas",
    "availableReplicas",
    "unavailableReplicas",
    "collisionCount",
)
_REPLICASET_STATUS_FIELDS = (
    "replicas",
    "fullyLabeledReplicas",
    "readyReplicas",
    "availableReplicas",
    "observedGeneration",
)


def _int_or_percent_value(value: Any) -> int:
    """getIntOrPercentValue: "25%" -> 25, 3 -> 3, anything else -> 0."""
    if isinstance(value, str):
        if PERCENT_RE.fullmatch(value):
            return int(value[:-1])
        return int(value) if re.fullmatch(r"[+-]?\d+", value) else 0
    return _i(value) or 0


def _percent_value(value: Any) -> int:
    """getPercentValue: 25 for "25%", -1 for anything that is not a percent string."""
    if isinstance(value, str) and PERCENT_RE.fullmatch(value):
        return int(value[:-1])
    return -1


def _go_int_or_string(value: Any) -> GoLiteral:
    # intstr.IntOrString prints through its String() method: unquoted.
    return GoLiteral(str(value) if isinstance(value, int | str) else "")


def _validate_int_or_percent(value: Any, path: str) -> Errors:
    if isinstance(value, str):
        return [field.invalid(path, _go_int_or_string(value), m) for m in is_valid_percent(value)]
    if isinstance(value, int) and not isinstance(value, bool):
        return validate_nonnegative(value, path)
    if value is None:
        return []
    return [
        field.invalid(
            path, _go_int_or_string(value), "must be an integer or percentage (e.g '5%%')"
        )
    ]


def _validate_strategy(strategy: Obj, path: str) -> Errors:
    kind = strategy.get("type")
    rolling = strategy.get("rollingUpdate")
    ru_path = field.child(path, "rollingUpdate")
    if kind == "Recreate":
        if rolling is not None:
            return [
                field.forbidden(ru_path, "may not be specified when strategy `type` is 'Recreate'")
            ]
        return []
    if kind == "RollingUpdate":
        if rolling is None:
            return [field.required(ru_path, "this should be defaulted and never be nil")]
        rolling = _d(rolling)
        surge, unavailable = rolling.get("maxSurge"), rolling.get("maxUnavailable")
        errs = _validate_int_or_percent(unavailable, field.child(ru_path, "maxUnavailable"))
        errs += _validate_int_or_percent(surge, field.child(ru_path, "maxSurge"))
        if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
            errs.append(
                field.invalid(
                    field.child(ru_path, "maxUnavailable"),
                    _go_int_or_string(unavailable),
                    "may not be 0 when `maxSurge` is 0",
                )
            )
        if _percent_value(unavailable) > 100:
            errs.append(
                field.invalid(
                    field.child(ru_path, "maxUnavailable"),
                    _go_int_or_string(unavailable),
                    "must not be greater than 100%",
                )
            )
        return errs
    # NotSupported reports the whole strategy struct, printed with %#v.
    pointer = "(*apps.RollingUpdateDeployment)(nil)" if rolling is None else "(0xc0004a8f60)"
    shown = GoLiteral(
        f"apps.DeploymentStrategy{{Type:{go_quote(_s(kind))}, RollingUpdate:{pointer}}}"
    )
    return [field.not_supported(path, shown, ["Recreate", "RollingUpdate"])]


def _validate_selector_and_template(spec: Obj) -> Errors:
    """The selector checks and ValidatePodTemplateSpecForReplicaSet, shared by both kinds."""
    errs: Errors = []
    selector = spec.get("selector")
    if selector is None:
        errs.append(field.required("spec.selector"))
    else:
        errs += validate_label_selector(selector, "spec.selector")
        if selector_is_empty(selector):
            # Upstream says "deployment" for ReplicaSets too.
            errs.append(
                field.invalid(
                    "spec.selector",
                    go_label_selector(selector),
                    "empty selector is invalid for deployment",
                )
            )
    if selector is not None and validate_label_selector(selector, "spec.selector"):
        errs.append(
            field.invalid("spec.selector", go_label_selector(selector), "invalid label selector")
        )
        return errs
    template = _d(spec.get("template"))
    labels = _d(template.get("metadata")).get("labels")
    # A nil selector selects nothing (so never matches); an empty one would select everything.
    if (selector is None or not selector_is_empty(selector)) and not selector_matches(
        selector, labels
    ):
        errs.append(
            field.invalid(
                "spec.template.metadata.labels",
                go_string_map(_d(labels) if labels is not None else None),
                "`selector` does not match template `labels`",
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
    if tspec.get("activeDeadlineSeconds") is not None:
        errs.append(
            field.forbidden(
                "spec.template.spec.activeDeadlineSeconds",
                "activeDeadlineSeconds in ReplicaSet is not Supported",
            )
        )
    return errs


def validate_deployment_spec(spec: Any) -> Errors:
    spec = _d(spec)
    errs = validate_nonnegative(spec.get("replicas"), "spec.replicas")
    errs += _validate_selector_and_template(spec)
    errs += _validate_strategy(_d(spec.get("strategy")), "spec.strategy")
    errs += validate_nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    errs += validate_nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    deadline = _i(spec.get("progressDeadlineSeconds"))
    if deadline is not None:
        errs += validate_nonnegative(deadline, "spec.progressDeadlineSeconds")
        if deadline <= (_i(spec.get("minReadySeconds")) or 0):
            errs.append(
                field.invalid(
                    "spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"
                )
            )
    return errs


def validate_replicaset_spec(spec: Any) -> Errors:
    spec = _d(spec)
    errs = validate_nonnegative(spec.get("replicas"), "spec.replicas")
    errs += validate_nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    errs += _validate_selector_and_template(spec)
    return errs


def _selector_immutable(new: Obj, old: Obj) -> Errors:
    new_sel = _d(new.get("spec")).get("selector")
    old_sel = _d(old.get("spec")).get("selector")
    if not semantic_equal(new_sel, old_sel):
        return [field.invalid("spec.selector", go_label_selector(new_sel), FIELD_IMMUTABLE)]
    return []


def validate_workload(kind: str, obj: Obj, old: Obj | None) -> Errors:
    """A Deployment or ReplicaSet create (old is None) or update."""
    spec_check = validate_deployment_spec if kind == "Deployment" else validate_replicaset_spec
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    errs += spec_check(obj.get("spec"))
    if old is not None:
        errs += _selector_immutable(obj, old)
    return errs


def validate_workload_status(kind: str, status: Any) -> Errors:
    """A Deployment's or ReplicaSet's status: counts non-negative and consistent."""
    fields = _DEPLOYMENT_STATUS_FIELDS if kind == "Deployment" else _REPLICASET_STATUS_FIELDS
    status = _d(status)
    errs: Errors = []
    for key in fields:
        errs += validate_nonnegative(status.get(key), f"status.{key}")
    replicas = _i(status.get("replicas")) or 0
    for key in ("updatedReplicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas"):
        if key in fields and (_i(status.get(key)) or 0) > replicas:
            errs.append(
                field.invalid(
                    f"status.{key}", status.get(key), "cannot be greater than status.replicas"
                )
            )
    if (_i(status.get("availableReplicas")) or 0) > (_i(status.get("readyReplicas")) or 0):
        errs.append(
            field.invalid(
                "status.availableReplicas",
                status.get("availableReplicas"),
                "cannot be greater than readyReplicas",
            )
        )
    return errs
