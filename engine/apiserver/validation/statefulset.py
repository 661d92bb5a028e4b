"""StatefulSets: ValidateStatefulSet, ValidateStatefulSetSpec,
ValidatePodTemplateSpecForStatefulSet, validateRollingUpdateStatefulSet,
ValidatePersistentVolumeClaimRetentionPolicy, ValidateStatefulSetUpdate and
ValidateStatefulSetStatus of pkg/apis/apps/validation/validation.go.

Upstream does not validate the template's pod spec (its TODO: the volumes the claim templates
bring would fail the volume-mount check), only its labels and annotations."""

from __future__ import annotations

from typing import Any

from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral, go_quote, go_string_map
from engine.apiserver.validation.common import Errors, Obj, _d, _i, _s, semantic_equal
from engine.apiserver.validation.common import validate_nonnegative as nonnegative
from engine.apiserver.validation.label_selector import (
    go_label_selector,
    selector_is_empty,
    selector_matches,
    validate_label_selector,
)
from engine.apiserver.validation.meta import validate_annotations, validate_labels, validate_meta
from engine.apiserver.validation.names import is_dns1123_label, name_is_dns_subdomain
from engine.apiserver.validation.pod_spec import validate_pod_annotations
from engine.apiserver.validation.workloads import (
    _go_int_or_string,
    _int_or_percent_value,
    _percent_value,
    _validate_int_or_percent,
)

SPEC_FORBIDDEN = (
    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
    "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and "
    "'minReadySeconds' are forbidden"
)
# What ValidateStatefulSetUpdate lets change (it copies these from the old spec, then compares).
_MUTABLE = (
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
)
_RETENTION_POLICIES = ["Retain", "Delete"]


# field.Invalid prints a struct with %#v: its pointer fields as addresses (this one stands for
# whatever address the API server's heap gave it), or nil.
_ADDRESS = "0xc0004a8f60"


def _go_rolling_update(rolling: Obj) -> GoLiteral:
    """%#v of an apps.RollingUpdateStatefulSetStrategy (the pointer dereferenced)."""
    unavailable = "nil" if rolling.get("maxUnavailable") is None else _ADDRESS
    return GoLiteral(
        f"apps.RollingUpdateStatefulSetStrategy{{Partition:{_i(rolling.get('partition')) or 0}, "
        f"MaxUnavailable:(*intstr.IntOrString)({unavailable})}}"
    )


def _go_update_strategy(strategy: Obj) -> GoLiteral:
    """%#v of an apps.StatefulSetUpdateStrategy."""
    rolling = "nil" if strategy.get("rollingUpdate") is None else _ADDRESS
    return GoLiteral(
        f"apps.StatefulSetUpdateStrategy{{Type:{go_quote(_s(strategy.get('type')))}, "
        f"RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)({rolling})}}"
    )


def _rolling_update(rolling: Obj, path: str) -> Errors:
    """validateRollingUpdateStatefulSet: partition >= 0; maxUnavailable a positive number or
    percentage, not 0, at most 100%."""
    errs = nonnegative(rolling.get("partition"), field.child(path, "partition"))
    unavailable = rolling.get("maxUnavailable")
    if unavailable is not None:
        at = field.child(path, "maxUnavailable")
        errs += _validate_int_or_percent(unavailable, at)
        shown = _go_int_or_string(unavailable)
        if _int_or_percent_value(unavailable) == 0:
            errs.append(field.invalid(at, shown, "cannot be 0"))
        if _percent_value(unavailable) > 100:
            errs.append(field.invalid(at, shown, "must not be greater than 100%"))
    return errs


def _update_strategy(strategy: Obj) -> Errors:
    path = "spec.updateStrategy"
    kind, rolling = strategy.get("type"), strategy.get("rollingUpdate")
    if not kind:
        return [field.required(path, "")]
    if kind == "OnDelete":
        if rolling is None:
            return []
        return [
            field.invalid(
                field.child(path, "rollingUpdate"),
                _go_rolling_update(_d(rolling)),
                "only allowed for updateStrategy 'RollingUpdate'",
            )
        ]
    if kind == "RollingUpdate":
        return _rolling_update(_d(rolling), field.child(path, "rollingUpdate"))
    return [
        field.invalid(
            path,
            _go_update_strategy(strategy),
            "must be 'RollingUpdate' or 'OnDelete'",
        )
    ]


def _retention_policy(policy: Any) -> Errors:
    """ValidatePersistentVolumeClaimRetentionPolicy: Retain or Delete, for each."""
    errs: Errors = []
    path = "spec.persistentVolumeClaimRetentionPolicy"
    for key in ("whenDeleted", "whenScaled"):
        value = _d(policy).get(key)
        if policy is not None and value not in _RETENTION_POLICIES:
            errs.append(field.not_supported(field.child(path, key), _s(value), _RETENTION_POLICIES))
    return errs


def _template(template: Obj, selector: Any) -> Errors:
    """ValidatePodTemplateSpecForStatefulSet."""
    meta = _d(template.get("metadata"))
    labels = meta.get("labels")
    errs: Errors = []
    if not selector_is_empty(selector) and not selector_matches(selector, labels):
        errs.append(
            field.invalid(
                "spec.template.metadata.labels",
                go_string_map(_d(labels) if labels is not None else None),
                "`selector` does not match template `labels`",
            )
        )
    errs += validate_labels(labels, "spec.template.labels")
    errs += validate_annotations(meta.get("annotations"), "spec.template.annotations")
    errs += validate_pod_annotations(meta, _d(template.get("spec")), "spec.template.annotations")
    return errs


def validate_statefulset_spec(spec: Any, allow_invalid_service_name: bool = False) -> Errors:
    """ValidateStatefulSetSpec (AllowInvalidServiceName: an update of a set whose serviceName
    was stored before it was checked)."""
    spec = _d(spec)
    errs: Errors = []
    policy = spec.get("podManagementPolicy")
    if not policy:
        errs.append(field.required("spec.podManagementPolicy", ""))
    elif policy not in ("OrderedReady", "Parallel"):
        errs.append(
            field.invalid(
                "spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'"
            )
        )
    errs += _update_strategy(_d(spec.get("updateStrategy")))
    errs += _retention_policy(spec.get("persistentVolumeClaimRetentionPolicy"))
    errs += nonnegative(spec.get("replicas"), "spec.replicas")
    errs += nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    ordinals = spec.get("ordinals")
    if ordinals is not None:
        errs += nonnegative(_d(ordinals).get("start"), "spec.ordinals.start")
    service = _s(spec.get("serviceName"))
    for message in is_dns1123_label(service) if service and not allow_invalid_service_name else []:
        errs.append(field.invalid("spec.serviceName", service, message))
    selector = spec.get("selector")
    if selector is None:
        errs.append(field.required("spec.selector", ""))
    else:
        selector_errs = validate_label_selector(selector, "spec.selector")
        errs += selector_errs
        if selector_is_empty(selector):
            errs.append(
                field.invalid(
                    "spec.selector",
                    go_label_selector(selector),
                    "empty selector is invalid for statefulset",
                )
            )
        if not selector_errs:  # LabelSelectorAsSelector succeeded
            errs += _template(_d(spec.get("template")), selector)
    tspec = _d(_d(spec.get("template")).get("spec"))
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
                "activeDeadlineSeconds in StatefulSet is not Supported",
            )
        )
    return errs


def validate_statefulset(obj: Obj, old: Obj | None) -> Errors:
    """ValidateStatefulSet (old is None), or ValidateStatefulSetUpdate: the spec again (not the
    name), the metadata update, and no change outside the mutable fields."""
    if old is None:
        return validate_meta(obj, None, True, name_is_dns_subdomain) + validate_statefulset_spec(
            obj.get("spec")
        )
    old_service = _s(_d(old.get("spec")).get("serviceName"))
    errs = validate_statefulset_spec(obj.get("spec"), bool(is_dns1123_label(old_service)))
    errs += validate_meta(obj, old, True, name_is_dns_subdomain)
    new_spec, old_spec = _d(obj.get("spec")), _d(old.get("spec"))
    fixed_new = {k: v for k, v in new_spec.items() if k not in _MUTABLE}
    fixed_old = {k: v for k, v in old_spec.items() if k not in _MUTABLE}
    if not semantic_equal(fixed_new, fixed_old):
        errs.append(field.forbidden("spec", SPEC_FORBIDDEN))
    return errs


def validate_statefulset_status(status: Any, old_status: Any) -> Errors:
    """ValidateStatefulSetStatus, and ValidateStatefulSetStatusUpdate's collisionCount rule."""
    status = _d(status)
    errs: Errors = []
    for key in (
        "replicas",
        "readyReplicas",
        "currentReplicas",
        "updatedReplicas",
        "availableReplicas",
        "observedGeneration",
        "collisionCount",
    ):
        errs += nonnegative(_i(status.get(key)), f"status.{key}")
    replicas = _i(status.get("replicas")) or 0
    for key in ("readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas"):
        if (_i(status.get(key)) or 0) > replicas:
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
                "cannot be greater than status.readyReplicas",
            )
        )
    new_count = _i(status.get("collisionCount"))
    old_count = _i(_d(old_status).get("collisionCount"))
    if old_count is not None and (new_count is None or new_count < old_count):
        errs.append(field.invalid("status.collisionCount", new_count or 0, "cannot be decremented"))
    return errs
