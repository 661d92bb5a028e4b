"""`kubectl describe daemonset` (staging/src/k8s.io/kubectl/pkg/describe/describe.go
DaemonSetDescriber, describeDaemonSet, getPodStatusForController)."""

from __future__ import annotations

from engine.apimachinery.labels import format_labels
from engine.apiserver.table_cells import format_label_selector
from engine.kubectl.describe_pod import describe_pod_template
from engine.kubectl.describe_writer import (
    LEVEL_0,
    Obj,
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
    tabbed,
)


def write_pods_status(w: PrefixWriter, owner: Obj, pods: list[Obj]) -> None:
    """getPodStatusForController: the owner's pods by phase (Pending is "Waiting")."""
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    uid = owner.get("metadata", {}).get("uid")
    for pod in pods:
        owners = pod["metadata"].get("ownerReferences") or []
        if any(o.get("controller") and o.get("uid") == uid for o in owners):
            phase = (pod.get("status") or {}).get("phase", "")
            if phase in counts:
                counts[phase] += 1
    w.write(
        LEVEL_0,
        f"Pods Status:\t{counts['Running']} Running / {counts['Pending']} Waiting / "
        f"{counts['Succeeded']} Succeeded / {counts['Failed']} Failed\n",
    )


def describe_daemonset(ds: Obj, pods: list[Obj], events: list[Obj] | None, now: float) -> str:
    """`pods` match its selector; only the ones it controls are counted by phase."""
    meta, spec, status = ds.get("metadata", {}), ds.get("spec") or {}, ds.get("status") or {}
    template = spec.get("template") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        w.write(LEVEL_0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
        node_selector = (template.get("spec") or {}).get("nodeSelector")
        w.write(LEVEL_0, f"Node-Selector:\t{format_labels(node_selector)}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        for title, key in (
            ("Desired Number of Nodes Scheduled", "desiredNumberScheduled"),
            ("Current Number of Nodes Scheduled", "currentNumberScheduled"),
            ("Number of Nodes Scheduled with Up-to-date Pods", "updatedNumberScheduled"),
            ("Number of Nodes Scheduled with Available Pods", "numberAvailable"),
            ("Number of Nodes Misscheduled", "numberMisscheduled"),
        ):
            w.write(LEVEL_0, f"{title}: {status.get(key, 0)}\n")
        write_pods_status(w, ds, pods)
        describe_pod_template(w, template)
        describe_events(w, events, now)

    return tabbed(body)
