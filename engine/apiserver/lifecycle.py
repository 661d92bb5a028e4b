"""NamespaceLifecycle admission (plugin/pkg/admission/namespace/lifecycle/admission.go): no new
objects in a missing or terminating namespace, and the immortal namespaces cannot be deleted."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from engine.apimachinery import errors
from engine.apiserver.request import Request
from engine.apiserver.resources import ResourceType
from engine.etcd import Etcd

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

# NewLifecycle's immortal namespaces.
IMMORTAL_NAMESPACES = frozenset({"default", "kube-system", "kube-public"})


class NamespaceLifecycle:
    def __init__(self, etcd: Etcd) -> None:
        self.etcd = etcd
        # Read on every create, so remembered: namespace key -> (revision, phase).
        self._phase: dict[str, tuple[int, Any]] = {}

    def admit_create(
        self, api: APIServer, req: Request, resource: ResourceType, obj: dict[str, Any]
    ) -> None:
        if not resource.namespaced:
            return
        namespace = obj["metadata"]["namespace"]
        key = f"/registry/namespaces/{namespace}"
        kv = self.etcd.get(key)
        if kv is None:
            raise errors.not_found("namespaces", namespace)
        known = self._phase.get(key)
        if known is None or known[0] != kv.mod_revision:
            known = (kv.mod_revision, json.loads(kv.value).get("status", {}).get("phase"))
            self._phase[key] = known
        if known[1] == "Terminating":
            raise errors.forbidden(
                resource.name,
                obj["metadata"].get("name", ""),
                f"unable to create new content in namespace {namespace} "
                "because it is being terminated",
                resource.group,
            )
        api.stage(
            req,
            "validating-admission",
            f"Validating admission: namespace {namespace} exists",
            resource.ref_of(obj),
        )

    def admit_delete(self, resource: ResourceType, name: str) -> None:
        """Before the namespace is even read ("prevent deletion of immortal namespaces")."""
        if resource.kind == "Namespace" and name in IMMORTAL_NAMESPACES:
            raise errors.forbidden(resource.name, name, "this namespace may not be deleted")
