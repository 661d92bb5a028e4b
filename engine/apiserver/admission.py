"""Admission: the plugins that rewrite or veto an object after authorization, before storage.

Mutating plugins run first (in the order below), then validation, then validating plugins.
Implemented here are the mutations a freshly created Pod actually goes through in a default
cluster (plugin/pkg/admission/...): ServiceAccount, Priority, DefaultTolerationSeconds, plus
the pod strategy's PrepareForCreate (status Pending and its QoS class), and
TaintNodesByCondition for new Nodes. Everything is a pure function of the object and the rng.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from engine import names
from engine.apimachinery import errors
from engine.apiserver.fieldorder import order_like_go
from engine.apiserver.memo import parse_quantity

Obj = dict[str, Any]


@dataclass(frozen=True)
class AdmissionPlugin:
    name: str
    mutating: bool
    validating: bool
    description: str


# The plugins a kubeadm-built 1.37 API server runs, in AllOrderedPlugins order
# (pkg/kubeapiserver/options/plugins.go): the default-on set plus kubeadm's NodeRestriction.
ADMISSION_PLUGINS: tuple[AdmissionPlugin, ...] = (
    AdmissionPlugin(
        "NamespaceLifecycle",
        False,
        True,
        "Refuses new objects in a namespace that does not exist or is being deleted.",
    ),
    AdmissionPlugin(
        "LimitRanger",
        True,
        True,
        "Applies a namespace's LimitRange: default requests/limits, then min/max checks.",
    ),
    AdmissionPlugin(
        "ServiceAccount",
        True,
        True,
        "Gives a pod the `default` service account and mounts its API token volume.",
    ),
    AdmissionPlugin(
        "NodeRestriction",
        False,
        True,
        "Lets a kubelet modify only its own Node and the pods bound to it.",
    ),
    AdmissionPlugin(
        "TaintNodesByCondition",
        True,
        False,
        "Taints a new Node not-ready:NoSchedule until its kubelet reports Ready.",
    ),
    AdmissionPlugin(
        "PodSecurity",
        False,
        True,
        "Enforces the namespace's Pod Security Standard (privileged/baseline/restricted).",
    ),
    AdmissionPlugin(
        "Priority",
        True,
        True,
        "Resolves priorityClassName to a number (0 without a default class).",
    ),
    AdmissionPlugin(
        "DefaultTolerationSeconds",
        True,
        False,
        "Lets a pod tolerate an unreachable or not-ready node for 300s before eviction.",
    ),
    AdmissionPlugin(
        "DefaultStorageClass",
        True,
        False,
        "Gives a PersistentVolumeClaim without a class the cluster's default StorageClass.",
    ),
    AdmissionPlugin(
        "StorageObjectInUseProtection",
        True,
        False,
        "Adds finalizers so a PVC or PV in use by a pod is not deleted under it.",
    ),
    AdmissionPlugin(
        "PodGroupProtection",
        True,
        False,
        "Adds a finalizer that keeps a PodGroup while its pods still use it.",
    ),
    AdmissionPlugin(
        "PersistentVolumeClaimResize",
        False,
        True,
        "Allows growing a PVC only when its StorageClass permits volume expansion.",
    ),
    AdmissionPlugin(
        "RuntimeClass",
        True,
        True,
        "Adds the pod overhead and scheduling rules of the pod's RuntimeClass.",
    ),
    AdmissionPlugin(
        "CertificateApproval",
        False,
        True,
        "Checks that whoever approves a CertificateSigningRequest may approve its signer.",
    ),
    AdmissionPlugin(
        "CertificateSigning",
        False,
        True,
        "Checks that whoever signs a CertificateSigningRequest may sign for its signer.",
    ),
    AdmissionPlugin(
        "ClusterTrustBundleAttest",
        False,
        True,
        "Checks that a ClusterTrustBundle's writer may attest for its signer.",
    ),
    AdmissionPlugin(
        "CertificateSubjectRestriction",
        False,
        True,
        "Refuses certificate requests for the system:masters group.",
    ),
    AdmissionPlugin(
        "DefaultIngressClass",
        True,
        False,
        "Gives an Ingress without a class the cluster's default IngressClass.",
    ),
    AdmissionPlugin(
        "PodTopologyLabels",
        True,
        False,
        "Copies the node's topology labels (zone, region) onto a pod when it is bound.",
    ),
    AdmissionPlugin(
        "PodGroupWorkloadExists",
        False,
        True,
        "Refuses pods that name a PodGroup whose Workload does not exist (feature-gated).",
    ),
    AdmissionPlugin(
        "NodeDeclaredFeatureValidator",
        False,
        True,
        "Checks that a pod bound to a node uses only features the node declares (gated).",
    ),
    AdmissionPlugin(
        "JobValidation",
        False,
        True,
        "Extra checks for Jobs that belong to a Workload (feature-gated).",
    ),
    AdmissionPlugin(
        "PodResizeValidator",
        False,
        True,
        "Checks in-place pod resizes against the node's capabilities.",
    ),
    AdmissionPlugin(
        "MutatingAdmissionPolicy",
        True,
        False,
        "Runs the cluster's CEL MutatingAdmissionPolicies.",
    ),
    AdmissionPlugin(
        "MutatingAdmissionWebhook",
        True,
        False,
        "Calls the cluster's mutating webhooks, which may rewrite the object.",
    ),
    AdmissionPlugin(
        "ValidatingAdmissionPolicy",
        False,
        True,
        "Runs the cluster's CEL ValidatingAdmissionPolicies.",
    ),
    AdmissionPlugin(
        "ValidatingAdmissionWebhook",
        False,
        True,
        "Calls the cluster's validating webhooks, which may refuse the object.",
    ),
    AdmissionPlugin(
        "ResourceQuota",
        False,
        True,
        "Refuses objects that would take a namespace over its ResourceQuota.",
    ),
)

# The two phases the trace shows: every mutating plugin runs before validation, every
# validating one after it.
MUTATING_PLUGINS = tuple(p.name for p in ADMISSION_PLUGINS if p.mutating)
VALIDATING_PLUGINS = tuple(p.name for p in ADMISSION_PLUGINS if p.validating)

# plugin/pkg/admission/serviceaccount/admission.go
DEFAULT_SERVICE_ACCOUNT = "default"
TOKEN_VOLUME_PREFIX = "kube-api-access-"
TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
# An hour plus 7s: the odd value marks the admission-injected token, which the API server
# may then issue for longer (warning) so that clients that never reload it keep working.
TOKEN_EXPIRATION_SECONDS = 3607
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"

# pkg/apis/scheduling: the two classes every cluster has, and what a pod gets without one.
SYSTEM_PRIORITY_CLASSES = {
    "system-node-critical": 2000001000,
    "system-cluster-critical": 2000000000,
}
DEFAULT_PRIORITY = 0
DEFAULT_PREEMPTION_POLICY = "PreemptLowerPriority"

# plugin/pkg/admission/defaulttolerationseconds: --default-not-ready-toleration-seconds etc.
DEFAULT_TOLERATION_SECONDS = 300
NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"


# The ServiceAccount a pod names, looked up by name in the pod's namespace: None when there
# is none (and the namespace exists: a missing namespace is NamespaceLifecycle's to refuse).
AccountLookup = Callable[[str], Obj | None]
# A PriorityClass by name ("" for the globalDefault one): None when there is none.
ClassLookup = Callable[[str], Obj | None]


def system_class_lookup(name: str) -> Obj | None:
    """The classes of a cluster with only the two system ones (for callers without an API
    server)."""
    if name in SYSTEM_PRIORITY_CLASSES:
        return {"metadata": {"name": name}, "value": SYSTEM_PRIORITY_CLASSES[name]}
    return None


def admit_pod_create(
    pod: Obj,
    rng: random.Random,
    *,
    account_of: AccountLookup = lambda _name: {},
    class_of: ClassLookup = system_class_lookup,
    toleration_seconds: int = DEFAULT_TOLERATION_SECONDS,
) -> list[str]:
    """Run the mutating admission a new Pod goes through; return the plugins that changed it.

    `account_of` finds the pod's ServiceAccount (its automountServiceAccountToken and
    imagePullSecrets count); `toleration_seconds` the API server's
    --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds.
    Raises StatusError (403 Forbidden) where upstream does. Ends with the pod strategy's
    PrepareForCreate: status Pending with its QoS class.
    """
    changed: list[str] = []
    spec = pod.get("spec")
    if not isinstance(spec, dict):
        spec = pod["spec"] = {}
    if _service_account(pod, spec, rng, account_of):
        changed.append("ServiceAccount")
    if _priority(pod, spec, class_of):
        changed.append("Priority")
    if _default_toleration_seconds(spec, toleration_seconds):
        changed.append("DefaultTolerationSeconds")
    prepare_pod_for_create(pod)
    return changed


def _forbidden(pod: Obj, why: str) -> errors.StatusError:
    # admission.NewForbidden: the name is still empty for a generateName pod at this point.
    name = _d(pod.get("metadata")).get("name")
    return errors.forbidden("pods", name if isinstance(name, str) else "", why)


def _service_account(pod: Obj, spec: Obj, rng: random.Random, account_of: AccountLookup) -> bool:
    before = repr(spec)
    annotations = _d(_d(pod.get("metadata")).get("annotations"))
    if MIRROR_POD_ANNOTATION in annotations:
        # Static pods are the kubelet's own: never rewritten, never given credentials.
        if spec.get("serviceAccountName"):
            raise _forbidden(pod, "a mirror pod may not reference service accounts")
        if any(isinstance(v, dict) and v.get("secret") for v in _l(spec.get("volumes"))):
            raise _forbidden(pod, "a mirror pod may not reference secrets")
        return False
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = DEFAULT_SERVICE_ACCOUNT
    name = spec["serviceAccountName"]
    # The deprecated serviceAccount field mirrors serviceAccountName (v1 conversion).
    spec["serviceAccount"] = name
    account = account_of(str(name))
    if account is None:
        # admission.go Admit: getServiceAccount's live lookup found none.
        namespace = _d(pod.get("metadata")).get("namespace", "")
        raise _forbidden(
            pod,
            f"error looking up service account {namespace}/{name}: "
            f'serviceaccount "{name}" not found',
        )
    automount = spec.get("automountServiceAccountToken")
    if automount is None:  # shouldAutomount: the pod's word, then the account's, then yes
        automount = account.get("automountServiceAccountToken")
    if automount is None or automount:
        _mount_token(spec, rng)
    pull_secrets = account.get("imagePullSecrets")
    if not spec.get("imagePullSecrets") and pull_secrets:
        spec["imagePullSecrets"] = [{"name": _d(ref).get("name", "")} for ref in pull_secrets]
    return repr(spec) != before


def _mount_token(spec: Obj, rng: random.Random) -> None:
    volumes = spec.get("volumes")
    if not isinstance(volumes, list):
        volumes = []
    existing = next(
        (
            v["name"]
            for v in volumes
            if isinstance(v, dict) and str(v.get("name", "")).startswith(TOKEN_VOLUME_PREFIX)
        ),
        None,
    )
    volume_name = existing or TOKEN_VOLUME_PREFIX + names.random_string(rng)
    needs_volume = False
    for key in ("initContainers", "containers"):
        for container in _l(spec.get(key)):
            if not isinstance(container, dict):
                continue
            mounts = container.get("volumeMounts")
            if not isinstance(mounts, list):
                mounts = container["volumeMounts"] = []
            # A container that already mounts something at the token path keeps it.
            if any(_d(m).get("mountPath") == TOKEN_MOUNT_PATH for m in mounts):
                continue
            mounts.append({"name": volume_name, "readOnly": True, "mountPath": TOKEN_MOUNT_PATH})
            needs_volume = True
    if needs_volume and existing is None:
        volumes.append(token_volume(volume_name))
        spec["volumes"] = volumes


def token_volume(name: str) -> Obj:
    """The projected volume that replaced token Secrets (BoundServiceAccountTokenVolume)."""
    return {
        "name": name,
        "projected": {
            "sources": [
                {
                    "serviceAccountToken": {
                        "expirationSeconds": TOKEN_EXPIRATION_SECONDS,
                        "path": "token",
                    }
                },
                {
                    "configMap": {
                        "name": "kube-root-ca.crt",
                        "items": [{"key": "ca.crt", "path": "ca.crt"}],
                    }
                },
                {
                    "downwardAPI": {
                        "items": [
                            {
                                "path": "namespace",
                                "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                            }
                        ]
                    }
                },
            ],
            "defaultMode": 0o644,
        },
    }


def _priority(pod: Obj, spec: Obj, class_of: ClassLookup) -> bool:
    """plugin/pkg/admission/priority admitPod: priorityClassName -> priority and
    preemptionPolicy; a pod that names no class gets the globalDefault one (the lowest value
    if several), else priority 0."""
    class_name = spec.get("priorityClassName") or ""
    named = bool(class_name)
    if not class_name:
        default = class_of("")
        if default is None:
            priority, policy_of_class = DEFAULT_PRIORITY, DEFAULT_PREEMPTION_POLICY
        else:
            spec["priorityClassName"] = default["metadata"]["name"]
            priority = default.get("value", 0)
            policy_of_class = default.get("preemptionPolicy") or DEFAULT_PREEMPTION_POLICY
    else:
        found = class_of(str(class_name))
        if found is None:
            raise _forbidden(pod, f"no PriorityClass with name {class_name} was found")
        priority = found.get("value", 0)
        policy_of_class = found.get("preemptionPolicy") or DEFAULT_PREEMPTION_POLICY
    given = spec.get("priority")
    if given is not None and given != priority:
        raise _forbidden(
            pod,
            f"the integer value of priority ({given}) must not be provided in pod spec; "
            f"priority admission controller computed {priority} from the given PriorityClass name",
        )
    policy = spec.get("preemptionPolicy")
    if policy is not None and policy != policy_of_class:
        raise _forbidden(
            pod,
            f"the string value of PreemptionPolicy ({policy}) must not be provided in pod spec; "
            f"priority admission controller computed {policy_of_class} from the given "
            "PriorityClass name",
        )
    changed = given is None or policy is None or named != bool(spec.get("priorityClassName"))
    spec["priority"] = priority
    spec["preemptionPolicy"] = policy_of_class
    return changed


def _default_toleration_seconds(spec: Obj, seconds: int) -> bool:
    tolerations = spec.get("tolerations")
    if not isinstance(tolerations, list):
        tolerations = []
    added = False
    for taint in (NOT_READY_TAINT, UNREACHABLE_TAINT):
        # An empty key or effect in a toleration is a wildcard.
        tolerated = any(
            isinstance(t, dict)
            and t.get("key") in (taint, "", None)
            and t.get("effect") in ("NoExecute", "", None)
            for t in tolerations
        )
        if not tolerated:
            tolerations.append(
                {
                    "key": taint,
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": seconds,
                }
            )
            added = True
    if added:
        spec["tolerations"] = tolerations
    return added


def prepare_pod_for_create(pod: Obj) -> None:
    """pkg/registry/core/pod/strategy.go PrepareForCreate: a new pod's status."""
    pod["status"] = {"phase": "Pending", "qosClass": qos_class(pod)}
    order_like_go("Pod", pod)


def qos_class(pod: Obj) -> str:
    """pkg/apis/core/v1/helper/qos/qos.go ComputePodQOS (container-level resources)."""
    spec = _d(pod.get("spec"))
    requests: dict[str, Fraction] = {}
    limits: dict[str, Fraction] = {}
    guaranteed = True
    for container in _l(spec.get("containers")) + _l(spec.get("initContainers")):
        resources = _d(_d(container).get("resources"))
        for name, raw in _d(resources.get("requests")).items():
            value = _positive(name, raw)
            if value is not None:
                requests[name] = requests.get(name, Fraction(0)) + value
        found = set()
        for name, raw in _d(resources.get("limits")).items():
            value = _positive(name, raw)
            if value is not None:
                found.add(name)
                limits[name] = limits.get(name, Fraction(0)) + value
        if not {"cpu", "memory"} <= found:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    matching = all(limits.get(n) == v for n, v in requests.items())
    if guaranteed and matching and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


def _positive(name: str, raw: Any) -> Fraction | None:
    # Only cpu and memory count towards QoS, and only when above zero.
    if name not in ("cpu", "memory"):
        return None
    try:
        value = parse_quantity(raw)
    except ValueError:
        return None
    return value if value > 0 else None


def admit_node_create(node: Obj) -> list[str]:
    """TaintNodesByCondition: a new Node starts tainted not-ready:NoSchedule."""
    spec = node.get("spec")
    if not isinstance(spec, dict):
        spec = node["spec"] = {}
    taints = spec.get("taints")
    if not isinstance(taints, list):
        taints = []
    if any(
        isinstance(t, dict) and t.get("key") == NOT_READY_TAINT and t.get("effect") == "NoSchedule"
        for t in taints
    ):
        return []
    taints.append({"key": NOT_READY_TAINT, "effect": "NoSchedule"})
    spec["taints"] = taints
    order_like_go("Node", node)
    return ["TaintNodesByCondition"]


def _d(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
