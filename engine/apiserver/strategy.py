"""What the API server does to an object on its way into storage, per resource.

Mirrors the "strategies" of pkg/registry/*/strategy.go and the generic
staging/src/k8s.io/apiserver/pkg/registry/rest/{create,update,delete}.go: system metadata on
create, status that only the /status subresource may change, generation bumped on spec changes,
and graceful deletion of pods.
"""

from __future__ import annotations

import random
from typing import Any

from engine import names
from engine.apiserver import memo
from engine.apiserver.resources import ResourceType

# ObjectMeta's JSON field order (k8s.io/apimachinery/pkg/apis/meta/v1/types.go), so that
# `kubectl get -o json` shows keys where Kubernetes puts them.
_META_ORDER = (
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
)
_TOP_ORDER = ("kind", "apiVersion", "metadata", "spec", "status")

# Kinds whose metadata.generation counts spec changes (pods too: PodObservedGenerationTracking).
_GENERATION_KINDS = {"Pod", "Deployment", "ReplicaSet"}


def ordered(obj: dict[str, Any]) -> dict[str, Any]:
    """The object with top-level and metadata keys in Go struct order."""
    out = {k: obj[k] for k in _TOP_ORDER if k in obj}
    out.update({k: v for k, v in obj.items() if k not in out})
    meta = out.get("metadata")
    if isinstance(meta, dict):
        m = {k: meta[k] for k in _META_ORDER if k in meta}
        m.update({k: v for k, v in meta.items() if k not in m})
        out["metadata"] = m
    return out


def prepare_for_create(
    resource: ResourceType, obj: dict[str, Any], now: float, rng: random.Random
) -> None:
    meta = obj.setdefault("metadata", {})
    if not meta.get("name") and meta.get("generateName"):
        meta["name"] = names.generate_name(rng, meta["generateName"])
    meta["uid"] = names.new_uid(rng)
    meta["creationTimestamp"] = memo.rfc3339(now)
    for system_field in ("deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion"):
        meta.pop(system_field, None)
    if resource.kind in _GENERATION_KINDS:
        meta["generation"] = 1
    if resource.kind in ("Deployment", "ReplicaSet"):
        obj["status"] = {}
    elif resource.kind == "Namespace":
        obj["status"] = {"phase": "Active"}
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    elif resource.kind == "Pod":
        obj["status"] = {}  # admission then sets phase Pending and qosClass


def prepare_for_update(
    resource: ResourceType, new: dict[str, Any], old: dict[str, Any], subresource: str
) -> None:
    """Keep what this write may not change; bump generation when the spec changed."""
    new_meta = new.setdefault("metadata", {})
    old_meta = old["metadata"]
    for immutable in (
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "generation",
        "namespace",
    ):
        if immutable in old_meta:
            new_meta[immutable] = old_meta[immutable]
        else:
            new_meta.pop(immutable, None)
    if subresource == "binding":
        return  # BindingREST writes nodeName and the PodScheduled condition as they are
    if subresource == "status":
        if "spec" in old:
            new["spec"] = old["spec"]
        else:
            new.pop("spec", None)
        return
    if resource.has_status and resource.kind != "Node":
        if "status" in old:
            new["status"] = old["status"]
        else:
            new.pop("status", None)
    if resource.kind in _GENERATION_KINDS and new.get("spec") != old.get("spec"):
        new_meta["generation"] = old_meta.get("generation", 1) + 1


def graceful_delete_seconds(
    resource: ResourceType, obj: dict[str, Any], requested: int | None
) -> int:
    """How long the object lingers with a deletionTimestamp before it is removed.

    pkg/registry/core/pod/strategy.go CheckGracefulDelete: only pods are graceful; an
    unscheduled or finished pod goes at once; a negative request means 1.
    """
    if resource.kind != "Pod":
        return 0
    spec, status = obj.get("spec", {}), obj.get("status", {})
    grace = requested if requested is not None else spec.get("terminationGracePeriodSeconds", 30)
    if not spec.get("nodeName") or status.get("phase") in ("Failed", "Succeeded"):
        return 0
    return 1 if grace < 0 else grace
