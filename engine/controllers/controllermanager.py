"""kube-controller-manager (cmd/kube-controller-manager/app/controllermanager.go): one process
running many controllers over one set of shared informers.

    manager = ControllerManager(cluster)                 # every controller
    manager = ControllerManager(cluster, ("*", "-node-lifecycle-controller"))
    manager.start()

`controllers` works like the --controllers flag: `*` is every controller, a name turns one on,
`-name` turns one off.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.client.rest import RestClient
from engine.controllers.base import Controller, path_of
from engine.controllers.informers import SharedInformers
from engine.trace import Step

if TYPE_CHECKING:
    from engine.context import Context


def _registry() -> dict[str, type[Controller]]:
    """The controllers, in the order they are started (NewControllerDescriptors)."""
    from engine.controllers.clusterroleaggregation import ClusterRoleAggregationController
    from engine.controllers.cronjob.controller import CronJobController
    from engine.controllers.daemon.controller import DaemonSetController
    from engine.controllers.deployment.controller import DeploymentController
    from engine.controllers.disruption import DisruptionController
    from engine.controllers.endpoints import EndpointsController
    from engine.controllers.endpointslice import EndpointSliceController
    from engine.controllers.garbagecollector import GarbageCollector
    from engine.controllers.job.controller import JobController
    from engine.controllers.job.ttlafterfinished import TTLAfterFinishedController
    from engine.controllers.namespace import NamespaceController
    from engine.controllers.nodelifecycle import NodeLifecycleController
    from engine.controllers.podautoscaler.horizontal import HorizontalController
    from engine.controllers.podgc import PodGCController
    from engine.controllers.replicaset import ReplicaSetController
    from engine.controllers.replication import ReplicationManager
    from engine.controllers.resourcequota import ResourceQuotaController
    from engine.controllers.rootcacertpublisher import RootCACertPublisher
    from engine.controllers.serviceaccounts import ServiceAccountsController
    from engine.controllers.statefulset.controller import StatefulSetController
    from engine.controllers.tainteviction import TaintEvictionController
    from engine.controllers.volume.binder import PersistentVolumeController
    from engine.controllers.volume.protection import PVCProtectionController, PVProtectionController
    from engine.controllers.volume.provisioner import LocalPathProvisioner

    classes: list[type[Controller]] = [
        PodGCController,
        NamespaceController,
        ServiceAccountsController,
        GarbageCollector,
        ReplicaSetController,
        DeploymentController,
        DaemonSetController,
        StatefulSetController,
        JobController,
        CronJobController,
        TTLAfterFinishedController,
        HorizontalController,
        EndpointsController,
        EndpointSliceController,
        NodeLifecycleController,
        TaintEvictionController,
        PersistentVolumeController,
        PVCProtectionController,
        PVProtectionController,
        LocalPathProvisioner,  # not kube-controller-manager's: see its module
        ClusterRoleAggregationController,
        RootCACertPublisher,
        ResourceQuotaController,
        DisruptionController,
        ReplicationManager,
    ]
    return {cls.name: cls for cls in classes}


def _enabled(name: str, selection: tuple[str, ...]) -> bool:
    if f"-{name}" in selection:
        return False
    return name in selection or "*" in selection


class ControllerManager:
    def __init__(self, context: Context, controllers: tuple[str, ...] = ("*",)) -> None:
        self.context = context
        self.informers = SharedInformers(context)
        registry = _registry()
        unknown = [c.lstrip("-") for c in controllers if c != "*" and c.lstrip("-") not in registry]
        if unknown:
            raise ValueError(f"unknown controllers: {', '.join(unknown)}")
        self.controllers: dict[str, Controller] = {
            name: cls(self) for name, cls in registry.items() if _enabled(name, controllers)
        }
        self.started = False

    def start(self) -> None:
        """Start every controller, then the informers they registered on."""
        if self.started:
            return
        self.started = True
        self.context.env.process(self._identities(), "controller-manager identities")
        for controller in self.controllers.values():
            controller.start()
        self.informers.start()

    def _identities(self) -> Generator[Any, Any, None]:
        """--use-service-account-credentials: each controller acts as a ServiceAccount of its
        own in kube-system, which the client builder makes as the controller starts
        (k8s.io/controller-manager/pkg/clientbuilder getOrCreateServiceAccount); so
        `kubectl get sa -n kube-system` lists them, as on a real cluster."""
        client = RestClient(
            self.context, "controller-manager", "system:kube-controller-manager", (), Step.CONTROL
        )
        accounts = sorted({c.service_account for c in self.controllers.values()} - {""})
        for name in accounts:
            body = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}}
            path = path_of("serviceaccounts", "kube-system")
            yield from client.request("POST", path, body=body)  # 409 if it already exists

    def __getitem__(self, name: str) -> Controller:
        return self.controllers[name]
