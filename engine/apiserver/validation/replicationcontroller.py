"""ReplicationControllers: pkg/apis/core/validation/validation.go ValidateReplicationController,
ValidateReplicationControllerUpdate, ValidateReplicationControllerSpec,
ValidateNonEmptySelector and ValidatePodTemplateSpecForRC.

Unlike a ReplicaSet's, the selector is a plain map and may change after create. An update runs
the create checks again (pkg/registry/core/replicationcontroller/strategy.go ValidateUpdate);
the errors they share are reported once, as field.ErrorList.ToAggregate dedups them."""

from __future__ import annotations

from typing import Any

from engine.apimachinery import field
from engine.apimachinery.field import go_string_map
from engine.apiserver.validation.common import Errors, Obj, _d, _s, validate_nonnegative
from engine.apiserver.validation.meta import validate_meta
from engine.apiserver.validation.names import name_is_dns_subdomain
from engine.apiserver.validation.pod_spec import validate_pod_template


def _validate_template(template: Any, selector: Obj, path: str) -> Errors:
    """ValidatePodTemplateSpecForRC."""
    if template is None:
        return [field.required(path)]
    template = _d(template)
    labels = _d(template.get("metadata")).get("labels")
    errs: Errors = []
    # labels.Set(selector).AsSelector(): an empty selector matches nothing to check.
    if selector and not all(_d(labels).get(k) == v for k, v in selector.items()):
        errs.append(
            field.invalid(
                field.child(path, "metadata", "labels"),
                go_string_map(_d(labels) if labels is not None else None),
                "`selector` does not match template `labels`",
            )
        )
    errs += validate_pod_template(template, path)
    spec = _d(template.get("spec"))
    if spec.get("restartPolicy") != "Always":
        errs.append(
            field.not_supported(
                field.child(path, "spec", "restartPolicy"),
                _s(spec.get("restartPolicy")),
                ["Always"],
            )
        )
    if spec.get("activeDeadlineSeconds") is not None:
        errs.append(
            field.forbidden(
                field.child(path, "spec", "activeDeadlineSeconds"),
                "activeDeadlineSeconds in ReplicationController is not Supported",
            )
        )
    return errs


def validate_replication_controller_spec(spec: Any) -> Errors:
    """ValidateReplicationControllerSpec."""
    spec = _d(spec)
    selector = _d(spec.get("selector"))
    errs = validate_nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    if not selector:  # ValidateNonEmptySelector
        errs.append(field.required("spec.selector"))
    errs += validate_nonnegative(spec.get("replicas"), "spec.replicas")
    errs += _validate_template(spec.get("template"), selector, "spec.template")
    return errs


def validate_replication_controller(obj: Obj, old: Obj | None) -> Errors:
    """A create (old is None) or an update: the metadata, then the spec."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    return errs + validate_replication_controller_spec(obj.get("spec"))
