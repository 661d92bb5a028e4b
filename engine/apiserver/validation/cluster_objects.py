"""Cluster objects: Namespaces, Nodes and (core/v1) Events.

Mirrors ValidateNamespace / ValidateNamespaceUpdate, ValidateNode / ValidateNodeUpdate
(validateNodeTaints) and legacyValidateEvent in pkg/apis/core/validation/ (validation.go,
events.go).
"""

from __future__ import annotations

from engine.apimachinery import field
from engine.apiserver.validation.common import Errors, Obj, _d, _l, _s
from engine.apiserver.validation.meta import validate_kube_finalizer_name, validate_meta
from engine.apiserver.validation.names import (
    is_dns1123_subdomain,
    is_qualified_name,
    name_is_dns_label,
    name_is_dns_subdomain,
)
from engine.apiserver.validation.taints import validate_node_taints


def validate_namespace(obj: Obj, old: Obj | None) -> Errors:
    """A Namespace create (old is None) or update: metadata, then spec.finalizers."""
    errs = validate_meta(obj, old, False, name_is_dns_label)
    for f in _l(_d(obj.get("spec")).get("finalizers")):
        errs += validate_kube_finalizer_name(_s(f), "spec.finalizers")
    return errs


def validate_node(obj: Obj, old: Obj | None) -> Errors:
    """A Node create (old is None) or update: metadata, then taints."""
    errs = validate_meta(obj, old, False, name_is_dns_subdomain)
    # Upstream reports node taints under metadata.taints.
    return errs + validate_node_taints(_d(obj.get("spec")).get("taints"), "metadata.taints")


def validate_event(event: Obj) -> Errors:
    """legacyValidateEvent, which every Event create meets whatever its version: an Event
    without eventTime (core/v1's recorders) only needs its namespace to agree with its
    object's; a "new" one (eventTime set) needs who reported it, what and why."""
    meta, involved = _d(event.get("metadata")), _d(event.get("involvedObject"))
    namespace, involved_ns = _s(meta.get("namespace")), _s(involved.get("namespace"))
    errs: Errors = []
    if not event.get("eventTime"):
        if not involved_ns:
            if namespace not in ("", "default"):
                errs.append(
                    field.invalid(
                        "involvedObject.namespace", involved_ns, "does not match event.namespace"
                    )
                )
        elif namespace != involved_ns:
            errs.append(
                field.invalid(
                    "involvedObject.namespace", involved_ns, "does not match event.namespace"
                )
            )
    else:
        errs += _validate_new_event(event, namespace, involved_ns)
    errs += [field.invalid("namespace", namespace, m) for m in is_dns1123_subdomain(namespace)]
    return errs


# pkg/apis/core/validation/events.go
REPORTING_INSTANCE_LENGTH_LIMIT = ACTION_LENGTH_LIMIT = REASON_LENGTH_LIMIT = 128
NOTE_LENGTH_LIMIT = 1024


def _validate_new_event(event: Obj, namespace: str, involved_ns: str) -> Errors:
    """legacyValidateEvent's rules for an Event with eventTime set."""
    errs: Errors = []
    if not involved_ns and namespace not in ("default", "kube-system"):
        errs.append(
            field.invalid("involvedObject.namespace", involved_ns, "does not match event.namespace")
        )
    controller = _s(event.get("reportingComponent"))
    if not controller:
        errs.append(field.required("reportingController", ""))
    errs += [
        field.invalid("reportingController", controller, m) for m in is_qualified_name(controller)
    ]
    for name, limit in (
        ("reportingInstance", REPORTING_INSTANCE_LENGTH_LIMIT),
        ("action", ACTION_LENGTH_LIMIT),
        ("reason", REASON_LENGTH_LIMIT),
    ):
        value = _s(event.get(name))
        if not value:
            errs.append(field.required(name, ""))
        if len(value) > limit:
            errs.append(field.invalid(name, "", f"can have at most {limit} characters"))
    if len(_s(event.get("message"))) > NOTE_LENGTH_LIMIT:
        errs.append(
            field.invalid("message", "", f"can have at most {NOTE_LENGTH_LIMIT} characters")
        )
    return errs
