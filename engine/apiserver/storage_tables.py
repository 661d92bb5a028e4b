"""The server-side Tables of the storage kinds: printPersistentVolume,
printPersistentVolumeClaim and printStorageClass of pkg/printers/internalversion/printers.go
(see tables.py)."""

from __future__ import annotations

from engine.apimachinery.quantity import canonical_quantity
from engine.apiserver.table_cells import Obj, since
from engine.apiserver.table_columns import (
    PERSISTENT_VOLUME_CLAIM_COLUMNS,
    PERSISTENT_VOLUME_COLUMNS,
    STORAGE_CLASS_COLUMNS,
)
from engine.apiserver.tables import Printer, Row
from engine.volumeutil import access_modes_as_string, is_default_class, storage_class_of


def _quantity(value: object) -> str:
    if value is None:
        return "0"
    try:
        return canonical_quantity(value)  # type: ignore[arg-type]
    except ValueError:
        return str(value)


def _phase(obj: Obj) -> str:
    if (obj.get("metadata") or {}).get("deletionTimestamp"):
        return "Terminating"
    return (obj.get("status") or {}).get("phase", "")


def _pv_row(pv: Obj, now: float) -> Row:
    meta, spec = pv.get("metadata", {}), pv.get("spec") or {}
    claim = spec.get("claimRef")
    claim_cell = f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim else ""
    return [
        meta.get("name", ""),
        _quantity((spec.get("capacity") or {}).get("storage")),
        access_modes_as_string(spec.get("accessModes")),
        spec.get("persistentVolumeReclaimPolicy", ""),
        _phase(pv),
        claim_cell,
        storage_class_of(pv),
        spec.get("volumeAttributesClassName") or "<unset>",
        (pv.get("status") or {}).get("reason", ""),
        since(meta.get("creationTimestamp"), now),
        spec.get("volumeMode") or "<unset>",
    ]


def _pvc_row(pvc: Obj, now: float) -> Row:
    meta, spec = pvc.get("metadata", {}), pvc.get("spec") or {}
    status = pvc.get("status") or {}
    capacity = access = ""
    if spec.get("volumeName"):  # only a bound claim shows what it got
        access = access_modes_as_string(status.get("accessModes"))
        capacity = _quantity((status.get("capacity") or {}).get("storage"))
    return [
        meta.get("name", ""),
        _phase(pvc),
        spec.get("volumeName", ""),
        capacity,
        access,
        storage_class_of(pvc),
        spec.get("volumeAttributesClassName") or "<unset>",
        since(meta.get("creationTimestamp"), now),
        spec.get("volumeMode") or "<unset>",
    ]


def _storage_class_row(sc: Obj, now: float) -> Row:
    meta = sc.get("metadata", {})
    name = meta.get("name", "")
    if is_default_class(sc):
        name += " (default)"
    return [
        name,
        sc.get("provisioner", ""),
        sc.get("reclaimPolicy") or "Delete",
        sc.get("volumeBindingMode") or "Immediate",
        bool(sc.get("allowVolumeExpansion")),
        since(meta.get("creationTimestamp"), now),
    ]


PERSISTENT_VOLUME = Printer(PERSISTENT_VOLUME_COLUMNS, _pv_row)
PERSISTENT_VOLUME_CLAIM = Printer(PERSISTENT_VOLUME_CLAIM_COLUMNS, _pvc_row)
STORAGE_CLASS = Printer(STORAGE_CLASS_COLUMNS, _storage_class_row)
