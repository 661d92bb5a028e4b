"""The scheduling framework's vocabulary: Status, CycleState, cluster events and the plugin
interfaces, one per extension point.

Mirrors pkg/scheduler/framework/interface.go, cycle_state.go and events.go (the types moved to
staging/src/k8s.io/kube-scheduler/framework in recent releases). A plugin is a class that
inherits the interfaces of the extension points it implements, as a Go type implements
interfaces; the framework runner (runtime.py) finds them with isinstance.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from enum import IntEnum, IntFlag
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.scheduler.types import NodeInfo, PodInfo, QueuedPodInfo

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

MAX_NODE_SCORE = 100  # framework.MaxNodeScore
MIN_NODE_SCORE = 0


class Code(IntEnum):
    """framework.Code: what a plugin says about a pod (and, at Filter, a node)."""

    SUCCESS = 0
    ERROR = 1
    UNSCHEDULABLE = 2  # preemption may help
    UNSCHEDULABLE_AND_UNRESOLVABLE = 3  # preemption cannot help
    WAIT = 4  # Permit: hold the pod
    SKIP = 5  # PreFilter/PreScore: this plugin has nothing to do for this pod
    PENDING = 6  # waiting for something outside the scheduler

    @property
    def go_name(self) -> str:
        return _CODE_NAMES[self]


_CODE_NAMES = {
    Code.SUCCESS: "Success",
    Code.ERROR: "Error",
    Code.UNSCHEDULABLE: "Unschedulable",
    Code.UNSCHEDULABLE_AND_UNRESOLVABLE: "UnschedulableAndUnresolvable",
    Code.WAIT: "Wait",
    Code.SKIP: "Skip",
    Code.PENDING: "Pending",
}


class Status:
    """A plugin's verdict: a code, the reasons (each counted in the FitError histogram) and the
    plugin that said it. Success is usually written `None`, as Go returns a nil *Status."""

    __slots__ = ("code", "plugin", "reasons")

    def __init__(self, code: Code, *reasons: str, plugin: str = "") -> None:
        self.code = code
        self.reasons: tuple[str, ...] = reasons
        self.plugin = plugin

    def message(self) -> str:
        return ", ".join(self.reasons)

    def is_success(self) -> bool:
        return self.code is Code.SUCCESS

    def is_skip(self) -> bool:
        return self.code is Code.SKIP

    def is_rejected(self) -> bool:
        """Unschedulable, UnschedulableAndUnresolvable or Pending: the pod, not the scheduler,
        is the problem."""
        return self.code in (Code.UNSCHEDULABLE, Code.UNSCHEDULABLE_AND_UNRESOLVABLE, Code.PENDING)

    def with_plugin(self, plugin: str) -> Status:
        self.plugin = plugin
        return self

    def __repr__(self) -> str:
        return f"Status({self.code.go_name}, {self.message()!r}, plugin={self.plugin!r})"


def is_success(status: Status | None) -> bool:
    return status is None or status.code is Code.SUCCESS


SKIP = Status(Code.SKIP)  # shared: a Skip carries no reasons and is never modified


class CycleState(dict[str, Any]):
    """Data plugins share within one scheduling cycle (cycle_state.go), keyed by plugin.

    Also records which plugins asked to be skipped at PreFilter and PreScore."""

    def __init__(self) -> None:
        super().__init__()
        self.skip_filter_plugins: frozenset[str] = frozenset()
        self.skip_score_plugins: frozenset[str] = frozenset()

    def read(self, key: str) -> Any:
        return self.get(key)

    def write(self, key: str, value: Any) -> None:
        self[key] = value

    def clone(self) -> CycleState:
        """A copy whose entries are cloned where they know how (StateData.Clone)."""
        copy = CycleState()
        for key, value in self.items():
            clone = getattr(value, "clone", None)
            copy[key] = clone() if clone is not None else value
        copy.skip_filter_plugins = self.skip_filter_plugins
        copy.skip_score_plugins = self.skip_score_plugins
        return copy


# ---------------------------------------------------------------------------------------------
# results of extension points


@dataclass
class PreFilterResult:
    """Which nodes a PreFilter plugin already knows are the only candidates (None: all)."""

    node_names: frozenset[str] | None = None

    def all_nodes(self) -> bool:
        return self.node_names is None

    def merge(self, other: PreFilterResult | None) -> PreFilterResult:
        if other is None or other.all_nodes():
            return self
        if self.all_nodes():
            return other
        assert self.node_names is not None and other.node_names is not None
        return PreFilterResult(self.node_names & other.node_names)


MODE_NOOP, MODE_OVERRIDE = 0, 1  # framework.NominatingMode


@dataclass(frozen=True)
class NominatingInfo:
    nominated_node_name: str = ""
    mode: int = MODE_NOOP


CLEAR_NOMINATED_NODE = NominatingInfo("", MODE_OVERRIDE)


@dataclass
class PostFilterResult:
    nominating_info: NominatingInfo | None = None


class NodeToStatus:
    """framework.NodeToStatus: the Filter verdict per node that was tried, plus one status for
    every node absent from the map (UnschedulableAndUnresolvable unless said otherwise)."""

    def __init__(self) -> None:
        self.statuses: dict[str, Status] = {}
        self.absent = Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE)

    def set(self, node: str, status: Status) -> None:
        self.statuses[node] = status

    def get(self, node: str) -> Status:
        return self.statuses.get(node, self.absent)

    def __len__(self) -> int:
        return len(self.statuses)

    def nodes_for_status_code(self, all_nodes: list[NodeInfo], code: Code) -> list[NodeInfo]:
        if self.absent.code is code:
            return [ni for ni in all_nodes if self.get(ni.name).code is code]
        by_name = {ni.name: ni for ni in all_nodes}
        return [
            by_name[node]
            for node, status in self.statuses.items()
            if status.code is code and node in by_name
        ]


@dataclass
class Diagnosis:
    """Why the pod fits nowhere: what FitError prints and what the queue uses to decide which
    cluster events may help (framework/types.go)."""

    node_to_status: NodeToStatus = field(default_factory=NodeToStatus)
    unschedulable_plugins: set[str] = field(default_factory=set)
    pending_plugins: set[str] = field(default_factory=set)
    pre_filter_msg: str = ""
    post_filter_msg: str = ""

    def add_plugin_status(self, status: Status) -> None:
        if not status.plugin:
            return
        if status.code is Code.PENDING:
            self.pending_plugins.add(status.plugin)
        elif status.is_rejected():
            self.unschedulable_plugins.add(status.plugin)


NO_NODE_AVAILABLE_MSG = "0/{} nodes are available"  # framework/types.go NoNodeAvailableMsg
NO_NODES_AVAILABLE = "no nodes available to schedule pods"  # schedule_one.go ErrNoNodesAvailable


class StatusError(Exception):
    """An extension point ended in an internal error (fwk.AsStatus(err) upstream): the
    scheduling cycle stops with `status`, the pod goes back to wait out its back-off."""

    def __init__(self, status: Status) -> None:
        super().__init__(status.message())
        self.status = status


@dataclass
class FitError(Exception):
    """The pod fits on no node; str() is the message of FailedScheduling and PodScheduled.

    framework/types.go FitError.Error(): the histogram of reasons sorted as whole strings, the
    PreFilter message instead when PreFilter rejected, then the PostFilter message (current
    releases add no period after it)."""

    pod: PodInfo
    num_all_nodes: int
    diagnosis: Diagnosis

    def __str__(self) -> str:
        message = NO_NODE_AVAILABLE_MSG.format(self.num_all_nodes) + ":"
        diagnosis = self.diagnosis
        if diagnosis.pre_filter_msg:
            message += f" {diagnosis.pre_filter_msg}."
        else:
            histogram = reason_histogram(diagnosis.node_to_status, self.num_all_nodes)
            if histogram:
                message += " " + ", ".join(histogram) + "."
        if diagnosis.post_filter_msg:
            message += f" {diagnosis.post_filter_msg}"
        return message


def reason_histogram(statuses: NodeToStatus, num_all_nodes: int) -> list[str]:
    """`"<count> <reason>"` for every reason, sorted as strings (sort.Strings)."""
    counts: dict[str, int] = {}
    for status in statuses.statuses.values():
        for reason in status.reasons:
            counts[reason] = counts.get(reason, 0) + 1
    absent = num_all_nodes - len(statuses)
    if absent > 0:
        for reason in statuses.absent.reasons:
            counts[reason] = counts.get(reason, 0) + absent
    return sorted(f"{count} {reason}" for reason, count in counts.items())


# ---------------------------------------------------------------------------------------------
# cluster events and queueing hints (framework/events.go, types.go ClusterEvent)


class ActionType(IntFlag):
    ADD = 1 << 0
    DELETE = 1 << 1
    UPDATE_NODE_ALLOCATABLE = 1 << 2
    UPDATE_NODE_LABEL = 1 << 3
    UPDATE_NODE_TAINT = 1 << 4
    UPDATE_NODE_CONDITION = 1 << 5
    UPDATE_NODE_ANNOTATION = 1 << 6
    UPDATE_POD_LABEL = 1 << 7
    UPDATE_POD_SCALE_DOWN = 1 << 8
    UPDATE_POD_TOLERATION = 1 << 9
    UPDATE_POD_SCHEDULING_GATES_ELIMINATED = 1 << 10
    UPDATE_POD_GENERATED_RESOURCE_CLAIM = 1 << 11
    UPDATE_POD_OTHER = 1 << 12
    UPDATE = (1 << 13) - 4  # every Update* bit
    ALL = (1 << 13) - 1


# EventResource. AssignedPod and UnscheduledPod are only ever *incoming* events; a plugin
# registering "Pod" hears both.
POD, NODE, ASSIGNED_POD, UNSCHEDULED_POD, NAMESPACE, WILDCARD = (
    "Pod",
    "Node",
    "AssignedPod",
    "UnscheduledPod",
    "Namespace",
    "*",
)


@dataclass(frozen=True)
class ClusterEvent:
    resource: str
    action_type: ActionType
    label: str = ""

    def is_wildcard(self) -> bool:
        return self.resource == WILDCARD and self.action_type == ActionType.ALL

    def match(self, incoming: ClusterEvent) -> bool:
        if self.is_wildcard():
            return True
        resource_matches = self.resource == incoming.resource or (
            self.resource == POD and incoming.resource in (ASSIGNED_POD, UNSCHEDULED_POD)
        )
        return resource_matches and bool(self.action_type & incoming.action_type)


# The events the scheduler itself raises (framework/events.go).
NODE_ADD = ClusterEvent(NODE, ActionType.ADD, "NodeAdd")
ASSIGNED_POD_ADD = ClusterEvent(ASSIGNED_POD, ActionType.ADD, "AssignedPodAdd")
ASSIGNED_POD_DELETE = ClusterEvent(ASSIGNED_POD, ActionType.DELETE, "AssignedPodDelete")
UNSCHEDULABLE_TIMEOUT = ClusterEvent(WILDCARD, ActionType.ALL, "UnschedulableTimeout")
FORCE_ACTIVATE = ClusterEvent(WILDCARD, ActionType.ALL, "ForceActivate")


class QueueingHint(IntEnum):
    QUEUE_SKIP = 0
    QUEUE = 1


QueueingHintFn = Callable[["PodInfo", Any, Any], QueueingHint]


@dataclass(frozen=True)
class ClusterEventWithHint:
    event: ClusterEvent
    hint: QueueingHintFn | None = None  # None: always Queue


# ---------------------------------------------------------------------------------------------
# plugin interfaces


class Plugin:
    name: str = ""


class QueueSortPlugin(Plugin):
    def less(self, a: QueuedPodInfo, b: QueuedPodInfo) -> bool:
        raise NotImplementedError


class PreEnqueuePlugin(Plugin):
    def pre_enqueue(self, pod: PodInfo) -> Status | None:
        raise NotImplementedError


class EnqueueExtensions(Plugin):
    def events_to_register(self) -> list[ClusterEventWithHint]:
        raise NotImplementedError


class PreFilterPlugin(Plugin):
    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        raise NotImplementedError

    # PreFilterExtensions: keep the plugin's PreFilter state right when preemption or
    # nominated pods add or remove a pod from a node (only plugins whose state counts pods).
    def add_pod(
        self, state: CycleState, pod: PodInfo, to_add: PodInfo, node_info: NodeInfo
    ) -> None:
        return None

    def remove_pod(
        self, state: CycleState, pod: PodInfo, to_remove: PodInfo, node_info: NodeInfo
    ) -> None:
        return None


class FilterPlugin(Plugin):
    def filter(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> Status | None:
        raise NotImplementedError

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> list[tuple[int, Status]]:
        """Filter many nodes: the ones that fail, as (index, status). Upstream runs Filter per
        node on 16 goroutines; here the framework hands each plugin a batch of nodes, so a
        plugin can check them in one tight loop (same verdicts, far less Python overhead)."""
        failed = []
        for i, node in enumerate(nodes):
            status = self.filter(state, pod, node)
            if status is not None:
                failed.append((i, status))
        return failed


class PostFilterPlugin(Plugin):
    def post_filter(
        self, state: CycleState, pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[PostFilterResult | None, Status]:
        raise NotImplementedError


class PreScorePlugin(Plugin):
    def pre_score(self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        raise NotImplementedError


class ScorePlugin(Plugin):
    def score(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> int:
        raise NotImplementedError

    def score_nodes(self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        """Score every feasible node. Upstream runs Score per node on 16 goroutines; here a
        plugin may override this to score a whole list in one tight loop (same results)."""
        return [self.score(state, pod, node) for node in nodes]

    def normalize_score(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo], scores: list[int]
    ) -> None:
        """ScoreExtensions.NormalizeScore, in place (scores[i] is nodes[i]'s); the default
        keeps the raw scores."""
        return None


class ReservePlugin(Plugin):
    def reserve(self, state: CycleState, pod: PodInfo, node_name: str) -> Status | None:
        raise NotImplementedError

    def unreserve(self, state: CycleState, pod: PodInfo, node_name: str) -> None:
        raise NotImplementedError


class PermitPlugin(Plugin):
    def permit(
        self, state: CycleState, pod: PodInfo, node_name: str
    ) -> tuple[Status | None, float]:
        """(status, how long to wait when the status is Wait)."""
        raise NotImplementedError


class PreBindPlugin(Plugin):
    def pre_bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Gen:
        raise NotImplementedError


class BindPlugin(Plugin):
    def bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Gen:
        """A process step; returns a Status (None on success, Skip to let the next binder)."""
        raise NotImplementedError


class PostBindPlugin(Plugin):
    def post_bind(self, state: CycleState, pod: PodInfo, node_name: str) -> None:
        raise NotImplementedError


def default_normalize_score(max_priority: int, reverse: bool, scores: list[int]) -> None:
    """plugins/helper/normalize_score.go DefaultNormalizeScore: scale to [0, max], maybe flip."""
    max_count = max(scores, default=0)
    if max_count == 0:
        if reverse:
            scores[:] = [max_priority] * len(scores)
        return
    for i, score in enumerate(scores):
        score = max_priority * score // max_count
        scores[i] = max_priority - score if reverse else score


class Handle:
    """What plugins may use besides their arguments (framework.Handle): the snapshot, the
    listers, the API client, the event recorder, the clock and the cluster's seeded RNG.
    The Scheduler is the handle; this class only documents the shape (see scheduler.py)."""

    cache: Any
    framework: Any
    nominator: Any
    pod_infos: Any  # the PodInfoFactory
    client: Any
    recorder: Any
    env: Any
    rng: Any
    context: Any
    claims: Any  # the PersistentVolumeClaim, PersistentVolume and StorageClass informers
    volumes: Any
    storage_classes: Any

    def get_pod(self, namespace: str, name: str) -> Obj | None:
        raise NotImplementedError

    def ref(self, pod: Any) -> Any:
        """The trace's reference to a pod (a PodInfo)."""
        raise NotImplementedError

    def namespace_labels(self, namespace: str) -> dict[str, str]:
        raise NotImplementedError

    def namespaces_matching(self, selector: Any) -> list[str]:
        raise NotImplementedError

    def get_controller(self, kind: str, namespace: str, name: str) -> Obj | None:
        """A ReplicaSet or ReplicationController from the scheduler's listers."""
        raise NotImplementedError
