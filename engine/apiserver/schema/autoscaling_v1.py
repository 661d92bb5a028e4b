"""autoscaling/v1: HorizontalPodAutoscaler, as staging/src/k8s.io/api/autoscaling/v1/types.go
declares it: CPU utilization only. The same HPAs autoscaling/v2 serves (one storage): see
engine/apiserver/conversion/autoscaling.py."""

from __future__ import annotations

from engine.apiserver.schema.cluster import kind, list_kind
from engine.apiserver.schema.model import Struct, int32, int64, ref, string, time

V1 = "io.k8s.api.autoscaling.v1."

HPA = kind(
    V1 + "HorizontalPodAutoscaler",
    ("autoscaling", "v1", "HorizontalPodAutoscaler"),
    "A HorizontalPodAutoscaler sets the replicas of a Deployment (or another scalable "
    "resource) from its pods' CPU use, between minReplicas and maxReplicas.",
    spec=ref(V1 + "HorizontalPodAutoscalerSpec", "What to scale, between which bounds."),
    status=ref(V1 + "HorizontalPodAutoscalerStatus", "What the autoscaler last saw and did."),
)

STRUCTS = (
    HPA,
    list_kind(HPA),
    Struct(
        V1 + "HorizontalPodAutoscalerSpec",
        "What to scale and between which bounds.",
        {
            "maxReplicas": int32("The most replicas it may set."),
            "minReplicas": int32("The fewest replicas it may set (default 1)."),
            "scaleTargetRef": ref(V1 + "CrossVersionObjectReference", "The resource to scale."),
            "targetCPUUtilizationPercentage": int32(
                "The average CPU use wanted, as a percentage of the pods' requests."
            ),
        },
        required=("scaleTargetRef", "maxReplicas"),
    ),
    Struct(
        V1 + "CrossVersionObjectReference",
        "A resource, by kind, name and API version.",
        {
            "apiVersion": string("Its API version."),
            "kind": string("Its kind, e.g. Deployment."),
            "name": string("Its name."),
        },
        required=("kind", "name"),
    ),
    Struct(
        V1 + "HorizontalPodAutoscalerStatus",
        "What the autoscaler last saw and did.",
        {
            "currentCPUUtilizationPercentage": int32("The pods' average CPU use last seen."),
            "currentReplicas": int32("The replicas it last saw."),
            "desiredReplicas": int32("The replicas it last wanted."),
            "lastScaleTime": time("When it last scaled."),
            "observedGeneration": int64("The generation it last acted on."),
        },
        required=("currentReplicas", "desiredReplicas"),
    ),
)
