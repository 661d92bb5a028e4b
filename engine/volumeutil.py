"""What the API server, the PersistentVolume controller, the scheduler and kubectl all read
off storage objects: which StorageClass is the default (pkg/apis/storage/util
IsDefaultAnnotation, pkg/volume/util GetDefaultClass), a volume's or claim's class
(storage/util GetPersistentVolumeClass, GetPersistentVolumeClaimClass) and access modes as
kubectl abbreviates them (helper.GetAccessModesAsString)."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]

DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
BETA_DEFAULT_CLASS_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class"
BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
PV_PROTECTION = "kubernetes.io/pv-protection"
PVC_PROTECTION = "kubernetes.io/pvc-protection"

_SHORT_MODES = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)


def is_default_class(sc: Obj) -> bool:
    """IsDefaultAnnotation: either annotation set to "true"."""
    annotations = (sc.get("metadata") or {}).get("annotations") or {}
    return "true" in (
        annotations.get(DEFAULT_CLASS_ANNOTATION),
        annotations.get(BETA_DEFAULT_CLASS_ANNOTATION),
    )


def default_class(classes: list[Obj]) -> Obj | None:
    """GetDefaultClass: of the classes marked default, the newest (then the first by name),
    so that a new default takes over from the old one."""
    marked = sorted(
        (sc for sc in classes if is_default_class(sc)),
        key=lambda sc: sc["metadata"].get("name", ""),
    )
    if not marked:
        return None
    return max(marked, key=lambda sc: sc["metadata"].get("creationTimestamp", ""))


def storage_class_of(obj: Obj) -> str:
    """GetPersistentVolumeClass / GetPersistentVolumeClaimClass: the beta annotation wins."""
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if BETA_CLASS_ANNOTATION in annotations:
        return str(annotations[BETA_CLASS_ANNOTATION])
    return (obj.get("spec") or {}).get("storageClassName") or ""


def access_modes_as_string(modes: list[str] | None) -> str:
    """GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, each once."""
    present = set(modes or ())
    return ",".join(short for mode, short in _SHORT_MODES if mode in present)
