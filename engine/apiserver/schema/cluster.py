"""The other core/v1 kinds Podlife serves (Node, Namespace, Event, Binding), plus Lease
(coordination.k8s.io/v1), Eviction (policy/v1), TokenRequest (authentication.k8s.io/v1) and
Scale (autoscaling/v1)."""

from __future__ import annotations

from engine.apiserver.schema.meta import API_VERSION, DELETE_OPTIONS, KIND, LIST_META, OBJECT_META
from engine.apiserver.schema.model import (
    MICRO_TIME,
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
    strings,
    time,
)
from engine.apiserver.schema.pod import OBJECT_REFERENCE

CORE = "io.k8s.api.core.v1."
COORDINATION = "io.k8s.api.coordination.v1."


def kind(name: str, gvk: tuple[str, str, str], description: str, **parts: Prop) -> Struct:
    """A top-level kind: apiVersion, kind, metadata and its own parts."""
    fields = {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": ref(OBJECT_META, "Standard object metadata."),
        **parts,
    }
    return Struct(name, description, dict(sorted(fields.items())), gvk=gvk)


def list_kind(item: Struct) -> Struct:
    assert item.gvk is not None
    group, version, kind_name = item.gvk
    return Struct(
        item.name + "List",
        f"A list of {kind_name} objects.",
        {
            "apiVersion": API_VERSION,
            "items": list_of(item.name, f"The {kind_name} objects."),
            "kind": KIND,
            "metadata": ref(LIST_META, "Standard list metadata."),
        },
        required=("items",),
        gvk=(group, version, kind_name + "List"),
    )


NODE = kind(
    CORE + "Node",
    ("", "v1", "Node"),
    "A Node is a machine (virtual or physical) that runs pods. Its kubelet registers it and "
    "keeps its status current.",
    spec=ref(CORE + "NodeSpec", "How the node should be treated: taints, schedulability."),
    status=ref(CORE + "NodeStatus", "What the kubelet reports about the node. Read-only."),
)
NAMESPACE = kind(
    CORE + "Namespace",
    ("", "v1", "Namespace"),
    "A Namespace groups objects and scopes their names: two objects of one kind may share a "
    "name in different namespaces.",
    spec=ref(CORE + "NamespaceSpec", "The namespace's finalizers."),
    status=ref(CORE + "NamespaceStatus", "Whether the namespace is Active or Terminating."),
)
EVENT = kind(
    CORE + "Event",
    ("", "v1", "Event"),
    "An Event reports something that happened to an object: a pod was scheduled, an image "
    "pulled, a container restarted. Events expire after an hour.",
    action=string("What was done (or failed), e.g. Binding, Pulling."),
    count=int32("How many times this event has happened."),
    eventTime=ref(MICRO_TIME, "When it first happened (series-style events)."),
    firstTimestamp=time("When it was first recorded."),
    involvedObject=ref(OBJECT_REFERENCE, "The object the event is about."),
    lastTimestamp=time("When it was most recently recorded."),
    message=string("What happened, for people to read."),
    reason=string("A short CamelCase reason, e.g. Scheduled, BackOff."),
    related=ref(OBJECT_REFERENCE, "A second object involved, if any."),
    reportingComponent=string("The controller that emitted it, e.g. kubelet."),
    reportingInstance=string("The instance of that controller, e.g. the node name."),
    series=ref(CORE + "EventSeries", "For repeated events: how often, until when."),
    source=ref(CORE + "EventSource", "The component (and host) that reported it."),
    type=string("Normal or Warning."),
)
LEASE = kind(
    COORDINATION + "Lease",
    ("coordination.k8s.io", "v1", "Lease"),
    "A Lease is a lightweight lock with a holder and an expiry. Each kubelet renews one in "
    "kube-node-lease as its heartbeat; leader election uses them too.",
    spec=ref(COORDINATION + "LeaseSpec", "The holder and the timing of the lease."),
)

STRUCTS = (
    NODE,
    list_kind(NODE),
    NAMESPACE,
    list_kind(NAMESPACE),
    EVENT,
    list_kind(EVENT),
    LEASE,
    list_kind(LEASE),
    Struct(
        CORE + "NodeSpec",
        "How a node should be treated.",
        {
            "configSource": free_form("Deprecated: dynamic kubelet configuration."),
            "externalID": string("Deprecated."),
            "podCIDR": string("The IP range the node's pods get addresses from."),
            "podCIDRs": list_of(
                Prop("string"),
                "The node's pod IP ranges, one per family.",
                strategy="merge",
                list_type="set",
            ),
            "providerID": string("The cloud provider's id for the machine."),
            "taints": list_of(
                CORE + "Taint",
                "Taints repel pods that do not tolerate them (see pod.spec.tolerations).",
            ),
            "unschedulable": boolean(
                "If true, no new pods are scheduled onto the node (kubectl cordon sets it)."
            ),
        },
    ),
    Struct(
        CORE + "Taint",
        "A mark on a node that repels pods without a matching toleration.",
        {
            "effect": string(
                "NoSchedule (new pods stay off), PreferNoSchedule (avoid if possible) or "
                "NoExecute (running pods are evicted too).",
                enum=("NoExecute", "NoSchedule", "PreferNoSchedule"),
            ),
            "key": string("The taint key."),
            "timeAdded": time("When a NoExecute taint was added."),
            "value": string("The taint value."),
        },
        required=("key", "effect"),
    ),
    Struct(
        CORE + "NodeStatus",
        "The observed state of a node.",
        {
            "addresses": list_of(
                CORE + "NodeAddress",
                "The node's addresses.",
                merge_key="type",
                map_keys=("type",),
            ),
            "allocatable": quantities("What pods may use: capacity minus system reservations."),
            "capacity": quantities("The node's total resources."),
            "conditions": list_of(
                CORE + "NodeCondition",
                "Ready, MemoryPressure, DiskPressure, PIDPressure…",
                merge_key="type",
                map_keys=("type",),
            ),
            "config": free_form("The kubelet's configuration status."),
            "daemonEndpoints": ref(CORE + "NodeDaemonEndpoints", "Where the kubelet listens."),
            "declaredFeatures": strings("Features the node declares."),
            "features": free_form("Features the node supports."),
            "images": list_of(CORE + "ContainerImage", "Images present on the node."),
            "nodeInfo": ref(CORE + "NodeSystemInfo", "Versions and ids of the machine."),
            "phase": string("Deprecated."),
            "runtimeHandlers": list_of(free_form(), "The runtime handlers available."),
            "volumesAttached": list_of(free_form(), "Volumes attached to the node."),
            "volumesInUse": strings("Volumes in use on the node."),
        },
    ),
    Struct(
        CORE + "NodeAddress",
        "An address of a node.",
        {
            "address": string("The address."),
            "type": string("Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS."),
        },
        required=("type", "address"),
    ),
    Struct(
        CORE + "NodeCondition",
        "One condition of a node.",
        {
            "lastHeartbeatTime": time("When the kubelet last reported it."),
            "lastTransitionTime": time("When the status last changed."),
            "message": string("Details for people to read."),
            "reason": string("A CamelCase reason for the last transition."),
            "status": string("True, False or Unknown."),
            "type": string("The condition, e.g. Ready."),
        },
        required=("type", "status"),
    ),
    Struct(
        CORE + "NodeDaemonEndpoints",
        "Ports of daemons on the node.",
        {"kubeletEndpoint": ref(CORE + "DaemonEndpoint", "The kubelet's port.")},
    ),
    Struct(
        CORE + "DaemonEndpoint",
        "A port.",
        {"Port": int32("The port number.")},
        required=("Port",),
    ),
    Struct(
        CORE + "ContainerImage",
        "An image on a node.",
        {"names": strings("Its names."), "sizeBytes": int64("Its size.")},
    ),
    Struct(
        CORE + "NodeSystemInfo",
        "Ids and versions of a node's machine and software.",
        {
            "architecture": string("The CPU architecture."),
            "bootID": string("Changes on every boot."),
            "containerRuntimeVersion": string("e.g. containerd://2.1.4."),
            "kernelVersion": string("The kernel release."),
            "kubeProxyVersion": string("Deprecated."),
            "kubeletVersion": string("The kubelet's version."),
            "machineID": string("The machine id."),
            "operatingSystem": string("linux or windows."),
            "osImage": string("The OS distribution."),
            "swap": free_form("Swap memory."),
            "systemUUID": string("The hardware UUID."),
        },
        required=(
            "machineID",
            "systemUUID",
            "bootID",
            "kernelVersion",
            "osImage",
            "containerRuntimeVersion",
            "kubeletVersion",
            "kubeProxyVersion",
            "operatingSystem",
            "architecture",
        ),
    ),
    Struct(
        CORE + "NamespaceSpec",
        "The desired state of a namespace.",
        {
            "finalizers": strings(
                "Cleanups that must finish before the namespace is removed (kubernetes: "
                "delete everything in it)."
            )
        },
    ),
    Struct(
        CORE + "NamespaceStatus",
        "The observed state of a namespace.",
        {
            "conditions": list_of(
                free_form(),
                "Conditions of the namespace's deletion.",
                merge_key="type",
                map_keys=("type",),
            ),
            "phase": string("Active, or Terminating while it is being deleted."),
        },
    ),
    Struct(
        CORE + "EventSource",
        "Who reported an event.",
        {"component": string("The component."), "host": string("The node, if any.")},
    ),
    Struct(
        CORE + "EventSeries",
        "A series of repeated events.",
        {
            "count": int32("How many occurrences."),
            "lastObservedTime": ref(MICRO_TIME, "The latest occurrence."),
        },
    ),
    Struct(
        COORDINATION + "LeaseSpec",
        "The state of a lease.",
        {
            "acquireTime": ref(MICRO_TIME, "When the current holder acquired it."),
            "holderIdentity": string("Who holds it."),
            "leaseDurationSeconds": int32("How long it is valid after each renewal."),
            "leaseTransitions": int32("How many times the holder changed."),
            "preferredHolder": string("Who should hold it next."),
            "renewTime": ref(MICRO_TIME, "When the holder last renewed it."),
            "strategy": string("How the holder is chosen."),
        },
    ),
    Struct(
        CORE + "Binding",
        "Binds a pod to a node; the scheduler posts one to pods/<name>/binding.",
        {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": ref(OBJECT_META, "Standard object metadata."),
            "target": ref(OBJECT_REFERENCE, "The node to bind to."),
        },
        required=("target",),
        gvk=("", "v1", "Binding"),
    ),
    Struct(
        "io.k8s.api.policy.v1.Eviction",
        "Asks for a pod to be evicted: a deletion that PodDisruptionBudgets may refuse "
        "(kubectl drain posts one to pods/<name>/eviction).",
        {
            "apiVersion": API_VERSION,
            "deleteOptions": ref(DELETE_OPTIONS, "How to delete the pod."),
            "kind": KIND,
            "metadata": ref(OBJECT_META, "The pod's name and namespace."),
        },
        gvk=("policy", "v1", "Eviction"),
    ),
    Struct(
        "io.k8s.api.authentication.v1.TokenRequest",
        "Asks for a token of a ServiceAccount (`kubectl create token`, the kubelet's projected "
        "tokens); posted to serviceaccounts/<name>/token.",
        {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": ref(OBJECT_META, "Standard object metadata."),
            "spec": ref("io.k8s.api.authentication.v1.TokenRequestSpec", "What is asked for."),
            "status": ref("io.k8s.api.authentication.v1.TokenRequestStatus", "The token."),
        },
        required=("spec",),
        gvk=("authentication.k8s.io", "v1", "TokenRequest"),
    ),
    Struct(
        "io.k8s.api.authentication.v1.TokenRequestSpec",
        "The token's audiences, lifetime and the object it is bound to.",
        {
            "audiences": strings("Who the token is for; the API server's own when empty."),
            "boundObjectRef": ref(
                "io.k8s.api.authentication.v1.BoundObjectReference",
                "A pod, Secret or node the token stops working without.",
            ),
            "expirationSeconds": int64("How long the token is valid, in seconds."),
        },
        required=("audiences",),
    ),
    Struct(
        "io.k8s.api.authentication.v1.BoundObjectReference",
        "The object a token is bound to.",
        {
            "apiVersion": string("Its API version."),
            "kind": string("Pod, Secret or Node."),
            "name": string("Its name."),
            "uid": string("Its UID."),
        },
    ),
    Struct(
        "io.k8s.api.authentication.v1.TokenRequestStatus",
        "The token the API server made.",
        {
            "expirationTimestamp": time("When the token expires."),
            "token": string("The opaque bearer token."),
        },
        required=("token", "expirationTimestamp"),
    ),
    Struct(
        "io.k8s.api.autoscaling.v1.Scale",
        "The replica count of a scalable object (deployments/scale, replicasets/scale).",
        {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": ref(OBJECT_META, "Standard object metadata."),
            "spec": ref("io.k8s.api.autoscaling.v1.ScaleSpec", "The desired replicas."),
            "status": ref("io.k8s.api.autoscaling.v1.ScaleStatus", "The current replicas."),
        },
        gvk=("autoscaling", "v1", "Scale"),
    ),
    Struct(
        "io.k8s.api.autoscaling.v1.ScaleSpec",
        "The desired scale.",
        {"replicas": int32("The desired number of replicas.")},
    ),
    Struct(
        "io.k8s.api.autoscaling.v1.ScaleStatus",
        "The observed scale.",
        {
            "replicas": int32("The current number of replicas."),
            "selector": string("The label selector of the pods, as a string."),
        },
        required=("replicas",),
    ),
)
