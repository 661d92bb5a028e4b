"""The Go type behind each schema field, as reflect.Type.String() names it in decode errors.

encoding/json's UnmarshalTypeError ends with `of type <T>`, where T is the field's Go type
after pointers are followed: `int32`, `[]v1.Container`, `map[string]string`. Most of it
follows from the schema (a reference to io.k8s.api.core.v1.Container is `v1.Container`: every
package served here is named v1). What the schema cannot tell is where k8s.io/api declares a
named type instead of a plain string or slice, e.g. `RestartPolicy RestartPolicy`; those are
listed below, as staging/src/k8s.io/api/core/v1/types.go, apps/v1/types.go,
coordination/v1/types.go and apimachinery/pkg/apis/meta/v1/types.go declare them.
"""

from __future__ import annotations

from engine.apiserver.schema.model import (
    FIELDS_V1,
    INT_OR_STRING,
    MICRO_TIME,
    QUANTITY,
    TIME,
    Prop,
)

# The value types with their own UnmarshalJSON, by package name as Go prints it.
SPECIAL = {
    QUANTITY: "resource.Quantity",
    INT_OR_STRING: "intstr.IntOrString",
    TIME: "v1.Time",
    MICRO_TIME: "v1.MicroTime",
    FIELDS_V1: "v1.FieldsV1",
}

_RESOURCE_LIST = "v1.ResourceList"  # type ResourceList map[ResourceName]resource.Quantity
_CONDITION_STATUS = "v1.ConditionStatus"

# "<Struct>.<json field>": the Go type where it is a named type (pointers followed).
_RETENTION = "v1.PersistentVolumeClaimRetentionPolicyType"
NAMED: dict[str, str] = {
    # meta/v1
    "ObjectMeta.uid": "types.UID",
    "OwnerReference.uid": "types.UID",
    "ObjectReference.uid": "types.UID",
    "StatusDetails.uid": "types.UID",
    "Preconditions.uid": "types.UID",
    "ManagedFieldsEntry.operation": "v1.ManagedFieldsOperationType",
    "LabelSelectorRequirement.operator": "v1.LabelSelectorOperator",
    "Status.reason": "v1.StatusReason",
    "StatusCause.reason": "v1.CauseType",
    "DeleteOptions.propagationPolicy": "v1.DeletionPropagation",
    # core/v1: containers
    "Container.imagePullPolicy": "v1.PullPolicy",
    "Container.terminationMessagePolicy": "v1.TerminationMessagePolicy",
    "Container.restartPolicy": "v1.ContainerRestartPolicy",
    "EphemeralContainer.imagePullPolicy": "v1.PullPolicy",
    "EphemeralContainer.terminationMessagePolicy": "v1.TerminationMessagePolicy",
    "EphemeralContainer.restartPolicy": "v1.ContainerRestartPolicy",
    "ContainerPort.protocol": "v1.Protocol",
    "ResourceRequirements.limits": _RESOURCE_LIST,
    "ResourceRequirements.requests": _RESOURCE_LIST,
    "ContainerResizePolicy.resourceName": "v1.ResourceName",
    "ContainerResizePolicy.restartPolicy": "v1.ResourceResizeRestartPolicy",
    "ContainerRestartRule.action": "v1.ContainerRestartRuleAction",
    "ContainerRestartRuleOnExitCodes.operator": "v1.ContainerRestartRuleOnExitCodesOperator",
    "HTTPGetAction.scheme": "v1.URIScheme",
    "Lifecycle.stopSignal": "v1.Signal",
    "SecurityContext.procMount": "v1.ProcMountType",
    "Capabilities.add": "[]v1.Capability",
    "Capabilities.drop": "[]v1.Capability",
    "SeccompProfile.type": "v1.SeccompProfileType",
    "AppArmorProfile.type": "v1.AppArmorProfileType",
    "VolumeMount.mountPropagation": "v1.MountPropagationMode",
    "VolumeMount.recursiveReadOnly": "v1.RecursiveReadOnlyMode",
    "VolumeMountStatus.recursiveReadOnly": "v1.RecursiveReadOnlyMode",
    "ContainerStatus.allocatedResources": _RESOURCE_LIST,
    "ContainerStatus.stopSignal": "v1.Signal",
    # core/v1: volumes
    "EmptyDirVolumeSource.medium": "v1.StorageMedium",
    "HostPathVolumeSource.type": "v1.HostPathType",
    "ImageVolumeSource.pullPolicy": "v1.PullPolicy",
    # core/v1: pods
    "PodSpec.restartPolicy": "v1.RestartPolicy",
    "PodSpec.dnsPolicy": "v1.DNSPolicy",
    "PodSpec.preemptionPolicy": "v1.PreemptionPolicy",
    "PodSpec.overhead": _RESOURCE_LIST,
    "PodStatus.phase": "v1.PodPhase",
    "PodStatus.qosClass": "v1.PodQOSClass",
    "PodStatus.resize": "v1.PodResizeStatus",
    "PodStatus.allocatedResources": _RESOURCE_LIST,
    "PodCondition.type": "v1.PodConditionType",
    "PodCondition.status": _CONDITION_STATUS,
    "PodReadinessGate.conditionType": "v1.PodConditionType",
    "PodOS.name": "v1.OSName",
    "PodSecurityContext.fsGroupChangePolicy": "v1.PodFSGroupChangePolicy",
    "PodSecurityContext.seLinuxChangePolicy": "v1.PodSELinuxChangePolicy",
    "PodSecurityContext.supplementalGroupsPolicy": "v1.SupplementalGroupsPolicy",
    "NodeSelectorRequirement.operator": "v1.NodeSelectorOperator",
    "Toleration.operator": "v1.TolerationOperator",
    "Toleration.effect": "v1.TaintEffect",
    "TopologySpreadConstraint.whenUnsatisfiable": "v1.UnsatisfiableConstraintAction",
    "TopologySpreadConstraint.nodeAffinityPolicy": "v1.NodeInclusionPolicy",
    "TopologySpreadConstraint.nodeTaintsPolicy": "v1.NodeInclusionPolicy",
    # core/v1: nodes and namespaces
    "Taint.effect": "v1.TaintEffect",
    "NodeStatus.phase": "v1.NodePhase",
    "NodeStatus.capacity": _RESOURCE_LIST,
    "NodeStatus.allocatable": _RESOURCE_LIST,
    "NodeStatus.volumesInUse": "[]v1.UniqueVolumeName",
    "NodeAddress.type": "v1.NodeAddressType",
    "NodeCondition.type": "v1.NodeConditionType",
    "NodeCondition.status": _CONDITION_STATUS,
    "NamespaceSpec.finalizers": "[]v1.FinalizerName",
    "NamespaceStatus.phase": "v1.NamespacePhase",
    "Secret.type": "v1.SecretType",
    "ServicePort.protocol": "v1.Protocol",
    "ServiceSpec.type": "v1.ServiceType",
    "ServiceSpec.sessionAffinity": "v1.ServiceAffinity",
    "ServiceSpec.externalTrafficPolicy": "v1.ServiceExternalTrafficPolicy",
    "ServiceSpec.internalTrafficPolicy": "v1.ServiceInternalTrafficPolicy",
    "ServiceSpec.ipFamilies": "[]v1.IPFamily",
    "ServiceSpec.ipFamilyPolicy": "v1.IPFamilyPolicy",
    "LoadBalancerIngress.ipMode": "v1.LoadBalancerIPMode",
    # core/v1 and storage/v1: storage
    "PersistentVolumeSpec.capacity": _RESOURCE_LIST,
    "PersistentVolumeSpec.accessModes": "[]v1.PersistentVolumeAccessMode",
    "PersistentVolumeSpec.persistentVolumeReclaimPolicy": "v1.PersistentVolumeReclaimPolicy",
    "PersistentVolumeSpec.volumeMode": "v1.PersistentVolumeMode",
    "PersistentVolumeStatus.phase": "v1.PersistentVolumePhase",
    "PersistentVolumeClaimSpec.accessModes": "[]v1.PersistentVolumeAccessMode",
    "PersistentVolumeClaimSpec.volumeMode": "v1.PersistentVolumeMode",
    "VolumeResourceRequirements.limits": _RESOURCE_LIST,
    "VolumeResourceRequirements.requests": _RESOURCE_LIST,
    "PersistentVolumeClaimStatus.phase": "v1.PersistentVolumeClaimPhase",
    "PersistentVolumeClaimStatus.accessModes": "[]v1.PersistentVolumeAccessMode",
    "PersistentVolumeClaimStatus.capacity": _RESOURCE_LIST,
    "PersistentVolumeClaimStatus.allocatedResources": _RESOURCE_LIST,
    "PersistentVolumeClaimCondition.type": "v1.PersistentVolumeClaimConditionType",
    "PersistentVolumeClaimCondition.status": _CONDITION_STATUS,
    "StorageClass.reclaimPolicy": "v1.PersistentVolumeReclaimPolicy",
    "StorageClass.volumeBindingMode": "v1.VolumeBindingMode",
    # autoscaling/v2
    "MetricSpec.type": "v2.MetricSourceType",
    "MetricStatus.type": "v2.MetricSourceType",
    "MetricTarget.type": "v2.MetricTargetType",
    "ResourceMetricSource.name": "v1.ResourceName",
    "HPAScalingRules.selectPolicy": "v2.ScalingPolicySelect",
    "HPAScalingPolicy.type": "v2.HPAScalingPolicyType",
    "HorizontalPodAutoscalerCondition.type": "v2.HorizontalPodAutoscalerConditionType",
    "HorizontalPodAutoscalerCondition.status": _CONDITION_STATUS,
    # admissionregistration/v1
    "ValidatingAdmissionPolicySpec.failurePolicy": "v1.FailurePolicyType",
    "MatchResources.matchPolicy": "v1.MatchPolicyType",
    "NamedRuleWithOperations.operations": "[]v1.OperationType",
    "NamedRuleWithOperations.scope": "v1.ScopeType",
    "Validation.reason": "v1.StatusReason",
    "ValidatingAdmissionPolicyBindingSpec.validationActions": "[]v1.ValidationAction",
    "ParamRef.parameterNotFoundAction": "v1.ParameterNotFoundActionType",
    # networking/v1
    "HTTPIngressPath.pathType": "v1.PathType",
    "IngressPortStatus.protocol": "v1.Protocol",
    "NetworkPolicyPort.protocol": "v1.Protocol",
    "NetworkPolicySpec.policyTypes": "[]v1.PolicyType",
    # discovery/v1
    "EndpointSlice.addressType": "v1.AddressType",
    "EndpointPort.protocol": "v1.Protocol",
    # coordination/v1
    "LeaseSpec.strategy": "v1.CoordinatedLeaseStrategy",
    # core/v1 ReplicationController
    "ReplicationControllerCondition.type": "v1.ReplicationControllerConditionType",
    "ReplicationControllerCondition.status": _CONDITION_STATUS,
    # apps/v1
    "DeploymentStrategy.type": "v1.DeploymentStrategyType",
    "DeploymentCondition.type": "v1.DeploymentConditionType",
    "DeploymentCondition.status": _CONDITION_STATUS,
    "ReplicaSetCondition.type": "v1.ReplicaSetConditionType",
    "ReplicaSetCondition.status": _CONDITION_STATUS,
    "DaemonSetUpdateStrategy.type": "v1.DaemonSetUpdateStrategyType",
    "DaemonSetCondition.type": "v1.DaemonSetConditionType",
    "DaemonSetCondition.status": _CONDITION_STATUS,
    "StatefulSetSpec.podManagementPolicy": "v1.PodManagementPolicyType",
    "StatefulSetUpdateStrategy.type": "v1.StatefulSetUpdateStrategyType",
    "StatefulSetPersistentVolumeClaimRetentionPolicy.whenDeleted": _RETENTION,
    "StatefulSetPersistentVolumeClaimRetentionPolicy.whenScaled": _RETENTION,
    "StatefulSetCondition.type": "v1.StatefulSetConditionType",
    "StatefulSetCondition.status": _CONDITION_STATUS,
    # batch/v1
    "JobSpec.completionMode": "v1.CompletionMode",
    "JobSpec.podReplacementPolicy": "v1.PodReplacementPolicy",
    "JobCondition.type": "v1.JobConditionType",
    "JobCondition.status": _CONDITION_STATUS,
    "PodFailurePolicyRule.action": "v1.PodFailurePolicyAction",
    "PodFailurePolicyOnExitCodesRequirement.operator": "v1.PodFailurePolicyOnExitCodesOperator",
    "PodFailurePolicyOnPodConditionsPattern.type": "v1.PodConditionType",
    "PodFailurePolicyOnPodConditionsPattern.status": _CONDITION_STATUS,
    "UncountedTerminatedPods.succeeded": "[]types.UID",
    "UncountedTerminatedPods.failed": "[]types.UID",
    "CronJobSpec.concurrencyPolicy": "v1.ConcurrencyPolicy",
    # core/v1, scheduling/v1 and policy/v1: the policy kinds
    "LimitRangeItem.type": "v1.LimitType",
    "LimitRangeItem.max": _RESOURCE_LIST,
    "LimitRangeItem.min": _RESOURCE_LIST,
    "LimitRangeItem.default": _RESOURCE_LIST,
    "LimitRangeItem.defaultRequest": _RESOURCE_LIST,
    "LimitRangeItem.maxLimitRequestRatio": _RESOURCE_LIST,
    "ResourceQuotaSpec.hard": _RESOURCE_LIST,
    "ResourceQuotaSpec.scopes": "[]v1.ResourceQuotaScope",
    "ResourceQuotaStatus.hard": _RESOURCE_LIST,
    "ResourceQuotaStatus.used": _RESOURCE_LIST,
    "ScopedResourceSelectorRequirement.scopeName": "v1.ResourceQuotaScope",
    "ScopedResourceSelectorRequirement.operator": "v1.ScopeSelectorOperator",
    "PriorityClass.preemptionPolicy": "v1.PreemptionPolicy",
    "PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy": "v1.UnhealthyPodEvictionPolicyType",
    "Condition.status": _CONDITION_STATUS,
}

_PRIMITIVES = {"string": "string", "boolean": "bool", "number": "float64"}


def go_type(struct: str, name: str, prop: Prop) -> str:
    """The Go type of field `name` of the struct whose short name is `struct`."""
    named = NAMED.get(f"{struct}.{name}")
    return named if named is not None else of_prop(prop)


def of_prop(prop: Prop) -> str:
    """The Go type a schema shape stands for when no named type is declared."""
    if prop.ref:
        return SPECIAL.get(prop.ref) or "v1." + prop.ref.rsplit(".", 1)[-1]
    if prop.items is not None:
        return "[]" + of_prop(prop.items)
    if prop.values is not None:
        return "map[string]" + of_prop(prop.values)
    if prop.type == "integer":
        return prop.format or "int64"
    if prop.type == "object":
        return "map[string]interface {}"
    if prop.format == "byte":
        return "[]uint8"  # reflect names []byte by its element type
    return _PRIMITIVES.get(prop.type, "interface {}")


def element(container: str, prop: Prop) -> str:
    """The Go type of an element of a slice or map type named `container`."""
    if container.startswith("[]"):
        return container[2:]
    if container.startswith("map[string]"):
        return container[len("map[string]") :]
    return of_prop(prop)
