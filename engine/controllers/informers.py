"""The controller-manager's shared informers (client-go informers.SharedInformerFactory).

kube-controller-manager starts one informer per resource and every controller registers its
handlers on it, so a pod change reaches the manager once, not once per controller. Podlife does
the same: the watches belong to the component `controller-manager/shared-informers` (upstream
the client built as `ClientOrDie("shared-informers")`, with the manager's own credentials), and
the controllers act on what it delivers.

The pod informer carries the indexes the controllers look things up by, so that per-pod work
stays O(1) however many pods there are (pkg/controller/controller_utils.go
AddPodControllerUIDIndexer, pkg/controller/nodelifecycle `spec.nodeName` index).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.apiserver.resources import BY_NAME
from engine.client.informer import Informer
from engine.client.rest import RestClient
from engine.trace import Step

if TYPE_CHECKING:
    from engine.context import Context

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

COMPONENT = "controller-manager/shared-informers"
USER = "system:kube-controller-manager"

# Index names (upstream: controller.PodControllerUIDIndex, nodeNameKeyIndex).
CONTROLLER_UID = "controllerUID"
NODE_NAME = "spec.nodeName"
ORPHAN_NAMESPACE = "orphanNamespace"

# Workload changes belong to the `control` step; heartbeats and node furniture to `other`.
_STEPS = {
    "pods": Step.CONTROL,
    "replicasets": Step.CONTROL,
    "replicationcontrollers": Step.CONTROL,
    "deployments": Step.CONTROL,
    "daemonsets": Step.CONTROL,
    "statefulsets": Step.CONTROL,
    "controllerrevisions": Step.CONTROL,
    "jobs": Step.CONTROL,
    "cronjobs": Step.CONTROL,
    "horizontalpodautoscalers": Step.CONTROL,
    "namespaces": Step.CONTROL,
    "services": Step.CONTROL,
    "endpointslices": Step.CONTROL,
    "endpoints": Step.CONTROL,
    "persistentvolumeclaims": Step.CONTROL,
    "persistentvolumes": Step.CONTROL,
    "storageclasses": Step.CONTROL,
    "resourcequotas": Step.CONTROL,
    "poddisruptionbudgets": Step.CONTROL,
    "nodes": Step.OTHER,
    "leases": Step.OTHER,
}


def controller_ref(obj: Obj) -> Obj | None:
    """metav1.GetControllerOf: the ownerReference with controller: true, if any."""
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return dict(ref)
    return None


def _by_controller_uid(obj: Obj) -> list[str]:
    ref = controller_ref(obj)
    return [ref["uid"]] if ref and ref.get("uid") else []


def _orphans_by_namespace(obj: Obj) -> list[str]:
    return [] if controller_ref(obj) else [obj["metadata"].get("namespace", "")]


def _by_node_name(obj: Obj) -> list[str]:
    node = obj.get("spec", {}).get("nodeName", "")
    return [node] if node else []


class SharedInformers:
    """One informer per resource the controllers watch, started once, shared by all."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self._informers: dict[str, Informer] = {}

    def get(self, resource: str) -> Informer:
        informer = self._informers.get(resource)
        if informer is None:
            client = RestClient(
                self.context,
                COMPONENT,
                USER,
                ("system:authenticated",),
                _STEPS.get(resource, Step.OTHER),
            )
            informer = Informer(client, BY_NAME[resource])
            if resource in (
                "pods",
                "replicasets",
                "replicationcontrollers",
                "controllerrevisions",
                "jobs",
            ):
                informer.add_indexer(CONTROLLER_UID, _by_controller_uid)
                informer.add_indexer(ORPHAN_NAMESPACE, _orphans_by_namespace)
            if resource == "pods":
                informer.add_indexer(NODE_NAME, _by_node_name)
            self._informers[resource] = informer
        return informer

    @property
    def pods(self) -> Informer:
        return self.get("pods")

    @property
    def replicasets(self) -> Informer:
        return self.get("replicasets")

    @property
    def deployments(self) -> Informer:
        return self.get("deployments")

    @property
    def daemonsets(self) -> Informer:
        return self.get("daemonsets")

    @property
    def nodes(self) -> Informer:
        return self.get("nodes")

    @property
    def leases(self) -> Informer:
        return self.get("leases")

    @property
    def namespaces(self) -> Informer:
        return self.get("namespaces")

    def start(self) -> None:
        """informerFactory.Start: every informer some controller asked for begins to list."""
        for informer in self._informers.values():
            informer.start()

    def wait_for_sync(self, *resources: str) -> Gen:
        """cache.WaitForCacheSync: a controller's workers start once its caches are full."""
        for resource in resources:
            yield self.get(resource).start()
