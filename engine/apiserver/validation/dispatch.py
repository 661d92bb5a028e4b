"""The entry points: which checks run for a create, an update, or a status write of each kind.

The registry strategies' Validate / ValidateUpdate / status ValidateUpdate
(pkg/registry/{core,apps}/<kind>/strategy.go), for the kinds the simulation serves.
"""

from __future__ import annotations

from engine.apiserver.validation.cluster_objects import (
    validate_event,
    validate_namespace,
    validate_node,
)
from engine.apiserver.validation.common import Errors, Obj
from engine.apiserver.validation.meta import validate_object_meta_update
from engine.apiserver.validation.pod import (
    validate_pod_create,
    validate_pod_status_update,
    validate_pod_update,
)
from engine.apiserver.validation.workloads import validate_workload, validate_workload_status


def validate(kind: str, obj: Obj, old: Obj | None = None) -> Errors:
    """Validate a create (old is None) or an update of a defaulted object."""
    if kind == "Pod":
        return validate_pod_create(obj) if old is None else validate_pod_update(obj, old)
    if kind in ("Deployment", "ReplicaSet"):
        return validate_workload(kind, obj, old)
    if kind == "Namespace":
        return validate_namespace(obj, old)
    if kind == "Node":
        return validate_node(obj, old)
    if kind == "Event":
        return validate_event(obj)
    return []


def validate_status_update(kind: str, obj: Obj, old: Obj) -> Errors:
    """Validate a write to the status subresource."""
    if kind == "Pod":
        return validate_pod_status_update(obj, old)
    errs = validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
    if kind in ("Deployment", "ReplicaSet"):
        errs += validate_workload_status(kind, obj.get("status"))
    return errs
