"""API-server defaulting: the fields Kubernetes fills in before anything else looks at an object.

Mirrors pkg/apis/core/v1/defaults.go (SetDefaults_Pod, SetDefaults_PodSpec,
SetDefaults_Container, SetDefaults_Probe, volume sources, SetDefaults_ResourceList,
SetDefaults_Namespace, SetDefaults_NodeStatus, SetDefaults_Secret,
SetDefaults_ReplicationController) and
pkg/apis/apps/v1/defaults.go (SetDefaults_Deployment, SetDefaults_ReplicaSet,
SetDefaults_DaemonSet, SetDefaults_StatefulSet), applied in the order the generated
zz_generated.defaults.go calls them.
Then puts keys in the order Go serializes the struct fields (fieldorder.py).
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from engine.apiserver.admissionregistration_defaults import ADMISSIONREGISTRATION_DEFAULTS
from engine.apiserver.autoscaling_defaults import AUTOSCALING_DEFAULTS
from engine.apiserver.fieldorder import order_like_go
from engine.apiserver.memo import round_up_milli
from engine.apiserver.networking_defaults import NETWORKING_DEFAULTS
from engine.apiserver.policy_defaults import POLICY_DEFAULTS
from engine.apiserver.service_defaults import default_service

Obj = dict[str, Any]

DEFAULT_TERMINATION_GRACE_PERIOD = 30  # v1.DefaultTerminationGracePeriodSeconds
DEFAULT_SCHEDULER_NAME = "default-scheduler"
DEFAULT_FILE_MODE = 0o644  # 420: secret, configMap, downwardAPI and projected volumes
DEFAULT_TOKEN_EXPIRATION = 3600  # SetDefaults_ServiceAccountTokenProjection


_WORKLOADS = ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "ReplicationController")


def set_defaults(
    kind: str, obj: Obj, *, on_create: bool | None = None, old: Obj | None = None
) -> None:
    """Default `obj` in place, as decoding a request body into `kind` would.

    `on_create` covers what upstream does in the registry's PrepareForCreate rather than in
    defaults.go (a new Namespace gets the `kubernetes` finalizer). Left as None it is inferred:
    the API server clears metadata.resourceVersion on create and requires it on update.

    `old`, on an update, is the stored object `obj` was computed from, sharing the maps and
    lists the change did not touch (see APIServer._guaranteed_update). A stored object is
    already defaulted and in Go order, and defaulting it again changes nothing, so values
    `obj` shares with `old` are skipped: re-defaulting a whole pod spec on every status write
    was a large part of what the write cost.
    """
    if on_create is None:
        on_create = not _d(obj.get("metadata")).get("resourceVersion")
    if kind == "Pod":
        spec = _dict_field(obj, "spec")
        old_spec = _d(old.get("spec")) if old is not None else None
        if spec is not old_spec:
            if old_spec is not None and spec.get("hostNetwork") != old_spec.get("hostNetwork"):
                # Containers' ports are defaulted from hostNetwork: one that changed must not
                # reach into containers still shared with the stored object.
                spec = obj["spec"] = _copy(spec)
                old_spec = None
            _default_pod_only(spec, old_spec)
            default_pod_spec(spec, old_spec)
    elif kind in _WORKLOADS:
        spec = _dict_field(obj, "spec")
        if rc := kind == "ReplicationController":
            _default_replication_controller(obj, spec)
        old_spec = _d(old.get("spec")) if old is not None else None
        # A ReplicationController's template is a pointer: a missing one stays missing.
        if spec is not old_spec and (not rc or isinstance(spec.get("template"), dict)):
            if kind == "DaemonSet":
                _default_daemonset_spec(spec)
            elif kind == "StatefulSet":
                _default_statefulset_spec(spec)
            elif spec.get("replicas") is None:
                spec["replicas"] = 1
            if kind == "Deployment":
                _default_deployment_spec(spec)
            template = _dict_field(spec, "template")
            old_template = _d(old_spec.get("template")) if old_spec is not None else None
            if template is not old_template:
                pod_spec = _dict_field(template, "spec")
                old_pod_spec = _d(old_template.get("spec")) if old_template is not None else None
                if pod_spec is not old_pod_spec:
                    default_pod_spec(pod_spec, old_pod_spec)
    elif kind in ("Job", "CronJob"):
        _default_batch(kind, obj, old)
    elif kind == "Namespace":
        _default_namespace(obj, on_create)
    elif kind == "Service":
        default_service(obj)
    elif kind == "Endpoints":
        for subset in _l(obj.get("subsets")):  # core/v1 SetDefaults_EndpointPort
            for port in _l(_d(subset).get("ports")):
                if isinstance(port, dict):
                    port.setdefault("protocol", "TCP")
    elif kind == "EndpointSlice":
        # discovery/v1 SetDefaults_EndpointPort: an unnamed port is named "", protocol TCP.
        for port in _l(obj.get("ports")):
            if isinstance(port, dict):
                port.setdefault("name", "")
                port.setdefault("protocol", "TCP")
    elif kind in _OTHER_GROUPS:
        _OTHER_GROUPS[kind](obj)
    elif kind == "Secret" and not obj.get("type"):
        obj["type"] = "Opaque"  # SetDefaults_Secret
    elif kind == "Node":
        status = _d(obj.get("status"))
        for key in ("capacity", "allocatable"):
            _default_resource_list(status.get(key))
        if status.get("allocatable") is None and isinstance(status.get("capacity"), dict):
            status["allocatable"] = dict(status["capacity"])
    elif kind in ("RoleBinding", "ClusterRoleBinding"):
        _default_binding(obj)
    order_like_go(kind, obj, old)


def _default_binding(obj: Obj) -> None:
    """pkg/apis/rbac/v1/defaults.go SetDefaults_ClusterRoleBinding, SetDefaults_RoleBinding,
    SetDefaults_Subject: the roleRef's group, and each subject's by its kind."""
    role_ref = obj.get("roleRef")
    if isinstance(role_ref, dict) and not role_ref.get("apiGroup"):
        role_ref["apiGroup"] = "rbac.authorization.k8s.io"
    for subject in _l(obj.get("subjects")):
        # A ServiceAccount's group is "" (omitempty: not written).
        kind = subject.get("kind") if isinstance(subject, dict) else None
        if kind in ("User", "Group") and not subject.get("apiGroup"):
            subject["apiGroup"] = "rbac.authorization.k8s.io"


def _default_daemonset_spec(spec: Obj) -> None:
    """SetDefaults_DaemonSet (pkg/apis/apps/v1/defaults.go): a RollingUpdate of one node at a
    time, no surge, ten revisions kept."""
    strategy = _dict_field(spec, "updateStrategy")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = _dict_field(strategy, "rollingUpdate")
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = 1
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = 0
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10


def _default_statefulset_spec(spec: Obj) -> None:
    """SetDefaults_StatefulSet (pkg/apis/apps/v1/defaults.go), then each volumeClaimTemplate
    as a PersistentVolumeClaim (SetObjectDefaults_StatefulSet). maxUnavailable is defaulted
    since MaxUnavailableStatefulSet went beta (1.35)."""
    if not spec.get("podManagementPolicy"):
        spec["podManagementPolicy"] = "OrderedReady"
    strategy = _dict_field(spec, "updateStrategy")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
        _dict_field(strategy, "rollingUpdate")
    rolling = strategy.get("rollingUpdate")
    if strategy["type"] == "RollingUpdate" and isinstance(rolling, dict):
        if rolling.get("partition") is None:
            rolling["partition"] = 0
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = 1
    retention = _dict_field(spec, "persistentVolumeClaimRetentionPolicy")
    for key in ("whenDeleted", "whenScaled"):
        if not retention.get(key):
            retention[key] = "Retain"
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    for claim in _l(spec.get("volumeClaimTemplates")):
        if isinstance(claim, dict):
            _default_persistent_volume_claim(claim)


def _default_replication_controller(obj: Obj, spec: Obj) -> None:
    """SetDefaults_ReplicationController (pkg/apis/core/v1/defaults.go): the selector, and the
    object's labels if it has none, from the template's (if not nil); one replica."""
    labels = _d(_d(spec.get("template")).get("metadata")).get("labels")
    if isinstance(labels, dict):
        if not spec.get("selector"):
            spec["selector"] = dict(labels)
        meta = _dict_field(obj, "metadata")
        if not meta.get("labels"):
            meta["labels"] = dict(labels)
    if spec.get("replicas") is None:
        spec["replicas"] = 1


# ---- batch/v1 (pkg/apis/batch/v1/defaults.go) ------------------------------------------------
def _default_batch(kind: str, obj: Obj, old: Obj | None) -> None:
    """SetObjectDefaults_Job / SetObjectDefaults_CronJob: the kind's own defaults, then the pod
    template's. A CronJob's jobTemplate is not defaulted as a Job (SetDefaults_Job is for Job
    objects): its Jobs get their defaults when the controller creates them."""
    spec = _dict_field(obj, "spec")
    old_spec = _d(old.get("spec")) if old is not None else None
    if spec is old_spec:
        return
    if kind == "Job":
        _default_job(obj, spec)
        template = _dict_field(spec, "template")
        old_template = _d(old_spec.get("template")) if old_spec is not None else None
    else:
        _default_cronjob_spec(spec)
        job_spec = _dict_field(_dict_field(spec, "jobTemplate"), "spec")
        template = _dict_field(job_spec, "template")
        old_job = _d(_d(old_spec.get("jobTemplate")).get("spec")) if old_spec is not None else {}
        old_template = _d(old_job.get("template")) if old_spec is not None else None
    if template is not old_template:
        pod_spec = _dict_field(template, "spec")
        old_pod_spec = _d(old_template.get("spec")) if old_template is not None else None
        if pod_spec is not old_pod_spec:
            default_pod_spec(pod_spec, old_pod_spec)


def _default_job(job: Obj, spec: Obj) -> None:
    """SetDefaults_Job: one pod at a time, one completion, six retries."""
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = 2**31 - 1 if spec.get("backoffLimitPerIndex") is not None else 6
    labels = _d(_d(spec.get("template")).get("metadata")).get("labels")
    meta = _dict_field(job, "metadata")
    if labels and not meta.get("labels"):
        meta["labels"] = dict(labels)
    if spec.get("completionMode") is None:
        spec["completionMode"] = "NonIndexed"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    failure_policy = spec.get("podFailurePolicy")
    for rule in _l(_d(failure_policy).get("rules")):
        for pattern in _l(_d(rule).get("onPodConditions")):
            if isinstance(pattern, dict) and not pattern.get("status"):
                pattern["status"] = "True"
    if spec.get("podReplacementPolicy") is None:
        spec["podReplacementPolicy"] = (
            "Failed" if failure_policy is not None else "TerminatingOrFailed"
        )
    if spec.get("manualSelector") is None:
        spec["manualSelector"] = False


def _default_cronjob_spec(spec: Obj) -> None:
    """SetDefaults_CronJob."""
    if not spec.get("concurrencyPolicy"):
        spec["concurrencyPolicy"] = "Allow"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if spec.get("successfulJobsHistoryLimit") is None:
        spec["successfulJobsHistoryLimit"] = 3
    if spec.get("failedJobsHistoryLimit") is None:
        spec["failedJobsHistoryLimit"] = 1


def _default_persistent_volume(pv: Obj) -> None:
    """SetDefaults_PersistentVolume (pkg/apis/core/v1/defaults.go): a new volume is Pending
    until the PersistentVolume controller looks at it; a volume made by hand is Retained."""
    spec = _dict_field(pv, "spec")
    status = _dict_field(pv, "status")
    if not status.get("phase"):
        status["phase"] = "Pending"
    if not spec.get("persistentVolumeReclaimPolicy"):
        spec["persistentVolumeReclaimPolicy"] = "Retain"
    if spec.get("volumeMode") is None:
        spec["volumeMode"] = "Filesystem"
    host_path = spec.get("hostPath")
    if isinstance(host_path, dict) and host_path.get("type") is None:
        host_path["type"] = ""  # SetDefaults_HostPathVolumeSource
    _default_resource_list(spec.get("capacity"))


def _default_persistent_volume_claim(pvc: Obj) -> None:
    """SetDefaults_PersistentVolumeClaim and SetDefaults_PersistentVolumeClaimSpec."""
    spec = _dict_field(pvc, "spec")
    status = _dict_field(pvc, "status")
    if not status.get("phase"):
        status["phase"] = "Pending"
    if spec.get("volumeMode") is None:
        spec["volumeMode"] = "Filesystem"
    resources = _d(spec.get("resources"))
    _default_resource_list(resources.get("requests"))
    _default_resource_list(resources.get("limits"))


def _default_storage_class(sc: Obj) -> None:
    """SetDefaults_StorageClass (pkg/apis/storage/v1/defaults.go)."""
    if not sc.get("reclaimPolicy"):
        sc["reclaimPolicy"] = "Delete"
    if not sc.get("volumeBindingMode"):
        sc["volumeBindingMode"] = "Immediate"


# The kinds whose defaulting takes only the object, by kind (each group's SetDefaults_*).
_OTHER_GROUPS = {
    "PersistentVolume": _default_persistent_volume,
    "PersistentVolumeClaim": _default_persistent_volume_claim,
    "StorageClass": _default_storage_class,
    **POLICY_DEFAULTS,
    **NETWORKING_DEFAULTS,
    **AUTOSCALING_DEFAULTS,
    **ADMISSIONREGISTRATION_DEFAULTS,
}


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _unchanged(value: Any, old: Obj | None, key: str) -> bool:
    """Whether `value` is the very object `old[key]` holds: a part of a stored object that an
    update left alone, already defaulted (see set_defaults)."""
    return old is not None and key in old and value is old[key]


# ---------------------------------------------------------------------------------------------
# Pods and pod templates


def _default_pod_only(spec: Obj, old: Obj | None = None) -> None:
    """SetDefaults_Pod: what a Pod gets but a pod template does not. `old`: see set_defaults."""
    for key in ("containers", "initContainers"):
        if _unchanged(spec.get(key), old, key):
            continue
        for container in _l(spec.get(key)):
            resources = _d(_d(container).get("resources"))
            limits = resources.get("limits")
            if isinstance(limits, dict) and limits:
                # A limit without a request means "request exactly the limit".
                requests = resources.get("requests")
                if not isinstance(requests, dict):
                    requests = resources["requests"] = {}
                for name, value in limits.items():
                    requests.setdefault(name, value)
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork") is True:
        for key in ("containers", "initContainers"):
            if _unchanged(spec.get(key), old, key):
                continue
            for container in _l(spec.get(key)):
                for port in _l(_d(container).get("ports")):
                    if isinstance(port, dict) and not port.get("hostPort"):
                        port["hostPort"] = port.get("containerPort")
    # Since 1.27 a negative grace period is read as 1 (Convert_v1_Pod_To_core_Pod).
    grace = spec.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and grace < 0:
        spec["terminationGracePeriodSeconds"] = 1


def default_pod_spec(spec: Obj, old: Obj | None = None) -> None:
    """SetDefaults_PodSpec, then the volume and container defaults beneath it. `old` is the
    stored spec this one was computed from: lists still shared with it are skipped."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = DEFAULT_TERMINATION_GRACE_PERIOD
    if not spec.get("schedulerName"):
        spec["schedulerName"] = DEFAULT_SCHEDULER_NAME
    if not _unchanged(spec.get("volumes"), old, "volumes"):
        for volume in _l(spec.get("volumes")):
            if isinstance(volume, dict):
                default_volume(volume)
    for key in ("initContainers", "containers", "ephemeralContainers"):
        if _unchanged(spec.get(key), old, key):
            continue
        for container in _l(spec.get(key)):
            if isinstance(container, dict):
                default_container(container)
    if not _unchanged(spec.get("overhead"), old, "overhead"):
        _default_resource_list(spec.get("overhead"))


# VolumeSource's JSON keys: a volume with none of them set becomes an emptyDir.
_VOLUME_SOURCE_KEYS = (
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
)


def default_volume(volume: Obj) -> None:
    if all(volume.get(key) is None for key in _VOLUME_SOURCE_KEYS):
        volume["emptyDir"] = {}  # SetDefaults_Volume
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        source = volume.get(key)
        if isinstance(source, dict) and source.get("defaultMode") is None:
            source["defaultMode"] = DEFAULT_FILE_MODE
    host_path = volume.get("hostPath")
    if isinstance(host_path, dict) and host_path.get("type") is None:
        host_path["type"] = ""  # HostPathUnset, serialized as type: ""
    for item in _l(_d(volume.get("downwardAPI")).get("items")):
        _default_field_ref(_d(item).get("fieldRef"))
    for projection in _l(_d(volume.get("projected")).get("sources")):
        projection = _d(projection)
        token = projection.get("serviceAccountToken")
        if isinstance(token, dict) and token.get("expirationSeconds") is None:
            token["expirationSeconds"] = DEFAULT_TOKEN_EXPIRATION
        for item in _l(_d(projection.get("downwardAPI")).get("items")):
            _default_field_ref(_d(item).get("fieldRef"))


def default_container(container: Obj) -> None:
    """SetDefaults_Container plus the defaults of what a container holds."""
    if not container.get("imagePullPolicy"):
        container["imagePullPolicy"] = pull_policy_for(container.get("image"))
    if not container.get("terminationMessagePath"):
        container["terminationMessagePath"] = "/dev/termination-log"
    if not container.get("terminationMessagePolicy"):
        container["terminationMessagePolicy"] = "File"
    for port in _l(container.get("ports")):
        if isinstance(port, dict) and not port.get("protocol"):
            port["protocol"] = "TCP"
    for var in _l(container.get("env")):
        _default_field_ref(_d(_d(var).get("valueFrom")).get("fieldRef"))
    resources = _d(container.get("resources"))
    _default_resource_list(resources.get("limits"))
    _default_resource_list(resources.get("requests"))
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if isinstance(container.get(probe), dict):
            default_probe(container[probe])
    lifecycle = _d(container.get("lifecycle"))
    for hook in ("postStart", "preStop"):
        _default_http_get(_d(lifecycle.get(hook)).get("httpGet"))


def default_probe(probe: Obj) -> None:
    # SetDefaults_Probe: these are "if zero", so an explicit 0 also becomes the default.
    for key, value in (
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ):
        if not probe.get(key):
            probe[key] = value
    _default_http_get(probe.get("httpGet"))
    grpc = probe.get("grpc")
    if isinstance(grpc, dict) and grpc.get("service") is None:
        grpc["service"] = ""


def _default_http_get(action: Any) -> None:
    if isinstance(action, dict):
        if not action.get("path"):
            action["path"] = "/"
        if not action.get("scheme"):
            action["scheme"] = "HTTP"


def _default_field_ref(ref: Any) -> None:
    if isinstance(ref, dict) and not ref.get("apiVersion"):
        ref["apiVersion"] = "v1"  # SetDefaults_ObjectFieldSelector


def _default_resource_list(resources: Any) -> None:
    """SetDefaults_ResourceList: round up to milli-scale; the stored form is canonical."""
    if not isinstance(resources, dict):
        return
    for name, value in resources.items():
        # A malformed quantity is left for the decoder check (validation.decode_error).
        with contextlib.suppress(ValueError):
            resources[name] = round_up_milli(value)


# distribution/reference's grammar (docker/distribution reference/regexp.go), enough to know
# whether an image names a tag, a digest, both, or neither.
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(rf"({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?")


def image_tag(image: Any) -> str:
    """The tag parsers.ParseImageName finds: "latest" when neither tag nor digest is given,
    "" for a digest-only or unparsable reference."""
    # No valid reference is this long (names stop at 255); also keeps the regex cheap.
    if not isinstance(image, str) or len(image) > 1024:
        return ""
    match = _REFERENCE.fullmatch(image)
    if match is None or len(match.group(1)) > 255:
        return ""
    name, tag, digest = match.groups()
    if re.fullmatch(r"[a-f0-9]{64}", name):  # a bare image ID is not a repository name
        return ""
    if digest and digest.startswith("sha256:") and len(digest) != len("sha256:") + 64:
        return ""
    if not tag and not digest:
        return "latest"
    return tag or ""


def pull_policy_for(image: Any) -> str:
    """SetDefaults_Container: Always for `:latest` (or no tag), IfNotPresent otherwise."""
    return "Always" if image_tag(image) == "latest" else "IfNotPresent"


# ---------------------------------------------------------------------------------------------
# Workloads, namespaces


def _default_deployment_spec(spec: Obj) -> None:
    """SetDefaults_Deployment (apps/v1)."""
    strategy = _dict_field(spec, "strategy")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = _dict_field(strategy, "rollingUpdate")
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = "25%"
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = "25%"
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = 600


def _default_namespace(obj: Obj, on_create: bool) -> None:
    meta = _dict_field(obj, "metadata")
    name = meta.get("name")
    if isinstance(name, str) and name:
        # SetDefaults_Namespace: every namespace can be selected by its name.
        labels = meta.get("labels")
        if not isinstance(labels, dict):
            labels = meta["labels"] = {}
        labels["kubernetes.io/metadata.name"] = name
    status = _dict_field(obj, "status")
    if not status.get("phase"):
        status["phase"] = "Active"  # SetDefaults_NamespaceStatus
    if on_create:
        # pkg/registry/core/namespace/strategy.go PrepareForCreate: the namespace controller
        # removes this finalizer once everything in the namespace is gone.
        finalizers = _dict_field(obj, "spec").get("finalizers")
        if not isinstance(finalizers, list):
            finalizers = obj["spec"]["finalizers"] = []
        if "kubernetes" not in finalizers:
            finalizers.append("kubernetes")


# ---------------------------------------------------------------------------------------------
# Helpers


def _d(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict_field(obj: Obj, key: str) -> Obj:
    """obj[key] as a dict, created (like Go's zero-value struct) when absent or null."""
    value = obj.get(key)
    if not isinstance(value, dict):
        value = obj[key] = {}
    return value
