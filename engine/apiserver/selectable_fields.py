"""The fields a field selector may name, per kind, and their values on an object.

Each registry's ToSelectableFields / GetAttrs (pkg/registry/core/pod/strategy.go,
core/event/strategy.go, core/node/strategy.go, core/namespace/strategy.go,
apps/replicaset/strategy.go) and the field-label conversion functions
(pkg/apis/core/v1/conversion.go), whose error is a 400.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.apimachinery.fields import FieldSelector
from engine.apimachinery.labels import SelectorError

Obj = Mapping[str, Any]


# The fields each kind offers (the registries' ToSelectableFields); kinds absent here accept
# only metadata.name and metadata.namespace.
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "Pod": (
        "metadata.name",
        "metadata.namespace",
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.podIPs",
        "status.nominatedNodeName",
    ),
    "Event": (
        "metadata.name",
        "metadata.namespace",
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ),
    "Node": ("metadata.name", "spec.unschedulable"),
    "Namespace": ("metadata.name", "status.phase"),
    "ReplicaSet": ("metadata.name", "metadata.namespace", "status.replicas"),
}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def generic_fields(obj: Obj, namespaced: bool = True) -> dict[str, str]:
    """generic.ObjectMetaFieldsSet."""
    metadata = obj.get("metadata") or {}
    fields = {"metadata.name": _text(metadata.get("name"))}
    if namespaced:
        fields["metadata.namespace"] = _text(metadata.get("namespace"))
    return fields


def pod_fields(pod: Obj) -> dict[str, str]:
    """PodToSelectableFields (pkg/registry/core/pod/strategy.go)."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    ips = [_text(entry.get("ip")) for entry in status.get("podIPs") or []]
    return {
        **generic_fields(pod),
        "spec.nodeName": _text(spec.get("nodeName")),
        "spec.restartPolicy": _text(spec.get("restartPolicy")),
        "spec.schedulerName": _text(spec.get("schedulerName")),
        "spec.serviceAccountName": _text(spec.get("serviceAccountName")),
        "spec.hostNetwork": "true" if spec.get("hostNetwork") else "false",
        "status.phase": _text(status.get("phase")),
        # status.podIP is the first of podIPs, not the podIP field.
        "status.podIP": ips[0] if ips else "",
        "status.podIPs": ",".join(ips),
        "status.nominatedNodeName": _text(status.get("nominatedNodeName")),
    }


def event_fields(event: Obj) -> dict[str, str]:
    """event.ToSelectableFields: `source` falls back to reportingController."""
    involved = event.get("involvedObject") or {}
    source = (event.get("source") or {}).get("component") or event.get("reportingController")
    return {
        **generic_fields(event),
        **{
            f"involvedObject.{name}": _text(involved.get(name))
            for name in (
                "kind",
                "namespace",
                "name",
                "uid",
                "apiVersion",
                "resourceVersion",
                "fieldPath",
            )
        },
        "reason": _text(event.get("reason")),
        "reportingComponent": _text(event.get("reportingController")),
        "source": _text(source),
        "type": _text(event.get("type")),
    }


def node_fields(node: Obj) -> dict[str, str]:
    """NodeToSelectableFields: fmt.Sprint of the bool."""
    unschedulable = bool((node.get("spec") or {}).get("unschedulable"))
    return {
        **generic_fields(node, namespaced=False),
        "spec.unschedulable": str(unschedulable).lower(),
    }


def namespace_fields(namespace: Obj) -> dict[str, str]:
    phase = (namespace.get("status") or {}).get("phase")
    return {**generic_fields(namespace, namespaced=False), "status.phase": _text(phase)}


def replicaset_fields(replicaset: Obj) -> dict[str, str]:
    replicas = (replicaset.get("status") or {}).get("replicas") or 0
    return {**generic_fields(replicaset), "status.replicas": str(replicas)}


_FIELD_FUNCTIONS: dict[str, Callable[[Obj], dict[str, str]]] = {
    "Pod": pod_fields,
    "Event": event_fields,
    "Node": node_fields,
    "Namespace": namespace_fields,
    "ReplicaSet": replicaset_fields,
}


def fields_function(kind: str) -> Callable[[Obj], dict[str, str]]:
    """The selectable-fields function for objects of `kind`."""
    return _FIELD_FUNCTIONS.get(kind, generic_fields)


def object_fields(obj: Obj, kind: str | None = None) -> dict[str, str]:
    """Selectable fields of `obj` (kind defaults to obj["kind"])."""
    return fields_function(kind or _text(obj.get("kind")))(obj)


def validate_field_selector(selector: FieldSelector, kind: str) -> None:
    """The field-label conversion: raise SelectorError for a field `kind` cannot select."""
    supported = FIELD_LABELS.get(kind)
    for field in selector.fields():
        if supported is None and field not in ("metadata.name", "metadata.namespace"):
            # runtime.DefaultMetaV1FieldSelectorConversion (kinds without their own).
            raise SelectorError(
                f'"{field}" is not a known field selector: '
                'only "metadata.name", "metadata.namespace"'
            )
        if supported is not None and field not in supported:
            raise SelectorError(f"field label not supported: {field}")
