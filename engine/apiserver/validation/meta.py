"""ObjectMeta: names, namespace, labels, annotations, owner references, finalizers.

Mirrors staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go (ValidateObjectMeta,
ValidateObjectMetaUpdate), meta/v1/validation ValidateLabels, and core's
validateKubeFinalizerName (pkg/apis/core/validation/validation.go).
"""

from __future__ import annotations

import re
from typing import Any

from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral
from engine.apiserver.validation.common import (
    FIELD_IMMUTABLE,
    Errors,
    NameFn,
    Obj,
    _d,
    _i,
    _l,
    _s,
    validate_nonnegative,
)
from engine.apiserver.validation.names import (
    is_label_value,
    is_qualified_name,
    name_is_dns_label,
)

TOTAL_ANNOTATION_SIZE_LIMIT = 256 * (1 << 10)  # objectmeta.go TotalAnnotationSizeLimitB


def go_time(value: Any) -> GoLiteral:
    """time.Time's String() for an RFC 3339 UTC timestamp: `2024-05-01 10:00:00 +0000 UTC`."""
    text = _s(value)
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})Z", text)
    if match:
        return GoLiteral(f"{match.group(1)} {match.group(2)} +0000 UTC")
    return GoLiteral(text or "0001-01-01 00:00:00 +0000 UTC")


def validate_labels(labels: Any, path: str) -> Errors:
    """meta/v1/validation ValidateLabels: errors point at the map, not at the key."""
    errs: Errors = []
    for k, v in _d(labels).items():
        errs += [field.invalid(path, k, msg) for msg in is_qualified_name(k)]
        value = v if isinstance(v, str) else str(v)
        errs += [field.invalid(path, value, msg) for msg in is_label_value(value)]
    return errs


def validate_annotations(annotations: Any, path: str) -> Errors:
    errs: Errors = []
    size = 0
    for k, v in _d(annotations).items():
        # QualifiedName, except that case doesn't matter.
        errs += [field.invalid(path, k, msg) for msg in is_qualified_name(k.lower())]
        size += len(k.encode()) + len(str(v).encode())
    if size > TOTAL_ANNOTATION_SIZE_LIMIT:
        errs.append(field.too_long(path, "", TOTAL_ANNOTATION_SIZE_LIMIT))
    return errs


def _validate_owner_references(refs: Any, path: str) -> Errors:
    errs: Errors = []
    controllers: list[str] = []
    for ref in _l(refs):
        ref = _d(ref)
        api_version = _s(ref.get("apiVersion"))
        version = api_version.split("/")[-1] if api_version.count("/") <= 1 else ""
        if not version:
            errs.append(
                field.invalid(
                    field.child(path, "apiVersion"), api_version, "version must not be empty"
                )
            )
        for key in ("kind", "name", "uid"):
            if not _s(ref.get(key)):
                errs.append(
                    field.invalid(field.child(path, key), _s(ref.get(key)), "must not be empty")
                )
        if ref.get("controller") is True:
            name = f"{_s(ref.get('kind'))}/{_s(ref.get('name'))}"
            if controllers:
                errs.append(
                    field.invalid(
                        path,
                        GoLiteral("[]v1.OwnerReference{...}"),
                        'Only one reference can have Controller set to true. Found "true" in '
                        f"references for {controllers[0]} and {name}",
                    )
                )
            else:
                controllers.append(name)
    return errs


_STANDARD_FINALIZERS = {"kubernetes", "orphan", "foregroundDeletion"}


def _validate_finalizers(finalizers: Any, path: str) -> Errors:
    names = [_s(f) for f in _l(finalizers)]
    # apimachinery ValidateFinalizers checks each name against the list's path ...
    errs = [field.invalid(path, f, msg) for f in names for msg in is_qualified_name(f)]
    if "orphan" in names and "foregroundDeletion" in names:
        errs.append(
            field.invalid(path, names, "finalizer orphan and foregroundDeletion cannot be both set")
        )
    # ... then core's validateKubeFinalizerName again, per index (so some errors show twice).
    for i, f in enumerate(names):
        errs += validate_kube_finalizer_name(f, field.index(path, i))
    return errs


def validate_kube_finalizer_name(name: str, path: str) -> Errors:
    errs = [field.invalid(path, name, msg) for msg in is_qualified_name(name)]
    if "/" not in name and name not in _STANDARD_FINALIZERS:
        errs.append(
            field.invalid(
                path, name, "name is neither a standard finalizer name nor is it fully qualified"
            )
        )
    return errs


def validate_object_meta(meta: Any, namespaced: bool, name_fn: NameFn) -> Errors:
    """ValidateObjectMeta, for creates (name generation has already happened)."""
    meta = _d(meta)
    errs: Errors = []
    generate_name = _s(meta.get("generateName"))
    if generate_name:
        errs += [
            field.invalid("metadata.generateName", generate_name, msg)
            for msg in name_fn(generate_name, True)
        ]
    name = _s(meta.get("name"))
    if not name:
        errs.append(field.required("metadata.name", "name or generateName is required"))
    else:
        errs += [field.invalid("metadata.name", name, msg) for msg in name_fn(name, False)]
    errs += _validate_namespace(meta, namespaced)
    errs += validate_nonnegative(meta.get("generation"), "metadata.generation")
    errs += _validate_meta_contents(meta)
    return errs


def _validate_namespace(meta: Obj, namespaced: bool) -> Errors:
    namespace = _s(meta.get("namespace"))
    if namespaced:
        if not namespace:
            return [field.required("metadata.namespace")]
        return [
            field.invalid("metadata.namespace", namespace, msg)
            for msg in name_is_dns_label(namespace, False)
        ]
    if namespace:
        return [field.forbidden("metadata.namespace", "not allowed on this type")]
    return []


def _validate_meta_contents(meta: Obj) -> Errors:
    """What create and update check alike: labels, annotations, owners, finalizers."""
    errs = validate_labels(meta.get("labels"), "metadata.labels")
    errs += validate_annotations(meta.get("annotations"), "metadata.annotations")
    errs += _validate_owner_references(meta.get("ownerReferences"), "metadata.ownerReferences")
    errs += _validate_finalizers(meta.get("finalizers"), "metadata.finalizers")
    return errs


def validate_object_meta_update(new: Any, old: Any) -> Errors:
    """ValidateObjectMetaAccessorUpdate."""
    new, old = _d(new), _d(old)
    errs: Errors = []
    if old.get("deletionTimestamp"):
        added = sorted(set(_l(new.get("finalizers"))) - set(_l(old.get("finalizers"))))
        if added:
            errs.append(
                field.forbidden(
                    "metadata.finalizers",
                    "no new finalizers can be added if the object is being deleted, found new "
                    "finalizers " + field.go_format([str(f) for f in added]),
                )
            )
    if not _s(new.get("resourceVersion")):
        errs.append(
            field.invalid(
                "metadata.resourceVersion",
                _s(new.get("resourceVersion")),
                "must be specified for an update",
            )
        )
    new_gen, old_gen = _i(new.get("generation")) or 0, _i(old.get("generation")) or 0
    if new_gen < old_gen:
        errs.append(field.invalid("metadata.generation", new_gen, "must not be decremented"))
    for key in ("name", "namespace", "uid"):
        if _s(new.get(key)) != _s(old.get(key)):
            errs.append(field.invalid(f"metadata.{key}", _s(new.get(key)), FIELD_IMMUTABLE))
    if new.get("creationTimestamp") != old.get("creationTimestamp"):
        shown = go_time(new.get("creationTimestamp"))  # a metav1.Time value: its String()
        errs.append(field.invalid("metadata.creationTimestamp", shown, FIELD_IMMUTABLE))
    if new.get("deletionTimestamp") != old.get("deletionTimestamp"):
        deleted = new.get("deletionTimestamp")  # a *metav1.Time: nil prints as null
        gone = go_time(deleted) if deleted else None
        errs.append(field.invalid("metadata.deletionTimestamp", gone, FIELD_IMMUTABLE))
    if new.get("deletionGracePeriodSeconds") != old.get("deletionGracePeriodSeconds"):
        errs.append(
            field.invalid(
                "metadata.deletionGracePeriodSeconds",
                new.get("deletionGracePeriodSeconds"),
                FIELD_IMMUTABLE,
            )
        )
    errs += _validate_meta_contents(new)
    return errs


def validate_meta(obj: Obj, old: Obj | None, namespaced: bool, name_fn: NameFn) -> Errors:
    """The metadata half of a create (old is None) or an update, as the registry runs it."""
    meta = _d(obj.get("metadata"))
    if old is None:
        return validate_object_meta(meta, namespaced, name_fn)
    return validate_object_meta_update(meta, old.get("metadata"))
