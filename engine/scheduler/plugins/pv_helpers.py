"""Which PersistentVolume fits a claim, shared by the PersistentVolume controller and the
scheduler's VolumeBinding plugin as upstream shares it (staging/src/k8s.io/component-helpers/
storage/volume/pv_helpers.go FindMatchingVolume, CheckVolumeModeMismatches, CheckNodeAffinity;
pkg/controller/volume/persistentvolume/index.go findByClaim): its class, volume mode, access
modes, size and the claim's selector; a volume already reserved for the claim (claimRef) wins;
otherwise the smallest that fits."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from engine.apimachinery.quantity import parse_quantity
from engine.apiserver.validation.label_selector import selector_matches
from engine.scheduler.plugins.helper import node_selector_terms
from engine.volumeutil import storage_class_of

Obj = dict[str, Any]

SELECTED_NODE = "volume.kubernetes.io/selected-node"
HOSTNAME_LABEL = "kubernetes.io/hostname"


def requested(claim: Obj) -> Fraction:
    spec = claim.get("spec") or {}
    raw = ((spec.get("resources") or {}).get("requests") or {}).get("storage", 0)
    try:
        return parse_quantity(raw)
    except ValueError:
        return Fraction(0)


def capacity(pv: Obj) -> Fraction:
    raw = ((pv.get("spec") or {}).get("capacity") or {}).get("storage", 0)
    try:
        return parse_quantity(raw)
    except ValueError:
        return Fraction(0)


def is_pre_bound_to(pv: Obj, claim: Obj) -> bool:
    ref = (pv.get("spec") or {}).get("claimRef")
    meta = claim["metadata"]
    return bool(
        ref
        and ref.get("name") == meta["name"]
        and ref.get("namespace") == meta.get("namespace")
        and ref.get("uid", "") in ("", meta.get("uid"))
    )


def fits(pv: Obj, claim: Obj) -> bool:
    """The volume could serve the claim (class, mode, access modes, size, selector)."""
    spec, claim_spec = pv.get("spec") or {}, claim.get("spec") or {}
    if storage_class_of(pv) != storage_class_of(claim):
        return False
    if (spec.get("volumeMode") or "Filesystem") != (claim_spec.get("volumeMode") or "Filesystem"):
        return False
    if not set(claim_spec.get("accessModes") or ()) <= set(spec.get("accessModes") or ()):
        return False
    if capacity(pv) < requested(claim):
        return False
    selector = claim_spec.get("selector")
    labels = (pv.get("metadata") or {}).get("labels") or {}
    return selector is None or selector_matches(selector, labels)


def node_matches(pv: Obj, node: Obj | None) -> bool:
    """CheckNodeAffinity: the volume's required node terms match the node (no affinity: any)."""
    required = ((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required")
    terms = node_selector_terms(required)
    if not terms:
        return True
    if node is None:
        return False
    meta = node.get("metadata") or {}
    return any(term.matches(meta.get("name", ""), meta.get("labels") or {}) for term in terms)


def best_match(
    volumes: list[Obj], claim: Obj, delayed: bool, node: Obj | None = None
) -> Obj | None:
    """findBestMatchForClaim: a volume pre-bound to the claim, else the smallest free one that
    fits. With delayed binding (WaitForFirstConsumer) free volumes are only chosen for a node
    (by the scheduler), and must be reachable from it."""
    free: list[Obj] = []
    for pv in volumes:
        if pv["metadata"].get("deletionTimestamp") or not fits(pv, claim):
            continue
        if node is not None and not node_matches(pv, node):
            continue
        if is_pre_bound_to(pv, claim):
            return pv
        if (pv.get("spec") or {}).get("claimRef") is None and not (delayed and node is None):
            free.append(pv)
    free.sort(key=lambda pv: (capacity(pv), pv["metadata"]["name"]))
    return free[0] if free else None
