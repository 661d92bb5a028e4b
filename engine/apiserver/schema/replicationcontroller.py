"""core/v1 ReplicationController (k8s.io/api core/v1/types.go ReplicationController,
ReplicationControllerSpec, ReplicationControllerStatus, ReplicationControllerCondition): the
ReplicaSet's forerunner, whose selector is a plain map of labels."""

from __future__ import annotations

from engine.apiserver.schema.cluster import CORE, kind, list_kind
from engine.apiserver.schema.model import (
    Struct,
    int32,
    int64,
    list_of,
    ref,
    string,
    string_map,
    time,
)
from engine.apiserver.schema.pod import POD_TEMPLATE_SPEC

REPLICATION_CONTROLLER = kind(
    CORE + "ReplicationController",
    ("", "v1", "ReplicationController"),
    "A ReplicationController keeps a given number of pods matching its selector running. "
    "ReplicaSets (managed by Deployments) replaced it; it is still served.",
    spec=ref(CORE + "ReplicationControllerSpec", "The desired replicas and the pod template."),
    status=ref(CORE + "ReplicationControllerStatus", "The replicas that exist, as last observed."),
)

STRUCTS = (
    REPLICATION_CONTROLLER,
    list_kind(REPLICATION_CONTROLLER),
    Struct(
        CORE + "ReplicationControllerSpec",
        "The desired state of a ReplicationController.",
        {
            "minReadySeconds": int32("How long a new pod must be ready to count as available."),
            "replicas": int32("How many pods to run. Defaults to 1."),
            "selector": string_map(
                "Which pods belong to this object: labels they must all have. Defaults to the "
                "template's labels, which it must match."
            ),
            "template": ref(
                POD_TEMPLATE_SPEC, "The pods to create. Only restartPolicy Always is allowed."
            ),
        },
    ),
    Struct(
        CORE + "ReplicationControllerStatus",
        "The observed state of a ReplicationController.",
        {
            "availableReplicas": int32("Pods ready for at least minReadySeconds."),
            "conditions": list_of(
                CORE + "ReplicationControllerCondition",
                "ReplicaFailure, when pods cannot be created.",
                merge_key="type",
                map_keys=("type",),
            ),
            "fullyLabeledReplicas": int32("Pods whose labels match the template's."),
            "observedGeneration": int64("The generation the controller last acted on."),
            "readyReplicas": int32("Pods with the Ready condition."),
            "replicas": int32("Pods the ReplicationController has."),
        },
        required=("replicas",),
    ),
    Struct(
        CORE + "ReplicationControllerCondition",
        "A condition of a ReplicationController.",
        {
            "lastTransitionTime": time("When the status last changed."),
            "message": string("Details for people to read."),
            "reason": string("A CamelCase reason for the last transition."),
            "status": string("True, False or Unknown."),
            "type": string("The condition, e.g. ReplicaFailure."),
        },
        required=("type", "status"),
    ),
)
