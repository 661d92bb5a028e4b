"""`kubectl describe statefulset` (staging/src/k8s.io/kubectl/pkg/describe/describe.go
StatefulSetDescriber, describeStatefulSet, describeVolumeClaimTemplates)."""

from __future__ import annotations

from engine.apiserver.table_cells import format_label_selector
from engine.kubectl.describe_daemonset import write_pods_status
from engine.kubectl.describe_pod import describe_pod_template
from engine.kubectl.describe_writer import (
    LEVEL_0,
    LEVEL_1,
    Obj,
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
    print_labels_with_indent,
    tabbed,
    time_text,
)

STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"


def describe_statefulset(sts: Obj, pods: list[Obj], events: list[Obj] | None, now: float) -> str:
    """`pods` match its selector; only the ones it controls are counted by phase."""
    meta, spec, status = sts.get("metadata", {}), sts.get("spec") or {}, sts.get("status") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        w.write(LEVEL_0, f"CreationTimestamp:\t{time_text(meta.get('creationTimestamp'))}\n")
        w.write(LEVEL_0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"Service Name:\t{spec.get('serviceName', '')}\n")
        w.write(LEVEL_0, f"Pod Management Policy:\t{spec.get('podManagementPolicy', '')}\n")
        w.write(
            LEVEL_0,
            f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('replicas', 0)} total\n",
        )
        strategy = spec.get("updateStrategy") or {}
        w.write(LEVEL_0, f"Update Strategy:\t{strategy.get('type', '')}\n")
        rolling = strategy.get("rollingUpdate")
        if rolling is not None and rolling.get("partition") is not None:
            w.write(LEVEL_1, f"Partition:\t{rolling['partition']}\n")
            if rolling.get("maxUnavailable") is not None:
                w.write(LEVEL_1, f"MaxUnavailable:\t{rolling['maxUnavailable']}\n")
        retention = spec.get("persistentVolumeClaimRetentionPolicy")
        if retention is not None:
            w.write(LEVEL_0, "Persistent Volume Claim Retention Policy:\n")
            w.write(LEVEL_1, f"WhenDeleted:\t{retention.get('whenDeleted', '')}\n")
            w.write(LEVEL_1, f"WhenScaled:\t{retention.get('whenScaled', '')}\n")
        write_pods_status(w, sts, pods)
        describe_pod_template(w, spec.get("template") or {})
        _describe_claim_templates(w, spec.get("volumeClaimTemplates") or [])
        describe_events(w, events, now)

    return tabbed(body)


def _describe_claim_templates(w: PrefixWriter, templates: list[Obj]) -> None:
    """describeVolumeClaimTemplates."""
    if not templates:
        w.write(LEVEL_0, "Volume Claims:\t<none>\n")
        return
    w.write(LEVEL_0, "Volume Claims:\n")
    for claim in templates:
        meta, spec = claim.get("metadata") or {}, claim.get("spec") or {}
        annotations = meta.get("annotations") or {}
        # storageutil.GetPersistentVolumeClaimClass: the beta annotation wins.
        storage_class = annotations.get(STORAGE_CLASS_ANNOTATION, spec.get("storageClassName", ""))
        w.write(LEVEL_1, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_1, f"StorageClass:\t{storage_class or ''}\n")
        print_labels_with_indent(w, "  ", "Labels", meta.get("labels"))
        print_labels_with_indent(w, "  ", "Annotations", annotations)
        capacity = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
        w.write(LEVEL_1, f"Capacity:\t{capacity or '<default>'}\n")
        w.write(LEVEL_1, f"Access Modes:\t[{' '.join(spec.get('accessModes') or [])}]\n")
