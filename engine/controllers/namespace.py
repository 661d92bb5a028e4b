"""The namespace controller (pkg/controller/namespace/namespace_controller.go and
deletion/namespaced_resources_deleter.go, status_condition_utils.go).

`kubectl delete namespace x` only marks the namespace Terminating: it keeps its `kubernetes`
finalizer (spec.finalizers) until this controller has deleted everything in it. Five seconds
after it sees the deletion (namespaceDeletionGracePeriod, so every API server has stopped
admitting new objects there), it deletes each namespaced resource type with deletecollection,
lists what is left, reports that in the namespace's conditions, waits if pods are still
terminating, and finally PUTs namespaces/<name>/finalize without its finalizer, which lets the
API server remove the namespace.

Upstream discovers the resource types on each pass and walks them in map (random) order;
Podlife walks its resource table in order.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

from engine import timeutil
from engine.apiserver.request import Response
from engine.apiserver.resources import RESOURCES, ResourceType
from engine.client.informer import Handlers
from engine.controllers.base import Controller, SyncError, error_message, path_of
from engine.trace import ObjectRef

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

DELETION_GRACE_PERIOD = 5.0  # namespaceDeletionGracePeriod
FINALIZER_ESTIMATE_SECONDS = 15  # finalizerEstimateSeconds
FINALIZER_TOKEN = "kubernetes"  # v1.FinalizerKubernetes

# status_condition_utils.go: the condition types, and their "all is well" reason and message
OK_CONDITIONS = (
    (
        "NamespaceDeletionDiscoveryFailure",
        "ResourcesDiscovered",
        "All resources successfully discovered",
    ),
    (
        "NamespaceDeletionGroupVersionParsingFailure",
        "ParsedGroupVersions",
        "All legacy kube types successfully parsed",
    ),
    (
        "NamespaceDeletionContentFailure",
        "ContentDeleted",
        "All content successfully deleted, may be waiting on finalization",
    ),
    ("NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"),
    (
        "NamespaceFinalizersRemaining",
        "ContentHasNoFinalizers",
        "All content-preserving finalizers finished",
    ),
)


class ResourcesRemaining(SyncError):
    def __init__(self, estimate: int) -> None:
        super().__init__(
            f"some content remains in the namespace, estimate {estimate} seconds before it is "
            "removed"
        )
        self.estimate = estimate


class NamespaceController(Controller):
    name = "namespace-controller"
    service_account = "namespace-controller"
    event_source = "namespace-controller"
    workers = 10  # --concurrent-namespace-syncs
    kind = "Namespace"

    def register(self) -> None:
        self.informers.namespaces.add_handlers(
            Handlers(on_add=self._enqueue, on_update=lambda _old, ns: self._enqueue(ns))
        )

    def synced_resources(self) -> tuple[str, ...]:
        return ("namespaces",)

    def _enqueue(self, namespace: Obj) -> None:
        if namespace["metadata"].get("deletionTimestamp"):
            self.queue.add_after(namespace["metadata"]["name"], DELETION_GRACE_PERIOD)

    def _worker(self) -> Gen:
        while True:
            key = yield from self.queue.get()
            try:
                yield from self.sync(key)
            except ResourcesRemaining as remaining:
                self.queue.add_after(key, remaining.estimate // 2 + 1)
            except SyncError:
                self._handle_error(key)
            except Exception as error:
                self.handle_unexpected(key, error)
            else:
                self.queue.forget(key)
            self.queue.done(key)

    def error_line(self, key: str, error: str) -> str:
        # namespace_controller.go worker: AddRateLimited, then
        # utilruntime.HandleError(fmt.Errorf("deletion of namespace %v failed: %v", key, err)).
        return f"deletion of namespace {key} failed: {error}"

    def sync(self, key: str) -> Gen:
        """syncNamespaceFromKey, then NamespacedResourcesDeleter.Delete."""
        if self.informers.namespaces.get(key) is None:
            self.errors.forget(key)
            return
        yield from self.work()
        response: Response = yield from self.request("GET", path_of("namespaces", "", key))
        if response.code == 404:
            return
        namespace: Obj = self.must(response)
        if not namespace["metadata"].get("deletionTimestamp"):
            return
        if (namespace.get("status") or {}).get("phase") != "Terminating":
            namespace = copy.deepcopy(namespace)
            namespace.setdefault("status", {})["phase"] = "Terminating"
            updated: Response = yield from self.request(
                "PUT", path_of("namespaces", "", key, "status"), namespace
            )
            namespace = self.must(updated)
        if not (namespace.get("spec") or {}).get("finalizers"):
            return
        estimate = yield from self.delete_all_content(namespace)
        if estimate > 0:
            raise ResourcesRemaining(estimate)
        yield from self.finalize(namespace)

    def delete_all_content(self, namespace: Obj) -> Gen:
        """deleteAllContent: every namespaced type, deleted and then counted."""
        name = namespace["metadata"]["name"]
        deleted_at = timeutil.parse_rfc3339(namespace["metadata"]["deletionTimestamp"])
        self.note(
            f"Namespace {name} is Terminating: deleting everything in it",
            ObjectRef(kind="Namespace", name=name),
        )
        estimate = 0
        remaining: dict[str, int] = {}
        finalizers: dict[str, int] = {}
        errors: list[str] = []
        for resource in _deletable():
            left, found_finalizers, wait, error = yield from self._delete_all_of(
                resource, name, deleted_at
            )
            if error:
                errors.append(error)  # held on to; the other types are still deleted
            estimate = max(estimate, wait)
            if left:
                remaining[f"{resource.name}.{resource.group}"] = left
                for finalizer, count in found_finalizers.items():
                    finalizers[finalizer] = finalizers.get(finalizer, 0) + count
        yield from self._update_conditions(namespace, remaining, finalizers, errors)
        if errors:
            raise SyncError("; ".join(errors))
        return estimate

    def _delete_all_of(self, resource: ResourceType, namespace: str, deleted_at: float) -> Gen:
        """deleteAllContentForGroupVersionResource: (items left, their finalizers, estimate,
        error or "")."""
        estimate = 0
        collection = path_of(resource.name, namespace)
        if resource.name == "pods":
            estimate = yield from self._estimate_pods(collection)
            if self.now - deleted_at >= estimate:
                estimate = 0
        response: Response = yield from self.request(
            "DELETE",
            collection,
            {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"},
        )
        if not response.ok and response.code not in (404, 405):
            return 0, {}, estimate, error_message(response)
        listed: Response = yield from self.request("GET", collection)
        if not listed.ok:
            return 0, {}, estimate, error_message(listed)
        items = listed.body.get("items", [])
        if not items:
            return 0, {}, 0, ""
        found: dict[str, int] = {}
        for item in items:
            for finalizer in item["metadata"].get("finalizers") or ():
                found[finalizer] = found.get(finalizer, 0) + 1
        if estimate:
            return len(items), found, estimate, ""
        if found:
            return len(items), found, FINALIZER_ESTIMATE_SECONDS, ""
        # Nothing should be left: no grace period to wait out, no finalizer holding it.
        return (
            len(items),
            {},
            0,
            f"unexpected items still remain in namespace: {namespace} for gvr: "
            f"{resource.group}/{resource.version}, Resource={resource.name}",
        )

    def _estimate_pods(self, collection: str) -> Gen:
        """estimateGracefulTerminationForPods: the longest grace period of a running pod."""
        listed: Response = yield from self.request("GET", collection)
        estimate = 0
        for pod in self.must(listed).get("items", []):
            if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                continue
            estimate = max(estimate, pod["spec"].get("terminationGracePeriodSeconds") or 0)
        return estimate

    def _update_conditions(
        self,
        namespace: Obj,
        remaining: dict[str, int],
        finalizers: dict[str, int],
        errors: list[str],
    ) -> Gen:
        """namespaceConditionUpdater.Update, written with UpdateStatus when it changed."""
        stamp = timeutil.rfc3339(self.now)
        failures: dict[str, tuple[str, str]] = {}
        if remaining:
            parts = sorted(f"{gr} has {n} resource instances" for gr, n in remaining.items())
            failures["NamespaceContentRemaining"] = (
                "SomeResourcesRemain",
                f"Some resources are remaining: {', '.join(parts)}",
            )
        if finalizers:
            parts = sorted(f"{f} in {n} resource instances" for f, n in finalizers.items())
            failures["NamespaceFinalizersRemaining"] = (
                "SomeFinalizersRemain",
                f"Some content in the namespace has finalizers remaining: {', '.join(parts)}",
            )
        if errors:
            failures["NamespaceDeletionContentFailure"] = (
                "ContentDeletionFailed",
                f"Failed to delete all resource types, {len(errors)} remaining: "
                + ", ".join(sorted(errors)),
            )
        updated = copy.deepcopy(namespace)
        status = updated.setdefault("status", {})
        conditions = status.setdefault("conditions", [])
        changed = False
        for kind, ok_reason, ok_message in OK_CONDITIONS:
            value, reason, message = (
                ("True", *failures[kind]) if kind in failures else ("False", ok_reason, ok_message)
            )
            old = next((c for c in conditions if c.get("type") == kind), None)
            if old is None:
                conditions.append(
                    {
                        "type": kind,
                        "status": value,
                        "lastTransitionTime": stamp,
                        "reason": reason,
                        "message": message,
                    }
                )
                changed = True
            elif (old.get("status"), old.get("reason"), old.get("message")) != (
                value,
                reason,
                message,
            ):
                if old.get("status") != value:
                    old["lastTransitionTime"] = stamp
                old.update({"status": value, "reason": reason, "message": message})
                changed = True
        if not changed:
            return
        name = namespace["metadata"]["name"]
        response: Response = yield from self.request(
            "PUT", path_of("namespaces", "", name, "status"), updated
        )
        if response.ok:
            namespace["metadata"]["resourceVersion"] = response.body["metadata"]["resourceVersion"]

    def finalize(self, namespace: Obj) -> Gen:
        """finalizeNamespace: PUT .../finalize without our finalizer (retry on conflict)."""
        name = namespace["metadata"]["name"]
        self.note(
            f"Namespace {name} is empty: removing the {FINALIZER_TOKEN} finalizer",
            ObjectRef(kind="Namespace", name=name),
        )
        current = namespace
        for _ in range(5):
            body = {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": current["metadata"],
                "spec": {
                    "finalizers": sorted(
                        {f for f in current["spec"].get("finalizers", []) if f != FINALIZER_TOKEN}
                    )
                },
            }
            response: Response = yield from self.request(
                "PUT", path_of("namespaces", "", name, "finalize"), body
            )
            if response.ok or response.code == 404:
                return
            if response.code != 409:
                raise SyncError(error_message(response))
            fresh: Response = yield from self.request("GET", path_of("namespaces", "", name))
            if fresh.code == 404:
                return
            current = self.must(fresh)
        raise SyncError(f"could not finalize namespace {name}")


def _deletable() -> list[ResourceType]:
    """The namespaced resource types that can be deleted (discovery, filtered on `delete`)."""
    return [r for r in RESOURCES if r.namespaced and "delete" in r.verbs]
