"""What a ResourceQuota counts, shared by the ResourceQuota admission plugin and the resource
quota controller, as upstream shares pkg/quota/v1: resource-list arithmetic (resources.go Add,
Subtract, Mask, LessThanOrEqual) and the evaluators (pkg/quota/v1/evaluator/core: pods,
services, persistentvolumeclaims; generic/evaluator.go: `count/<resource>` for every kind).

A resource list maps a resource name to a quantity string. Sums keep the format of the first
non-zero term, as Quantity.Add does, so 600Mi + 700Mi reads 1300Mi.
"""

from __future__ import annotations

from typing import Any

from engine.apimachinery.quantity import format_quantity, parse_quantity_with_format
from engine.timeutil import parse_rfc3339

Obj = dict[str, Any]
ResourceList = dict[str, str]

# The legacy names some kinds are also counted by (core.go's object count evaluators).
_LEGACY_COUNT = {
    "pods": "pods",
    "services": "services",
    "persistentvolumeclaims": "persistentvolumeclaims",
    "configmaps": "configmaps",
    "secrets": "secrets",
    "resourcequotas": "resourcequotas",
    "replicationcontrollers": "replicationcontrollers",
}
# pods.go: the names the pod evaluator answers for (besides count/pods).
_POD_RESOURCES = (
    "pods",
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
)
# validationSet: the compute resources a container must set when a quota limits them.
_MUST_SET = ("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory")


def _parse(value: str) -> tuple[Any, str]:
    return parse_quantity_with_format(value)


def add(a: ResourceList, b: ResourceList) -> ResourceList:
    """quota.Add: every name of either list; a zero term takes the other's format."""
    result = dict(a)
    for name, value in b.items():
        if name not in result:
            result[name] = value
            continue
        x, x_format = _parse(result[name])
        y, y_format = _parse(value)
        result[name] = format_quantity(x + y, y_format if x == 0 else x_format)
    return result


def subtract(a: ResourceList, b: ResourceList) -> ResourceList:
    result = dict(a)
    for name, value in b.items():
        x, x_format = _parse(result.get(name, "0"))
        y, y_format = _parse(value)
        result[name] = format_quantity(x - y, y_format if x == 0 else x_format)
    return result


def mask(values: ResourceList, names: list[str] | set[str]) -> ResourceList:
    return {name: value for name, value in values.items() if name in names}


def exceeded(usage: ResourceList, hard: ResourceList) -> list[str]:
    """LessThanOrEqual's second result: the names whose usage is above the hard limit."""
    return sorted(
        name
        for name, value in usage.items()
        if name in hard and _parse(value)[0] > _parse(hard[name])[0]
    )


def pretty(values: ResourceList) -> str:
    """prettyPrint: `name=quantity`, sorted, comma-separated."""
    return ",".join(f"{name}={values[name]}" for name in sorted(values))


def is_zero(values: ResourceList) -> bool:
    return all(_parse(value)[0] == 0 for value in values.values())


def count_name(resource: Any) -> str:
    """generic.ObjectCountQuotaResourceNameFor: count/deployments.apps, count/pods."""
    group = f".{resource.group}" if resource.group else ""
    return f"count/{resource.name}{group}"


def matching_resources(resource: Any, names: list[str]) -> list[str]:
    """MatchingResources: which of a quota's names the evaluator of `resource` counts."""
    own = {count_name(resource)}
    if resource.name in _LEGACY_COUNT:
        own.add(_LEGACY_COUNT[resource.name])
    if resource.name == "pods":
        own.update(_POD_RESOURCES)
        return sorted(n for n in names if n in own or n.startswith(("requests.", "limits.")))
    if resource.name == "services":
        own.update(("services.nodeports", "services.loadbalancers"))
    if resource.name == "persistentvolumeclaims":
        own.add("requests.storage")
    return sorted(n for n in names if n in own)


def usage(resource: Any, obj: Obj, now: float) -> ResourceList:
    """Usage: what one object counts for."""
    counted: ResourceList = {count_name(resource): "1"}
    if resource.name == "pods":
        if not pod_counts_compute(obj, now):
            return counted  # count/pods tracks every stored pod; the rest only live ones
        return add(counted, _pod_compute(obj))
    if resource.name in _LEGACY_COUNT:
        counted[_LEGACY_COUNT[resource.name]] = "1"
    if resource.name == "services":
        spec = obj.get("spec") or {}
        ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
        kind = spec.get("type", "ClusterIP")
        if kind == "LoadBalancer":
            counted["services.loadbalancers"] = "1"
        if kind in ("NodePort", "LoadBalancer"):
            counted["services.nodeports"] = str(len(ports))
    if resource.name == "persistentvolumeclaims":
        storage = (((obj.get("spec") or {}).get("resources") or {}).get("requests") or {}).get(
            "storage"
        )
        if storage is not None:
            counted["requests.storage"] = str(storage)
    return counted


def pod_counts_compute(pod: Obj, now: float) -> bool:
    """QuotaV1Pod: a finished pod, or one past its deletion grace period, no longer counts."""
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    meta = pod.get("metadata") or {}
    deletion, grace = meta.get("deletionTimestamp"), meta.get("deletionGracePeriodSeconds")
    return not (deletion and grace is not None and now > parse_rfc3339(deletion) + grace)


def _pod_compute(pod: Obj) -> ResourceList:
    """podComputeUsageHelper over PodRequests and PodLimits: the containers' sums, at least
    any init container's, plus the overhead."""
    spec = pod.get("spec") or {}
    totals: list[ResourceList] = []
    for key in ("requests", "limits"):
        summed: ResourceList = {}
        for container in spec.get("containers") or []:
            summed = add(summed, _resources(container, key))
        for init in spec.get("initContainers") or []:
            for name, value in _resources(init, key).items():
                if name not in summed or _parse(value)[0] > _parse(summed[name])[0]:
                    summed[name] = value
        totals.append(add(summed, {k: str(v) for k, v in (spec.get("overhead") or {}).items()}))
    requests, limits = totals
    result: ResourceList = {"pods": "1"}
    for name in ("cpu", "memory", "ephemeral-storage"):
        if name in requests:
            result[name] = result[f"requests.{name}"] = requests[name]
        if name in limits:
            result[f"limits.{name}"] = limits[name]
    return result


def _resources(container: Any, key: str) -> ResourceList:
    values = ((container or {}).get("resources") or {}).get(key) or {}
    return {name: str(value) for name, value in values.items()}


def missing_requests(pod: Obj, required: list[str]) -> str:
    """The pod evaluator's Constraints: when a quota limits cpu or memory, every container
    must set them. Returns upstream's message, or "" when nothing is missing."""
    wanted = [name for name in required if name in _MUST_SET]
    missing: dict[str, set[str]] = {}
    spec = pod.get("spec") or {}
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        requests, limits = _resources(container, "requests"), _resources(container, "limits")
        have: set[str] = set()
        for name in ("cpu", "memory"):
            if name in requests:
                have.update((name, f"requests.{name}"))
            if name in limits:
                have.add(f"limits.{name}")
        for name in wanted:
            if name not in have:
                missing.setdefault(name, set()).add(str(container.get("name", "")))
    if not missing:
        return ""
    parts = [f"{name} for: {','.join(sorted(missing[name]))}" for name in sorted(missing)]
    return "must specify " + "; ".join(parts)


def matches_scopes(quota: Obj, resource: Any, obj: Obj) -> bool:
    """Matches' scope half (getScopeSelectorsFromQuota, podMatchesScopeFunc): a quota with
    scopes counts only the pods they select; other kinds match no scope."""
    spec = quota.get("spec") or {}
    selectors = [{"scopeName": s, "operator": "Exists"} for s in spec.get("scopes") or []]
    selectors += (spec.get("scopeSelector") or {}).get("matchExpressions") or []
    if not selectors:
        return True
    return resource.name == "pods" and all(_pod_in_scope(obj, s) for s in selectors)


def _pod_in_scope(pod: Obj, selector: Obj) -> bool:
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    scope = selector.get("scopeName")
    if scope in ("Terminating", "NotTerminating"):
        deadline = spec.get("activeDeadlineSeconds")
        terminating = isinstance(deadline, int) and deadline >= 0
        return terminating == (scope == "Terminating")
    if scope in ("BestEffort", "NotBestEffort"):
        return (status.get("qosClass") == "BestEffort") == (scope == "BestEffort")
    if scope == "PriorityClass":
        # A label selector on {PriorityClass: the pod's priorityClassName}.
        name = spec.get("priorityClassName") or ""
        operator, values = selector.get("operator"), selector.get("values") or []
        if operator == "In":
            return name in values
        if operator == "NotIn":
            return name not in values
        return operator == "Exists"
    return False  # CrossNamespacePodAffinity, VolumeAttributesClass: not simulated
