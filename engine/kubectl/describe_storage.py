"""`kubectl describe` for PersistentVolumes, PersistentVolumeClaims and StorageClasses
(staging/src/k8s.io/kubectl/pkg/describe/describe.go PersistentVolumeDescriber,
PersistentVolumeClaimDescriber, StorageClassDescriber)."""

from __future__ import annotations

from engine.apimachinery.labels import format_labels
from engine.kubectl.describe_writer import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    MAX_ANNOTATION_LEN,
    Obj,
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
    print_list,
    since,
    tabbed,
)
from engine.volumeutil import access_modes_as_string, is_default_class, storage_class_of


def _finalizers(meta: Obj) -> str:
    """Go's %v of a []string: [a b]."""
    return "[" + " ".join(meta.get("finalizers") or []) + "]"


def _status(obj: Obj, now: float) -> str:
    deleted = (obj.get("metadata") or {}).get("deletionTimestamp")
    if deleted:
        return f"Terminating (lasts {since(deleted, now)})"
    return str((obj.get("status") or {}).get("phase", ""))


def describe_persistent_volume(pv: Obj, events: list[Obj] | None, now: float) -> str:
    meta, spec = pv.get("metadata", {}), pv.get("spec") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"Finalizers:\t{_finalizers(meta)}\n")
        w.write(LEVEL_0, f"StorageClass:\t{storage_class_of(pv)}\n")
        if spec.get("volumeAttributesClassName") is not None:
            w.write(LEVEL_0, f"VolumeAttributesClass:\t{spec['volumeAttributesClassName']}\n")
        w.write(LEVEL_0, f"Status:\t{_status(pv, now)}\n")
        ref = spec.get("claimRef")
        claim = f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref else ""
        w.write(LEVEL_0, f"Claim:\t{claim}\n")
        w.write(LEVEL_0, f"Reclaim Policy:\t{spec.get('persistentVolumeReclaimPolicy', '')}\n")
        w.write(LEVEL_0, f"Access Modes:\t{access_modes_as_string(spec.get('accessModes'))}\n")
        if spec.get("volumeMode") is not None:
            w.write(LEVEL_0, f"VolumeMode:\t{spec['volumeMode']}\n")
        w.write(LEVEL_0, f"Capacity:\t{(spec.get('capacity') or {}).get('storage', '0')}\n")
        _node_affinity(w, spec.get("nodeAffinity"))
        w.write(LEVEL_0, f"Message:\t{(pv.get('status') or {}).get('message', '')}\n")
        w.write(LEVEL_0, "Source:\n")
        _source(w, spec)
        describe_events(w, events, now)

    return tabbed(body)


def _node_affinity(w: PrefixWriter, affinity: Obj | None) -> None:
    """printVolumeNodeAffinity and printNodeSelectorTermsMultilineWithIndent."""
    w.write(LEVEL_0, "Node Affinity:\t")
    required = (affinity or {}).get("required")
    if required is None:
        w.write_line("<none>")
        return
    w.write_line("")
    w.write(LEVEL_1, "Required Terms:\t")
    terms = required.get("nodeSelectorTerms") or []
    if not terms:
        w.write_line("<none>")
        return
    w.write_line("")
    for i, term in enumerate(terms):
        w.write(LEVEL_2, f"Term {i}:\t")
        reqs = term.get("matchExpressions") or []
        if not reqs:
            w.write_line("<none>")
        for j, req in enumerate(reqs):
            if j:
                w.write(LEVEL_2, "\t")
            text = f"{req.get('key', '')} {str(req.get('operator', '')).lower()}"
            if req.get("values"):
                text += f" [{', '.join(req['values'])}]"
            w.write(LEVEL_0, f"{text}\n")


def _source(w: PrefixWriter, spec: Obj) -> None:
    """printHostPathVolumeSource, printLocalVolumeSource, printNFSVolumeSource,
    printCSIPersistentVolumeSource, printFCVolumeSource (the sources the docs' examples use)."""
    if spec.get("hostPath") is not None:
        host_path = spec["hostPath"]
        kind = host_path.get("type")
        w.write(
            LEVEL_2,
            "Type:\tHostPath (bare host directory volume)\n"
            f"    Path:\t{host_path.get('path', '')}\n"
            f"    HostPathType:\t{'<none>' if kind is None else kind}\n",
        )
    elif spec.get("local") is not None:
        w.write(
            LEVEL_2,
            "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n"
            f"    Path:\t{spec['local'].get('path', '')}\n",
        )
    elif spec.get("nfs") is not None:
        nfs = spec["nfs"]
        w.write(
            LEVEL_2,
            "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n"
            f"    Server:\t{nfs.get('server', '')}\n"
            f"    Path:\t{nfs.get('path', '')}\n"
            f"    ReadOnly:\t{'true' if nfs.get('readOnly') else 'false'}\n",
        )
    elif spec.get("csi") is not None:
        csi = spec["csi"]
        w.write(
            LEVEL_2,
            "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
            f"    Driver:\t{csi.get('driver', '')}\n"
            f"    FSType:\t{csi.get('fsType', '')}\n"
            f"    VolumeHandle:\t{csi.get('volumeHandle', '')}\n"
            f"    ReadOnly:\t{'true' if csi.get('readOnly') else 'false'}\n",
        )
        _csi_attributes(w, csi.get("volumeAttributes") or {})
    elif spec.get("fc") is not None:
        fc = spec["fc"]
        lun = fc.get("lun")
        w.write(
            LEVEL_2,
            "Type:\tFC (a Fibre Channel disk)\n"
            f"    TargetWWNs:\t{', '.join(fc.get('targetWWNs') or [])}\n"
            f"    LUN:\t{'<none>' if lun is None else lun}\n"
            f"    FSType:\t{fc.get('fsType', '')}\n"
            f"    ReadOnly:\t{'true' if fc.get('readOnly') else 'false'}\n",
        )


def _csi_attributes(w: PrefixWriter, attributes: Obj) -> None:
    """printCSIPersistentVolumeAttributesMultilineIndent: each key=value written at LEVEL_2,
    so after the tab too (kubectl's extra indent, kept)."""
    w.write(LEVEL_2, "VolumeAttributes:\t")
    if not attributes:
        w.write_line("<none>")
        return
    for i, key in enumerate(sorted(attributes)):
        if i:
            w.write(LEVEL_2, "")
            w.write(LEVEL_2, "\t")
        line = f"{key}={attributes[key]}"
        w.write(
            LEVEL_2, (line[:MAX_ANNOTATION_LEN] + "...") if len(line) > MAX_ANNOTATION_LEN else line
        )
        w.write(LEVEL_0, "\n")


def describe_persistent_volume_claim(
    pvc: Obj, pods: list[Obj], events: list[Obj] | None, now: float
) -> str:
    """describePersistentVolumeClaim: `pods` are those of the namespace that mount it."""
    meta, spec = pvc.get("metadata", {}), pvc.get("spec") or {}
    status = pvc.get("status") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        w.write(LEVEL_0, f"StorageClass:\t{storage_class_of(pvc)}\n")
        w.write(LEVEL_0, f"Status:\t{_status(pvc, now)}\n")
        w.write(LEVEL_0, f"Volume:\t{spec.get('volumeName', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"Finalizers:\t{_finalizers(meta)}\n")
        capacity = modes = ""
        if spec.get("volumeName"):
            capacity = (status.get("capacity") or {}).get("storage", "0")
            modes = access_modes_as_string(status.get("accessModes"))
        w.write(LEVEL_0, f"Capacity:\t{capacity}\n")
        w.write(LEVEL_0, f"Access Modes:\t{modes}\n")
        if spec.get("volumeMode") is not None:
            w.write(LEVEL_0, f"VolumeMode:\t{spec['volumeMode']}\n")
        print_list(w, "Used By", sorted(p["metadata"]["name"] for p in pods))
        describe_events(w, events, now)

    return tabbed(body)


def describe_storage_class(sc: Obj, events: list[Obj] | None, now: float) -> str:
    meta = sc.get("metadata", {})

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"IsDefaultClass:\t{'Yes' if is_default_class(sc) else 'No'}\n")
        w.write(LEVEL_0, f"Annotations:\t{format_labels(meta.get('annotations'))}\n")
        w.write(LEVEL_0, f"Provisioner:\t{sc.get('provisioner', '')}\n")
        w.write(LEVEL_0, f"Parameters:\t{format_labels(sc.get('parameters'))}\n")
        expansion = sc.get("allowVolumeExpansion")
        shown = "<unset>" if expansion is None else ("True" if expansion else "False")
        w.write(LEVEL_0, f"AllowVolumeExpansion:\t{shown}\n")
        options = sc.get("mountOptions") or []
        if not options:
            w.write(LEVEL_0, "MountOptions:\t<none>\n")
        else:
            w.write(LEVEL_0, "MountOptions:\n")
            for option in options:
                w.write(LEVEL_1, f"{option}\n")
        if sc.get("reclaimPolicy") is not None:
            w.write(LEVEL_0, f"ReclaimPolicy:\t{sc['reclaimPolicy']}\n")
        if sc.get("volumeBindingMode") is not None:
            w.write(LEVEL_0, f"VolumeBindingMode:\t{sc['volumeBindingMode']}\n")
        describe_events(w, events, now)

    return tabbed(body)
