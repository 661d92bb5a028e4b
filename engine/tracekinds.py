"""The trace contract's vocabulary: every kind of event, the level a viewer shows it at, and
the data each kind carries.

A viewer reads meaning from these fields, never from an event's `summary`, which is prose
for people and may be reworded. docs/trace.md documents the same models; tests/test_trace.py
checks that the document and the models agree and that every event of every lesson fits its
kind's model.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class EventKind(StrEnum):
    REQUEST = "request"
    RESPONSE = "response"
    AUTHENTICATION = "authentication"
    AUTHORIZATION = "authorization"
    MUTATING_ADMISSION = "mutating-admission"
    VALIDATION = "validation"
    VALIDATING_ADMISSION = "validating-admission"
    EVICTION = "eviction"
    GRACEFUL_DELETE = "graceful-delete"
    NO_OP = "no-op"
    WATCH = "watch"
    ETCD_READ = "etcd-read"
    ETCD_WRITE = "etcd-write"
    ETCD_REPLY = "etcd-reply"
    ETCD_WATCH = "etcd-watch"
    WATCH_EVENT = "watch-event"
    NARRATION = "narration"
    SCHEDULING_CYCLE = "scheduling-cycle"
    RECONCILE = "reconcile"
    CRI_REQUEST = "cri-request"
    CRI_REPLY = "cri-reply"
    CNI_ADD = "cni-add"
    CNI_DEL = "cni-del"
    CNI_REPLY = "cni-reply"
    PROBE = "probe"
    CONNECTION = "connection"
    ERROR = "error"
    MILESTONE = "milestone"


class Level(StrEnum):
    """How prominently a viewer shows an event."""

    STORY = "story"  # a milestone of the lesson's steps: what a beginner follows
    DETAIL = "detail"  # how a milestone came about: one click away for the curious
    HOUSEKEEPING = "housekeeping"  # heartbeats, leases, Events, compaction: the cluster's upkeep


class Data(BaseModel):
    """The data of one kind of event; a field absent from an event is None here."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RequestData(Data):
    method: str
    url: str
    remote: bool | None = None  # sent over HTTP by a real client
    userAgent: str | None = None


class ResponseData(Data):
    code: int


class AuthenticationData(Data):
    user: str | None = None  # absent when authentication failed
    groups: list[str] | None = None


class AuthorizationData(Data):
    verb: str
    resource: str  # with its subresource: "pods/binding"
    allowed: bool
    mode: str  # who decided: Privileged (system:masters), Node or RBAC
    binding: str | None = None  # RBAC: the binding that allowed it, "ClusterRoleBinding/<name>"
    role: str | None = None  # and its role, "ClusterRole/<name>"


class MutatingAdmissionData(Data):
    plugins: list[str] | None = None  # on create: defaulting and the plugins that changed it


class GracefulDeleteData(Data):
    gracePeriodSeconds: int | None = None


class EtcdReadData(Data):
    key: str


class EtcdWriteData(Data):
    key: str
    op: Literal["create", "update", "delete"]


class EtcdReplyData(Data):
    revision: int
    key: str | None = None  # a write's key (reads answer the whole range)
    error: str | None = None  # a write etcd refused


class EtcdWatchData(Data):
    key: str
    revision: int
    type: Literal["PUT", "DELETE"]


class WatchEventData(Data):
    type: Literal["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]
    resourceVersion: str


class SchedulingCycleData(Data):
    """docs/scheduler.md, "The scheduling-cycle trace event"."""

    filter: dict[str, dict[str, str]]
    score: dict[str, dict[str, int]]
    total: dict[str, int]
    chosen: str | None
    message: str
    skipped: dict[str, list[str]] | None = None  # absent when no cycle ran (a pod skipped)
    nodes: dict[str, int] | None = None
    nominatedNode: str | None = None
    victims: list[str] | None = None


class ReconcileData(Data):
    """The numbers behind a controller's decision (docs/controllers.md)."""

    need: int | None = None
    have: int | None = None
    creating: int | None = None
    deleting: list[str] | None = None  # the pods chosen to go
    podTemplateHash: str | None = None
    revision: str | None = None
    minAvailable: int | None = None
    maxScaledDown: int | None = None
    maxSurge: int | None = None
    newReplicas: int | None = None
    sizes: dict[str, int] | None = None
    silentFor: float | None = None
    gracePeriod: float | None = None
    tolerationSeconds: int | None = None
    dependents: list[str] | None = None
    propagationPolicy: str | None = None


class CriRequestData(Data):
    """docs/node.md: one CRI call."""

    method: str  # RunPodSandbox, ImageStatus, PullImage, CreateContainer, StartContainer…
    image: str | None = None
    bytes: int | None = None  # PullImage: what has to come over the network
    duration: float | None = None  # PullImage: how long that takes
    attempt: int | None = None
    container: str | None = None
    containerId: str | None = None
    timeout: int | None = None
    signal: str | None = None


class CriReplyData(Data):
    method: str
    podSandboxId: str | None = None
    containerId: str | None = None
    imageRef: str | None = None
    present: bool | None = None
    bytes: int | None = None
    duration: float | None = None
    ip: str | None = None
    exitCode: int | None = None
    error: str | None = None


class CniAddData(Data):
    command: str
    containerID: str
    ifName: str
    netns: str
    network: str


class CniDelData(Data):
    command: str
    containerID: str
    ifName: str
    ip: str | None = None


class CniReplyData(Data):
    ip: str | None = None
    gateway: str | None = None
    ipam: str | None = None
    range: str | None = None
    error: str | None = None


class ProbeData(Data):
    probe: Literal["liveness", "readiness", "startup"]
    container: str
    ok: bool


class DnsLookup(Data):
    """How a connection's host name was looked up: the nameserver (the kube-dns ClusterIP),
    the CoreDNS pod kube-proxy sent the query to and its node, the name, the first address."""

    server: str
    pod: str  # namespace/name
    node: str
    name: str
    answer: str | None = None


class ConnectionData(Data):
    """A connection from a process in a pod (curl, wget in `kubectl exec`): through a
    Service's ClusterIP, kube-proxy's chosen backend pod, and its answer."""

    fromPod: str  # namespace/name
    port: int
    service: str | None = None  # namespace/name, when the address was a ClusterIP
    clusterIP: str | None = None
    backend: str | None = None  # the pod that answered (namespace/name)
    backendIP: str | None = None
    node: str | None = None  # the backend's node
    code: int | None = None  # its HTTP status
    error: str | None = None  # refused, timeout, not-http
    dns: DnsLookup | None = None  # None when the program was given an address


class ErrorData(Data):
    """engine/utilruntime.py: a component's unexpected error on one object."""

    key: str
    error: str | None = None  # the error text, when there is one apart from the summary
    handler: str | None = None
    resource: str | None = None


class MilestoneData(Data):
    """A step of the lesson's story, said by the component that made it happen: the seed's
    step number (`step` of `of`: 5 for a Pod's story, 4 for a Deployment's, 2 for a
    ConfigMap's or Secret's), or neither for what happens to the cluster around the seeds (a
    node failing, a pod evicted)."""

    step: int | None
    of: Literal[2, 4, 5] | None
    node: str | None = None
    ip: str | None = None
    image: str | None = None
    count: int | None = None
    deadline: float | None = None  # when what it announces happens, in virtual seconds
    # the learner's own act on the machines (a button, a lesson step): it begins a chapter
    action: (
        Literal["fail-node", "recover-node", "crash-container", "add-node", "remove-node"] | None
    ) = None


DATA: dict[EventKind, type[Data]] = {
    EventKind.REQUEST: RequestData,
    EventKind.RESPONSE: ResponseData,
    EventKind.AUTHENTICATION: AuthenticationData,
    EventKind.AUTHORIZATION: AuthorizationData,
    EventKind.MUTATING_ADMISSION: MutatingAdmissionData,
    EventKind.VALIDATION: Data,
    EventKind.VALIDATING_ADMISSION: Data,
    EventKind.EVICTION: Data,
    EventKind.GRACEFUL_DELETE: GracefulDeleteData,
    EventKind.NO_OP: Data,
    EventKind.WATCH: Data,
    EventKind.ETCD_READ: EtcdReadData,
    EventKind.ETCD_WRITE: EtcdWriteData,
    EventKind.ETCD_REPLY: EtcdReplyData,
    EventKind.ETCD_WATCH: EtcdWatchData,
    EventKind.WATCH_EVENT: WatchEventData,
    EventKind.NARRATION: Data,
    EventKind.SCHEDULING_CYCLE: SchedulingCycleData,
    EventKind.RECONCILE: ReconcileData,
    EventKind.CRI_REQUEST: CriRequestData,
    EventKind.CRI_REPLY: CriReplyData,
    EventKind.CNI_ADD: CniAddData,
    EventKind.CNI_DEL: CniDelData,
    EventKind.CNI_REPLY: CniReplyData,
    EventKind.PROBE: ProbeData,
    EventKind.CONNECTION: ConnectionData,
    EventKind.ERROR: ErrorData,
    EventKind.MILESTONE: MilestoneData,
}


def check_data(kind: str, data: dict[str, Any]) -> Data:
    """The event's data as its kind's model; raises ValueError if it does not fit."""
    return DATA[EventKind(kind)].model_validate(data)
