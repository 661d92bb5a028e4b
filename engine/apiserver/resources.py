"""The resource types this API server serves, as discovery describes them.

One table drives URL routing, discovery (`/api`, `/apis`, `kubectl api-resources`), kubectl's
name resolution (`po`, `deploy`, `rs`) and the etcd key layout.

It runs past 600 lines because it is that table: one entry per served resource (over forty),
kept in one place so that what the server serves can be read at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.trace import ObjectRef, object_ref

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True)
class Subresource:
    name: str
    kind: str
    verbs: tuple[str, ...]
    group: str = ""  # of the subresource's kind, e.g. autoscaling for Scale
    version: str = "v1"


@dataclass(frozen=True)
class ResourceType:
    name: str  # plural, as in URLs: "pods"
    singular: str
    kind: str
    group: str  # "" is the core ("legacy") group served under /api
    version: str
    namespaced: bool
    etcd_prefix: str  # the real kube-apiserver's key prefix, e.g. "/registry/minions" for nodes
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[Subresource, ...] = ()
    verbs: tuple[str, ...] = ALL_VERBS
    has_status: bool = False  # status is written only through the /status subresource
    # A deprecated API's warning, sent with every answer about it (the API server's
    # deprecation warnings, apiserver/pkg/endpoints/deprecation)
    deprecation: str = ""

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_resource(self) -> str:
        """`pods` or `deployments.apps`, as in error messages."""
        return f"{self.name}.{self.group}" if self.group else self.name

    @property
    def kubectl_name(self) -> str:
        """kubectl's `<kind>[.<group>]` prefix in `pod/web created`."""
        kind = self.kind.lower()
        return f"{kind}.{self.group}" if self.group else kind

    def key(self, namespace: str, name: str) -> str:
        if self.namespaced:
            return f"{self.etcd_prefix}/{namespace}/{name}"
        return f"{self.etcd_prefix}/{name}"

    def prefix(self, namespace: str = "") -> str:
        if self.namespaced and namespace:
            return f"{self.etcd_prefix}/{namespace}/"
        return f"{self.etcd_prefix}/"

    def subresource(self, name: str) -> Subresource | None:
        return next((s for s in self.subresources if s.name == name), None)

    def name_and_namespace(self, obj: dict[str, Any]) -> tuple[str, str]:
        """What ref_of reads from an object's metadata: its name (or generateName), its
        namespace."""
        meta = obj.get("metadata") or {}
        return meta.get("name", "") or meta.get("generateName", ""), meta.get("namespace", "")

    def ref_of(self, obj: dict[str, Any]) -> ObjectRef:
        """The trace's reference to an object of this resource."""
        name, namespace = self.name_and_namespace(obj)
        return object_ref(self.kind, name, namespace if self.namespaced else "")


_STATUS_VERBS = ("get", "patch", "update")

RESOURCES: tuple[ResourceType, ...] = (
    ResourceType(
        "namespaces",
        "namespace",
        "Namespace",
        "",
        "v1",
        False,
        "/registry/namespaces",
        short_names=("ns",),
        subresources=(
            # PUT namespaces/<name>/finalize: how the namespace controller lets it go.
            Subresource("finalize", "Namespace", ("update",)),
            Subresource("status", "Namespace", _STATUS_VERBS),
        ),
        verbs=("create", "delete", "get", "list", "patch", "update", "watch"),
        has_status=True,
    ),
    ResourceType(
        "nodes",
        "node",
        "Node",
        "",
        "v1",
        False,
        "/registry/minions",
        short_names=("no",),
        subresources=(Subresource("status", "Node", _STATUS_VERBS),),
        has_status=True,
    ),
    ResourceType(
        "pods",
        "pod",
        "Pod",
        "",
        "v1",
        True,
        "/registry/pods",
        short_names=("po",),
        categories=("all",),
        subresources=(
            Subresource("binding", "Binding", ("create",)),
            Subresource("eviction", "Eviction", ("create",), group="policy"),
            Subresource("exec", "PodExecOptions", ("create", "get")),
            Subresource("log", "Pod", ("get",)),
            Subresource("status", "Pod", _STATUS_VERBS),
        ),
        has_status=True,
    ),
    # core/v1 ReplicationController (pkg/registry/core/replicationcontroller): with a Scale,
    # as a ReplicaSet's
    ResourceType(
        "replicationcontrollers",
        "replicationcontroller",
        "ReplicationController",
        "",
        "v1",
        True,
        "/registry/controllers",
        short_names=("rc",),
        categories=("all",),
        subresources=(
            Subresource("scale", "Scale", _STATUS_VERBS, group="autoscaling"),
            Subresource("status", "ReplicationController", _STATUS_VERBS),
        ),
        has_status=True,
    ),
    ResourceType(
        "configmaps",
        "configmap",
        "ConfigMap",
        "",
        "v1",
        True,
        "/registry/configmaps",
        short_names=("cm",),
    ),
    ResourceType(
        "secrets",
        "secret",
        "Secret",
        "",
        "v1",
        True,
        "/registry/secrets",
    ),
    ResourceType(
        "serviceaccounts",
        "serviceaccount",
        "ServiceAccount",
        "",
        "v1",
        True,
        "/registry/serviceaccounts",
        short_names=("sa",),
        subresources=(
            Subresource("token", "TokenRequest", ("create",), group="authentication.k8s.io"),
        ),
    ),
    ResourceType(
        "services",
        "service",
        "Service",
        "",
        "v1",
        True,
        "/registry/services/specs",
        short_names=("svc",),
        categories=("all",),
        subresources=(Subresource("status", "Service", _STATUS_VERBS),),
        has_status=True,
    ),
    ResourceType(
        "endpoints",
        "endpoints",
        "Endpoints",
        "",
        "v1",
        True,
        "/registry/services/endpoints",
        short_names=("ep",),
        # k8s.io/api/core/v1 Endpoints: deprecated since 1.33 (KEP-4974)
        deprecation="v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
    ),
    ResourceType(
        "events",
        "event",
        "Event",
        "",
        "v1",
        True,
        "/registry/events",
        short_names=("ev",),
    ),
    ResourceType(
        "controllerrevisions",
        "controllerrevision",
        "ControllerRevision",
        "apps",
        "v1",
        True,
        "/registry/controllerrevisions",
    ),
    ResourceType(
        "daemonsets",
        "daemonset",
        "DaemonSet",
        "apps",
        "v1",
        True,
        "/registry/daemonsets",
        short_names=("ds",),
        categories=("all",),
        subresources=(Subresource("status", "DaemonSet", _STATUS_VERBS, group="apps"),),
        has_status=True,
    ),
    ResourceType(
        "deployments",
        "deployment",
        "Deployment",
        "apps",
        "v1",
        True,
        "/registry/deployments",
        short_names=("deploy",),
        categories=("all",),
        subresources=(
            Subresource("scale", "Scale", _STATUS_VERBS, group="autoscaling"),
            Subresource("status", "Deployment", _STATUS_VERBS, group="apps"),
        ),
        has_status=True,
    ),
    ResourceType(
        "replicasets",
        "replicaset",
        "ReplicaSet",
        "apps",
        "v1",
        True,
        "/registry/replicasets",
        short_names=("rs",),
        categories=("all",),
        subresources=(
            Subresource("scale", "Scale", _STATUS_VERBS, group="autoscaling"),
            Subresource("status", "ReplicaSet", _STATUS_VERBS, group="apps"),
        ),
        has_status=True,
    ),
    # batch/v1 (pkg/registry/batch): Jobs and the CronJobs that create them
    ResourceType(
        "statefulsets",
        "statefulset",
        "StatefulSet",
        "apps",
        "v1",
        True,
        "/registry/statefulsets",
        short_names=("sts",),
        categories=("all",),
        subresources=(
            Subresource("scale", "Scale", _STATUS_VERBS, group="autoscaling"),
            Subresource("status", "StatefulSet", _STATUS_VERBS, group="apps"),
        ),
        has_status=True,
    ),
    ResourceType(
        "cronjobs",
        "cronjob",
        "CronJob",
        "batch",
        "v1",
        True,
        "/registry/cronjobs",
        short_names=("cj",),
        categories=("all",),
        subresources=(Subresource("status", "CronJob", _STATUS_VERBS, group="batch"),),
        has_status=True,
    ),
    ResourceType(
        "jobs",
        "job",
        "Job",
        "batch",
        "v1",
        True,
        "/registry/jobs",
        categories=("all",),
        subresources=(Subresource("status", "Job", _STATUS_VERBS, group="batch"),),
        has_status=True,
    ),
    ResourceType(
        "leases",
        "lease",
        "Lease",
        "coordination.k8s.io",
        "v1",
        True,
        "/registry/leases",
    ),
    ResourceType(
        "endpointslices",
        "endpointslice",
        "EndpointSlice",
        "discovery.k8s.io",
        "v1",
        True,
        "/registry/endpointslices",
    ),
    # Storage: claims, the volumes bound to them and the classes that provision them.
    ResourceType(
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "PersistentVolumeClaim",
        "",
        "v1",
        True,
        "/registry/persistentvolumeclaims",
        short_names=("pvc",),
        subresources=(Subresource("status", "PersistentVolumeClaim", _STATUS_VERBS),),
        has_status=True,
    ),
    ResourceType(
        "persistentvolumes",
        "persistentvolume",
        "PersistentVolume",
        "",
        "v1",
        False,
        "/registry/persistentvolumes",
        short_names=("pv",),
        subresources=(Subresource("status", "PersistentVolume", _STATUS_VERBS),),
        has_status=True,
    ),
    ResourceType(
        "storageclasses",
        "storageclass",
        "StorageClass",
        "storage.k8s.io",
        "v1",
        False,
        "/registry/storageclasses",
        short_names=("sc",),
    ),
    # autoscaling/v2 (pkg/registry/autoscaling): replicas set from metrics.
    ResourceType(
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        "autoscaling",
        "v2",
        True,
        "/registry/horizontalpodautoscalers",
        short_names=("hpa",),
        categories=("all",),
        subresources=(
            Subresource("status", "HorizontalPodAutoscaler", _STATUS_VERBS, "autoscaling", "v2"),
        ),
        has_status=True,
    ),
    # networking.k8s.io/v1 (pkg/registry/networking): HTTP routing into the cluster and the
    # traffic rules between pods.
    ResourceType(
        "ingressclasses",
        "ingressclass",
        "IngressClass",
        "networking.k8s.io",
        "v1",
        False,
        "/registry/ingressclasses",
    ),
    ResourceType(
        "ingresses",
        "ingress",
        "Ingress",
        "networking.k8s.io",
        "v1",
        True,
        "/registry/ingress",
        short_names=("ing",),
        subresources=(Subresource("status", "Ingress", _STATUS_VERBS),),
        has_status=True,
    ),
    ResourceType(
        "networkpolicies",
        "networkpolicy",
        "NetworkPolicy",
        "networking.k8s.io",
        "v1",
        True,
        "/registry/networkpolicies",
        short_names=("netpol",),
    ),
    # admissionregistration.k8s.io/v1 (pkg/registry/admissionregistration): CEL policies the
    # ValidatingAdmissionPolicy admission plugin enforces, and the bindings that scope them.
    ResourceType(
        "validatingadmissionpolicies",
        "validatingadmissionpolicy",
        "ValidatingAdmissionPolicy",
        "admissionregistration.k8s.io",
        "v1",
        False,
        "/registry/validatingadmissionpolicies",
        categories=("api-extensions",),
        subresources=(
            Subresource(
                "status",
                "ValidatingAdmissionPolicy",
                _STATUS_VERBS,
                "admissionregistration.k8s.io",
                "v1",
            ),
        ),
        has_status=True,
    ),
    ResourceType(
        "validatingadmissionpolicybindings",
        "validatingadmissionpolicybinding",
        "ValidatingAdmissionPolicyBinding",
        "admissionregistration.k8s.io",
        "v1",
        False,
        "/registry/validatingadmissionpolicybindings",
        categories=("api-extensions",),
    ),
    # rbac.authorization.k8s.io/v1 (pkg/registry/rbac): who may do what.
    ResourceType(
        "clusterrolebindings",
        "clusterrolebinding",
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        "v1",
        False,
        "/registry/clusterrolebindings",
    ),
    ResourceType(
        "clusterroles",
        "clusterrole",
        "ClusterRole",
        "rbac.authorization.k8s.io",
        "v1",
        False,
        "/registry/clusterroles",
    ),
    ResourceType(
        "rolebindings",
        "rolebinding",
        "RoleBinding",
        "rbac.authorization.k8s.io",
        "v1",
        True,
        "/registry/rolebindings",
    ),
    ResourceType(
        "roles",
        "role",
        "Role",
        "rbac.authorization.k8s.io",
        "v1",
        True,
        "/registry/roles",
    ),
    # authorization.k8s.io/v1: a client asks what it may do (kubectl auth can-i).
    ResourceType(
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        "SelfSubjectAccessReview",
        "authorization.k8s.io",
        "v1",
        False,
        "/registry/selfsubjectaccessreviews",  # never written: the API server answers at once
        verbs=("create",),
    ),
    ResourceType(
        "selfsubjectrulesreviews",
        "selfsubjectrulesreview",
        "SelfSubjectRulesReview",
        "authorization.k8s.io",
        "v1",
        False,
        "/registry/selfsubjectrulesreviews",  # never written: the API server answers at once
        verbs=("create",),
    ),
    # Policy: what a namespace's pods may ask for (LimitRange) and use in total
    # (ResourceQuota), pod priorities (PriorityClass), and disruption budgets.
    ResourceType(
        "limitranges",
        "limitrange",
        "LimitRange",
        "",
        "v1",
        True,
        "/registry/limitranges",
        short_names=("limits",),
    ),
    ResourceType(
        "resourcequotas",
        "resourcequota",
        "ResourceQuota",
        "",
        "v1",
        True,
        "/registry/resourcequotas",
        short_names=("quota",),
        subresources=(Subresource("status", "ResourceQuota", _STATUS_VERBS),),
        has_status=True,
    ),
    ResourceType(
        "priorityclasses",
        "priorityclass",
        "PriorityClass",
        "scheduling.k8s.io",
        "v1",
        False,
        "/registry/priorityclasses",
        short_names=("pc",),
    ),
    ResourceType(
        "poddisruptionbudgets",
        "poddisruptionbudget",
        "PodDisruptionBudget",
        "policy",
        "v1",
        True,
        "/registry/poddisruptionbudgets",
        short_names=("pdb",),
        subresources=(Subresource("status", "PodDisruptionBudget", _STATUS_VERBS),),
        has_status=True,
    ),
)

# Other group-versions of a stored kind: served over the storage of the resource in RESOURCES
# that has the same etcd prefix, converted on the way in and out (engine/apiserver/conversion/).
OTHER_VERSIONS: tuple[ResourceType, ...] = (
    # pkg/registry/events/rest/storage_events.go: the core Events' own storage
    ResourceType(
        "events",
        "event",
        "Event",
        "events.k8s.io",
        "v1",
        True,
        "/registry/events",
        short_names=("ev",),
    ),
    # pkg/registry/autoscaling/rest/storage_autoscaling.go: v2's storage at v1 too
    ResourceType(
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        "autoscaling",
        "v1",
        True,
        "/registry/horizontalpodautoscalers",
        short_names=("hpa",),
        categories=("all",),
        subresources=(
            Subresource("status", "HorizontalPodAutoscaler", _STATUS_VERBS, "autoscaling", "v1"),
        ),
        has_status=True,
    ),
)
SERVED = RESOURCES + OTHER_VERSIONS  # what discovery, OpenAPI and URLs offer

BY_NAME = {r.name: r for r in RESOURCES}
BY_KIND = {(r.group, r.kind): r for r in RESOURCES}
BY_GROUP_VERSION_NAME = {(r.group, r.version, r.name): r for r in SERVED}
GROUPS: dict[str, tuple[str, ...]] = {}
for _r in SERVED:
    GROUPS.setdefault(_r.group, ())
    if _r.version not in GROUPS[_r.group]:
        GROUPS[_r.group] += (_r.version,)


def by_api_version_kind(api_version: str, kind: str) -> ResourceType | None:
    group, _, version = api_version.rpartition("/")
    return next((r for r in SERVED if (r.group, r.version, r.kind) == (group, version, kind)), None)


def lookup(name: str) -> ResourceType | None:
    """Resolve what a user types (`po`, `pod`, `pods`, `deployments.apps`, `Deployment`,
    `events.v1.events.k8s.io`): the core group first, as kubectl's RESTMapper prefers it."""
    text = name.lower()
    resource, _, group = text.partition(".")
    version, _, versioned_group = group.partition(".")
    for r in SERVED:
        if group and r.group != group and (r.version, r.group) != (version, versioned_group):
            continue
        if resource in (r.name, r.singular, r.kind.lower()):
            return r
        if resource in r.short_names:
            # restmapper/shortcut.go expandResourceShortcut: a short name names the resource,
            # which is then served at its preferred version (`hpa.v1.autoscaling` reads v2)
            return next(p for p in SERVED if (p.group, p.name) == (r.group, r.name))
    return None
