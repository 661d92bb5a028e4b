"""What a pod asks of a node: its effective resource requests.

staging/src/k8s.io/component-helpers/resource/helpers.go PodRequests: regular containers run
together, so their requests add up; init containers run one after another, so the pod needs the
largest of them (plus the sidecars, restartable init containers, started before it); sidecars
keep running, so they add to the regular containers too. Pod overhead is added on top, and
pod-level resources (spec.resources, PodLevelResources) replace the container sum for cpu and
memory.

Values are integers: cpu in millicores (Quantity.MilliValue), everything else in units
(Quantity.Value), as the scheduler's framework.Resource keeps them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from engine.apimachinery.quantity import cpu_millis, to_bytes

CPU, MEMORY, EPHEMERAL_STORAGE, PODS = "cpu", "memory", "ephemeral-storage", "pods"

# pkg/scheduler/util/pod_resources.go: what scoring assumes for a container that requests
# nothing, so that a node full of best-effort pods does not look empty.
DEFAULT_MILLI_CPU_REQUEST = 100  # 0.1 core
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024  # 200 MiB
NON_MISSING_DEFAULTS = {CPU: DEFAULT_MILLI_CPU_REQUEST, MEMORY: DEFAULT_MEMORY_REQUEST}

Requests = dict[str, int]


@lru_cache(maxsize=8192)
def quantity_value(name: str, text: str | int | float) -> int:
    """A quantity as the scheduler counts it; cached because the same few strings ("100m",
    "128Mi") appear on thousands of pods and parsing is exact (and slow) arithmetic."""
    try:
        return cpu_millis(text) if name == CPU else to_bytes(text)
    except ValueError:
        return 0  # validation rejects malformed quantities; never reached in practice


def resource_list(values: Any) -> Requests:
    if not isinstance(values, dict):
        return {}
    return {name: quantity_value(name, q) for name, q in values.items()}


def _add(into: Requests, other: Requests) -> None:
    for name, value in other.items():
        into[name] = into.get(name, 0) + value


def _max(into: Requests, other: Requests) -> None:
    for name, value in other.items():
        if value > into.get(name, 0):
            into[name] = value


def _container_requests(container: dict[str, Any], non_missing: Requests | None) -> Requests:
    requests = resource_list((container.get("resources") or {}).get("requests"))
    if non_missing:
        for name, value in non_missing.items():
            requests.setdefault(name, value)
    return requests


def pod_requests(spec: dict[str, Any], non_missing: Requests | None = None) -> Requests:
    """PodRequests(pod, opts); `non_missing` is opts.NonMissingContainerRequests."""
    requests: Requests = {}
    for container in spec.get("containers") or []:
        _add(requests, _container_requests(container, non_missing))
    sidecars: Requests = {}
    init_max: Requests = {}
    for container in spec.get("initContainers") or []:
        own = _container_requests(container, non_missing)
        if container.get("restartPolicy") == "Always":
            _add(requests, own)
            _add(sidecars, own)
            running = dict(sidecars)
        else:
            running = dict(own)
            _add(running, sidecars)
        _max(init_max, running)
    _max(requests, init_max)
    pod_level = resource_list((spec.get("resources") or {}).get("requests"))
    for name in (CPU, MEMORY):  # IsSupportedPodLevelResource
        if name in pod_level:
            requests[name] = pod_level[name]
    _add(requests, resource_list(spec.get("overhead")))
    return requests
