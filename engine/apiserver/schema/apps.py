"""apps/v1 Deployment and ReplicaSet (k8s.io/api apps/v1/types.go)."""

from __future__ import annotations

from engine.apiserver.schema.cluster import kind, list_kind
from engine.apiserver.schema.meta import LABEL_SELECTOR
from engine.apiserver.schema.model import (
    INT_OR_STRING,
    Prop,
    Struct,
    boolean,
    int32,
    int64,
    list_of,
    ref,
    string,
    time,
)
from engine.apiserver.schema.pod import POD_TEMPLATE_SPEC

APPS = "io.k8s.api.apps.v1."

_SELECTOR = (
    "Which pods belong to this object, by label. It must match the template's labels, and "
    "cannot be changed once set."
)
_TEMPLATE = "The pods to create. Only restartPolicy Always is allowed."

DEPLOYMENT = kind(
    APPS + "Deployment",
    ("apps", "v1", "Deployment"),
    "A Deployment keeps a number of identical pods running and rolls out changes to them "
    "gradually, through ReplicaSets.",
    spec=ref(APPS + "DeploymentSpec", "The desired state: replicas, pod template, strategy."),
    status=ref(APPS + "DeploymentStatus", "The rollout's progress, as the controller sees it."),
)
REPLICA_SET = kind(
    APPS + "ReplicaSet",
    ("apps", "v1", "ReplicaSet"),
    "A ReplicaSet keeps a given number of pods matching its selector running. Deployments "
    "manage them; you rarely create one yourself.",
    spec=ref(APPS + "ReplicaSetSpec", "The desired replicas and the pod template."),
    status=ref(APPS + "ReplicaSetStatus", "The replicas that exist, as last observed."),
)


def _condition(name: str, what: str, extra: bool) -> Struct:
    fields = {
        "lastTransitionTime": time("When the status last changed."),
        "message": string("Details for people to read."),
        "reason": string("A CamelCase reason for the last transition."),
        "status": string("True, False or Unknown."),
        "type": string(f"The condition, e.g. {what}."),
    }
    if extra:
        fields["lastUpdateTime"] = time("When the condition was last updated.")
    return Struct(
        APPS + name,
        f"A condition of a {name.removesuffix('Condition')}.",
        dict(sorted(fields.items())),
        required=("type", "status"),
    )


STRUCTS = (
    DEPLOYMENT,
    list_kind(DEPLOYMENT),
    REPLICA_SET,
    list_kind(REPLICA_SET),
    Struct(
        APPS + "DeploymentSpec",
        "The desired state of a Deployment.",
        {
            "minReadySeconds": int32(
                "How long a new pod must be ready, without crashing, to count as available. "
                "Defaults to 0."
            ),
            "paused": boolean("While true, template changes start no rollout."),
            "progressDeadlineSeconds": int32(
                "Seconds without progress after which the rollout is reported as stuck "
                "(Progressing=False, ProgressDeadlineExceeded). Defaults to 600."
            ),
            "replicas": int32("How many pods to run. Defaults to 1."),
            "revisionHistoryLimit": int32(
                "How many old ReplicaSets to keep for rollbacks. Defaults to 10."
            ),
            "selector": ref(LABEL_SELECTOR, _SELECTOR),
            "strategy": Prop(
                ref=APPS + "DeploymentStrategy",
                description="How old pods are replaced by new ones.",
                extensions=(("x-kubernetes-patch-strategy", "retainKeys"),),
            ),
            "template": ref(POD_TEMPLATE_SPEC, _TEMPLATE),
        },
        required=("selector", "template"),
    ),
    Struct(
        APPS + "DeploymentStrategy",
        "How a Deployment replaces its pods.",
        {
            "rollingUpdate": ref(
                APPS + "RollingUpdateDeployment",
                "Limits for a RollingUpdate. Only with type RollingUpdate.",
            ),
            "type": string(
                "RollingUpdate (replace pods a few at a time, the default) or Recreate (delete "
                "all old pods before creating new ones).",
                enum=("Recreate", "RollingUpdate"),
            ),
        },
    ),
    Struct(
        APPS + "RollingUpdateDeployment",
        "How fast a rolling update goes.",
        {
            "maxSurge": ref(
                INT_OR_STRING,
                "How many pods above the desired count may exist during the update, as a "
                "number or a percentage (rounded up). Defaults to 25%.",
            ),
            "maxUnavailable": ref(
                INT_OR_STRING,
                "How many pods below the desired count may be unavailable during the update, "
                "as a number or a percentage (rounded down). Defaults to 25%.",
            ),
        },
    ),
    Struct(
        APPS + "DeploymentStatus",
        "The observed state of a Deployment.",
        {
            "availableReplicas": int32("Pods ready for at least minReadySeconds."),
            "collisionCount": int32("Used to avoid name collisions of new ReplicaSets."),
            "conditions": list_of(
                APPS + "DeploymentCondition",
                "Available, Progressing, ReplicaFailure.",
                merge_key="type",
                map_keys=("type",),
            ),
            "observedGeneration": int64("The generation the controller last acted on."),
            "readyReplicas": int32("Pods with the Ready condition."),
            "replicas": int32("Pods targeted by the Deployment (old and new)."),
            "terminatingReplicas": int32("Pods being deleted."),
            "unavailableReplicas": int32("Pods still needed for the Deployment to be whole."),
            "updatedReplicas": int32("Pods running the current template."),
        },
    ),
    _condition("DeploymentCondition", "Available", True),
    Struct(
        APPS + "ReplicaSetSpec",
        "The desired state of a ReplicaSet.",
        {
            "minReadySeconds": int32("How long a new pod must be ready to count as available."),
            "replicas": int32("How many pods to run. Defaults to 1."),
            "selector": ref(LABEL_SELECTOR, _SELECTOR),
            "template": ref(POD_TEMPLATE_SPEC, _TEMPLATE),
        },
        required=("selector",),
    ),
    Struct(
        APPS + "ReplicaSetStatus",
        "The observed state of a ReplicaSet.",
        {
            "availableReplicas": int32("Pods ready for at least minReadySeconds."),
            "conditions": list_of(
                APPS + "ReplicaSetCondition",
                "ReplicaFailure, when pods cannot be created.",
                merge_key="type",
                map_keys=("type",),
            ),
            "fullyLabeledReplicas": int32("Pods whose labels match the template's."),
            "observedGeneration": int64("The generation the controller last acted on."),
            "readyReplicas": int32("Pods with the Ready condition."),
            "replicas": int32("Pods the ReplicaSet has."),
            "terminatingReplicas": int32("Pods being deleted."),
        },
        required=("replicas",),
    ),
    _condition("ReplicaSetCondition", "ReplicaFailure", False),
)
