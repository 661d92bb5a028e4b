"""PersistentVolumes, PersistentVolumeClaims and StorageClasses: ValidatePersistentVolume,
ValidatePersistentVolumeUpdate, ValidatePersistentVolumeClaim,
ValidatePersistentVolumeClaimUpdate (pkg/apis/core/validation/validation.go) and
ValidateStorageClass, ValidateStorageClassUpdate (pkg/apis/storage/validation/validation.go).

The errors learners meet: a claim without accessModes or a storage request, a volume without
a source or a capacity, and a claim changed after creation (only a bound claim's storage
request may change)."""

from __future__ import annotations

from typing import Any

from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral
from engine.apimachinery.quantity import canonical_quantity, parse_quantity
from engine.apiserver.validation.common import (
    FIELD_IMMUTABLE,
    Errors,
    Obj,
    _d,
    _l,
    _s,
    semantic_equal,
)
from engine.apiserver.validation.label_selector import validate_label_selector
from engine.apiserver.validation.meta import validate_meta, validate_object_meta
from engine.apiserver.validation.names import is_qualified_name, name_is_dns_subdomain
from engine.apiserver.validation.pod_diff import struct_diff

# supportedAccessModes plus ReadWriteOncePod (GA since 1.29), as sets.List sorts them.
ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
RECLAIM_POLICIES = ("Delete", "Recycle", "Retain")
VOLUME_MODES = ("Block", "Filesystem")
CLASS_RECLAIM_POLICIES = ("Delete", "Retain")
BINDING_MODES = ("Immediate", "WaitForFirstConsumer")
NOT_POSITIVE = "must be greater than zero"  # isNotPositiveErrorMsg

# PersistentVolumeSource's members, in Go order: exactly one must be set.
PV_SOURCES = [
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "glusterfs",
    "flocker",
    "nfs",
    "rbd",
    "quobyte",
    "cephfs",
    "iscsi",
    "cinder",
    "fc",
    "flexVolume",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "scaleIO",
    "local",
    "storageos",
    "csi",
]

_PVC_SPEC_ORDER = [
    "accessModes",
    "selector",
    "resources",
    "volumeName",
    "storageClassName",
    "volumeMode",
    "dataSource",
    "dataSourceRef",
    "volumeAttributesClassName",
]


def _access_modes(modes: list[Any], path: str, detail: str) -> Errors:
    errs: Errors = []
    if not modes:
        errs.append(field.required(path, detail))
    rwop = other = False
    for mode in modes:
        if mode not in ACCESS_MODES:
            errs.append(field.not_supported(path, mode, ACCESS_MODES))
        elif mode == "ReadWriteOncePod":
            rwop = True
        else:
            other = True
    if rwop and other:
        errs.append(field.forbidden(path, "may not use ReadWriteOncePod with other access modes"))
    return errs


def _positive_quantity(raw: Any, path: str) -> Errors:
    """ValidatePositiveQuantityValue (a malformed quantity never gets here: the decoder)."""
    try:
        value = parse_quantity(raw)
    except (ValueError, TypeError):
        return []
    if value <= 0:
        return [field.invalid(path, canonical_quantity(raw), NOT_POSITIVE)]
    return []


def _class_name(name: Any, path: str) -> Errors:
    """ValidateClassName: a DNS subdomain."""
    text = _s(name)
    if not text:
        return []
    return [field.invalid(path, text, msg) for msg in name_is_dns_subdomain(text, False)]


def _volume_mode(mode: Any, path: str) -> Errors:
    if mode is not None and mode not in VOLUME_MODES:
        return [field.not_supported(path, mode, VOLUME_MODES)]
    return []


# ---- PersistentVolume ----------------------------------------------------------------------


def validate_persistent_volume(obj: Obj, old: Obj | None) -> Errors:
    """ValidatePersistentVolume, or ValidatePersistentVolumeUpdate (which runs it again)."""
    errs = validate_meta(obj, old, False, name_is_dns_subdomain)
    if old is not None:
        errs += validate_object_meta(_d(obj.get("metadata")), False, name_is_dns_subdomain)
    spec = _d(obj.get("spec"))
    errs += _pv_spec(spec)
    if old is None:
        return errs
    old_spec = _d(old.get("spec"))
    new_source = {k: spec.get(k) for k in PV_SOURCES if k in spec}
    old_source = {k: old_spec.get(k) for k in PV_SOURCES if k in old_spec}
    if not semantic_equal(new_source, old_source):
        diff = struct_diff("core.PersistentVolumeSource", PV_SOURCES, old_source, new_source)
        errs.append(
            field.forbidden(
                "spec.persistentvolumesource",
                f"spec.persistentvolumesource is immutable after creation\n{diff}",
            )
        )
    if spec.get("volumeMode") != old_spec.get("volumeMode"):
        errs.append(field.invalid("volumeMode", spec.get("volumeMode"), FIELD_IMMUTABLE))
    if old_spec.get("nodeAffinity") is not None and not semantic_equal(
        spec.get("nodeAffinity"), old_spec.get("nodeAffinity")
    ):
        errs.append(field.invalid("nodeAffinity", GoLiteral("{...}"), FIELD_IMMUTABLE))
    return errs


def _pv_spec(spec: Obj) -> Errors:
    """ValidatePersistentVolumeSpec (not inline)."""
    errs = _access_modes(_l(spec.get("accessModes")), "spec.accessModes", "")
    capacity = spec.get("capacity")
    if not capacity:
        errs.append(field.required("spec.capacity", ""))
    if not isinstance(capacity, dict) or "storage" not in capacity or len(capacity) > 1:
        shown = capacity if capacity else GoLiteral("core.ResourceList(nil)")
        errs.append(field.not_supported("spec.capacity", shown, ["storage"]))
    for name, value in sorted(_d(capacity).items()):
        errs += _positive_quantity(value, field.key("spec.capacity", name))
    policy = _s(spec.get("persistentVolumeReclaimPolicy"))
    if policy and policy not in RECLAIM_POLICIES:
        errs.append(
            field.not_supported("spec.persistentVolumeReclaimPolicy", policy, RECLAIM_POLICIES)
        )
    affinity = spec.get("nodeAffinity")
    if affinity is not None and not _d(affinity).get("required"):
        errs.append(
            field.required("spec.nodeAffinity.required", "must specify required node constraints")
        )
    sources = 0
    for key in PV_SOURCES:
        if spec.get(key) is None:
            continue
        path = field.child("spec", key)
        if sources:
            errs.append(field.forbidden(path, "may not specify more than 1 volume type"))
            continue
        sources += 1
        source = _d(spec.get(key))
        if key in ("hostPath", "local") and not _s(source.get("path")):
            errs.append(field.required(field.child(path, "path"), ""))
        if key == "local" and affinity is None:
            errs.append(field.required("spec.nodeAffinity", "Local volume requires node affinity"))
    if not sources:
        errs.append(field.required("spec", "must specify a volume type"))
    errs += _class_name(spec.get("storageClassName"), "spec.storageClassName")
    errs += _volume_mode(spec.get("volumeMode"), "spec.volumeMode")
    return errs


# ---- PersistentVolumeClaim -----------------------------------------------------------------


def validate_persistent_volume_claim(obj: Obj, old: Obj | None) -> Errors:
    """ValidatePersistentVolumeClaim, or ValidatePersistentVolumeClaimUpdate."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    if old is not None:
        errs += validate_object_meta(_d(obj.get("metadata")), True, name_is_dns_subdomain)
    spec = _d(obj.get("spec"))
    errs += _pvc_spec(spec)
    if old is not None:
        errs += _pvc_update(obj, old)
    return errs


def _pvc_spec(spec: Obj) -> Errors:
    """ValidatePersistentVolumeClaimSpec."""
    errs = _access_modes(
        _l(spec.get("accessModes")), "spec.accessModes", "at least 1 access mode is required"
    )
    if spec.get("selector") is not None:
        errs += validate_label_selector(spec["selector"], "spec.selector")
    requests = _d(_d(spec.get("resources")).get("requests"))
    path = field.key("spec.resources", "storage")
    if "storage" not in requests:
        errs.append(field.required(path, ""))
    else:
        errs += _positive_quantity(requests["storage"], path)
    errs += _class_name(spec.get("storageClassName"), "spec.storageClassName")
    errs += _volume_mode(spec.get("volumeMode"), "spec.volumeMode")
    for key in ("dataSource", "dataSourceRef"):
        source = spec.get(key)
        if source is None:
            continue
        source = _d(source)
        for part in ("name", "kind"):
            if not _s(source.get(part)):
                errs.append(field.required(field.child("spec", key, part), ""))
        if not _s(source.get("apiGroup")) and source.get("kind") != "PersistentVolumeClaim":
            errs.append(field.invalid(field.child("spec", key), _s(source.get("kind")), ""))
    return errs


def _pvc_update(obj: Obj, old: Obj) -> Errors:
    """The update-only rules: the spec is frozen, except that the PV controller may set
    volumeName once, a bound claim's storage request may change, and so may its
    volumeAttributesClassName."""
    spec, old_spec = _d(obj.get("spec")), _d(old.get("spec"))
    new_clone = {k: v for k, v in spec.items() if k != "volumeAttributesClassName"}
    old_clone = {k: v for k, v in old_spec.items() if k != "volumeAttributesClassName"}
    if not old_spec.get("volumeName"):
        old_clone["volumeName"] = spec.get("volumeName")
    old_storage = _d(_d(old_spec.get("resources")).get("requests")).get("storage")
    new_storage = _d(_d(spec.get("resources")).get("requests")).get("storage")
    if _d(obj.get("status")).get("phase") == "Bound" and new_storage is not None:
        resources = dict(_d(new_clone.get("resources")))
        resources["requests"] = {**_d(resources.get("requests")), "storage": old_storage}
        new_clone["resources"] = resources
    errs: Errors = []
    if not semantic_equal(new_clone, old_clone):
        diff = struct_diff("core.PersistentVolumeClaimSpec", _PVC_SPEC_ORDER, old_clone, new_clone)
        errs.append(
            field.forbidden(
                "spec",
                "spec is immutable after creation except resources.requests and "
                f"volumeAttributesClassName for bound claims\n{diff}",
            )
        )
    capacity = _d(_d(old.get("status")).get("capacity")).get("storage")
    try:
        shrunk = parse_quantity(new_storage or 0) < parse_quantity(old_storage or 0)
        below = capacity is not None and parse_quantity(new_storage or 0) <= parse_quantity(
            capacity
        )
    except (ValueError, TypeError):
        shrunk = below = False
    if shrunk and below:
        # RecoverVolumeExpansionFailure (GA): shrinking is allowed down to above the capacity.
        errs.append(
            field.forbidden(
                "spec.resources.requests.storage", "field can not be less than status.capacity"
            )
        )
    if spec.get("volumeMode") != old_spec.get("volumeMode"):
        errs.append(field.invalid("volumeMode", spec.get("volumeMode"), FIELD_IMMUTABLE))
    return errs


# ---- StorageClass --------------------------------------------------------------------------


def validate_storage_class(obj: Obj, old: Obj | None) -> Errors:
    """ValidateStorageClass, then ValidateStorageClassUpdate on an update."""
    errs = validate_meta(obj, old, False, name_is_dns_subdomain)
    if old is not None:
        errs += validate_object_meta(_d(obj.get("metadata")), False, name_is_dns_subdomain)
    provisioner = _s(obj.get("provisioner"))
    if not provisioner:
        errs.append(field.required("provisioner", ""))
    else:
        errs += [
            field.invalid("provisioner", provisioner.lower(), msg)
            for msg in is_qualified_name(provisioner.lower())
        ]
    for key in _d(obj.get("parameters")):
        if not key:
            errs.append(
                field.invalid(
                    "parameters",
                    obj["parameters"],
                    "parameters must contain non-empty key",
                )
            )
    policy = _s(obj.get("reclaimPolicy"))
    if policy and policy not in CLASS_RECLAIM_POLICIES:
        errs.append(field.not_supported("reclaimPolicy", policy, CLASS_RECLAIM_POLICIES))
    mode = obj.get("volumeBindingMode")
    if mode is None:
        errs.append(field.required("volumeBindingMode", ""))
    elif mode not in BINDING_MODES:
        errs.append(field.not_supported("volumeBindingMode", mode, BINDING_MODES))
    if old is None:
        return errs
    if not semantic_equal(obj.get("parameters"), old.get("parameters")):
        errs.append(field.forbidden("parameters", "updates to parameters are forbidden."))
    if obj.get("provisioner") != old.get("provisioner"):
        errs.append(field.forbidden("provisioner", "updates to provisioner are forbidden."))
    if obj.get("reclaimPolicy") != old.get("reclaimPolicy"):
        errs.append(field.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."))
    if mode != old.get("volumeBindingMode"):
        errs.append(field.invalid("volumeBindingMode", mode, FIELD_IMMUTABLE))
    return errs
