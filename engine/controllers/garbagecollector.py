"""The garbage collector (pkg/controller/garbagecollector/garbagecollector.go).

It deletes objects whose owners are gone, following ownerReferences:

- background deletion (the default): the owner goes at once; its dependents, now pointing at
  nothing, are deleted after it;
- foreground deletion (`foregroundDeletion` finalizer on the owner): the dependents that block
  their owner's deletion (blockOwnerDeletion: true) are deleted first, then the collector removes
  the finalizer and the API server removes the owner;
- orphaning (`orphan` finalizer): the collector removes the owner's ownerReference from every
  dependent, then the finalizer; the dependents live on.

Every decision is checked against the API server (an uncached GET of the object and of each
owner not known to be gone), as upstream does.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.apiserver.resources import ResourceType, by_api_version_kind
from engine.client.informer import Handlers
from engine.client.workqueue import WorkQueue
from engine.controllers.base import (
    MERGE_PATCH,
    STRATEGIC_MERGE,
    Controller,
    SyncError,
    error_message,
    path_of,
)
from engine.controllers.controller_ref import release_patch
from engine.controllers.gcgraph import (
    FOREGROUND,
    ORPHAN,
    GraphBuilder,
    Identity,
    Node,
    has_finalizer,
    identity_from_ref,
)
from engine.trace import ObjectRef
from engine.utilruntime import describe

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

MONITORED = (
    "pods",
    "replicasets",
    "deployments",
    "daemonsets",
    "statefulsets",
    "controllerrevisions",
    "jobs",
    "cronjobs",
    "nodes",
    "leases",
    "services",
    "endpointslices",
    "persistentvolumeclaims",
    "replicationcontrollers",
)
FINALIZER_RETRIES = 5  # retry.DefaultBackoff.Steps


class GarbageCollector(Controller):
    name = "garbage-collector-controller"
    service_account = "generic-garbage-collector"
    event_source = "garbage-collector-controller"
    workers = 20  # --concurrent-gc-syncs

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        # The attempt-to-delete queue is self.queue; its keys are uids.
        self.orphan_queue = WorkQueue(self.env, "garbage_collector_attempt_to_orphan")
        self.graph = GraphBuilder(self.queue.add, self.orphan_queue.add, _namespaced)

    def register(self) -> None:
        for resource in MONITORED:
            self.informers.get(resource).add_handlers(
                Handlers(
                    on_add=lambda obj: self.graph.on_upsert(None, obj),
                    on_update=self.graph.on_upsert,
                    on_delete=self.graph.on_delete,
                )
            )

    def synced_resources(self) -> tuple[str, ...]:
        return MONITORED

    def on_synced(self) -> None:
        for i in range(self.workers):
            self.env.process(self._orphan_worker(), f"{self.name} orphan worker {i}")

    # ---- attemptToDelete ---------------------------------------------------------------------
    def sync(self, key: str) -> Gen:
        node = self.graph.nodes.get(key)
        if node is None:
            self.errors.forget(key)
            return  # gone from the graph meanwhile
        yield from self.work()
        yield from self._attempt_to_delete(node)
        if node.virtual and self.graph.nodes.get(key) is node:
            # It exists but no informer has shown it yet: look again (requeueItem upstream).
            raise SyncError(f"{_describe(node.identity)} not observed by an informer yet")

    def _attempt_to_delete(self, node: Node) -> Gen:
        """attemptToDeleteItem."""
        if node.being_deleted and not node.deleting_dependents:
            return  # on its way out; its dependents are handled when it is gone
        resource = _resource_of(node.identity)
        if resource is None:
            return  # an owner of a kind Podlife does not serve: nothing to look up
        latest = yield from self._get(resource, node.identity)
        if latest is None or latest["metadata"].get("uid") != node.identity.uid:
            # It does not exist (any more): a virtual delete event for it.
            if node.virtual:
                self.graph.virtual_delete(node.identity.uid)
            else:
                self.graph.remove(node, node.identity)
            return
        if node.deleting_dependents:
            yield from self._process_deleting_dependents(node)
            return
        owners = latest["metadata"].get("ownerReferences") or []
        if not owners:
            return
        solid, dangling, waiting = yield from self._classify(node, owners)
        if solid:
            if not dangling and not waiting:
                return
            # Keep the object: only the references to gone or going owners are removed.
            uids = [r["uid"] for r in dangling + waiting]
            self.note(
                f"{_describe(node.identity)} still has an owner: removing its references to "
                f"{len(uids)} gone or going owner(s)",
                _ref(node.identity),
            )
            yield from self._patch(resource, node.identity, release_patch(node.identity.uid, uids))
            return
        if waiting and node.dependents:
            # An owner is being deleted in the foreground and this item has dependents of its
            # own: delete it in the foreground too, so its dependents go first.
            yield from self._delete_object(resource, node.identity, "Foreground", waiting)
            return
        finalizers = latest["metadata"].get("finalizers") or ()
        policy = (
            "Orphan"
            if ORPHAN in finalizers
            else ("Foreground" if FOREGROUND in finalizers else "Background")
        )
        yield from self._delete_object(resource, node.identity, policy, dangling + waiting)

    def _classify(self, node: Node, owners: list[Obj]) -> Gen:
        """classifyReferences: solid (alive), dangling (gone), waiting (deleting dependents)."""
        solid: list[Obj] = []
        dangling: list[Obj] = []
        waiting: list[Obj] = []
        for ref in owners:
            owner = yield from self._owner(node, ref)
            if owner is None:
                dangling.append(ref)
            elif owner["metadata"].get("deletionTimestamp") and has_finalizer(owner, FOREGROUND):
                waiting.append(ref)
            else:
                solid.append(ref)
        return solid, dangling, waiting

    def _owner(self, node: Node, ref: Obj) -> Gen:
        """isDangling: the owner as the API server has it, or None if it is gone."""
        resource = by_api_version_kind(ref.get("apiVersion", ""), ref.get("kind", ""))
        namespace = node.identity.namespace if resource is None or resource.namespaced else ""
        ident = identity_from_ref(ref, namespace)
        if ident in self.graph.absent_owners or identity_from_ref(ref, "") in (
            self.graph.absent_owners
        ):
            return None
        if resource is None:
            raise SyncError(
                f"unable to get REST mapping for {ref.get('apiVersion')}/{ref.get('kind')}"
            )
        owner = yield from self._get(resource, ident)
        if owner is None or owner["metadata"].get("uid") != ref.get("uid"):
            self.graph.absent_owners.add(ident)
            return None
        return owner

    def _process_deleting_dependents(self, node: Node) -> Gen:
        """processDeletingDependentsItem: when no dependent blocks it any more, remove the
        foregroundDeletion finalizer; until then, make sure the blockers are being deleted."""
        blocking = self.graph.blocking_dependents(node)
        if not blocking:
            self.note(
                f"{_describe(node.identity)}: no dependent blocks its deletion any more: "
                f"removing the {FOREGROUND} finalizer",
                _ref(node.identity),
            )
            yield from self._remove_finalizer(node.identity, FOREGROUND)
            return
        for dependent in blocking:
            if not dependent.deleting_dependents:
                self.queue.add(dependent.identity.uid)

    # ---- attemptToOrphan ---------------------------------------------------------------------
    def _orphan_worker(self) -> Gen:
        while True:
            uid = yield from self.orphan_queue.get()
            try:
                yield from self._attempt_to_orphan(uid)
            except SyncError:
                self.orphan_queue.add_rate_limited(uid)
            except Exception as error:
                # attemptToOrphanWorker: HandleError, then AddRateLimited (in the background).
                owner = self.graph.nodes.get(uid)
                what = str(owner.identity) if owner is not None else uid
                self.handle_unexpected(
                    uid,
                    error,
                    self.orphan_queue,
                    f"orphanDependents for {what} failed with {describe(error)}",
                )
            else:
                self.orphan_queue.forget(uid)
            self.orphan_queue.done(uid)

    # ---- attemptToDeleteWorker's report ------------------------------------------------------
    def error_line(self, key: str, error: str) -> str:
        # garbagecollector.go: utilruntime.HandleError(fmt.Errorf("error syncing item %s: %v",
        # n, err)), the item shown as its objectReference.
        node = self.graph.nodes.get(key)
        return f"error syncing item {node.identity if node is not None else key}: {error}"

    def ref_for(self, key: str) -> ObjectRef | None:
        node = self.graph.nodes.get(key)
        return _ref(node.identity) if node is not None else None

    def _attempt_to_orphan(self, uid: str) -> Gen:
        """attemptToOrphanWorker: drop the owner's references from its dependents, then the
        `orphan` finalizer."""
        owner = self.graph.nodes.get(uid)
        if owner is None:
            return
        yield from self.work()
        dependents = [self.graph.nodes[d] for d in owner.dependents if d in self.graph.nodes]
        self.note(
            f"{_describe(owner.identity)} is deleted with propagationPolicy Orphan: removing its "
            f"ownerReference from {len(dependents)} dependent(s)",
            _ref(owner.identity),
            dependents=[d.identity.name for d in dependents],
        )
        for dependent in dependents:
            resource = _resource_of(dependent.identity)
            if resource is None:
                continue
            yield from self._patch(
                resource, dependent.identity, release_patch(dependent.identity.uid, [uid])
            )
        yield from self._remove_finalizer(owner.identity, ORPHAN)

    # ---- API calls ---------------------------------------------------------------------------
    def _get(self, resource: ResourceType, ident: Identity) -> Gen:
        response: Response = yield from self.request(
            "GET", path_of(resource.name, ident.namespace, ident.name)
        )
        if response.code == 404:
            return None
        body: Obj = self.must(response)
        return body

    def _patch(self, resource: ResourceType, ident: Identity, patch: Obj) -> Gen:
        response: Response = yield from self.request(
            "PATCH",
            path_of(resource.name, ident.namespace, ident.name),
            patch,
            headers=STRATEGIC_MERGE,
        )
        if not response.ok and response.code != 404:
            raise SyncError(error_message(response))

    def _delete_object(
        self, resource: ResourceType, ident: Identity, policy: str, gone: list[Obj]
    ) -> Gen:
        owners = ", ".join(f"{r.get('kind')} {r.get('name')}" for r in gone) or "its owners"
        self.note(
            f"{_describe(ident)}: {owners} gone or being deleted, no owner left: deleting it "
            f"(propagationPolicy {policy})",
            _ref(ident),
            propagationPolicy=policy,
        )
        body = {
            "kind": "DeleteOptions",
            "apiVersion": "v1",
            "preconditions": {"uid": ident.uid},
            "propagationPolicy": policy,
        }
        response: Response = yield from self.request(
            "DELETE", path_of(resource.name, ident.namespace, ident.name), body
        )
        if not response.ok and response.code != 404:
            raise SyncError(error_message(response))

    def _remove_finalizer(self, ident: Identity, finalizer: str) -> Gen:
        """removeFinalizer: a merge patch of the remaining finalizers, guarded by the
        resourceVersion it was computed from (retry.RetryOnConflict)."""
        resource = _resource_of(ident)
        if resource is None:
            return
        for _ in range(FINALIZER_RETRIES):
            owner = yield from self._get(resource, ident)
            if owner is None:
                return
            finalizers = owner["metadata"].get("finalizers") or []
            if finalizer not in finalizers:
                return
            remaining = [f for f in finalizers if f != finalizer]
            patch = {
                "metadata": {
                    "resourceVersion": owner["metadata"]["resourceVersion"],
                    "finalizers": remaining or None,
                }
            }
            response: Response = yield from self.request(
                "PATCH",
                path_of(resource.name, ident.namespace, ident.name),
                patch,
                headers=MERGE_PATCH,
            )
            if response.ok or response.code == 404:
                return
            if response.code != 409:
                raise SyncError(error_message(response))
        raise SyncError(f"updateMaxRetries({FINALIZER_RETRIES}) has reached for owner {ident}")


def _namespaced(api_version: str, kind: str) -> bool | None:
    resource = by_api_version_kind(api_version, kind)
    return None if resource is None else resource.namespaced


def _resource_of(ident: Identity) -> ResourceType | None:
    return by_api_version_kind(ident.api_version, ident.kind)


def _describe(ident: Identity) -> str:
    return f"{ident.kind} {ident.key}"


def _ref(ident: Identity) -> ObjectRef:
    return ObjectRef(kind=ident.kind, name=ident.name, namespace=ident.namespace)
