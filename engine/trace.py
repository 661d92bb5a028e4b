"""The trace: the append-only list of everything components say to each other.

It is the contract between the engine and every viewer (the browser, `podlife play --trace`,
the tests). Its schema is documented in docs/trace.md; change both together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Step(StrEnum):
    """The stage of the flow an event belongs to, as the learner is taught it."""

    SEND = "send"  # 1. kubectl sends the request to the API server
    PERSIST = "persist"  # 2. the API server authenticates, admits, validates, stores in etcd
    CONTROL = "control"  # Deployment only: controllers create the ReplicaSet and its Pods
    SCHEDULE = "schedule"  # 3. the scheduler picks a node and binds the pod
    RUN = "run"  # 4. the kubelet has the runtime pull, the CNI wire, the containers start
    REPORT = "report"  # 5. the kubelet reports status: the pod is Running
    OTHER = "other"  # housekeeping: heartbeats, events, reads


class ObjectRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str
    name: str
    namespace: str = ""


class TraceEvent(BaseModel):
    """One interaction: `source` tells `target` something at virtual `time`.

    A message travels for `duration` virtual seconds (0 for things that happen inside one
    component, such as an admission stage inside the API server).
    """

    model_config = ConfigDict(frozen=True)

    seq: int
    time: float
    duration: float = 0.0
    source: str
    target: str
    kind: str
    summary: str
    step: Step = Step.OTHER
    object: ObjectRef | None = None
    data: dict[str, Any] = {}


class Trace:
    """Append-only event log with subscribers (the web layer streams from one)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.events: list[TraceEvent] = []
        self._subscribers: list[Callable[[TraceEvent], None]] = []
        self.muted = False  # while a cluster sets itself up: the trace starts with the learner

    def emit(
        self,
        source: str,
        target: str,
        kind: str,
        summary: str,
        *,
        step: Step = Step.OTHER,
        obj: ObjectRef | None = None,
        duration: float = 0.0,
        data: dict[str, Any] | None = None,
    ) -> TraceEvent | None:
        if self.muted:
            return None
        event = TraceEvent(
            seq=len(self.events) + 1,
            time=round(self._clock(), 6),
            duration=round(duration, 6),
            source=source,
            target=target,
            kind=kind,
            summary=summary,
            step=step,
            object=obj,
            data=data or {},
        )
        self.events.append(event)
        for subscriber in self._subscribers:
            subscriber(event)
        return event

    def subscribe(self, callback: Callable[[TraceEvent], None]) -> None:
        self._subscribers.append(callback)

    def __iter__(self) -> Iterator[TraceEvent]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def jsonl(self) -> str:
        return "".join(event.model_dump_json() + "\n" for event in self.events)


def ref_of(obj: dict[str, Any]) -> ObjectRef:
    """The ObjectRef of a Kubernetes object dict."""
    meta = obj.get("metadata") or {}
    return ObjectRef(
        kind=obj.get("kind", ""), name=meta.get("name", ""), namespace=meta.get("namespace", "")
    )
