"""Column definitions of the server-side Tables (pkg/printers/internalversion/printers.go
AddHandlers; the default convertor's in staging/src/k8s.io/apiserver/pkg/registry/rest/table.go).

Descriptions are the Go SwaggerDoc strings the definitions carry; kubectl never prints them,
`kubectl get --raw` shows them.

Why past 600 lines: it is data — one list per kind Podlife serves, each with upstream's
descriptions word for word; split by kind it would scatter one table across many files.
"""

from __future__ import annotations

from typing import Any

_NAME_DOC = (
    "Name must be unique within a namespace. Is required when creating resources, although "
    "some resources may allow a client to request the generation of an appropriate name "
    "automatically. Name is primarily intended for creation idempotence and configuration "
    "definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)

_AGE_DOC = (
    "CreationTimestamp is a timestamp representing the server time when this object was "
    "created. It is not guaranteed to be set in happens-before order across separate "
    "operations. Clients may not set this value. It is represented in RFC3339 form and is in "
    "UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/"
    "api-conventions.md#metadata"
)

_CONTAINERS_DOC = "Names of each container in the template."

_IMAGES_DOC = "Images referenced by each container in the template."


def _column(
    name: str, description: str, *, kind: str = "string", fmt: str = "", priority: int = 0
) -> dict[str, Any]:
    return {
        "name": name,
        "type": kind,
        "format": fmt,
        "description": description,
        "priority": priority,
    }


_NAME = _column("Name", _NAME_DOC, fmt="name")

_AGE = _column("Age", _AGE_DOC)

POD_COLUMNS = [
    _NAME,
    _column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    _column("Status", "The aggregate status of the containers in this pod."),
    _column(
        "Restarts",
        "The number of times the containers in this pod have been restarted "
        "and when the last container in this pod has restarted.",
    ),
    _AGE,
    _column(
        "IP",
        "podIP address allocated to the pod. Routable at least within the cluster. "
        "Empty if not yet allocated.",
        priority=1,
    ),
    _column(
        "Node",
        "NodeName indicates in which node this pod is scheduled. If empty, this "
        "pod is a candidate for scheduling by the scheduler defined in schedulerName. Once "
        "this field is set, the kubelet for this node becomes responsible for the lifecycle "
        "of this pod. This field should not be used to express a desire for the pod to be "
        "scheduled on a specific node. "
        "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
        priority=1,
    ),
    _column(
        "Nominated Node",
        "nominatedNodeName is set only when this pod preempts other "
        "pods on the node, but it cannot be scheduled right away as preemption victims "
        "receive their graceful termination periods. This field does not guarantee that the "
        "pod will be scheduled on this node.",
        priority=1,
    ),
    _column(
        "Readiness Gates",
        "If specified, all readiness gates will be evaluated for pod "
        "readiness. A pod is ready when all its containers are ready AND all conditions "
        'specified in the readiness gates have status equal to "True" More info: '
        "https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates",
        priority=1,
    ),
]

REPLICA_SET_COLUMNS = [
    _NAME,
    _column(
        "Desired",
        "Replicas is the number of desired pods. This is a pointer to "
        "distinguish between explicit zero and unspecified. Defaults to 1.",
        kind="integer",
    ),
    _column(
        "Current",
        "Replicas is the most recently observed number of non-terminating pods.",
        kind="integer",
    ),
    _column(
        "Ready",
        "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.",
        kind="integer",
    ),
    _AGE,
    _column("Containers", _CONTAINERS_DOC, priority=1),
    _column("Images", _IMAGES_DOC, priority=1),
    _column(
        "Selector",
        "Selector is a label query over pods that should match the replica "
        "count. Label keys and values that must match in order to be controlled by this "
        "replica set. It must match the pod template's labels.",
        priority=1,
    ),
]

_RC_DOC = (
    "More info: "
    "https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller"
    "#what-is-a-replicationcontroller"
)

REPLICATION_CONTROLLER_COLUMNS = [  # printers.go replicationControllerColumnDefinitions
    _NAME,
    _column(
        "Desired",
        "Replicas is the number of desired replicas. This is a pointer to distinguish between "
        f"explicit zero and unspecified. Defaults to 1. {_RC_DOC}",
        kind="integer",
    ),
    _column(
        "Current",
        f"Replicas is the most recently observed number of replicas. {_RC_DOC}",
        kind="integer",
    ),
    _column(
        "Ready",
        "The number of ready replicas for this replication controller.",
        kind="integer",
    ),
    _AGE,
    _column("Containers", _CONTAINERS_DOC, priority=1),
    _column("Images", _IMAGES_DOC, priority=1),
    _column(
        "Selector",
        "Selector is a label query over pods that should match the Replicas count. If "
        "Selector is empty, it is defaulted to the labels present on the Pod template. Label "
        "keys and values that must match in order to be controlled by this replication "
        "controller, if empty defaulted to labels on Pod template. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/"
        "#label-selectors",
        priority=1,
    ),
]

STATEFUL_SET_COLUMNS = [  # printers.go statefulSetColumnDefinitions
    _NAME,
    _column("Ready", "Number of the pod with ready state"),
    _AGE,
    _column("Containers", _CONTAINERS_DOC, priority=1),
    _column("Images", _IMAGES_DOC, priority=1),
]

_DAEMONS_DOC = "More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"

DAEMON_SET_COLUMNS = [
    _NAME,
    _column(
        "Desired",
        "The total number of nodes that should be running the daemon pod (including nodes "
        "correctly running the daemon pod). " + _DAEMONS_DOC,
        kind="integer",
    ),
    _column(
        "Current",
        "The number of nodes that are running at least 1 daemon pod and are supposed to run "
        "the daemon pod. " + _DAEMONS_DOC,
        kind="integer",
    ),
    _column(
        "Ready",
        "numberReady is the number of nodes that should be running the daemon pod and have one "
        "or more of the daemon pod running with a Ready Condition.",
        kind="integer",
    ),
    _column(
        "Up-to-date",
        "The total number of nodes that are running updated daemon pod",
        kind="integer",
    ),
    _column(
        "Available",
        "The number of nodes that should be running the daemon pod and have one or more of the "
        "daemon pod running and available (ready for at least spec.minReadySeconds)",
        kind="integer",
    ),
    _column(
        "Node Selector",
        "NodeSelector is a selector which must be true for the pod to fit on a node. Selector "
        "which must match a node's labels for the pod to be scheduled on that node. More info: "
        "https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
    ),
    _AGE,
    _column("Containers", _CONTAINERS_DOC, priority=1),
    _column("Images", _IMAGES_DOC, priority=1),
    _column(
        "Selector",
        "A label query over pods that are managed by the daemon set. Must match in order to be "
        "controlled. It must match the pod template's labels. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/"
        "#label-selectors",
        priority=1,
    ),
]

CONTROLLER_REVISION_COLUMNS = [
    _NAME,
    _column("Controller", "Controller of the object"),
    _column("Revision", "Revision indicates the revision of the state represented by Data."),
    _AGE,
]

DEPLOYMENT_COLUMNS = [
    _NAME,
    _column("Ready", "Number of the pod with ready state"),
    _column(
        "Up-to-date",
        "Total number of non-terminating pods targeted by this deployment "
        "that have the desired template spec.",
    ),
    _column(
        "Available",
        "Total number of available non-terminating pods (ready for at least "
        "minReadySeconds) targeted by this deployment.",
    ),
    _AGE,
    _column("Containers", _CONTAINERS_DOC, priority=1),
    _column("Images", _IMAGES_DOC, priority=1),
    _column(
        "Selector",
        "Label selector for pods. Existing ReplicaSets whose pods are selected "
        "by this will be the ones affected by this deployment.",
        priority=1,
    ),
]

NODE_COLUMNS = [
    _NAME,
    _column("Status", "The status of the node"),
    _column("Roles", "The roles of the node"),
    _AGE,
    _column("Version", "Kubelet Version reported by the node."),
    _column("Internal-IP", "List of addresses reachable to the node.", priority=1),
    _column("External-IP", "List of addresses reachable to the node.", priority=1),
    _column(
        "OS-Image",
        "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
        priority=1,
    ),
    _column(
        "Kernel-Version",
        "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
        priority=1,
    ),
    _column(
        "Container-Runtime",
        "ContainerRuntime Version reported by the node through "
        "runtime remote API (e.g. containerd://1.4.2).",
        priority=1,
    ),
]

EVENT_COLUMNS = [
    _column(
        "Last Seen", "The time at which the most recent occurrence of this event was recorded."
    ),
    _column("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
    _column(
        "Reason",
        "This should be a short, machine understandable string that gives the "
        "reason for the transition into the object's current status.",
    ),
    _column("Object", "The object that this event is about."),
    _column(
        "Subobject",
        "If referring to a piece of an object instead of an entire object, "
        "this string should contain a valid JSON/Go field access statement, such as "
        "desiredState.manifest.containers[2].",
        priority=1,
    ),
    _column(
        "Source",
        "The component reporting this event. Should be a short machine understandable string.",
        priority=1,
    ),
    _column("Message", "A human-readable description of the status of this operation."),
    _column(
        "First Seen",
        "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
        priority=1,
    ),
    _column("Count", "The number of times this event has occurred.", priority=1),
    _column("Name", _NAME_DOC, fmt="name", priority=1),
]

NAMESPACE_COLUMNS = [_NAME, _column("Status", "The status of the namespace"), _AGE]

# printers.go endpointColumnDefinitions
ENDPOINTS_COLUMNS = [
    _NAME,
    _column(
        "Endpoints",
        "The set of all endpoints is the union of all subsets. Addresses are placed into "
        "subsets according to the IPs they share. A single address with multiple ports, some "
        "of which are ready and some of which are not (because they come from different "
        "containers) will result in the address being displayed in different subsets for the "
        "different ports. No address will appear in both Addresses and NotReadyAddresses in "
        "the same subset. Sets of addresses and ports that comprise a service.",
    ),
    _AGE,
]

# printers.go endpointSliceColumnDefinitions: the docs are EndpointSlice's.
ENDPOINT_SLICE_COLUMNS = [
    _NAME,
    _column(
        "AddressType",
        "addressType specifies the type of address carried by this EndpointSlice. All "
        "addresses in this slice must be the same type. This field is immutable after "
        "creation. The following address types are currently supported:\n* IPv4: Represents "
        "an IPv4 Address.\n* IPv6: Represents an IPv6 Address.\n* FQDN: Represents a Fully "
        "Qualified Domain Name.",
    ),
    _column(
        "Ports",
        "ports specifies the list of network ports exposed by each endpoint in this slice. "
        "Each port must have a unique name. When ports is empty, it indicates that there are "
        'no defined ports. When a port is defined with a nil port value, it indicates "all '
        'ports". Each slice may include a maximum of 100 ports.',
    ),
    _column(
        "Endpoints",
        "endpoints is a list of unique endpoints in this slice. Each slice may include a "
        "maximum of 1000 endpoints.",
    ),
    _AGE,
]

# rest/table.go defaultTableConvertor
CONFIG_MAP_COLUMNS = [
    _NAME,
    _column(
        "Data",
        "Data contains the configuration data. Each key must consist of alphanumeric "
        "characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the "
        "BinaryData field. The keys stored in Data must not overlap with the keys in the "
        "BinaryData field, this is enforced during validation process.",
    ),
    _AGE,
]

SECRET_COLUMNS = [
    _NAME,
    _column(
        "Type",
        "Used to facilitate programmatic handling of secret data. More info: "
        "https://kubernetes.io/docs/concepts/configuration/secret/#secret-types",
    ),
    _column(
        "Data",
        "Data contains the secret data. Each key must consist of alphanumeric characters, "
        "'-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, "
        "representing the arbitrary (possibly non-string) data value here. Described in "
        "https://tools.ietf.org/html/rfc4648#section-4",
    ),
    _AGE,
]

# printers.go serviceAccountColumnDefinitions: the count of spec.secrets (rarely any since
# 1.24, when token Secrets stopped being made for every account).
SERVICE_ACCOUNT_COLUMNS = [
    _NAME,
    _column(
        "Secrets",
        "Secrets is a list of the secrets in the same namespace that pods running using this "
        "ServiceAccount are allowed to use. Pods are only limited to this list if this service "
        'account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The '
        '"kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer '
        "separate namespaces to isolate access to mounted secrets. This field should not be "
        "used to find auto-generated service account token secrets for use outside of pods. "
        "Instead, tokens can be requested directly using the TokenRequest API, or service "
        "account token secrets can be manually created. More info: "
        "https://kubernetes.io/docs/concepts/configuration/secret",
    ),
    _AGE,
]

# printers.go roleBindingsColumnDefinitions (RoleBindings and ClusterRoleBindings).
ROLE_BINDING_COLUMNS = [
    _NAME,
    _column(
        "Role",
        "RoleRef can reference a Role in the current namespace or a ClusterRole in the global "
        "namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.",
    ),
    _AGE,
    _column("Users", "Users in the roleBinding", priority=1),
    _column("Groups", "Groups in the roleBinding", priority=1),
    _column("ServiceAccounts", "ServiceAccounts in the roleBinding", priority=1),
]

# printers.go serviceColumnDefinitions: the docs are ServiceSpec's.
SERVICE_COLUMNS = [
    _NAME,
    _column(
        "Type",
        "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are "
        "ExternalName, ClusterIP, NodePort, and LoadBalancer.",
    ),
    _column(
        "Cluster-IP",
        "clusterIP is the IP address of the service and is usually assigned randomly. If an "
        "address is specified manually, is in-range (as per system configuration), and is not "
        "in use, it will be allocated to the service; otherwise creation of the service will "
        "fail.",
    ),
    _column(
        "External-IP",
        "externalIPs is a list of IP addresses for which nodes in the cluster will also accept "
        "traffic for this service.  These IPs are not managed by Kubernetes.",
    ),
    _column("Port(s)", "The list of ports that are exposed by this service."),
    _AGE,
    _column(
        "Selector",
        "Route service traffic to pods with label keys and values matching this selector.",
        priority=1,
    ),
]

DEFAULT_COLUMNS = [_NAME, _column("Created At", _AGE_DOC, kind="date")]


# printers.go persistentVolumeColumnDefinitions, persistentVolumeClaimColumnDefinitions,
# storageClassColumnDefinitions: the descriptions are the Go SwaggerDocs.
PERSISTENT_VOLUME_COLUMNS = [
    _NAME,
    _column(
        "Capacity",
        "capacity is the description of the persistent volume's resources and capacity. More "
        "info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity",
    ),
    _column(
        "Access Modes",
        "accessModes contains all ways the volume can be mounted. More info: "
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes",
    ),
    _column(
        "Reclaim Policy",
        "persistentVolumeReclaimPolicy defines what happens to a persistent volume when "
        "released from its claim. Valid options are Retain (default for manually created "
        "PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), "
        "and Recycle (deprecated). Recycle must be supported by the volume plugin underlying "
        "this PersistentVolume. More info: "
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming",
    ),
    _column(
        "Status",
        "phase indicates if a volume is available, bound to a claim, or released by a claim. "
        "More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase",
    ),
    _column(
        "Claim",
        "claimRef is part of a bi-directional binding between PersistentVolume and "
        "PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the "
        "authoritative bind between PV and PVC. More info: "
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding",
    ),
    _column("StorageClass", "StorageClass of the pv"),
    _column("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
    _column(
        "Reason",
        "reason is a brief CamelCase string that describes any failure and is meant for "
        "machine parsing and tidy display in the CLI.",
    ),
    _AGE,
    _column(
        "VolumeMode",
        "volumeMode defines if a volume is intended to be used with a formatted filesystem or "
        "to remain in raw block state. Value of Filesystem is implied when not included in "
        "spec.",
        priority=1,
    ),
]

PERSISTENT_VOLUME_CLAIM_COLUMNS = [
    _NAME,
    _column(
        "Status",
        "phase represents the current phase of PersistentVolumeClaim.",
    ),
    _column(
        "Volume",
        "volumeName is the binding reference to the PersistentVolume backing this claim.",
    ),
    _column(
        "Capacity",
        "capacity represents the actual resources of the underlying volume.",
    ),
    _column(
        "Access Modes",
        "accessModes contains the actual access modes the volume backing the PVC has. More "
        "info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1",
    ),
    _column("StorageClass", "StorageClass of the pvc"),
    _column("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
    _AGE,
    _column(
        "VolumeMode",
        "volumeMode defines what type of volume is required by the claim. Value of "
        "Filesystem is implied when not included in claim spec.",
        priority=1,
    ),
]

STORAGE_CLASS_COLUMNS = [
    _NAME,
    _column("Provisioner", "provisioner indicates the type of the provisioner."),
    _column(
        "ReclaimPolicy",
        "reclaimPolicy controls the reclaimPolicy for dynamically provisioned "
        "PersistentVolumes of this storage class. Defaults to Delete.",
    ),
    _column(
        "VolumeBindingMode",
        "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and "
        "bound.  When unset, VolumeBindingImmediate is used. This field is only honored by "
        "servers that enable the VolumeScheduling feature.",
    ),
    _column(
        "AllowVolumeExpansion",
        "allowVolumeExpansion shows whether the storage class allow volume expand.",
    ),
    _AGE,
]


# printers.go resourceQuotaColumnDefinitions, priorityClassColumnDefinitions and
# podDisruptionBudgetColumnDefinitions (a LimitRange prints the default Name, Created At).
RESOURCE_QUOTA_COLUMNS = [
    _NAME,
    _AGE,
    _column(
        "Request",
        "Request represents a minimum amount of cpu/memory that a container may consume.",
    ),
    _column(
        "Limit",
        "Limits control the maximum amount of cpu/memory that a container may use independent "
        "of contention on the node.",
    ),
]

PRIORITY_CLASS_COLUMNS = [
    _NAME,
    _column(
        "Value",
        "value represents the integer value of this priority class. This is the actual "
        "priority that pods receive when they have the name of this class in their pod spec.",
        kind="integer",
    ),
    _column(
        "Global-Default",
        "globalDefault specifies whether this PriorityClass should be considered as the "
        "default priority for pods that do not have any priority class. Only one PriorityClass "
        "can be marked as `globalDefault`. However, if more than one PriorityClasses exists "
        "with their `globalDefault` field set to true, the smallest value of such global "
        "default PriorityClasses will be used as the default priority.",
        kind="boolean",
    ),
    _AGE,
    _column(
        "PreemptionPolicy",
        "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, "
        "PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.",
    ),
]

POD_DISRUPTION_BUDGET_COLUMNS = [
    _NAME,
    _column(
        "Min Available", "The minimum number or percentage of available pods this budget requires."
    ),
    _column(
        "Max Unavailable",
        "The maximum number or percentage of unavailable pods this budget requires.",
    ),
    _column(
        "Allowed Disruptions",
        "Calculated number of pods that may be disrupted at this time.",
        kind="integer",
    ),
    _AGE,
]

# networking.k8s.io/v1 (printers.go ingressColumnDefinitions, ingressClassColumnDefinitions,
# networkPolicyColumnDefinitioins)
INGRESS_COLUMNS = [
    _NAME,
    _column(
        "Class",
        "The name of the IngressClass resource that should be used for additional configuration",
    ),
    _column("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
    _column("Address", "Address is a list containing ingress points for the load-balancer"),
    _column("Ports", "Ports of TLS configurations that open"),
    _AGE,
]
INGRESS_CLASS_COLUMNS = [
    _NAME,
    _column("Controller", "Controller that is responsible for handling this class"),
    _column("Parameters", "A reference to a resource with additional parameters"),
    _AGE,
]
NETWORK_POLICY_COLUMNS = [
    _NAME,
    _column(
        "Pod-Selector",
        "podSelector selects the pods to which this NetworkPolicy object applies. The array of "
        "rules is applied to any pods selected by this field. An empty selector matches all "
        "pods in the policy's namespace. Multiple network policies can select the same set of "
        "pods. In this case, the ingress rules for each are combined additively. This field is "
        "optional. If it is not specified, it defaults to an empty selector.",
    ),
    _AGE,
]

# autoscaling/v2 (printers.go horizontalPodAutoscalerColumnDefinitions: the v2 SwaggerDocs)
HORIZONTAL_POD_AUTOSCALER_COLUMNS = [
    _NAME,
    _column(
        "Reference",
        "scaleTargetRef points to the target resource to scale, and is used to the pods for "
        "which metrics should be collected, as well as to actually change the replica count.",
    ),
    _column(
        "Targets",
        "metrics contains the specifications for which to use to calculate the desired "
        "replica count (the maximum replica count across all metrics will be used).  The "
        "desired replica count is calculated multiplying the ratio between the target value "
        "and the current value by the current number of pods.  Ergo, metrics used must "
        "decrease as the pod count is increased, and vice-versa.  See the individual metric "
        "source types for more information about how each type of metric must respond. If not "
        "set, the default metric will be set to 80% average CPU utilization.",
    ),
    _column(
        "MinPods",
        "minReplicas is the lower limit for the number of replicas to which the autoscaler "
        "can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha "
        "feature gate HPAScaleToZero is enabled and at least one Object or External metric is "
        "configured.  Scaling is active as long as at least one metric value is available.",
    ),
    _column(
        "MaxPods",
        "maxReplicas is the upper limit for the number of replicas to which the autoscaler "
        "can scale up. It cannot be less that minReplicas.",
    ),
    _column(
        "Replicas",
        "currentReplicas is current number of replicas of pods managed by this autoscaler, as "
        "last seen by the autoscaler.",
    ),
    _AGE,
]

# admissionregistration.k8s.io/v1 (printers.go validatingAdmissionPolicy,
# validatingAdmissionPolicyBinding)
VALIDATING_ADMISSION_POLICY_COLUMNS = [
    _NAME,
    _column("Validations", "Validation rules count", kind="integer"),
    _column("ParamKind", "Param Kind"),
    _AGE,
]
VALIDATING_ADMISSION_POLICY_BINDING_COLUMNS = [
    _NAME,
    _column("PolicyName", "Policy Name"),
    _column("ParamRef", "Param Ref"),
    _AGE,
]
