"""The scheduler's view of pods and nodes: PodInfo, NodeInfo and friends (framework/types.go).

Everything a cycle needs about a pod is computed once, when the pod is seen, not per node:
its requests, host ports, tolerations, affinity terms. What depends only on the pod's spec is
shared by every version of the pod with the same generation (the API server bumps
metadata.generation on every spec change), so the kubelet's many status updates do not make the
scheduler parse quantities again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from engine import timeutil
from engine.apimachinery import labels
from engine.apimachinery.labels import LabelSelector
from engine.scheduler.podresources import (
    CPU,
    EPHEMERAL_STORAGE,
    MEMORY,
    NON_MISSING_DEFAULTS,
    PODS,
    Requests,
    pod_requests,
    resource_list,
)
from engine.utilruntime import describe

Obj = dict[str, Any]
NOTHING = LabelSelector(nothing=True)
EVERYTHING = LabelSelector()


class Resource:
    """framework.Resource: cpu in millicores, the rest in units; `scalar` holds hugepages and
    extended resources (e.g. nvidia.com/gpu)."""

    __slots__ = ("allowed_pod_number", "ephemeral_storage", "memory", "milli_cpu", "scalar")

    def __init__(self) -> None:
        self.milli_cpu = 0
        self.memory = 0
        self.ephemeral_storage = 0
        self.allowed_pod_number = 0
        self.scalar: dict[str, int] = {}

    @classmethod
    def of(cls, values: Requests) -> Resource:
        resource = cls()
        for name, value in values.items():
            if name == CPU:
                resource.milli_cpu = value
            elif name == MEMORY:
                resource.memory = value
            elif name == EPHEMERAL_STORAGE:
                resource.ephemeral_storage = value
            elif name == PODS:
                resource.allowed_pod_number = value
            else:
                resource.scalar[name] = value
        return resource

    def add(self, other: Resource, sign: int = 1) -> None:
        self.milli_cpu += sign * other.milli_cpu
        self.memory += sign * other.memory
        self.ephemeral_storage += sign * other.ephemeral_storage
        for name, value in other.scalar.items():
            self.scalar[name] = self.scalar.get(name, 0) + sign * value

    def is_zero(self) -> bool:
        return not (
            self.milli_cpu or self.memory or self.ephemeral_storage or any(self.scalar.values())
        )

    def clone(self) -> Resource:
        copy = Resource()
        copy.milli_cpu, copy.memory = self.milli_cpu, self.memory
        copy.ephemeral_storage, copy.allowed_pod_number = (
            self.ephemeral_storage,
            self.allowed_pod_number,
        )
        copy.scalar = dict(self.scalar)
        return copy


@dataclass(frozen=True)
class AffinityTerm:
    """A pod (anti-)affinity term with its namespaces resolved (framework.AffinityTerm)."""

    namespaces: frozenset[str]
    selector: LabelSelector
    topology_key: str
    namespace_selector: LabelSelector = NOTHING
    weight: int = 0

    def matches(self, pod: PodInfo, namespace_labels: dict[str, str] | None) -> bool:
        if pod.namespace in self.namespaces or self.namespace_selector.matches(
            namespace_labels or {}
        ):
            return self.selector.matches(pod.labels)
        return False


def _selector(spec: Any) -> LabelSelector:
    try:
        return labels.selector_from_match(spec)
    except labels.SelectorError:
        # "ignore this err since apiserver doesn't properly validate affinity terms"
        return NOTHING


def _affinity_term(namespace: str, term: Obj, weight: int = 0) -> AffinityTerm:
    names = term.get("namespaces") or []
    ns_selector_spec = term.get("namespaceSelector")
    namespaces = frozenset(names) if names or ns_selector_spec is not None else {namespace}
    return AffinityTerm(
        frozenset(namespaces),
        _selector(term.get("labelSelector")),
        term.get("topologyKey", ""),
        NOTHING if ns_selector_spec is None else _selector(ns_selector_spec),
        weight,
    )


class PodSpecInfo:
    """What the scheduler derives from a pod's spec, computed once per spec generation."""

    __slots__ = (
        "error",
        "has_affinity",
        "has_required_anti_affinity",
        "host_ports",
        "images",
        "node_affinity",
        "node_name",
        "node_selector",
        "non_zero_cpu",
        "non_zero_memory",
        "preemption_policy",
        "preferred_affinity",
        "preferred_anti_affinity",
        "priority",
        "requests",
        "required_affinity",
        "required_anti_affinity",
        "scheduler_name",
        "scheduling_gates",
        "spread_constraints",
        "tolerations",
    )

    def __init__(self, spec: Obj, namespace: str) -> None:
        self.error = ""
        self.node_name: str = spec.get("nodeName") or ""
        self.scheduler_name: str = spec.get("schedulerName") or "default-scheduler"
        self.priority: int = spec.get("priority") or 0
        self.preemption_policy: str = spec.get("preemptionPolicy") or "PreemptLowerPriority"
        self.scheduling_gates: list[Obj] = list(spec.get("schedulingGates") or [])
        self.requests = Resource.of(pod_requests(spec))
        non_zero = pod_requests(spec, NON_MISSING_DEFAULTS)
        self.non_zero_cpu: int = non_zero.get(CPU, 0)
        self.non_zero_memory: int = non_zero.get(MEMORY, 0)
        self.tolerations: list[Obj] = list(spec.get("tolerations") or [])
        self.node_selector: dict[str, str] = dict(spec.get("nodeSelector") or {})
        affinity = spec.get("affinity") or {}
        self.node_affinity: Obj = affinity.get("nodeAffinity") or {}
        pod_affinity = affinity.get("podAffinity") or {}
        anti = affinity.get("podAntiAffinity") or {}
        required = "requiredDuringSchedulingIgnoredDuringExecution"
        preferred = "preferredDuringSchedulingIgnoredDuringExecution"
        self.required_affinity = [
            _affinity_term(namespace, t) for t in pod_affinity.get(required) or []
        ]
        self.required_anti_affinity = [
            _affinity_term(namespace, t) for t in anti.get(required) or []
        ]
        self.preferred_affinity = [
            _affinity_term(namespace, t.get("podAffinityTerm") or {}, t.get("weight", 0))
            for t in pod_affinity.get(preferred) or []
        ]
        self.preferred_anti_affinity = [
            _affinity_term(namespace, t.get("podAffinityTerm") or {}, t.get("weight", 0))
            for t in anti.get(preferred) or []
        ]
        self.has_affinity = bool(pod_affinity or anti)
        self.has_required_anti_affinity = bool(self.required_anti_affinity)
        self.spread_constraints: list[Obj] = list(spec.get("topologySpreadConstraints") or [])
        inits = list(spec.get("initContainers") or [])
        regular = list(spec.get("containers") or [])
        self.images: list[str] = [c.get("image", "") for c in inits + regular]
        # Host ports are held by the containers that run alongside each other: the regular
        # ones and the sidecars (schedutil.GetHostPorts).
        running = regular + [c for c in inits if c.get("restartPolicy") == "Always"]
        self.host_ports: list[tuple[str, str, int]] = [
            (p.get("hostIP") or "0.0.0.0", p.get("protocol") or "TCP", p["hostPort"])
            for c in running
            for p in c.get("ports") or []
            if p.get("hostPort")
        ]

    @classmethod
    def unreadable(cls, error: str) -> PodSpecInfo:
        """The spec of a pod too malformed to read (a map where a list belongs): it asks for
        nothing and holds nothing, and `error` says why. Such a pod fails each scheduling
        cycle with that error instead of breaking the scheduler's handlers."""
        info = cls({}, "")
        info.error = error
        return info


class PodInfo:
    """One version of a pod, with its spec-derived data (framework.PodInfo)."""

    __slots__ = (
        "deleting",
        "key",
        "label_key",
        "labels",
        "name",
        "namespace",
        "node_name",
        "pod",
        "spec",
        "uid",
    )

    def __init__(self, pod: Obj, spec: PodSpecInfo) -> None:
        meta = pod["metadata"]
        self.pod = pod
        self.uid: str = meta.get("uid", "")
        self.name: str = meta["name"]
        self.namespace: str = meta.get("namespace", "")
        self.key = f"{self.namespace}/{self.name}"
        self.labels: dict[str, str] = meta.get("labels") or {}
        self.deleting = bool(meta.get("deletionTimestamp"))
        self.node_name: str = (pod.get("spec") or {}).get("nodeName") or ""
        self.spec = spec
        # Pods with identical labels in one namespace are counted as a group when spreading.
        self.label_key = (self.namespace, tuple(sorted(self.labels.items())), self.deleting)

    @property
    def priority(self) -> int:
        return self.spec.priority

    @property
    def status(self) -> Obj:
        status: Obj = self.pod.get("status") or {}
        return status

    @property
    def nominated_node_name(self) -> str:
        return self.status.get("nominatedNodeName") or ""

    def start_time(self) -> float | None:
        started = self.status.get("startTime")
        return timeutil.parse_rfc3339(started) if started else None

    def with_node(self, node_name: str) -> PodInfo:
        """A copy assumed onto `node_name` (the scheduler cache's assume)."""
        pod = dict(self.pod)
        pod["spec"] = {**(self.pod.get("spec") or {}), "nodeName": node_name}
        return PodInfo(pod, self.spec)


class PodInfoFactory:
    """Builds PodInfos, sharing the PodSpecInfo of pods whose spec has not changed."""

    def __init__(self) -> None:
        self._specs: dict[tuple[str, int], PodSpecInfo] = {}

    def of(self, pod: Obj) -> PodInfo:
        meta = pod["metadata"]
        key = (meta.get("uid", ""), meta.get("generation", 0))
        spec = self._specs.get(key)
        if spec is None:
            try:
                spec = PodSpecInfo(pod.get("spec") or {}, meta.get("namespace", ""))
            except Exception as error:
                spec = PodSpecInfo.unreadable(describe(error))
            self._specs[key] = spec
        return PodInfo(pod, spec)

    def forget(self, pod: Obj) -> None:
        meta = pod["metadata"]
        self._specs.pop((meta.get("uid", ""), meta.get("generation", 0)), None)


class HostPortInfo:
    """Host ports in use on a node, per IP (framework.HostPortInfo); 0.0.0.0 means every IP."""

    WILDCARD = "0.0.0.0"

    def __init__(self) -> None:
        self.ports: dict[str, Counter[tuple[str, int]]] = {}

    def add(self, ip: str, protocol: str, port: int) -> None:
        self.ports.setdefault(ip, Counter())[(protocol, port)] += 1

    def remove(self, ip: str, protocol: str, port: int) -> None:
        used = self.ports.get(ip)
        if used is not None:
            used[(protocol, port)] -= 1
            if used[(protocol, port)] <= 0:
                del used[(protocol, port)]

    def check_conflict(self, ip: str, protocol: str, port: int) -> bool:
        wanted = (protocol, port)
        if ip == self.WILDCARD:
            return any(used[wanted] > 0 for used in self.ports.values())
        return any(self.ports.get(where, Counter())[wanted] > 0 for where in (ip, self.WILDCARD))

    def clone(self) -> HostPortInfo:
        copy = HostPortInfo()
        copy.ports = {ip: Counter(used) for ip, used in self.ports.items()}
        return copy


# labels, NoSchedule/NoExecute taints, PreferNoSchedule taints, unschedulable, allocatable,
# image sizes: what a NodeInfo keeps of its node
NodeFields = tuple[dict[str, str], list[Obj], list[Obj], bool, Resource, dict[str, int]]


def read_node(node: Obj) -> NodeFields:
    """What the scheduler needs of a node, read before anything is changed: a node too
    malformed to read raises here and the cache keeps what it had."""
    labels = (node.get("metadata") or {}).get("labels") or {}
    if not isinstance(labels, dict):
        raise TypeError(f"metadata.labels is a {type(labels).__name__}, not a map")
    status = node.get("status") or {}
    images = {
        name: int(image.get("sizeBytes", 0))
        for image in status.get("images") or []
        for name in image.get("names") or []
    }
    return (
        labels,
        _node_taints(node, ("NoSchedule", "NoExecute")),
        _node_taints(node, ("PreferNoSchedule",)),
        bool((node.get("spec") or {}).get("unschedulable")),
        Resource.of(resource_list(status.get("allocatable"))),
        images,
    )


def _node_taints(node: Obj, effects: tuple[str, ...]) -> list[Obj]:
    return [t for t in (node.get("spec") or {}).get("taints") or [] if t.get("effect") in effects]


class NodeInfo:
    """A node and what is on it: pods, requested resources, used ports, images
    (framework.NodeInfo). Kept up to date incrementally by the cache."""

    __slots__ = (
        "allocatable",
        "free_ephemeral_storage",
        "free_memory",
        "free_milli_cpu",
        "free_pods",
        "images",
        "label_groups",
        "labels",
        "memo_balanced",
        "memo_balanced_key",
        "memo_fit",
        "memo_fit_key",
        "memo_fits_key",
        "memo_spread",
        "memo_spread_key",
        "name",
        "node",
        "non_zero_requested",
        "pods",
        "pods_with_affinity",
        "pods_with_required_anti_affinity",
        "prefer_no_schedule_taints",
        "requested",
        "taints",
        "unschedulable",
        "used_ports",
    )

    def __init__(self, name: str) -> None:
        self.name = name
        self.node: Obj | None = None
        self.labels: dict[str, str] = {}
        self.taints: list[Obj] = []  # NoSchedule and NoExecute: the ones Filter looks at
        self.prefer_no_schedule_taints: list[Obj] = []
        self.unschedulable = False
        self.allocatable = Resource()
        self.images: dict[str, int] = {}  # image name -> size in bytes
        self.pods: dict[str, PodInfo] = {}
        self.pods_with_affinity: dict[str, PodInfo] = {}
        self.pods_with_required_anti_affinity: dict[str, PodInfo] = {}
        self.requested = Resource()
        self.non_zero_requested = Resource()
        self.used_ports = HostPortInfo()
        self.label_groups: Counter[Any] = Counter()
        # Scores that depend only on this node's state and the pod's request, remembered until
        # the node or its pods change (most nodes do not change between two cycles), each with
        # the interned request it is for. Kept in the NodeInfo itself: no other object to
        # reach per node, which matters when hundreds of nodes are scored per cycle.
        self.memo_fit_key: Any = None
        self.memo_fit = 0
        self.memo_fits_key: Any = None  # NodeResourcesFit's Filter passed this request
        self.memo_balanced_key: Any = None
        self.memo_balanced = 0
        self.memo_spread_key: Any = None  # PodTopologySpread: matching pods on this node
        self.memo_spread = 0
        # allocatable minus requested, kept up to date for NodeResourcesFit's quick check
        self.free_milli_cpu = self.free_memory = self.free_ephemeral_storage = 0
        self.free_pods = 0

    def _update_free(self) -> None:
        allocatable, requested = self.allocatable, self.requested
        self.free_milli_cpu = allocatable.milli_cpu - requested.milli_cpu
        self.free_memory = allocatable.memory - requested.memory
        self.free_ephemeral_storage = allocatable.ephemeral_storage - requested.ephemeral_storage
        self.free_pods = allocatable.allowed_pod_number - len(self.pods)

    def set_node(self, node: Obj, read: NodeFields | None = None) -> None:
        """Take the node's new version (`read`: what read_node already made of it)."""
        fields = read if read is not None else read_node(node)
        self.memo_fit_key = self.memo_balanced_key = self.memo_spread_key = None
        self.memo_fits_key = None
        self.node = node
        (
            self.labels,
            self.taints,
            self.prefer_no_schedule_taints,
            self.unschedulable,
            self.allocatable,
            self.images,
        ) = fields
        self._update_free()

    def add_pod(self, pod: PodInfo) -> None:
        spec = pod.spec
        self.pods[pod.uid] = pod
        if spec.has_affinity:
            self.pods_with_affinity[pod.uid] = pod
        if spec.has_required_anti_affinity:
            self.pods_with_required_anti_affinity[pod.uid] = pod
        self._account(pod, 1)

    def remove_pod(self, uid: str) -> PodInfo | None:
        pod = self.pods.pop(uid, None)
        if pod is not None:
            self.pods_with_affinity.pop(uid, None)
            self.pods_with_required_anti_affinity.pop(uid, None)
            self._account(pod, -1)
        return pod

    def _account(self, pod: PodInfo, sign: int) -> None:
        self.memo_fit_key = self.memo_balanced_key = self.memo_spread_key = None
        self.memo_fits_key = None
        spec = pod.spec
        self.requested.add(spec.requests, sign)
        self.non_zero_requested.milli_cpu += sign * spec.non_zero_cpu
        self.non_zero_requested.memory += sign * spec.non_zero_memory
        for ip, protocol, port in spec.host_ports:
            if sign > 0:
                self.used_ports.add(ip, protocol, port)
            else:
                self.used_ports.remove(ip, protocol, port)
        groups = self.label_groups
        groups[pod.label_key] += sign
        if groups[pod.label_key] <= 0:
            del groups[pod.label_key]
        self._update_free()

    def clone(self) -> NodeInfo:
        copy = NodeInfo(self.name)
        copy.node, copy.labels = self.node, self.labels
        copy.taints, copy.prefer_no_schedule_taints = self.taints, self.prefer_no_schedule_taints
        copy.unschedulable, copy.allocatable, copy.images = (
            self.unschedulable,
            self.allocatable,
            self.images,
        )
        copy.pods = dict(self.pods)
        copy.pods_with_affinity = dict(self.pods_with_affinity)
        copy.pods_with_required_anti_affinity = dict(self.pods_with_required_anti_affinity)
        copy.requested = self.requested.clone()
        copy.non_zero_requested = self.non_zero_requested.clone()
        copy.used_ports = self.used_ports.clone()
        copy.label_groups = Counter(self.label_groups)
        copy._update_free()
        return copy


@dataclass(eq=False)
class QueuedPodInfo:
    """A pod waiting in the scheduling queue, with its history there (framework.QueuedPodInfo)."""

    pod_info: PodInfo
    timestamp: float  # when it was (re)added to the queue: the PrioritySort tie-breaker
    initial_attempt_timestamp: float | None = None
    attempts: int = 0
    unschedulable_plugins: set[str] = field(default_factory=set)
    pending_plugins: set[str] = field(default_factory=set)
    gated: bool = False
    backoff_expiration: float | None = None
    # The attempt failed with an exception (a malformed pod or a bug): its back-off is a
    # background timer (see SchedulingQueue._retry_quietly).
    unexpected_error: bool = False

    @property
    def uid(self) -> str:
        return self.pod_info.uid

    @property
    def rejector_plugins(self) -> set[str]:
        return self.unschedulable_plugins | self.pending_plugins
