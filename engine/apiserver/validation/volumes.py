"""Pod volumes: one source per volume, and each source's own required fields and paths.

Mirrors pkg/apis/core/validation/validation.go: ValidateVolumes, validateVolumeSource and the
per-source validators (validateHostPathVolumeSource, validateSecretVolumeSource,
validateProjectedVolumeSource, validateDownwardAPIVolumeFile, validateKeyToPath, ...).
"""

from __future__ import annotations

import posixpath
from typing import Any

from engine.apimachinery import field
from engine.apiserver.validation.common import Errors, Obj, _d, _i, _l, _s
from engine.apiserver.validation.downward_api import (
    VOLUME_DOWNWARD_PATHS,
    validate_object_field_selector,
    validate_resource_field_selector,
)
from engine.apiserver.validation.names import is_dns1123_label
from engine.apiserver.validation.resources import quantity_or_none

FILE_MODE = "must be a number between 0 and 0777 (octal), both inclusive"  # fileModeErrorMsg

# (json key, path used in the "more than 1 volume type" error), in validateVolumeSource order.
# The two odd paths ("cephFS", "downwarAPI") are upstream's own spelling.
_VOLUME_SOURCES = (
    ("emptyDir", "emptyDir"),
    ("hostPath", "hostPath"),
    ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"),
    ("nfs", "nfs"),
    ("iscsi", "iscsi"),
    ("glusterfs", "glusterfs"),
    ("flocker", "flocker"),
    ("persistentVolumeClaim", "persistentVolumeClaim"),
    ("rbd", "rbd"),
    ("cinder", "cinder"),
    ("cephfs", "cephFS"),
    ("quobyte", "quobyte"),
    ("downwardAPI", "downwarAPI"),
    ("fc", "fc"),
    ("flexVolume", "flexVolume"),
    ("configMap", "configMap"),
    ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"),
    ("storageos", "storageos"),
    ("projected", "projected"),
    ("scaleIO", "scaleIO"),
    ("csi", "csi"),
    ("ephemeral", "ephemeral"),
    ("image", "image"),
)
VOLUME_SOURCE_KEYS = tuple(key for key, _ in _VOLUME_SOURCES)

_HOST_PATH_TYPES = [
    "",
    "BlockDevice",
    "CharDevice",
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
]


def validate_local_descending_path(target: str, path: str) -> Errors:
    errs: Errors = []
    if posixpath.isabs(target):
        errs.append(field.invalid(path, target, "must be a relative path"))
    errs += _validate_no_backsteps(target, path)
    return errs


def _validate_no_backsteps(target: str, path: str) -> Errors:
    if ".." in target.replace("\\", "/").split("/"):
        return [field.invalid(path, target, "must not contain '..'")]
    return []


def _validate_local_non_reserved_path(target: str, path: str) -> Errors:
    errs = validate_local_descending_path(target, path)
    if target.startswith("..") and not target.startswith("../"):
        errs.append(field.invalid(path, target, "must not start with '..'"))
    return errs


def _validate_mode(mode: Any, path: str) -> Errors:
    value = _i(mode)
    if value is not None and (value > 0o777 or value < 0):
        return [field.invalid(path, value, FILE_MODE)]
    return []


def _validate_key_to_path(item: Obj, path: str) -> Errors:
    errs: Errors = []
    if not _s(item.get("key")):
        errs.append(field.required(field.child(path, "key")))
    target = _s(item.get("path"))
    if not target:
        errs.append(field.required(field.child(path, "path")))
    errs += _validate_local_non_reserved_path(target, field.child(path, "path"))
    errs += _validate_mode(item.get("mode"), field.child(path, "mode"))
    return errs


def _validate_key_to_paths(items: Any, path: str) -> Errors:
    errs: Errors = []
    for i, item in enumerate(_l(items)):
        errs += _validate_key_to_path(_d(item), field.index(path, i))
    return errs


def _validate_downward_file(item: Obj, path: str) -> Errors:
    errs: Errors = []
    target = _s(item.get("path"))
    if not target:
        errs.append(field.required(field.child(path, "path")))
    errs += _validate_local_non_reserved_path(target, field.child(path, "path"))
    if item.get("fieldRef") is not None:
        errs += validate_object_field_selector(
            _d(item["fieldRef"]), VOLUME_DOWNWARD_PATHS, field.child(path, "fieldRef")
        )
        if item.get("resourceFieldRef") is not None:
            errs.append(
                field.invalid(
                    path,
                    "resource",
                    "fieldRef and resourceFieldRef can not be specified simultaneously",
                )
            )
    elif item.get("resourceFieldRef") is not None:
        errs += validate_resource_field_selector(
            _d(item["resourceFieldRef"]), field.child(path, "resourceFieldRef"), True
        )
    else:
        errs.append(field.required(path, "one of fieldRef and resourceFieldRef is required"))
    errs += _validate_mode(item.get("mode"), field.child(path, "mode"))
    return errs


def _validate_projected(source: Obj, path: str) -> Errors:
    errs = _validate_mode(source.get("defaultMode"), field.child(path, "defaultMode"))
    seen_paths: set[str] = set()

    def note_path(p: str, value: Any) -> None:
        if p in seen_paths:
            errs.append(field.invalid(path, value, "conflicting duplicate paths"))
        seen_paths.add(p)

    for i, projection in enumerate(_l(source.get("sources"))):
        projection, spath = _d(projection), field.index(field.child(path, "sources"), i)
        count = 0
        for kind in ("secret", "configMap"):
            if projection.get(kind) is None:
                continue
            count += 1
            proj, ppath = _d(projection[kind]), field.child(spath, kind)
            if not _s(proj.get("name")):
                errs.append(field.required(field.child(ppath, "name")))
            items_path = field.child(ppath, "items")
            for j, item in enumerate(_l(proj.get("items"))):
                errs += _validate_key_to_path(_d(item), field.index(items_path, j))
                if _s(_d(item).get("path")):
                    note_path(_s(_d(item).get("path")), _s(proj.get("name")))
        if projection.get("downwardAPI") is not None:
            count += 1
            ppath = field.child(spath, "downwardAPI")
            for item in _l(_d(projection["downwardAPI"]).get("items")):
                errs += _validate_downward_file(_d(item), ppath)
                if _s(_d(item).get("path")):
                    note_path(_s(_d(item).get("path")), _s(_d(item).get("path")))
        if projection.get("serviceAccountToken") is not None:
            count += 1
            token = _d(projection["serviceAccountToken"])
            tpath = field.child(spath, "serviceAccountToken")
            seconds = _i(token.get("expirationSeconds")) or 0
            if seconds < 10 * 60:
                errs.append(
                    field.invalid(
                        field.child(tpath, "expirationSeconds"),
                        seconds,
                        "may not specify a duration less than 10 minutes",
                    )
                )
            if seconds > 1 << 32:
                errs.append(
                    field.invalid(
                        field.child(tpath, "expirationSeconds"),
                        seconds,
                        "may not specify a duration larger than 2^32 seconds",
                    )
                )
            # Upstream reports these against the projected volume's path, not the source's.
            if not _s(token.get("path")):
                errs.append(field.required(field.child(path, "path")))
            else:
                errs += _validate_local_non_reserved_path(
                    _s(token.get("path")), field.child(path, "path")
                )
        if projection.get("clusterTrustBundle") is not None:
            count += 1
        if count > 1:
            errs.append(
                field.forbidden(spath, "may not specify more than 1 volume type per source")
            )
    return errs


def _validate_source_details(key: str, source: Obj, path: str) -> Errors:
    errs: Errors = []
    if key == "emptyDir":
        raw = source.get("sizeLimit")
        limit = quantity_or_none(raw) if raw is not None else None
        if limit is not None and limit < 0:
            errs.append(
                field.forbidden(
                    field.child(path, "sizeLimit"),
                    "SizeLimit field must be a valid resource quantity",
                )
            )
    elif key == "hostPath":
        target = _s(source.get("path"))
        if not target:
            return [field.required(field.child(path, "path"))]
        errs += _validate_no_backsteps(target, field.child(path, "path"))
        kind = source.get("type")
        if kind is not None and kind not in _HOST_PATH_TYPES:
            errs.append(field.not_supported(field.child(path, "type"), kind, _HOST_PATH_TYPES))
    elif key in ("secret", "configMap"):
        name_key = "secretName" if key == "secret" else "name"
        if not _s(source.get(name_key)):
            errs.append(field.required(field.child(path, name_key)))
        errs += _validate_mode(source.get("defaultMode"), field.child(path, "defaultMode"))
        errs += _validate_key_to_paths(source.get("items"), field.child(path, "items"))
    elif key == "persistentVolumeClaim":
        if not _s(source.get("claimName")):
            errs.append(field.required(field.child(path, "claimName")))
    elif key == "nfs":
        target = _s(source.get("path"))
        if not _s(source.get("server")):
            errs.append(field.required(field.child(path, "server")))
        if not target:
            errs.append(field.required(field.child(path, "path")))
        if not posixpath.isabs(target):
            errs.append(
                field.invalid(field.child(path, "path"), target, "must be an absolute path")
            )
    elif key == "downwardAPI":
        errs += _validate_mode(source.get("defaultMode"), field.child(path, "defaultMode"))
        for item in _l(source.get("items")):
            errs += _validate_downward_file(_d(item), path)
    elif key == "projected":
        errs += _validate_projected(source, path)
    return errs


def _validate_volume_source(volume: Obj, path: str) -> Errors:
    errs: Errors = []
    count = 0
    for key, forbidden_name in _VOLUME_SOURCES:
        if volume.get(key) is None:
            continue
        if count > 0:
            errs.append(
                field.forbidden(
                    field.child(path, forbidden_name), "may not specify more than 1 volume type"
                )
            )
            continue
        count += 1
        errs += _validate_source_details(key, _d(volume[key]), field.child(path, key))
    if count == 0:
        errs.append(field.required(path, "must specify a volume type"))
    return errs


def validate_volumes(volumes: Any, path: str) -> tuple[dict[str, Obj], Errors]:
    """ValidateVolumes: the usable volumes by name (only error-free ones) and the errors."""
    errs: Errors = []
    usable: dict[str, Obj] = {}
    for i, volume in enumerate(_l(volumes)):
        volume, vpath = _d(volume), field.index(path, i)
        name = _s(volume.get("name"))
        el = _validate_volume_source(volume, vpath)
        if not name:
            el.append(field.required(field.child(vpath, "name")))
        else:
            el += [
                field.invalid(field.child(vpath, "name"), name, m) for m in is_dns1123_label(name)
            ]
        if name in usable:
            el.append(field.duplicate(field.child(vpath, "name"), name))
        if el:
            errs += el
        else:
            usable[name] = volume
    return usable, errs
