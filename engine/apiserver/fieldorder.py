"""The JSON key order of the objects the API server writes: Go's encoding/json writes struct
fields in declaration order and map keys sorted, so `kubectl get -o json` (which keeps the
stored order) looks like a real cluster's. Each struct is listed as its JSON keys in k8s.io/api
declaration order:
  "key"           a plain value
  "key:Type"      a nested struct      "key:[Type]"  a list of structs
  "key:{}"        a map (keys sorted)  a trailing "!" marks a struct field that Go always
                  writes (no pointer, so omitempty cannot drop it), e.g. `resources: {}`.

A kind without an entry keeps the client's key order. Its own module because the tables are
long: one line per Go struct of every served kind.
"""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]

_META = (
    "name generateName namespace selfLink uid resourceVersion generation creationTimestamp "
    "deletionTimestamp deletionGracePeriodSeconds labels:{} annotations:{} "
    "ownerReferences:[OwnerReference] finalizers managedFields:[ManagedFieldsEntry]"
)
_CONTAINER = (
    "name image command args workingDir ports:[ContainerPort] envFrom:[EnvFromSource] "
    "env:[EnvVar] resources:ResourceRequirements! resizePolicy restartPolicy restartPolicyRules "
    "volumeMounts:[VolumeMount] volumeDevices livenessProbe:Probe readinessProbe:Probe "
    "startupProbe:Probe lifecycle:Lifecycle terminationMessagePath terminationMessagePolicy "
    "imagePullPolicy securityContext:SecurityContext stdin stdinOnce tty"
)
_SCHEMA_TEXT: dict[str, str] = {
    "Pod": "kind apiVersion metadata:ObjectMeta! spec:PodSpec! status:PodStatus!",
    "Deployment": "kind apiVersion metadata:ObjectMeta! spec:DeploymentSpec! "
    "status:DeploymentStatus!",
    "ReplicaSet": "kind apiVersion metadata:ObjectMeta! spec:ReplicaSetSpec! "
    "status:ReplicaSetStatus!",
    "Namespace": "kind apiVersion metadata:ObjectMeta! spec:NamespaceSpec! status:NamespaceStatus!",
    "Node": "kind apiVersion metadata:ObjectMeta! spec:NodeSpec! status:NodeStatus!",
    "Event": "kind apiVersion metadata:ObjectMeta! involvedObject:ObjectReference! reason "
    "message source:EventSource! firstTimestamp lastTimestamp count type eventTime series "
    "action related:ObjectReference reportingComponent reportingInstance",
    "ConfigMap": "kind apiVersion metadata:ObjectMeta! immutable data:{} binaryData:{}",
    "Secret": "kind apiVersion metadata:ObjectMeta! immutable data:{} stringData:{} type",
    "ServiceAccount": "kind apiVersion metadata:ObjectMeta! secrets:[ObjectReference] "
    "imagePullSecrets automountServiceAccountToken",
    # rbac/v1 (types.go)
    "Role": "kind apiVersion metadata:ObjectMeta! rules:[PolicyRule]",
    "ClusterRole": "kind apiVersion metadata:ObjectMeta! rules:[PolicyRule] "
    "aggregationRule:AggregationRule",
    "AggregationRule": "clusterRoleSelectors:[LabelSelector]",
    "PolicyRule": "verbs apiGroups resources resourceNames nonResourceURLs",
    "RoleBinding": "kind apiVersion metadata:ObjectMeta! subjects:[Subject] roleRef:RoleRef!",
    "ClusterRoleBinding": "kind apiVersion metadata:ObjectMeta! subjects:[Subject] "
    "roleRef:RoleRef!",
    "Subject": "kind apiGroup name namespace",
    "RoleRef": "apiGroup kind name",
    "Service": "kind apiVersion metadata:ObjectMeta! spec:ServiceSpec! status:ServiceStatus!",
    "ServiceSpec": "ports:[ServicePort] selector:{} clusterIP clusterIPs type externalIPs "
    "sessionAffinity loadBalancerIP loadBalancerSourceRanges externalName "
    "externalTrafficPolicy healthCheckNodePort publishNotReadyAddresses sessionAffinityConfig "
    "ipFamilies ipFamilyPolicy allocateLoadBalancerNodePorts loadBalancerClass "
    "internalTrafficPolicy trafficDistribution",
    "ServicePort": "name protocol appProtocol port targetPort nodePort",
    "ServiceStatus": "loadBalancer:LoadBalancerStatus! conditions",
    "LoadBalancerStatus": "ingress",
    "ObjectMeta": _META,
    "OwnerReference": "apiVersion kind name uid controller blockOwnerDeletion",
    "ManagedFieldsEntry": "manager operation apiVersion time fieldsType fieldsV1 subresource",
    "PodSpec": "volumes:[Volume] initContainers:[Container] containers:[Container] "
    "ephemeralContainers:[EphemeralContainer] restartPolicy terminationGracePeriodSeconds "
    "activeDeadlineSeconds dnsPolicy nodeSelector:{} serviceAccountName serviceAccount "
    "automountServiceAccountToken nodeName hostNetwork hostPID hostIPC shareProcessNamespace "
    "securityContext:PodSecurityContext imagePullSecrets hostname subdomain affinity "
    "schedulerName tolerations:[Toleration] hostAliases priorityClassName priority dnsConfig "
    "readinessGates runtimeClassName enableServiceLinks preemptionPolicy overhead:{} "
    "topologySpreadConstraints setHostnameAsFQDN os hostUsers schedulingGates resourceClaims "
    "resources:ResourceRequirements hostnameOverride",
    "Container": _CONTAINER,
    "EphemeralContainer": _CONTAINER + " targetContainerName",
    "ContainerPort": "name hostPort containerPort protocol hostIP",
    "EnvFromSource": "prefix configMapRef secretRef",
    "EnvVar": "name value valueFrom:EnvVarSource",
    "EnvVarSource": "fieldRef:ObjectFieldSelector resourceFieldRef configMapKeyRef "
    "secretKeyRef fileKeyRef",
    "ObjectFieldSelector": "apiVersion fieldPath",
    "ResourceRequirements": "limits:{} requests:{} claims",
    "VolumeMount": "name readOnly recursiveReadOnly mountPath subPath mountPropagation subPathExpr",
    "Probe": "exec httpGet:HTTPGetAction tcpSocket grpc initialDelaySeconds timeoutSeconds "
    "periodSeconds successThreshold failureThreshold terminationGracePeriodSeconds",
    "HTTPGetAction": "path port host scheme httpHeaders",
    "Lifecycle": "postStart:LifecycleHandler preStop:LifecycleHandler stopSignal",
    "LifecycleHandler": "exec httpGet:HTTPGetAction tcpSocket sleep",
    "SecurityContext": "capabilities privileged seLinuxOptions windowsOptions runAsUser "
    "runAsGroup runAsNonRoot readOnlyRootFilesystem allowPrivilegeEscalation procMount "
    "seccompProfile appArmorProfile",
    "PodSecurityContext": "seLinuxOptions windowsOptions runAsUser runAsGroup runAsNonRoot "
    "supplementalGroups supplementalGroupsPolicy fsGroup sysctls fsGroupChangePolicy "
    "seccompProfile appArmorProfile seLinuxChangePolicy",
    "Toleration": "key operator value effect tolerationSeconds",
    "Volume": "name hostPath:HostPathVolumeSource emptyDir:EmptyDirVolumeSource "
    "gcePersistentDisk awsElasticBlockStore gitRepo secret:SecretVolumeSource nfs iscsi "
    "glusterfs persistentVolumeClaim:PersistentVolumeClaimVolumeSource rbd flexVolume cinder "
    "cephfs flocker downwardAPI:DownwardAPIVolumeSource fc azureFile "
    "configMap:ConfigMapVolumeSource vsphereVolume quobyte azureDisk photonPersistentDisk "
    "projected:ProjectedVolumeSource portworxVolume scaleIO storageos csi ephemeral image",
    "HostPathVolumeSource": "path type",
    "EmptyDirVolumeSource": "medium sizeLimit",
    "SecretVolumeSource": "secretName items:[KeyToPath] defaultMode optional",
    "ConfigMapVolumeSource": "name items:[KeyToPath] defaultMode optional",
    "KeyToPath": "key path mode",
    "PersistentVolumeClaimVolumeSource": "claimName readOnly",
    "DownwardAPIVolumeSource": "items:[DownwardAPIVolumeFile] defaultMode",
    "DownwardAPIVolumeFile": "path fieldRef:ObjectFieldSelector resourceFieldRef mode",
    "ProjectedVolumeSource": "sources:[VolumeProjection] defaultMode",
    "VolumeProjection": "secret:SecretProjection downwardAPI:DownwardAPIProjection "
    "configMap:ConfigMapProjection serviceAccountToken:ServiceAccountTokenProjection "
    "clusterTrustBundle podCertificate",
    "SecretProjection": "name items:[KeyToPath] optional",
    "ConfigMapProjection": "name items:[KeyToPath] optional",
    "DownwardAPIProjection": "items:[DownwardAPIVolumeFile]",
    "ServiceAccountTokenProjection": "audience expirationSeconds path",
    "PodStatus": "observedGeneration phase conditions:[PodCondition] message reason "
    "nominatedNodeName hostIP hostIPs podIP podIPs startTime "
    "initContainerStatuses:[ContainerStatus] containerStatuses:[ContainerStatus] qosClass "
    "ephemeralContainerStatuses:[ContainerStatus] resize resourceClaimStatuses "
    "extendedResourceClaimStatus",
    "PodCondition": "type observedGeneration status lastProbeTime lastTransitionTime reason "
    "message",
    "ContainerStatus": "name state:ContainerState lastState:ContainerState ready restartCount "
    "image imageID containerID started allocatedResources:{} resources:ResourceRequirements "
    "volumeMounts user allocatedResourcesStatus stopSignal",
    "ContainerState": "waiting:ContainerStateWaiting running terminated:ContainerStateTerminated",
    "ContainerStateWaiting": "reason message",
    "ContainerStateTerminated": "exitCode signal reason message startedAt finishedAt containerID",
    "DeploymentSpec": "replicas selector:LabelSelector template:PodTemplateSpec! "
    "strategy:DeploymentStrategy! minReadySeconds revisionHistoryLimit paused "
    "progressDeadlineSeconds",
    "LabelSelector": "matchLabels:{} matchExpressions:[LabelSelectorRequirement]",
    "LabelSelectorRequirement": "key operator values",
    "PodTemplateSpec": "metadata:ObjectMeta! spec:PodSpec!",
    "DeploymentStrategy": "type rollingUpdate:RollingUpdateDeployment",
    "RollingUpdateDeployment": "maxUnavailable maxSurge",
    "DeploymentStatus": "observedGeneration replicas updatedReplicas readyReplicas "
    "availableReplicas unavailableReplicas terminatingReplicas "
    "conditions:[DeploymentCondition] collisionCount",
    "DeploymentCondition": "type status lastUpdateTime lastTransitionTime reason message",
    "ReplicaSetSpec": "replicas minReadySeconds selector:LabelSelector template:PodTemplateSpec!",
    "ReplicaSetStatus": "replicas fullyLabeledReplicas readyReplicas availableReplicas "
    "terminatingReplicas observedGeneration conditions:[ReplicaSetCondition]",
    "ReplicaSetCondition": "type status lastTransitionTime reason message",
    # core/v1 ReplicationController
    "ReplicationController": "kind apiVersion metadata:ObjectMeta! "
    "spec:ReplicationControllerSpec! status:ReplicationControllerStatus!",
    "ReplicationControllerSpec": "replicas minReadySeconds selector:{} template:PodTemplateSpec",
    "ReplicationControllerStatus": "replicas fullyLabeledReplicas readyReplicas "
    "availableReplicas observedGeneration conditions:[ReplicationControllerCondition]",
    "ReplicationControllerCondition": "type status lastTransitionTime reason message",
    "ControllerRevision": "kind apiVersion metadata:ObjectMeta! data revision",
    "DaemonSet": "kind apiVersion metadata:ObjectMeta! spec:DaemonSetSpec! status:DaemonSetStatus!",
    "DaemonSetSpec": "selector:LabelSelector template:PodTemplateSpec! "
    "updateStrategy:DaemonSetUpdateStrategy! minReadySeconds revisionHistoryLimit",
    "DaemonSetUpdateStrategy": "type rollingUpdate:RollingUpdateDaemonSet",
    "RollingUpdateDaemonSet": "maxUnavailable maxSurge",
    "DaemonSetStatus": "currentNumberScheduled numberMisscheduled desiredNumberScheduled "
    "numberReady observedGeneration updatedNumberScheduled numberAvailable numberUnavailable "
    "collisionCount conditions:[DaemonSetCondition]",
    "DaemonSetCondition": "type status lastTransitionTime reason message",
    "StatefulSet": "kind apiVersion metadata:ObjectMeta! spec:StatefulSetSpec! "
    "status:StatefulSetStatus!",
    "StatefulSetSpec": "replicas selector:LabelSelector template:PodTemplateSpec! "
    "volumeClaimTemplates:[PersistentVolumeClaim] serviceName podManagementPolicy "
    "updateStrategy:StatefulSetUpdateStrategy! revisionHistoryLimit minReadySeconds "
    "persistentVolumeClaimRetentionPolicy:StatefulSetPersistentVolumeClaimRetentionPolicy "
    "ordinals:StatefulSetOrdinals",
    "StatefulSetUpdateStrategy": "type rollingUpdate:RollingUpdateStatefulSetStrategy",
    "RollingUpdateStatefulSetStrategy": "partition maxUnavailable",
    "StatefulSetPersistentVolumeClaimRetentionPolicy": "whenDeleted whenScaled",
    "StatefulSetOrdinals": "start",
    "StatefulSetStatus": "observedGeneration replicas readyReplicas currentReplicas "
    "updatedReplicas currentRevision updateRevision collisionCount "
    "conditions:[StatefulSetCondition] availableReplicas",
    "StatefulSetCondition": "type status lastTransitionTime reason message",
    # batch/v1
    "Job": "kind apiVersion metadata:ObjectMeta! spec:JobSpec! status:JobStatus!",
    "JobSpec": "parallelism completions activeDeadlineSeconds podFailurePolicy:PodFailurePolicy "
    "successPolicy:SuccessPolicy backoffLimit backoffLimitPerIndex maxFailedIndexes "
    "selector:LabelSelector manualSelector template:PodTemplateSpec! ttlSecondsAfterFinished "
    "completionMode suspend podReplacementPolicy managedBy",
    "PodFailurePolicy": "rules:[PodFailurePolicyRule]",
    "PodFailurePolicyRule": "action onExitCodes:PodFailurePolicyOnExitCodesRequirement "
    "onPodConditions:[PodFailurePolicyOnPodConditionsPattern]",
    "PodFailurePolicyOnExitCodesRequirement": "containerName operator values",
    "PodFailurePolicyOnPodConditionsPattern": "type status",
    "SuccessPolicy": "rules:[SuccessPolicyRule]",
    "SuccessPolicyRule": "succeededIndexes succeededCount",
    "JobStatus": "conditions:[JobCondition] startTime completionTime active succeeded failed "
    "terminating completedIndexes failedIndexes uncountedTerminatedPods:UncountedTerminatedPods "
    "ready",
    "JobCondition": "type status lastProbeTime lastTransitionTime reason message",
    "UncountedTerminatedPods": "succeeded failed",
    "CronJob": "kind apiVersion metadata:ObjectMeta! spec:CronJobSpec! status:CronJobStatus!",
    "CronJobSpec": "schedule timeZone startingDeadlineSeconds concurrencyPolicy suspend "
    "jobTemplate:JobTemplateSpec! successfulJobsHistoryLimit failedJobsHistoryLimit",
    "JobTemplateSpec": "metadata:ObjectMeta! spec:JobSpec!",
    "CronJobStatus": "active:[ObjectReference] lastScheduleTime lastSuccessfulTime",
    "NamespaceSpec": "finalizers",
    "NamespaceStatus": "phase conditions",
    "NodeSpec": "podCIDR podCIDRs providerID unschedulable taints:[Taint] configSource externalID",
    "Taint": "key value effect timeAdded",
    "NodeStatus": "capacity:{} allocatable:{} phase conditions:[NodeCondition] "
    "addresses:[NodeAddress] daemonEndpoints nodeInfo images volumesInUse volumesAttached "
    "config runtimeHandlers features declaredFeatures",
    "NodeCondition": "type status lastHeartbeatTime lastTransitionTime reason message",
    "NodeAddress": "type address",
    "ObjectReference": "kind namespace name uid apiVersion resourceVersion fieldPath",
    "EventSource": "component host",
    # Storage (core/v1 PersistentVolume, PersistentVolumeClaim; storage/v1 StorageClass)
    "PersistentVolume": "kind apiVersion metadata:ObjectMeta! spec:PersistentVolumeSpec! "
    "status:PersistentVolumeStatus!",
    "PersistentVolumeSpec": "capacity:{} gcePersistentDisk awsElasticBlockStore "
    "hostPath:HostPathVolumeSource glusterfs nfs rbd iscsi cinder cephfs fc flocker flexVolume "
    "azureFile vsphereVolume quobyte azureDisk photonPersistentDisk portworxVolume scaleIO "
    "local storageos csi accessModes claimRef:ObjectReference persistentVolumeReclaimPolicy "
    "storageClassName mountOptions volumeMode nodeAffinity volumeAttributesClassName",
    "PersistentVolumeStatus": "phase message reason lastPhaseTransitionTime",
    "PersistentVolumeClaim": "kind apiVersion metadata:ObjectMeta! "
    "spec:PersistentVolumeClaimSpec! status:PersistentVolumeClaimStatus!",
    "PersistentVolumeClaimSpec": "accessModes selector:LabelSelector "
    "resources:VolumeResourceRequirements! volumeName storageClassName volumeMode dataSource "
    "dataSourceRef volumeAttributesClassName",
    "VolumeResourceRequirements": "limits:{} requests:{}",
    "PersistentVolumeClaimStatus": "phase accessModes capacity:{} conditions "
    "allocatedResources:{} allocatedResourceStatuses:{} currentVolumeAttributesClassName "
    "modifyVolumeStatus",
    "StorageClass": "kind apiVersion metadata:ObjectMeta! provisioner parameters:{} "
    "reclaimPolicy mountOptions allowVolumeExpansion volumeBindingMode allowedTopologies",
    # The policy kinds (core/v1 LimitRange, ResourceQuota; scheduling/v1 PriorityClass;
    # policy/v1 PodDisruptionBudget)
    "LimitRange": "kind apiVersion metadata:ObjectMeta! spec:LimitRangeSpec!",
    "LimitRangeSpec": "limits:[LimitRangeItem]",
    "LimitRangeItem": "type max:{} min:{} default:{} defaultRequest:{} maxLimitRequestRatio:{}",
    "ResourceQuota": "kind apiVersion metadata:ObjectMeta! spec:ResourceQuotaSpec! "
    "status:ResourceQuotaStatus!",
    "ResourceQuotaSpec": "hard:{} scopes scopeSelector",
    "ResourceQuotaStatus": "hard:{} used:{}",
    "PriorityClass": "kind apiVersion metadata:ObjectMeta! value globalDefault description "
    "preemptionPolicy",
    "PodDisruptionBudget": "kind apiVersion metadata:ObjectMeta! spec:PodDisruptionBudgetSpec! "
    "status:PodDisruptionBudgetStatus!",
    "PodDisruptionBudgetSpec": "minAvailable selector:LabelSelector maxUnavailable "
    "unhealthyPodEvictionPolicy",
    "PodDisruptionBudgetStatus": "observedGeneration disruptedPods:{} disruptionsAllowed "
    "currentHealthy desiredHealthy expectedPods conditions:[Condition]",
    "Condition": "type status observedGeneration lastTransitionTime reason message",
    # networking.k8s.io/v1: Ingress, IngressClass, NetworkPolicy
    "Ingress": "kind apiVersion metadata:ObjectMeta! spec:IngressSpec! status:IngressStatus!",
    "IngressSpec": "ingressClassName defaultBackend:IngressBackend tls:[IngressTLS] "
    "rules:[IngressRule]",
    "IngressBackend": "service:IngressServiceBackend resource:TypedLocalObjectReference",
    "IngressServiceBackend": "name port:ServiceBackendPort!",
    "ServiceBackendPort": "name number",
    "TypedLocalObjectReference": "apiGroup kind name",
    "IngressTLS": "hosts secretName",
    "IngressRule": "host http:HTTPIngressRuleValue",
    "HTTPIngressRuleValue": "paths:[HTTPIngressPath]",
    "HTTPIngressPath": "path pathType backend:IngressBackend!",
    "IngressStatus": "loadBalancer:IngressLoadBalancerStatus!",
    "IngressLoadBalancerStatus": "ingress:[IngressLoadBalancerIngress]",
    "IngressLoadBalancerIngress": "ip hostname ports",
    "IngressClass": "kind apiVersion metadata:ObjectMeta! spec:IngressClassSpec!",
    "IngressClassSpec": "controller parameters:IngressClassParametersReference",
    "IngressClassParametersReference": "apiGroup kind name scope namespace",
    "NetworkPolicy": "kind apiVersion metadata:ObjectMeta! spec:NetworkPolicySpec!",
    "NetworkPolicySpec": "podSelector:LabelSelector! ingress:[NetworkPolicyIngressRule] "
    "egress:[NetworkPolicyEgressRule] policyTypes",
    "NetworkPolicyIngressRule": "ports:[NetworkPolicyPort] from:[NetworkPolicyPeer]",
    "NetworkPolicyEgressRule": "ports:[NetworkPolicyPort] to:[NetworkPolicyPeer]",
    "NetworkPolicyPort": "protocol port endPort",
    "NetworkPolicyPeer": "podSelector:LabelSelector namespaceSelector:LabelSelector "
    "ipBlock:IPBlock",
    "IPBlock": "cidr except",
    # admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy(Binding)
    "ValidatingAdmissionPolicy": "kind apiVersion metadata:ObjectMeta! "
    "spec:ValidatingAdmissionPolicySpec! status:ValidatingAdmissionPolicyStatus!",
    "ValidatingAdmissionPolicySpec": "paramKind:ParamKind matchConstraints:MatchResources "
    "validations:[Validation] failurePolicy auditAnnotations:[AuditAnnotation] "
    "matchConditions:[MatchCondition] variables:[Variable]",
    "ParamKind": "apiVersion kind",
    "MatchResources": "namespaceSelector:LabelSelector objectSelector:LabelSelector "
    "resourceRules:[NamedRuleWithOperations] excludeResourceRules:[NamedRuleWithOperations] "
    "matchPolicy",
    "NamedRuleWithOperations": "resourceNames operations apiGroups apiVersions resources scope",
    "Validation": "expression message reason messageExpression",
    "AuditAnnotation": "key valueExpression",
    "MatchCondition": "name expression",
    "Variable": "name expression",
    "ValidatingAdmissionPolicyStatus": "observedGeneration typeChecking:TypeChecking "
    "conditions:[Condition]",
    "TypeChecking": "expressionWarnings:[ExpressionWarning]",
    "ExpressionWarning": "fieldRef warning",
    "ValidatingAdmissionPolicyBinding": "kind apiVersion metadata:ObjectMeta! "
    "spec:ValidatingAdmissionPolicyBindingSpec!",
    "ValidatingAdmissionPolicyBindingSpec": "policyName paramRef:ParamRef "
    "matchResources:MatchResources validationActions",
    "ParamRef": "name namespace selector:LabelSelector parameterNotFoundAction",
    # autoscaling/v2 HorizontalPodAutoscaler
    "HorizontalPodAutoscaler": "kind apiVersion metadata:ObjectMeta! "
    "spec:HorizontalPodAutoscalerSpec! status:HorizontalPodAutoscalerStatus!",
    "HorizontalPodAutoscalerSpec": "scaleTargetRef:CrossVersionObjectReference! minReplicas "
    "maxReplicas metrics:[MetricSpec] behavior:HorizontalPodAutoscalerBehavior",
    "CrossVersionObjectReference": "kind name apiVersion",
    "MetricSpec": "type object pods resource:ResourceMetricSource containerResource external",
    "ResourceMetricSource": "name target:MetricTarget!",
    "MetricTarget": "type value averageValue averageUtilization",
    "HorizontalPodAutoscalerBehavior": "scaleUp:HPAScalingRules scaleDown:HPAScalingRules",
    "HPAScalingRules": "stabilizationWindowSeconds selectPolicy policies:[HPAScalingPolicy] "
    "tolerance",
    "HPAScalingPolicy": "type value periodSeconds",
    "HorizontalPodAutoscalerStatus": "observedGeneration lastScaleTime currentReplicas "
    "desiredReplicas currentMetrics:[MetricStatus] conditions:[HorizontalPodAutoscalerCondition]",
    "MetricStatus": "type object pods resource containerResource external",
    "HorizontalPodAutoscalerCondition": "type status lastTransitionTime reason message",
}

# Non-pointer, non-omitempty scalars Go always writes, with their zero values.
_ALWAYS_WRITTEN: dict[str, dict[str, Any]] = {
    "ReplicaSetStatus": {"replicas": 0},
    "ReplicationControllerStatus": {"replicas": 0},
    "StatefulSetStatus": {"replicas": 0, "availableReplicas": 0},
    "ControllerRevision": {"revision": 0},
    # rbac/v1 `json:"rules"` has no omitempty: a role without rules is written `rules: null`.
    "Role": {"rules": None},
    # autoscaling/v2 `json:"desiredReplicas"`, `json:"currentMetrics"`: a new HPA's status.
    "HorizontalPodAutoscalerStatus": {"desiredReplicas": 0, "currentMetrics": None},
    "ClusterRole": {"rules": None},
    "DaemonSetStatus": {
        "currentNumberScheduled": 0,
        "numberMisscheduled": 0,
        "desiredNumberScheduled": 0,
        "numberReady": 0,
    },
    "PriorityClass": {"value": 0},
    "PodDisruptionBudgetStatus": {
        "disruptionsAllowed": 0,
        "currentHealthy": 0,
        "desiredHealthy": 0,
        "expectedPods": 0,
    },
    "Event": {
        "firstTimestamp": None,
        "lastTimestamp": None,
        "eventTime": None,
        "reportingComponent": "",
        "reportingInstance": "",
    },
}

# One parsed field: (JSON key, nested type, shape, always written). Shapes: "" scalar,
# "struct", "list" (of structs), "map".
_Field = tuple[str, str, str, bool]


def _parse_schema(text: str) -> list[_Field]:
    fields: list[_Field] = []
    for token in text.split():
        always = token.endswith("!")
        token = token.rstrip("!")
        key, _, kind = token.partition(":")
        if kind == "{}":
            fields.append((key, "", "map", False))
        elif kind.startswith("["):
            fields.append((key, kind[1:-1], "list", False))
        elif kind:
            fields.append((key, kind, "struct", always))
        else:
            fields.append((key, "", "", False))
    return fields


_SCHEMA: dict[str, list[_Field]] = {name: _parse_schema(t) for name, t in _SCHEMA_TEXT.items()}


def order_like_go(kind: str, obj: Obj, old: Obj | None = None) -> None:
    """Reorder `obj` in place into Go's JSON field order (unknown keys keep their place at the
    end) and add the always-serialized empty structs (`status: {}`, `resources: {}`).

    `old`: the stored object `obj` was computed from; values shared with it are already in
    order and are skipped (see set_defaults)."""
    if kind in _SCHEMA:
        _reorder(kind, obj, old)


# _SCHEMA by key: JSON key -> (position, nested type, shape); and the keys always written.
_POSITIONS: dict[str, dict[str, tuple[int, str, str]]] = {
    name: {key: (i, nested, shape) for i, (key, nested, shape, _) in enumerate(fields)}
    for name, fields in _SCHEMA.items()
}
_ALWAYS: dict[str, tuple[str, ...]] = {
    name: tuple(key for key, _, _, always in fields if always) for name, fields in _SCHEMA.items()
}


def _reorder(type_name: str, obj: Obj, old: Obj | None = None) -> None:
    # Walks the keys the object has (not every field of the schema) and rebuilds the map only
    # when they are out of order: this runs over every object the API server writes.
    positions = _POSITIONS[type_name]
    for key, default in _ALWAYS_WRITTEN.get(type_name, {}).items():
        obj.setdefault(key, default)
    for key in _ALWAYS[type_name]:
        if key not in obj:
            obj[key] = {}
    in_order, last, unknown_seen = True, -1, False
    for key, value in obj.items():
        field = positions.get(key)
        if field is None:
            unknown_seen = True
            continue
        position, nested, shape = field
        if position < last or unknown_seen:
            in_order = False
        last = position
        if not shape:
            continue
        before = old.get(key) if old is not None else None
        if value is before:
            pass  # shared with the stored object: already in order
        elif shape == "struct" and isinstance(value, dict):
            _reorder(nested, value, before if isinstance(before, dict) else None)
        elif shape == "list" and isinstance(value, list):
            stored = {id(item) for item in before} if isinstance(before, list) else ()
            for item in value:
                if isinstance(item, dict) and id(item) not in stored:
                    _reorder(nested, item)
        elif shape == "map" and isinstance(value, dict):
            items = sorted(value.items())
            value.clear()
            value.update(items)
    if in_order:
        return
    # Schema fields in declaration order, then the keys the schema does not know, as they were.
    known = sorted(obj.keys() & positions.keys(), key=lambda key: positions[key][0])
    ordered = {key: obj[key] for key in known}
    ordered.update((key, value) for key, value in obj.items() if key not in positions)
    obj.clear()
    obj.update(ordered)
