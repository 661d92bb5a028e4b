"""Downward API references: which pod fields and container resources may be exposed.

Mirrors validateObjectFieldSelector and validateContainerResourceFieldSelector in
pkg/apis/core/validation/validation.go, with pkg/apis/core/pods ConvertDownwardAPIFieldLabel.
Shared by env vars (valueFrom) and by downwardAPI / projected volumes.
"""

from __future__ import annotations

import re

from engine.apimachinery import field
from engine.apiserver.validation.common import Errors, Obj, _s
from engine.apiserver.validation.names import is_qualified_name

VOLUME_DOWNWARD_PATHS = {
    "metadata.name",
    "metadata.namespace",
    "metadata.labels",
    "metadata.annotations",
    "metadata.uid",
}
ENV_DOWNWARD_PATHS = {
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
}
_CONVERTIBLE_FIELD_LABELS = ENV_DOWNWARD_PATHS | {
    "metadata.annotations",
    "metadata.labels",
    "spec.restartPolicy",
    "spec.schedulerName",
    "status.phase",
}
_RESOURCE_FIELD_PATHS = {
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
}


def validate_object_field_selector(ref: Obj, allowed: set[str], path: str) -> Errors:
    api_version, field_path = _s(ref.get("apiVersion")), _s(ref.get("fieldPath"))
    if not api_version:
        return [field.required(field.child(path, "apiVersion"))]
    if not field_path:
        return [field.required(field.child(path, "fieldPath"))]
    # pkg/apis/core/pods ConvertDownwardAPIFieldLabel
    subscript = re.fullmatch(r"([^\[]+)\['(.*)'\]", field_path)
    problem = ""
    if api_version != "v1":
        problem = f"unsupported pod version: {api_version}"
    elif subscript and subscript.group(1) not in ("metadata.annotations", "metadata.labels"):
        problem = f"field label does not support subscript: {field_path}"
    elif not subscript and field_path not in _CONVERTIBLE_FIELD_LABELS | {"spec.host"}:
        problem = f"field label not supported: {field_path}"
    if problem:
        return [
            field.invalid(
                field.child(path, "fieldPath"), field_path, f"error converting fieldPath: {problem}"
            )
        ]
    if subscript:
        key = subscript.group(2)
        if subscript.group(1) == "metadata.annotations":
            key = key.lower()
        return [field.invalid(path, key, msg) for msg in is_qualified_name(key)]
    if field_path not in allowed:
        return [field.not_supported(field.child(path, "fieldPath"), field_path, sorted(allowed))]
    return []


def validate_resource_field_selector(ref: Obj, path: str, volume: bool) -> Errors:
    resource = _s(ref.get("resource"))
    if volume and not _s(ref.get("containerName")):
        return [field.required(field.child(path, "containerName"))]
    if not resource:
        return [field.required(field.child(path, "resource"))]
    hugepages = resource.startswith(("requests.hugepages-", "limits.hugepages-"))
    if resource not in _RESOURCE_FIELD_PATHS and not hugepages:
        return [
            field.not_supported(
                field.child(path, "resource"), resource, sorted(_RESOURCE_FIELD_PATHS)
            )
        ]
    return []
