"""apps/v1 StatefulSet (k8s.io/api apps/v1/types.go StatefulSet, StatefulSetSpec,
StatefulSetUpdateStrategy, RollingUpdateStatefulSetStrategy,
StatefulSetPersistentVolumeClaimRetentionPolicy, StatefulSetOrdinals, StatefulSetStatus,
StatefulSetCondition)."""

from __future__ import annotations

from engine.apiserver.schema.apps import APPS, _condition
from engine.apiserver.schema.cluster import kind, list_kind
from engine.apiserver.schema.meta import LABEL_SELECTOR
from engine.apiserver.schema.model import (
    INT_OR_STRING,
    Struct,
    int32,
    int64,
    list_of,
    ref,
    string,
)
from engine.apiserver.schema.pod import POD_TEMPLATE_SPEC
from engine.apiserver.schema.storage import PERSISTENT_VOLUME_CLAIM

STATEFUL_SET = kind(
    APPS + "StatefulSet",
    ("apps", "v1", "StatefulSet"),
    "A StatefulSet runs pods that each keep an identity: a stable name (web-0, web-1...), a "
    "stable network name through its headless Service, and their own storage. It starts them "
    "in order and stops them in reverse order.",
    spec=ref(APPS + "StatefulSetSpec", "The desired state: replicas, pod template, claims."),
    status=ref(APPS + "StatefulSetStatus", "The replicas that exist, as last observed."),
)

_RETENTION = "Retain (keep the claims, the default) or Delete (delete them with their pods)."

STRUCTS = (
    STATEFUL_SET,
    list_kind(STATEFUL_SET),
    Struct(
        APPS + "StatefulSetSpec",
        "The desired state of a StatefulSet.",
        {
            "minReadySeconds": int32("How long a new pod must be ready to count as available."),
            "ordinals": ref(
                APPS + "StatefulSetOrdinals", "The number the first replica's name ends with."
            ),
            "persistentVolumeClaimRetentionPolicy": ref(
                APPS + "StatefulSetPersistentVolumeClaimRetentionPolicy",
                "What happens to the claims made from volumeClaimTemplates when the "
                "StatefulSet is deleted or scaled down. By default they are kept.",
            ),
            "podManagementPolicy": string(
                "OrderedReady (one pod at a time, each Running and Ready before the next, "
                "the default) or Parallel (all at once).",
                enum=("OrderedReady", "Parallel"),
            ),
            "replicas": int32("How many pods to run. Defaults to 1."),
            "revisionHistoryLimit": int32(
                "How many old revisions (ControllerRevisions) to keep. Defaults to 10."
            ),
            "selector": ref(
                LABEL_SELECTOR,
                "Which pods belong to this StatefulSet, by label. It must match the template's "
                "labels.",
            ),
            "serviceName": string(
                "The headless Service that gives each pod its network name "
                "(pod-0.service.namespace.svc.cluster.local)."
            ),
            "template": ref(POD_TEMPLATE_SPEC, "The pod each replica is made from."),
            "updateStrategy": ref(
                APPS + "StatefulSetUpdateStrategy",
                "How pods are replaced when the template changes.",
            ),
            "volumeClaimTemplates": list_of(
                PERSISTENT_VOLUME_CLAIM.name,
                "Claims each pod gets its own copy of, named <claim>-<pod>, kept across "
                "restarts and rescheduling.",
            ),
        },
        required=("selector", "template"),
    ),
    Struct(
        APPS + "StatefulSetUpdateStrategy",
        "How a StatefulSet replaces its pods.",
        {
            "rollingUpdate": ref(
                APPS + "RollingUpdateStatefulSetStrategy",
                "Limits for a RollingUpdate. Only with type RollingUpdate.",
            ),
            "type": string(
                "RollingUpdate (replace pods one at a time from the highest ordinal, the "
                "default) or OnDelete (a new pod only once you delete the old one).",
                enum=("OnDelete", "RollingUpdate"),
            ),
        },
    ),
    Struct(
        APPS + "RollingUpdateStatefulSetStrategy",
        "How far a StatefulSet's rolling update goes.",
        {
            "maxUnavailable": ref(
                INT_OR_STRING, "How many pods may be unavailable during the update. Defaults to 1."
            ),
            "partition": int32(
                "Only pods with an ordinal at or above this are updated. Defaults to 0."
            ),
        },
    ),
    Struct(
        APPS + "StatefulSetPersistentVolumeClaimRetentionPolicy",
        "What happens to a StatefulSet's claims.",
        {
            "whenDeleted": string("When the StatefulSet is deleted: " + _RETENTION),
            "whenScaled": string("When it is scaled down: " + _RETENTION),
        },
    ),
    Struct(
        APPS + "StatefulSetOrdinals",
        "The numbering of a StatefulSet's replicas.",
        {"start": int32("The first replica's number. Defaults to 0.")},
    ),
    Struct(
        APPS + "StatefulSetStatus",
        "The observed state of a StatefulSet.",
        {
            "availableReplicas": int32("Pods ready for at least minReadySeconds."),
            "collisionCount": int32("Used to avoid name collisions of ControllerRevisions."),
            "conditions": list_of(
                APPS + "StatefulSetCondition",
                "The latest observations of the StatefulSet's state.",
                merge_key="type",
                map_keys=("type",),
            ),
            "currentReplicas": int32("Pods made from currentRevision."),
            "currentRevision": string("The revision the pods up to the partition run."),
            "observedGeneration": int64("The generation the controller last acted on."),
            "readyReplicas": int32("Pods with a Ready condition."),
            "replicas": int32("Pods the controller created."),
            "updateRevision": string("The revision made from the current template."),
            "updatedReplicas": int32("Pods made from updateRevision."),
        },
        required=("replicas",),
    ),
    _condition("StatefulSetCondition", "one a tool of yours reports", False),
)
