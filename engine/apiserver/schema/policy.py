"""The policy kinds: LimitRange and ResourceQuota (core/v1), PriorityClass
(scheduling.k8s.io/v1) and PodDisruptionBudget (policy/v1), as
staging/src/k8s.io/api/core/v1/types.go, scheduling/v1/types.go and policy/v1/types.go declare
them."""

from __future__ import annotations

from engine.apiserver.schema.cluster import CORE, kind, list_kind
from engine.apiserver.schema.meta import LABEL_SELECTOR
from engine.apiserver.schema.model import (
    INT_OR_STRING,
    TIME,
    Prop,
    Struct,
    boolean,
    int32,
    int64,
    list_of,
    quantities,
    ref,
    string,
    strings,
    time,
)

SCHEDULING = "io.k8s.api.scheduling.v1."
POLICY = "io.k8s.api.policy.v1."
CONDITION = "io.k8s.apimachinery.pkg.apis.meta.v1.Condition"

_PREEMPTION = (
    "PreemptLowerPriority (the default: the pod may evict lower-priority pods to make room) "
    "or Never."
)

LIMIT_RANGE = kind(
    CORE + "LimitRange",
    ("", "v1", "LimitRange"),
    "A LimitRange sets the resource limits of a namespace: the default requests and limits "
    "its containers get when they name none, and the least and most each may ask for.",
    spec=ref(CORE + "LimitRangeSpec", "The limits, one item per type of object."),
)

RESOURCE_QUOTA = kind(
    CORE + "ResourceQuota",
    ("", "v1", "ResourceQuota"),
    "A ResourceQuota caps what a namespace may use in total: the sum of its pods' requests "
    "and limits, and how many objects of each kind it may hold.",
    spec=ref(CORE + "ResourceQuotaSpec", "The hard limits."),
    status=ref(CORE + "ResourceQuotaStatus", "What the namespace uses now."),
)

PRIORITY_CLASS = Struct(
    SCHEDULING + "PriorityClass",
    "A PriorityClass names a priority: pods that name it (spec.priorityClassName) get its "
    "value, and the scheduler places higher-priority pods first, evicting lower ones if it "
    "must.",
    dict(
        sorted(
            {
                **kind("", ("", "", ""), "").fields,
                "description": string("What the class is for, in words."),
                "globalDefault": boolean(
                    "Whether pods that name no class get this one. At most one class may be the "
                    "default."
                ),
                "preemptionPolicy": string(_PREEMPTION),
                "value": int32("The priority of the pods of this class: higher is more important."),
            }.items()
        )
    ),
    required=("value",),
    gvk=("scheduling.k8s.io", "v1", "PriorityClass"),
)

POD_DISRUPTION_BUDGET = kind(
    POLICY + "PodDisruptionBudget",
    ("policy", "v1", "PodDisruptionBudget"),
    "A PodDisruptionBudget limits how many pods of a set may be down at once through "
    "voluntary disruptions (an eviction, such as kubectl drain sends).",
    spec=ref(POLICY + "PodDisruptionBudgetSpec", "Which pods, and how many must stay up."),
    status=ref(POLICY + "PodDisruptionBudgetStatus", "How many are up, and may go now."),
)

STRUCTS = (
    LIMIT_RANGE,
    list_kind(LIMIT_RANGE),
    Struct(
        CORE + "LimitRangeSpec",
        "The limits of a LimitRange.",
        {"limits": list_of(CORE + "LimitRangeItem", "One item per type of object.")},
        required=("limits",),
    ),
    Struct(
        CORE + "LimitRangeItem",
        "The limits for one type of object (Container, Pod or PersistentVolumeClaim).",
        {
            "default": quantities("The limit a container gets when it sets none."),
            "defaultRequest": quantities("The request a container gets when it sets none."),
            "max": quantities("The most an object of this type may use."),
            "maxLimitRequestRatio": quantities(
                "The largest limit/request ratio allowed: how far it may burst."
            ),
            "min": quantities("The least an object of this type may ask for."),
            "type": string("Container, Pod or PersistentVolumeClaim."),
        },
        required=("type",),
    ),
    RESOURCE_QUOTA,
    list_kind(RESOURCE_QUOTA),
    Struct(
        CORE + "ResourceQuotaSpec",
        "The hard limits of a ResourceQuota and the objects they count.",
        {
            "hard": quantities(
                "The limit for each named resource (requests.cpu, limits.memory, pods, "
                "count/deployments.apps…)."
            ),
            "scopeSelector": ref(
                CORE + "ScopeSelector", "Which objects count, as scope expressions."
            ),
            "scopes": strings(
                "Which objects count: Terminating, NotTerminating, BestEffort, NotBestEffort, "
                "PriorityClass, CrossNamespacePodAffinity, VolumeAttributesClass."
            ),
        },
    ),
    Struct(
        CORE + "ScopeSelector",
        "Scope expressions, all of which an object must match to count.",
        {
            "matchExpressions": list_of(
                CORE + "ScopedResourceSelectorRequirement", "The expressions."
            )
        },
    ),
    Struct(
        CORE + "ScopedResourceSelectorRequirement",
        "A scope, an operator and values.",
        {
            "operator": string("In, NotIn, Exists or DoesNotExist."),
            "scopeName": string("The scope the expression is about."),
            "values": strings("The values (for In and NotIn)."),
        },
        required=("scopeName", "operator"),
    ),
    Struct(
        CORE + "ResourceQuotaStatus",
        "The hard limits in force and what the namespace uses.",
        {
            "hard": quantities("The limits the quota controller enforces."),
            "used": quantities("What the namespace uses of each."),
        },
    ),
    PRIORITY_CLASS,
    list_kind(PRIORITY_CLASS),
    POD_DISRUPTION_BUDGET,
    list_kind(POD_DISRUPTION_BUDGET),
    Struct(
        POLICY + "PodDisruptionBudgetSpec",
        "The pods a budget covers and how many of them must stay available.",
        {
            "maxUnavailable": ref(
                INT_OR_STRING,
                "At most this many (or this percentage) of the selected pods may be "
                "unavailable after an eviction. Exclusive with minAvailable.",
            ),
            "minAvailable": ref(
                INT_OR_STRING,
                "At least this many (or this percentage) of the selected pods must stay "
                "available after an eviction.",
            ),
            "selector": ref(LABEL_SELECTOR, "The pods the budget covers."),
            "unhealthyPodEvictionPolicy": string(
                "IfHealthyBudget (the default: a not-ready pod may be evicted only while the "
                "budget is met) or AlwaysAllow."
            ),
        },
    ),
    Struct(
        POLICY + "PodDisruptionBudgetStatus",
        "What the disruption controller last saw.",
        {
            "conditions": list_of(
                CONDITION,
                "DisruptionAllowed: whether an eviction may go ahead now.",
                map_keys=("type",),
                merge_key="type",
            ),
            "currentHealthy": int32("How many of the pods are healthy now."),
            "desiredHealthy": int32("How many must stay healthy."),
            "disruptedPods": Prop(
                "object",
                values=Prop(ref=TIME),
                description="Pods evicted but not yet deleted, by name, with the time of the "
                "eviction.",
            ),
            "disruptionsAllowed": int32("How many pods may be evicted now."),
            "expectedPods": int32("How many pods the budget counts."),
            "observedGeneration": int64("The spec generation this status is about."),
        },
        required=("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"),
    ),
    Struct(
        CONDITION,
        "One aspect of an object's state (metav1.Condition).",
        {
            "lastTransitionTime": time("When the status last changed."),
            "message": string("Why, for a person."),
            "observedGeneration": int64("The spec generation the condition is about."),
            "reason": string("Why, in one CamelCase word."),
            "status": string("True, False or Unknown."),
            "type": string("The aspect, in CamelCase."),
        },
        required=("type", "status", "lastTransitionTime", "reason", "message"),
    ),
)
