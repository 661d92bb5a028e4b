"""A StatefulSet's pods, claims and revisions (pkg/controller/statefulset/
stateful_set_utils.go, and pkg/controller/history for the revision's name and hash). Pure
functions over objects."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from engine.controllers.controller_ref import new_controller_ref
from engine.controllers.daemon.history import patch_of
from engine.controllers.hashing import safe_encode_string
from engine.controllers.podutil import is_pod_available, is_pod_ready

Obj = dict[str, Any]

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"  # apps.StatefulSetPodNameLabel
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"  # apps.PodIndexLabel
REVISION_LABEL = "controller-revision-hash"  # apps.StatefulSetRevisionLabel

_ORDINAL = re.compile(r"^(.*)-([0-9]+)$")  # statefulPodRegex
_FNV_OFFSET, _FNV_PRIME = 0x811C9DC5, 0x01000193


def parent_and_ordinal(pod: Obj) -> tuple[str, int]:
    """getParentNameAndOrdinal: ("", -1) for a name that is not <parent>-<ordinal>."""
    match = _ORDINAL.match(str(pod["metadata"].get("name", "")))
    if match is None:
        return "", -1
    return match.group(1), int(match.group(2))


def ordinal_of(pod: Obj) -> int:
    return parent_and_ordinal(pod)[1]


def start_ordinal(sts: Obj) -> int:
    """getStartOrdinal: spec.ordinals.start, else 0."""
    return int(((sts["spec"].get("ordinals") or {}).get("start")) or 0)


def is_member_of(sts: Obj, pod: Obj) -> bool:
    """isMemberOf: named after the set."""
    return parent_and_ordinal(pod)[0] == sts["metadata"]["name"]


def claim_name(sts: Obj, template: Obj, ordinal: int) -> str:
    """getPersistentVolumeClaimName: <claim template>-<set>-<ordinal>."""
    return f"{template['metadata']['name']}-{sts['metadata']['name']}-{ordinal}"


def claims_for(sts: Obj, ordinal: int) -> list[Obj]:
    """getPersistentVolumeClaims: each volumeClaimTemplate for this ordinal, labelled with the
    set's selector's matchLabels."""
    match_labels = (sts["spec"].get("selector") or {}).get("matchLabels") or {}
    claims = []
    for template in sts["spec"].get("volumeClaimTemplates") or []:
        claim = copy.deepcopy(template)
        meta = claim.setdefault("metadata", {})
        meta["name"] = claim_name(sts, template, ordinal)
        meta["namespace"] = sts["metadata"].get("namespace", "")
        meta["labels"] = {**(meta.get("labels") or {}), **match_labels}
        claim.pop("status", None)
        claims.append({"apiVersion": "v1", "kind": "PersistentVolumeClaim", **claim})
    return claims


def new_pod(sts: Obj, ordinal: int, revision: str) -> Obj:
    """newStatefulSetPod with initIdentity, updateStorage and setPodRevision: the template's
    pod named <set>-<ordinal>, its hostname and subdomain (the governing Service), a volume per
    claim template, and its identity and revision labels."""
    template = sts["spec"].get("template") or {}
    name = f"{sts['metadata']['name']}-{ordinal}"
    template_meta = template.get("metadata") or {}
    meta: Obj = {"name": name, "namespace": sts["metadata"].get("namespace", "")}
    labels = dict(template_meta.get("labels") or {})
    labels[POD_NAME_LABEL] = name
    labels[POD_INDEX_LABEL] = str(ordinal)
    labels[REVISION_LABEL] = revision
    meta["labels"] = labels
    for key in ("annotations", "finalizers"):
        if template_meta.get(key):
            meta[key] = copy.deepcopy(template_meta[key])
    meta["ownerReferences"] = [new_controller_ref(sts)]
    spec = copy.deepcopy(template.get("spec") or {})
    spec["hostname"] = name
    if sts["spec"].get("serviceName"):
        spec["subdomain"] = sts["spec"]["serviceName"]
    volumes = _with_claims(sts, ordinal, spec.get("volumes") or [])
    if volumes:
        spec["volumes"] = volumes
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def _with_claims(sts: Obj, ordinal: int, volumes: list[Obj]) -> list[Obj]:
    """updateStorage: a volume per claim template naming this ordinal's claim, then the
    other volumes."""
    claimed = [
        {
            "name": t["metadata"]["name"],
            "persistentVolumeClaim": {"claimName": claim_name(sts, t, ordinal)},
        }
        for t in sts["spec"].get("volumeClaimTemplates") or []
    ]
    names = {v["name"] for v in claimed}
    return claimed + [v for v in volumes if v.get("name") not in names]


def identity_matches(sts: Obj, pod: Obj) -> bool:
    """identityMatches: name, namespace and the pod-name label are the set's for its ordinal."""
    parent, ordinal = parent_and_ordinal(pod)
    labels = pod["metadata"].get("labels") or {}
    return (
        ordinal >= 0
        and parent == sts["metadata"]["name"]
        and pod["metadata"].get("namespace") == sts["metadata"].get("namespace")
        and labels.get(POD_NAME_LABEL) == pod["metadata"]["name"]
    )


def storage_matches(sts: Obj, pod: Obj) -> bool:
    """storageMatches: each claim template's volume names this ordinal's claim."""
    ordinal = ordinal_of(pod)
    volumes = {v.get("name"): v for v in (pod.get("spec") or {}).get("volumes") or []}
    for template in sts["spec"].get("volumeClaimTemplates") or []:
        volume = volumes.get(template["metadata"]["name"]) or {}
        source = volume.get("persistentVolumeClaim") or {}
        if source.get("claimName") != claim_name(sts, template, ordinal):
            return False
    return True


def in_ordinal_range(sts: Obj, pod: Obj) -> bool:
    """podInOrdinalRange: not condemned by a scale-down."""
    start = start_ordinal(sts)
    return start <= ordinal_of(pod) < start + int(sts["spec"].get("replicas") or 0)


def claim_owners(claim: Obj, sts: Obj, pod: Obj) -> list[Obj]:
    """updateClaimOwnerRefForSetAndPod: the claim's ownerReferences for the set's
    persistentVolumeClaimRetentionPolicy: the set as controller when whenDeleted is Delete
    (the garbage collector deletes the claim with it), the pod when whenScaled is Delete and a
    scale-down condemned it (the claim goes with the pod), neither for Retain. A claim another
    controller owns keeps only that one."""
    uids = {sts["metadata"].get("uid"), pod["metadata"].get("uid")}
    refs = [r for r in claim["metadata"].get("ownerReferences") or [] if r.get("uid") not in uids]
    if any(r.get("controller") for r in refs):  # hasUnexpectedController
        return refs
    policy = sts["spec"].get("persistentVolumeClaimRetentionPolicy") or {}
    scaled_down = not in_ordinal_range(sts, pod)
    if policy.get("whenScaled") == "Delete" and scaled_down:
        refs.append(new_controller_ref({"apiVersion": "v1", "kind": "Pod", **pod}))
    elif policy.get("whenDeleted") == "Delete" and (
        policy.get("whenScaled") != "Delete" or not scaled_down
    ):
        refs.append(new_controller_ref(sts))
    return refs


def update_identity_and_storage(sts: Obj, pod: Obj) -> Obj:
    """updateIdentity, and updateStorage if the claims' volumes are wrong, on a copy, for
    UpdateStatefulPod: the claim templates' volumes first, then the pod's others."""
    ordinal = ordinal_of(pod)
    pod = copy.deepcopy(pod)
    labels = pod["metadata"].setdefault("labels", {})
    labels[POD_NAME_LABEL] = pod["metadata"]["name"]
    labels[POD_INDEX_LABEL] = str(ordinal)
    if not storage_matches(sts, pod):
        pod["spec"]["volumes"] = _with_claims(sts, ordinal, pod["spec"].get("volumes") or [])
    return pod


def revision_of(pod: Obj) -> str:
    """getPodRevision."""
    return str((pod["metadata"].get("labels") or {}).get(REVISION_LABEL, ""))


def phase(pod: Obj) -> str:
    return str((pod.get("status") or {}).get("phase", ""))


def is_created(pod: Obj) -> bool:
    """isCreated: the API server has given it a phase."""
    return phase(pod) != ""


def is_terminating(pod: Obj) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def is_running_and_ready(pod: Obj) -> bool:
    return phase(pod) == "Running" and is_pod_ready(pod)


def is_running_and_available(pod: Obj, min_ready: int, now: float) -> bool:
    """isRunningAndAvailable: podutil.IsPodAvailable (ready for minReadySeconds)."""
    return is_pod_available(pod, min_ready, now)


def is_healthy(pod: Obj) -> bool:
    """isHealthy: running and ready, and not going."""
    return is_running_and_ready(pod) and not is_terminating(pod)


def _fnv32(data: bytes, seed: int = _FNV_OFFSET) -> int:
    """hash/fnv New32 (FNV-1: multiply, then xor), as HashControllerRevision uses."""
    h = seed
    for byte in data:
        h = ((h * _FNV_PRIME) & 0xFFFFFFFF) ^ byte
    return h


def revision_hash(data: Obj, collision_count: int) -> str:
    """HashControllerRevision: FNV-1 over the data's JSON, then the collision count in
    decimal (json.Marshal writes the patch's keys sorted and compact)."""
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return safe_encode_string(str(_fnv32(str(collision_count).encode(), _fnv32(raw))))


def new_revision(sts: Obj, revision: int, collision_count: int) -> Obj:
    """newRevision and history.NewControllerRevision: named <set>-<hash>, labelled with the
    template's labels and the hash, annotated as the set is."""
    data = patch_of(sts)  # getPatch: the same patch as a DaemonSet's
    hash_ = revision_hash(data, collision_count)
    meta = sts["metadata"]
    template_labels = ((sts["spec"].get("template") or {}).get("metadata") or {}).get("labels")
    body: Obj = {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": f"{meta['name']}-{hash_}",
            "namespace": meta.get("namespace", ""),
            "labels": {**(template_labels or {}), REVISION_LABEL: hash_},
            "ownerReferences": [new_controller_ref(sts)],
        },
        "data": data,
        "revision": revision,
    }
    if meta.get("annotations"):
        body["metadata"]["annotations"] = dict(meta["annotations"])
    return body


def apply_revision(sts: Obj, revision: Obj) -> Obj:
    """ApplyRevision: the set with the revision's pod template."""
    restored = copy.deepcopy(sts)
    template = copy.deepcopy(((revision.get("data") or {}).get("spec") or {}).get("template"))
    if isinstance(template, dict):
        template.pop("$patch", None)
        restored["spec"]["template"] = template
    return restored
