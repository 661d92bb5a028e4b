"""Which nodes a DaemonSet's pod belongs on, and what that pod looks like
(pkg/controller/daemon/util/daemonset_util.go, daemon_controller.go NodeShouldRunDaemonPod and
predicates). Pure functions over objects."""

from __future__ import annotations

from typing import Any

from engine.apimachinery.jsoncopy import deep_copy_json
from engine.scheduler.plugins.helper import (
    NODE_NAME_FIELD,
    RequiredNodeAffinity,
    find_untolerated_taint,
)

Obj = dict[str, Any]

# apps.DefaultDaemonSetUniqueLabelKey and extensions.DaemonSetTemplateGenerationKey.
REVISION_HASH = "controller-revision-hash"
TEMPLATE_GENERATION_LABEL = "pod-template-generation"
TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


def _toleration(key: str, effect: str) -> Obj:
    return {"key": key, "operator": "Exists", "effect": effect}


def daemon_tolerations(spec: Obj) -> list[Obj]:
    """AddOrUpdateDaemonPodTolerations: a daemon pod stays through taint-based eviction
    (not-ready, unreachable: NoExecute) and ignores the taints nodes get by condition
    (pressure, unschedulable; network-unavailable for hostNetwork pods: NoSchedule)."""
    wanted = [
        _toleration("node.kubernetes.io/not-ready", "NoExecute"),
        _toleration("node.kubernetes.io/unreachable", "NoExecute"),
        _toleration("node.kubernetes.io/disk-pressure", "NoSchedule"),
        _toleration("node.kubernetes.io/memory-pressure", "NoSchedule"),
        _toleration("node.kubernetes.io/pid-pressure", "NoSchedule"),
        _toleration("node.kubernetes.io/unschedulable", "NoSchedule"),
    ]
    if spec.get("hostNetwork"):
        wanted.append(_toleration("node.kubernetes.io/network-unavailable", "NoSchedule"))
    tolerations = [dict(t) for t in spec.get("tolerations") or []]
    for toleration in wanted:
        # v1helper.AddOrUpdateTolerationInPodSpec: an equal one (MatchToleration) is replaced.
        for i, existing in enumerate(tolerations):
            if all(
                (existing.get(k) or "") == (toleration.get(k) or "")
                for k in ("key", "operator", "value", "effect")
            ):
                tolerations[i] = toleration
                break
        else:
            tolerations.append(toleration)
    return tolerations


def node_affinity_for(affinity: Obj | None, node: str) -> Obj:
    """ReplaceDaemonSetPodNodeNameNodeAffinity: the pod's required node affinity becomes
    exactly `metadata.name In [node]`; its preferred terms and other affinities stay."""
    affinity = deep_copy_json(affinity) if affinity else {}
    term = {"matchFields": [{"key": NODE_NAME_FIELD, "operator": "In", "values": [node]}]}
    node_affinity = affinity.setdefault("nodeAffinity", {})
    node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": [term]}
    return affinity


def target_node(pod: Obj) -> str:
    """GetTargetNodeName: spec.nodeName once bound, else the node its affinity names."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return str(spec["nodeName"])
    required = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    for term in required.get("nodeSelectorTerms") or []:
        for field in term.get("matchFields") or []:
            values = field.get("values") or []
            if field.get("key") == NODE_NAME_FIELD and field.get("operator") == "In":
                return str(values[0]) if len(values) == 1 else ""
    return ""


def template_generation(ds: Obj) -> str:
    return ((ds.get("metadata") or {}).get("annotations") or {}).get(TEMPLATE_GENERATION, "")


def pod_template(ds: Obj, hash_: str) -> Obj:
    """CreatePodTemplate: the DaemonSet's template with the daemon tolerations and the labels
    pod-template-generation and controller-revision-hash."""
    template = deep_copy_json((ds.get("spec") or {}).get("template") or {})
    spec = template.setdefault("spec", {})
    spec["tolerations"] = daemon_tolerations(spec)
    labels = dict((template.get("metadata") or {}).get("labels") or {})
    generation = template_generation(ds)
    if generation:
        labels[TEMPLATE_GENERATION_LABEL] = generation
    if hash_:
        labels[REVISION_HASH] = hash_
    template.setdefault("metadata", {})["labels"] = labels
    return template


def is_pod_updated(pod: Obj, hash_: str, generation: str) -> bool:
    """IsPodUpdated: the pod carries the current revision's hash or template generation."""
    labels = (pod.get("metadata") or {}).get("labels") or {}
    hash_matches = bool(hash_) and labels.get(REVISION_HASH) == hash_
    generation_matches = bool(generation) and labels.get(TEMPLATE_GENERATION_LABEL) == generation
    return hash_matches or generation_matches


def should_run(node: Obj, ds: Obj) -> tuple[bool, bool]:
    """NodeShouldRunDaemonPod: (should a daemon pod run there, may one already there stay).
    The node must match the pod's nodeSelector and required node affinity (and its nodeName,
    if the template sets one); every NoSchedule/NoExecute taint must be tolerated, with the
    daemon tolerations added. A pod already there may stay while its NoExecute taints are."""
    template_spec = ((ds.get("spec") or {}).get("template") or {}).get("spec") or {}
    name = node["metadata"]["name"]
    if template_spec.get("nodeName") not in (None, "", name):
        return False, False
    labels = node["metadata"].get("labels") or {}
    affinity = RequiredNodeAffinity(
        template_spec.get("nodeSelector") or {},
        (template_spec.get("affinity") or {}).get("nodeAffinity") or {},
    )
    if not affinity.match(name, labels):
        return False, False
    tolerations = daemon_tolerations(template_spec)
    taints = (node.get("spec") or {}).get("taints") or []
    blocking = [t for t in taints if t.get("effect") in ("NoSchedule", "NoExecute")]
    if find_untolerated_taint(blocking, tolerations) is None:
        return True, True
    no_execute = [t for t in taints if t.get("effect") == "NoExecute"]
    return False, find_untolerated_taint(no_execute, tolerations) is None
