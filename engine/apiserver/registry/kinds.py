"""Which strategy stores each resource the API server serves (the RESTStorageProviders of
pkg/controlplane). Adding a kind registers its strategy here: docs/components.md."""

from __future__ import annotations

from engine.apiserver.registry.admissionregistration.validatingadmissionpolicy import (
    ValidatingAdmissionPolicyBindingStrategy,
    ValidatingAdmissionPolicyStrategy,
)
from engine.apiserver.registry.apps.controllerrevision import ControllerRevisionStrategy
from engine.apiserver.registry.apps.daemonset import DaemonSetStrategy
from engine.apiserver.registry.apps.deployment import DeploymentStrategy
from engine.apiserver.registry.apps.replicaset import ReplicaSetStrategy
from engine.apiserver.registry.apps.statefulset import StatefulSetStrategy
from engine.apiserver.registry.authorization.reviews import (
    SelfSubjectAccessReviewStrategy,
    SelfSubjectRulesReviewStrategy,
)
from engine.apiserver.registry.autoscaling.horizontalpodautoscaler import (
    HorizontalPodAutoscalerStrategy,
)
from engine.apiserver.registry.batch.cronjob import CronJobStrategy
from engine.apiserver.registry.batch.job import JobStrategy
from engine.apiserver.registry.coordination.lease import LeaseStrategy
from engine.apiserver.registry.core.configmap import ConfigMapStrategy
from engine.apiserver.registry.core.endpoints import EndpointsStrategy
from engine.apiserver.registry.core.event import EventStrategy
from engine.apiserver.registry.core.limitrange import LimitRangeStrategy
from engine.apiserver.registry.core.namespace import NamespaceStrategy
from engine.apiserver.registry.core.node import NodeStrategy
from engine.apiserver.registry.core.persistentvolume import (
    PersistentVolumeClaimStrategy,
    PersistentVolumeStrategy,
)
from engine.apiserver.registry.core.pod import PodStrategy
from engine.apiserver.registry.core.replicationcontroller import ReplicationControllerStrategy
from engine.apiserver.registry.core.resourcequota import ResourceQuotaStrategy
from engine.apiserver.registry.core.secret import SecretStrategy
from engine.apiserver.registry.core.service import ServiceStrategy
from engine.apiserver.registry.core.serviceaccount import ServiceAccountStrategy
from engine.apiserver.registry.discovery.endpointslice import EndpointSliceStrategy
from engine.apiserver.registry.networking.ingress import IngressStrategy
from engine.apiserver.registry.networking.ingressclass import IngressClassStrategy
from engine.apiserver.registry.networking.networkpolicy import NetworkPolicyStrategy
from engine.apiserver.registry.policy.poddisruptionbudget import PodDisruptionBudgetStrategy
from engine.apiserver.registry.rbac.strategies import (
    ClusterRoleBindingStrategy,
    ClusterRoleStrategy,
    RoleBindingStrategy,
    RoleStrategy,
)
from engine.apiserver.registry.scheduling.priorityclass import PriorityClassStrategy
from engine.apiserver.registry.storage.storageclass import StorageClassStrategy
from engine.apiserver.registry.strategy import Strategy

STRATEGIES: dict[str, Strategy] = {
    strategy.resource.name: strategy
    for strategy in (
        NamespaceStrategy(),
        NodeStrategy(),
        PodStrategy(),
        ConfigMapStrategy(),
        SecretStrategy(),
        ServiceAccountStrategy(),
        ServiceStrategy(),
        EndpointsStrategy(),
        EventStrategy(),
        ControllerRevisionStrategy(),
        DaemonSetStrategy(),
        DeploymentStrategy(),
        ReplicaSetStrategy(),
        StatefulSetStrategy(),
        ReplicationControllerStrategy(),
        CronJobStrategy(),
        JobStrategy(),
        LeaseStrategy(),
        EndpointSliceStrategy(),
        PersistentVolumeClaimStrategy(),
        PersistentVolumeStrategy(),
        StorageClassStrategy(),
        IngressClassStrategy(),
        IngressStrategy(),
        NetworkPolicyStrategy(),
        HorizontalPodAutoscalerStrategy(),
        ValidatingAdmissionPolicyStrategy(),
        ValidatingAdmissionPolicyBindingStrategy(),
        RoleStrategy(),
        ClusterRoleStrategy(),
        RoleBindingStrategy(),
        ClusterRoleBindingStrategy(),
        SelfSubjectAccessReviewStrategy(),
        SelfSubjectRulesReviewStrategy(),
        LimitRangeStrategy(),
        ResourceQuotaStrategy(),
        PriorityClassStrategy(),
        PodDisruptionBudgetStrategy(),
    )
}
