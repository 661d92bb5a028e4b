"""autoscaling/v2: HorizontalPodAutoscaler, as staging/src/k8s.io/api/autoscaling/v2/types.go
declares it."""

from __future__ import annotations

from engine.apiserver.schema.cluster import kind, list_kind
from engine.apiserver.schema.meta import LABEL_SELECTOR
from engine.apiserver.schema.model import (
    QUANTITY,
    Struct,
    int32,
    int64,
    list_of,
    ref,
    string,
    time,
)

V2 = "io.k8s.api.autoscaling.v2."

HPA = kind(
    V2 + "HorizontalPodAutoscaler",
    ("autoscaling", "v2", "HorizontalPodAutoscaler"),
    "A HorizontalPodAutoscaler sets the replicas of a Deployment (or another scalable "
    "resource) from metrics such as CPU use, between minReplicas and maxReplicas. It reads "
    "the metrics from the metrics API (metrics-server).",
    spec=ref(V2 + "HorizontalPodAutoscalerSpec", "What to scale, between which bounds, on what."),
    status=ref(V2 + "HorizontalPodAutoscalerStatus", "What the autoscaler last saw and did."),
)

_TARGET = ref(V2 + "MetricTarget", "The value wanted.")
_CURRENT = ref(V2 + "MetricValueStatus", "The value measured.")
_IDENTIFIER = ref(V2 + "MetricIdentifier", "The metric, by name and labels.")


def _metric_pair(name: str, source: str, status: str) -> tuple[Struct, ...]:
    """A metric source and its status (Resource, Pods, Object...)."""
    return (
        Struct(V2 + source, f"A {name} metric.", _SOURCES[source][0], required=_SOURCES[source][1]),
        Struct(
            V2 + status,
            f"The current value of a {name} metric.",
            _STATUSES[status][0],
            required=_STATUSES[status][1],
        ),
    )


_SOURCES = {
    "ResourceMetricSource": (
        {"name": string("cpu or memory."), "target": _TARGET},
        ("name", "target"),
    ),
    "ContainerResourceMetricSource": (
        {
            "container": string("The container whose use counts."),
            "name": string("cpu or memory."),
            "target": _TARGET,
        },
        ("name", "target", "container"),
    ),
    "PodsMetricSource": ({"metric": _IDENTIFIER, "target": _TARGET}, ("metric", "target")),
    "ObjectMetricSource": (
        {
            "describedObject": ref(V2 + "CrossVersionObjectReference", "The object measured."),
            "metric": _IDENTIFIER,
            "target": _TARGET,
        },
        ("describedObject", "target", "metric"),
    ),
    "ExternalMetricSource": ({"metric": _IDENTIFIER, "target": _TARGET}, ("metric", "target")),
}
_STATUSES = {
    "ResourceMetricStatus": (
        {"current": _CURRENT, "name": string("cpu or memory.")},
        ("name", "current"),
    ),
    "ContainerResourceMetricStatus": (
        {
            "container": string("The container."),
            "current": _CURRENT,
            "name": string("The resource."),
        },
        ("name", "current", "container"),
    ),
    "PodsMetricStatus": ({"current": _CURRENT, "metric": _IDENTIFIER}, ("metric", "current")),
    "ObjectMetricStatus": (
        {
            "current": _CURRENT,
            "describedObject": ref(V2 + "CrossVersionObjectReference", "The object measured."),
            "metric": _IDENTIFIER,
        },
        ("metric", "current", "describedObject"),
    ),
    "ExternalMetricStatus": ({"current": _CURRENT, "metric": _IDENTIFIER}, ("metric", "current")),
}
_KINDS = {
    "resource": ("ResourceMetricSource", "ResourceMetricStatus"),
    "containerResource": ("ContainerResourceMetricSource", "ContainerResourceMetricStatus"),
    "pods": ("PodsMetricSource", "PodsMetricStatus"),
    "object": ("ObjectMetricSource", "ObjectMetricStatus"),
    "external": ("ExternalMetricSource", "ExternalMetricStatus"),
}
_TYPE = string(
    "Resource, ContainerResource, Pods, Object or External: which of the fields below is set.",
    enum=("ContainerResource", "External", "Object", "Pods", "Resource"),
)

STRUCTS = (
    HPA,
    list_kind(HPA),
    Struct(
        V2 + "HorizontalPodAutoscalerSpec",
        "What a HorizontalPodAutoscaler scales, and how.",
        {
            "behavior": ref(
                V2 + "HorizontalPodAutoscalerBehavior",
                "How fast it may scale up and down (defaults: up at once, down after 5 "
                "minutes of lower recommendations).",
            ),
            "maxReplicas": int32("The most replicas it may set."),
            "metrics": list_of(
                V2 + "MetricSpec",
                "The metrics to follow; the one asking for the most replicas wins. Default: "
                "80% average CPU use.",
                list_type="atomic",
            ),
            "minReplicas": int32("The fewest replicas it may set (default 1)."),
            "scaleTargetRef": ref(
                V2 + "CrossVersionObjectReference", "The resource to scale (its /scale)."
            ),
        },
        required=("scaleTargetRef", "maxReplicas"),
    ),
    Struct(
        V2 + "CrossVersionObjectReference",
        "An object by apiVersion, kind and name.",
        {
            "apiVersion": string("Its API version, e.g. apps/v1."),
            "kind": string("Its kind, e.g. Deployment."),
            "name": string("Its name."),
        },
        required=("kind", "name"),
    ),
    Struct(
        V2 + "MetricSpec",
        "One metric to scale on.",
        {
            "type": _TYPE,
            **{key: ref(V2 + pair[0], f"A {key} metric.") for key, pair in _KINDS.items()},
        },
        required=("type",),
    ),
    Struct(
        V2 + "MetricStatus",
        "The last value of one metric.",
        {
            "type": _TYPE,
            **{key: ref(V2 + pair[1], f"A {key} metric.") for key, pair in _KINDS.items()},
        },
        required=("type",),
    ),
    *(s for name, pair in _KINDS.items() for s in _metric_pair(name, *pair)),
    Struct(
        V2 + "MetricTarget",
        "The value a metric should have.",
        {
            "averageUtilization": int32(
                "The wanted average use, in percent of the pods' requests (Resource metrics)."
            ),
            "averageValue": ref(QUANTITY, "The wanted average value over the pods."),
            "type": string("Utilization, Value or AverageValue."),
            "value": ref(QUANTITY, "The wanted value."),
        },
        required=("type",),
    ),
    Struct(
        V2 + "MetricValueStatus",
        "The measured value of a metric.",
        {
            "averageUtilization": int32("The average use, in percent of the requests."),
            "averageValue": ref(QUANTITY, "The average value over the pods."),
            "value": ref(QUANTITY, "The value."),
        },
    ),
    Struct(
        V2 + "MetricIdentifier",
        "A metric by name, and labels narrowing it.",
        {
            "name": string("The metric's name."),
            "selector": ref(LABEL_SELECTOR, "Labels narrowing the metric."),
        },
        required=("name",),
    ),
    Struct(
        V2 + "HorizontalPodAutoscalerBehavior",
        "Scaling speed, up and down.",
        {
            "scaleDown": ref(V2 + "HPAScalingRules", "Rules for scaling down."),
            "scaleUp": ref(V2 + "HPAScalingRules", "Rules for scaling up."),
        },
    ),
    Struct(
        V2 + "HPAScalingRules",
        "How fast to scale in one direction.",
        {
            "policies": list_of(
                V2 + "HPAScalingPolicy", "Changes allowed per period.", list_type="atomic"
            ),
            "selectPolicy": string("Max (default), Min or Disabled: which policy applies."),
            "stabilizationWindowSeconds": int32(
                "How long past recommendations are remembered, to avoid flapping."
            ),
            "tolerance": ref(QUANTITY, "How far off target a metric may be without scaling."),
        },
    ),
    Struct(
        V2 + "HPAScalingPolicy",
        "A change allowed within a period.",
        {
            "periodSeconds": int32("The period, in seconds."),
            "type": string("Pods or Percent."),
            "value": int32("How many pods, or what percent."),
        },
        required=("type", "value", "periodSeconds"),
    ),
    Struct(
        V2 + "HorizontalPodAutoscalerStatus",
        "What the autoscaler last saw and did.",
        {
            "conditions": list_of(
                V2 + "HorizontalPodAutoscalerCondition",
                "AbleToScale, ScalingActive, ScalingLimited.",
                map_keys=("type",),
                merge_key="type",
            ),
            "currentMetrics": list_of(
                V2 + "MetricStatus", "The metrics' last values.", list_type="atomic"
            ),
            "currentReplicas": int32("The target's replicas, as last seen."),
            "desiredReplicas": int32("The replicas it last wanted."),
            "lastScaleTime": time("When it last changed the replicas."),
            "observedGeneration": int64("The generation it last acted on."),
        },
        required=("desiredReplicas",),
    ),
    Struct(
        V2 + "HorizontalPodAutoscalerCondition",
        "A condition of an autoscaler.",
        {
            "lastTransitionTime": time("When it last changed."),
            "message": string("Details, for people."),
            "reason": string("Why, in one CamelCase word."),
            "status": string("True, False or Unknown."),
            "type": string("AbleToScale, ScalingActive or ScalingLimited."),
        },
        required=("type", "status"),
    ),
)
