"""core/v1 Pod: PodSpec and the scheduling constraints in it, PodStatus, and PodTemplateSpec
(k8s.io/api core/v1/types.go).

Why past 600 lines: it is the Pod's schema, one declaration per Go struct, in types.go's order.
"""

from __future__ import annotations

from engine.apiserver.schema.container import CONTAINER, EPHEMERAL_CONTAINER
from engine.apiserver.schema.meta import (
    API_VERSION,
    KIND,
    LABEL_SELECTOR,
    LIST_META,
    OBJECT_META,
)
from engine.apiserver.schema.model import (
    Prop,
    Struct,
    boolean,
    free_form,
    int32,
    int64,
    list_of,
    quantities,
    ref,
    string,
    string_map,
    strings,
    time,
)
from engine.apiserver.schema.volume import VOLUME

CORE = "io.k8s.api.core.v1."
POD = CORE + "Pod"
POD_SPEC = CORE + "PodSpec"
POD_TEMPLATE_SPEC = CORE + "PodTemplateSpec"
NODE_SELECTOR_TERM = CORE + "NodeSelectorTerm"
NODE_SELECTOR_REQUIREMENT = CORE + "NodeSelectorRequirement"
OBJECT_REFERENCE = CORE + "ObjectReference"

_CANNOT_UPDATE = " Cannot be updated."

_SPEC_FIELDS: dict[str, Prop] = {
    "activeDeadlineSeconds": int64(
        "How long, in seconds from its start, the pod may run before the kubelet stops it and "
        "marks it Failed (reason DeadlineExceeded)."
    ),
    "affinity": ref(
        CORE + "Affinity", "Rules that attract the pod to (or repel it from) nodes and other pods."
    ),
    "automountServiceAccountToken": boolean(
        "Whether the service account's API token is mounted into the containers."
    ),
    "containers": list_of(
        CONTAINER,
        "The containers of the pod. There must be at least one. Containers cannot be added "
        "or removed once the pod exists.",
        merge_key="name",
        map_keys=("name",),
    ),
    "dnsConfig": ref(
        CORE + "PodDNSConfig", "Extra DNS settings merged into what dnsPolicy produces."
    ),
    "dnsPolicy": string(
        "How the pod resolves names: ClusterFirst (cluster DNS, the default), "
        "ClusterFirstWithHostNet, Default (the node's resolver) or None (only dnsConfig).",
        enum=("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"),
    ),
    "enableServiceLinks": boolean(
        "Whether Services in the namespace are announced to the containers as environment "
        "variables (Docker-links style). Defaults to true."
    ),
    "ephemeralContainers": list_of(
        EPHEMERAL_CONTAINER,
        "Debugging containers added to the running pod (kubectl debug). They can only be "
        "added, through the ephemeralcontainers subresource.",
        merge_key="name",
        map_keys=("name",),
    ),
    "hostAliases": list_of(
        CORE + "HostAlias",
        "Extra entries for the containers' /etc/hosts.",
        merge_key="ip",
        map_keys=("ip",),
    ),
    "hostIPC": boolean("Share the node's IPC namespace. Defaults to false."),
    "hostNetwork": boolean(
        "Use the node's network namespace instead of a pod network: the pod sees the node's "
        "interfaces and ports. Defaults to false."
    ),
    "hostPID": boolean("Share the node's process namespace. Defaults to false."),
    "hostUsers": boolean(
        "Whether the pod uses the node's user namespace (true, the default) or its own."
    ),
    "hostname": string("The pod's hostname; defaults to the pod's name."),
    "hostnameOverride": string("Sets the pod's hostname outright, ignoring hostname/subdomain."),
    "imagePullSecrets": list_of(
        CORE + "LocalObjectReference",
        "Secrets in the pod's namespace holding credentials for private image registries.",
        merge_key="name",
        map_keys=("name",),
    ),
    "initContainers": list_of(
        CONTAINER,
        "Containers that run one after another, each to completion, before the regular "
        "containers start (sidecars, with restartPolicy Always, keep running). A failure "
        "restarts the pod's initialisation according to restartPolicy." + _CANNOT_UPDATE,
        merge_key="name",
        map_keys=("name",),
    ),
    "nodeName": string(
        "The node the pod runs on. Normally left empty: the scheduler picks a node and sets "
        "it by binding the pod. Setting it yourself bypasses the scheduler."
    ),
    "nodeSelector": string_map("Labels a node must have for the pod to be scheduled onto it."),
    "os": ref(CORE + "PodOS", "The operating system the containers need (linux or windows)."),
    "overhead": quantities(
        "Resources the pod's sandbox itself uses, on top of the containers' requests; set by "
        "the RuntimeClass admission plugin."
    ),
    "preemptionPolicy": string(
        "Whether this pod may evict lower-priority pods to make room: PreemptLowerPriority "
        "(default) or Never."
    ),
    "priority": int32(
        "The pod's priority, filled in from priorityClassName by admission. Higher-priority "
        "pods are scheduled first and may preempt lower ones."
    ),
    "priorityClassName": string("The PriorityClass whose value becomes the pod's priority."),
    "readinessGates": list_of(
        CORE + "PodReadinessGate",
        "Extra pod conditions that must be True, besides the containers being ready, for the "
        "pod to count as Ready.",
    ),
    "resourceClaims": list_of(
        CORE + "PodResourceClaim",
        "Dynamic resources (devices) the pod needs, by claim.",
        merge_key="name",
        strategy="merge,retainKeys",
        map_keys=("name",),
    ),
    "resources": ref(
        CORE + "ResourceRequirements",
        "Resources for the pod as a whole, shared by its containers.",
    ),
    "restartPolicy": string(
        "What the kubelet does when a container exits: Always restart it (the default), "
        "OnFailure (only after a non-zero exit) or Never.",
        enum=("Always", "Never", "OnFailure"),
    ),
    "runtimeClassName": string(
        "The RuntimeClass (container runtime configuration) to run the pod with."
    ),
    "schedulerName": string("Which scheduler places the pod. Defaults to default-scheduler."),
    "schedulingGates": list_of(
        CORE + "PodSchedulingGate",
        "While any gate is listed the scheduler leaves the pod alone (status "
        "SchedulingGated). Gates can only be removed.",
        merge_key="name",
        map_keys=("name",),
    ),
    "securityContext": ref(
        CORE + "PodSecurityContext",
        "Security settings for every container of the pod (containers may override them).",
    ),
    "serviceAccount": string("Deprecated alias of serviceAccountName."),
    "serviceAccountName": string(
        "The ServiceAccount whose identity the pod's processes use. Defaults to `default`."
    ),
    "setHostnameAsFQDN": boolean("Set the fully qualified domain name as the pod's hostname."),
    "shareProcessNamespace": boolean(
        "Put all containers in one process namespace, so they can see and signal each "
        "other's processes."
    ),
    "subdomain": string(
        "With hostname, gives the pod the DNS name <hostname>.<subdomain>.<namespace>.svc."
    ),
    "terminationGracePeriodSeconds": int64(
        "Seconds the containers get after SIGTERM to shut down before they are killed. "
        "Defaults to 30; 0 means kill at once."
    ),
    "tolerations": list_of(
        CORE + "Toleration",
        "Taints the pod tolerates: it may be scheduled onto (and keep running on) nodes with "
        "matching taints.",
    ),
    "topologySpreadConstraints": list_of(
        CORE + "TopologySpreadConstraint",
        "How evenly matching pods must be spread across zones, nodes or other topology domains.",
        merge_key="topologyKey",
        map_keys=("topologyKey", "whenUnsatisfiable"),
    ),
    "volumes": list_of(
        VOLUME,
        "Volumes the containers can mount.",
        merge_key="name",
        strategy="merge,retainKeys",
        map_keys=("name",),
    ),
    "workloadRef": free_form("The workload (for gang scheduling) this pod belongs to."),
}

_STATUS_FIELDS: dict[str, Prop] = {
    "allocatedResources": quantities("Resources allocated to the pod as a whole."),
    "conditions": list_of(
        CORE + "PodCondition",
        "The pod's conditions: PodScheduled, Initialized, ContainersReady, Ready and others.",
        merge_key="type",
        map_keys=("type",),
    ),
    "containerStatuses": list_of(
        CORE + "ContainerStatus", "One entry per regular container, reported by the kubelet."
    ),
    "ephemeralContainerStatuses": list_of(
        CORE + "ContainerStatus", "One entry per ephemeral container."
    ),
    "extendedResourceClaimStatus": free_form("The claim made for extended resources."),
    "hostIP": string("The primary IP address of the node the pod runs on."),
    "hostIPs": list_of(
        CORE + "HostIP", "The node's IP addresses.", merge_key="ip", list_type="atomic"
    ),
    "initContainerStatuses": list_of(CORE + "ContainerStatus", "One entry per init container."),
    "message": string("Why the pod is in this state, for people to read."),
    "nominatedNodeName": string(
        "The node the scheduler preempted pods on to make room for this pod."
    ),
    "observedGeneration": int64("The pod generation this status describes."),
    "phase": string(
        "Where the pod is in its life: Pending (accepted, not all containers running yet), "
        "Running, Succeeded, Failed or Unknown.",
        enum=("Failed", "Pending", "Running", "Succeeded", "Unknown"),
    ),
    "podIP": string("The pod's primary IP address, once it has one."),
    "podIPs": list_of(
        CORE + "PodIP",
        "The pod's IP addresses (one per family).",
        merge_key="ip",
        map_keys=("ip",),
    ),
    "qosClass": string(
        "The quality-of-service class from the containers' requests and limits: Guaranteed, "
        "Burstable or BestEffort.",
        enum=("BestEffort", "Burstable", "Guaranteed"),
    ),
    "reason": string("A short CamelCase reason for the state, e.g. Evicted."),
    "resize": string("Deprecated: the state of an in-place resize."),
    "resourceClaimStatuses": list_of(
        CORE + "PodResourceClaimStatus",
        "The ResourceClaims made for the pod.",
        merge_key="name",
        map_keys=("name",),
    ),
    "startTime": time("When the kubelet accepted the pod, before pulling images."),
}

STRUCTS = (
    Struct(
        POD,
        "A Pod is a group of containers that run together on one node, sharing a network "
        "identity and storage. It is the smallest thing Kubernetes schedules.",
        {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": ref(OBJECT_META, "Standard object metadata."),
            "spec": ref(POD_SPEC, "What the pod should run: its containers and how."),
            "status": ref(
                CORE + "PodStatus",
                "What the pod is doing now, as last reported by its node. Read-only.",
            ),
        },
        gvk=("", "v1", "Pod"),
    ),
    Struct(
        CORE + "PodList",
        "A list of Pods.",
        {
            "apiVersion": API_VERSION,
            "items": list_of(POD, "The pods."),
            "kind": KIND,
            "metadata": ref(LIST_META, "Standard list metadata."),
        },
        required=("items",),
        gvk=("", "v1", "PodList"),
    ),
    Struct(POD_SPEC, "The desired state of a pod.", _SPEC_FIELDS, required=("containers",)),
    Struct(
        POD_TEMPLATE_SPEC,
        "The pods a controller creates are made from this template.",
        {
            "metadata": ref(OBJECT_META, "Metadata (labels, annotations) of the pods."),
            "spec": ref(POD_SPEC, "The spec of the pods."),
        },
    ),
    Struct(CORE + "PodStatus", "The observed state of a pod.", _STATUS_FIELDS),
    Struct(
        CORE + "Affinity",
        "Scheduling preferences and requirements relative to nodes and to other pods.",
        {
            "nodeAffinity": ref(
                CORE + "NodeAffinity", "Which nodes the pod may or prefers to run on."
            ),
            "podAffinity": ref(
                CORE + "PodAffinity", "Run near pods matching a selector (same node, zone…)."
            ),
            "podAntiAffinity": ref(
                CORE + "PodAntiAffinity", "Stay away from pods matching a selector."
            ),
        },
    ),
    Struct(
        CORE + "NodeAffinity",
        "Node affinity: hard requirements and weighted preferences on node labels.",
        {
            "preferredDuringSchedulingIgnoredDuringExecution": list_of(
                CORE + "PreferredSchedulingTerm",
                "Preferences: nodes matching more (by weight) score higher.",
            ),
            "requiredDuringSchedulingIgnoredDuringExecution": ref(
                CORE + "NodeSelector",
                "Requirements: the pod is only scheduled onto nodes that match. Not "
                "re-checked once the pod runs.",
            ),
        },
    ),
    Struct(
        CORE + "NodeSelector",
        "A set of node selector terms, ORed together.",
        {"nodeSelectorTerms": list_of(NODE_SELECTOR_TERM, "The terms; one must match.")},
        required=("nodeSelectorTerms",),
        extensions=(("x-kubernetes-map-type", "atomic"),),
    ),
    Struct(
        NODE_SELECTOR_TERM,
        "Requirements on a node's labels and fields, ANDed together.",
        {
            "matchExpressions": list_of(NODE_SELECTOR_REQUIREMENT, "Requirements on labels."),
            "matchFields": list_of(NODE_SELECTOR_REQUIREMENT, "Requirements on fields."),
        },
        extensions=(("x-kubernetes-map-type", "atomic"),),
    ),
    Struct(
        NODE_SELECTOR_REQUIREMENT,
        "A key, an operator and values.",
        {
            "key": string("The label key (or field) concerned."),
            "operator": string("In, NotIn, Exists, DoesNotExist, Gt or Lt."),
            "values": strings("The values; one integer for Gt and Lt, none for Exists."),
        },
        required=("key", "operator"),
    ),
    Struct(
        CORE + "PreferredSchedulingTerm",
        "A weighted node preference.",
        {
            "preference": ref(NODE_SELECTOR_TERM, "The node selector term."),
            "weight": int32("Its weight, 1-100."),
        },
        required=("weight", "preference"),
    ),
    Struct(
        CORE + "PodAffinity",
        "Inter-pod affinity rules.",
        {
            "preferredDuringSchedulingIgnoredDuringExecution": list_of(
                CORE + "WeightedPodAffinityTerm", "Preferences, by weight."
            ),
            "requiredDuringSchedulingIgnoredDuringExecution": list_of(
                CORE + "PodAffinityTerm", "Requirements; all must hold."
            ),
        },
    ),
    Struct(
        CORE + "PodAntiAffinity",
        "Inter-pod anti-affinity rules.",
        {
            "preferredDuringSchedulingIgnoredDuringExecution": list_of(
                CORE + "WeightedPodAffinityTerm", "Preferences, by weight."
            ),
            "requiredDuringSchedulingIgnoredDuringExecution": list_of(
                CORE + "PodAffinityTerm", "Requirements; all must hold."
            ),
        },
    ),
    Struct(
        CORE + "PodAffinityTerm",
        "Pods matching labelSelector (in the given namespaces) define a topology domain, by "
        "topologyKey, that this pod should (or should not) share.",
        {
            "labelSelector": ref(LABEL_SELECTOR, "Which pods the term is about."),
            "matchLabelKeys": strings("Label keys whose values are copied from this pod."),
            "mismatchLabelKeys": strings("Label keys whose values must differ from this pod's."),
            "namespaceSelector": ref(LABEL_SELECTOR, "Namespaces to look in, by label."),
            "namespaces": strings("Namespaces to look in; defaults to the pod's own."),
            "topologyKey": string(
                "The node label defining the domain, e.g. topology.kubernetes.io/zone."
            ),
        },
        required=("topologyKey",),
    ),
    Struct(
        CORE + "WeightedPodAffinityTerm",
        "A pod affinity term with a weight.",
        {
            "podAffinityTerm": ref(CORE + "PodAffinityTerm", "The term."),
            "weight": int32("Its weight, 1-100."),
        },
        required=("weight", "podAffinityTerm"),
    ),
    Struct(
        CORE + "Toleration",
        "Lets the pod be scheduled onto, or keep running on, nodes with a matching taint.",
        {
            "effect": string(
                "The taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty "
                "matches all.",
                enum=("NoExecute", "NoSchedule", "PreferNoSchedule"),
            ),
            "key": string("The taint key to match; empty with Exists matches every taint."),
            "operator": string(
                "Equal (the value must match, the default) or Exists (any value).",
                enum=("Equal", "Exists"),
            ),
            "tolerationSeconds": int64(
                "For NoExecute: how long the pod stays on a node after the taint appears."
            ),
            "value": string("The taint value to match, with operator Equal."),
        },
    ),
    Struct(
        CORE + "TopologySpreadConstraint",
        "How matching pods are spread across a topology.",
        {
            "labelSelector": ref(LABEL_SELECTOR, "Which pods count."),
            "matchLabelKeys": strings("Label keys whose values are copied from this pod."),
            "maxSkew": int32("The largest allowed difference in matching pods between domains."),
            "minDomains": int32("The fewest domains to spread over."),
            "nodeAffinityPolicy": string("Honor or Ignore the pod's node affinity when counting."),
            "nodeTaintsPolicy": string("Honor or Ignore node taints when counting."),
            "topologyKey": string("The node label whose values are the domains."),
            "whenUnsatisfiable": string("DoNotSchedule or ScheduleAnyway."),
        },
        required=("maxSkew", "topologyKey", "whenUnsatisfiable"),
    ),
    Struct(
        CORE + "PodDNSConfig",
        "DNS settings of a pod beyond its dnsPolicy.",
        {
            "nameservers": strings("Extra DNS servers."),
            "options": list_of(CORE + "PodDNSConfigOption", "resolv.conf options."),
            "searches": strings("Extra search domains."),
        },
    ),
    Struct(
        CORE + "PodDNSConfigOption",
        "One resolv.conf option.",
        {"name": string("The option."), "value": string("Its value, if any.")},
    ),
    Struct(
        CORE + "HostAlias",
        "An /etc/hosts entry.",
        {"hostnames": strings("Names for the address."), "ip": string("The IP address.")},
        required=("ip",),
    ),
    Struct(
        CORE + "LocalObjectReference",
        "The name of an object in the same namespace.",
        {"name": string("The object's name.")},
        extensions=(("x-kubernetes-map-type", "atomic"),),
    ),
    Struct(
        CORE + "PodOS",
        "The operating system of a pod.",
        {"name": string("linux or windows.")},
        required=("name",),
    ),
    Struct(
        CORE + "PodReadinessGate",
        "A pod condition that must be True for the pod to be Ready.",
        {"conditionType": string("The condition type.")},
        required=("conditionType",),
    ),
    Struct(
        CORE + "PodResourceClaim",
        "A resource claim the pod uses.",
        {
            "name": string("The claim's name within the pod."),
            "resourceClaimName": string("An existing ResourceClaim."),
            "resourceClaimTemplateName": string("A template a claim is made from per pod."),
        },
        required=("name",),
    ),
    Struct(
        CORE + "PodSchedulingGate",
        "A gate that keeps the pod from being scheduled.",
        {"name": string("The gate's name.")},
        required=("name",),
    ),
    Struct(
        CORE + "PodSecurityContext",
        "Security settings for the whole pod.",
        {
            "appArmorProfile": ref(CORE + "AppArmorProfile", "The AppArmor profile."),
            "fsGroup": int64("A group that owns the pod's volumes and is added to every process."),
            "fsGroupChangePolicy": string(
                "OnRootMismatch or Always: when volume ownership is changed."
            ),
            "runAsGroup": int64("The GID of the containers' processes."),
            "runAsNonRoot": boolean("Refuse to start containers whose user would be root."),
            "runAsUser": int64("The UID of the containers' processes."),
            "seLinuxChangePolicy": string("How SELinux labels are applied to volumes."),
            "seLinuxOptions": ref(CORE + "SELinuxOptions", "The SELinux context."),
            "seccompProfile": ref(CORE + "SeccompProfile", "The seccomp profile."),
            "supplementalGroups": list_of(
                int64(), "Extra groups of every process.", list_type="atomic"
            ),
            "supplementalGroupsPolicy": string("Merge or Strict: how supplemental groups combine."),
            "sysctls": list_of(CORE + "Sysctl", "Namespaced kernel parameters to set."),
            "windowsOptions": ref(CORE + "WindowsSecurityContextOptions", "Windows settings."),
        },
    ),
    Struct(
        CORE + "Sysctl",
        "A kernel parameter.",
        {"name": string("The parameter."), "value": string("Its value.")},
        required=("name", "value"),
    ),
    Struct(
        CORE + "PodCondition",
        "One condition of a pod.",
        {
            "lastProbeTime": time("When the condition was last checked."),
            "lastTransitionTime": time("When the status last changed."),
            "message": string("Details for people to read."),
            "observedGeneration": int64("The pod generation the condition was set for."),
            "reason": string("A CamelCase reason for the last transition."),
            "status": string("True, False or Unknown."),
            "type": string("The condition, e.g. Ready or PodScheduled."),
        },
        required=("type", "status"),
    ),
    Struct(
        CORE + "ContainerStatus",
        "What the kubelet knows about one container.",
        {
            "allocatedResources": quantities("Resources allocated to the container."),
            "allocatedResourcesStatus": free_form("Health of the devices allocated."),
            "containerID": string("The runtime's id: <type>://<id>."),
            "image": string("The image the container runs."),
            "imageID": string("The image's id (digest)."),
            "lastState": ref(CORE + "ContainerState", "The previous state, after a restart."),
            "name": string("The container's name."),
            "ready": boolean("Whether the readiness probe passes."),
            "resources": ref(CORE + "ResourceRequirements", "The resources actually applied."),
            "restartCount": int32("How many times the container was restarted."),
            "started": boolean("Whether the startup probe passed (or there is none)."),
            "state": ref(CORE + "ContainerState", "The current state."),
            "stopSignal": string("The signal used to stop the container."),
            "user": free_form("The identity the container's first process runs as."),
            "volumeMounts": list_of(CORE + "VolumeMountStatus", "The mounts."),
        },
        required=("name", "ready", "restartCount", "image", "imageID"),
    ),
    Struct(
        CORE + "ContainerState",
        "The state of a container: exactly one of waiting, running, terminated.",
        {
            "running": ref(CORE + "ContainerStateRunning", "The container is running."),
            "terminated": ref(CORE + "ContainerStateTerminated", "The container has exited."),
            "waiting": ref(CORE + "ContainerStateWaiting", "The container is not running yet."),
        },
    ),
    Struct(
        CORE + "ContainerStateRunning",
        "A running container.",
        {"startedAt": time("When it (last) started.")},
    ),
    Struct(
        CORE + "ContainerStateTerminated",
        "A container that exited.",
        {
            "containerID": string("The runtime's id."),
            "exitCode": int32("Its exit code."),
            "finishedAt": time("When it exited."),
            "message": string("Its termination message."),
            "reason": string("Why, e.g. Completed, Error, OOMKilled."),
            "signal": int32("The signal that ended it, if any."),
            "startedAt": time("When it started."),
        },
        required=("exitCode",),
    ),
    Struct(
        CORE + "ContainerStateWaiting",
        "A container that is not running yet.",
        {
            "message": string("Details."),
            "reason": string("Why, e.g. ContainerCreating, ImagePullBackOff, CrashLoopBackOff."),
        },
    ),
    Struct(
        CORE + "VolumeMountStatus",
        "A mount as the runtime made it.",
        {
            "mountPath": string("Where it is mounted."),
            "name": string("The volume."),
            "readOnly": boolean("Whether it is read-only."),
            "recursiveReadOnly": string("Disabled or Enabled."),
        },
        required=("name", "mountPath"),
    ),
    Struct(
        CORE + "PodIP", "An IP address of a pod.", {"ip": string("The address.")}, required=("ip",)
    ),
    Struct(
        CORE + "HostIP",
        "An IP address of a node.",
        {"ip": string("The address.")},
        required=("ip",),
    ),
    Struct(
        CORE + "PodResourceClaimStatus",
        "The ResourceClaim made for one of the pod's claims.",
        {
            "name": string("The claim's name within the pod."),
            "resourceClaimName": string("The ResourceClaim's name."),
        },
        required=("name",),
    ),
    Struct(
        OBJECT_REFERENCE,
        "A reference to any object, possibly to a field inside it.",
        {
            "apiVersion": string("The object's API version."),
            "fieldPath": string("A field inside the object, e.g. spec.containers{app}."),
            "kind": string("The object's kind."),
            "name": string("The object's name."),
            "namespace": string("The object's namespace."),
            "resourceVersion": string("The version of the object referred to."),
            "uid": string("The object's uid."),
        },
        extensions=(("x-kubernetes-map-type", "atomic"),),
    ),
)
