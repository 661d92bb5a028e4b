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
    """legacyValidateEvent (core/v1 Events): only the namespace agreement is checked."""
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
    errs += [field.invalid("namespace", namespace, m) for m in is_dns1123_subdomain(namespace)]
    return errs
