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


_object_setattr = object.__setattr__


# Every field is given, so every event's "fields set" is this one set; sharing it spares a
# set per event, which the garbage collector would otherwise scan again and again. Frozen
# models never change it (model_copy copies it before adding to it).
_ALL_EVENT_FIELDS = set(TraceEvent.model_fields)


def _trusted_event(values: dict[str, Any]) -> TraceEvent:
    """A TraceEvent from values already of exactly its field types, without running the
    validator: what BaseModel.model_construct does, minus its generic per-field work. The
    engine emits a hundred events per pod, and validation was half of what each cost.
    Trace.emit checks the types first; anything else goes through the validating
    constructor, so the events are the same either way."""
    event = TraceEvent.__new__(TraceEvent)
    _object_setattr(event, "__dict__", values)
    _object_setattr(event, "__pydantic_fields_set__", _ALL_EVENT_FIELDS)
    _object_setattr(event, "__pydantic_extra__", None)
    _object_setattr(event, "__pydantic_private__", None)
    return event


_ROUNDED: dict[float, float] = {}  # duration -> round(duration, 6)
_REFS: dict[tuple[str, str, str], ObjectRef] = {}
_UNSET = object()


def _str_keys(data: dict[Any, Any]) -> bool:
    # A loop, not all() over a generator: cheaper for the few keys an event's data has.
    for key in data:  # noqa: SIM110
        if type(key) is not str:
            return False
    return True


def object_ref(kind: str, name: str, namespace: str = "") -> ObjectRef:
    """ObjectRef(kind=kind, name=name, namespace=namespace). The same object is handed out for
    the same three strings (ObjectRefs are frozen): a pod is named by some fifty events, and
    one shared ref is cheaper to make and to keep than fifty equal ones."""
    if type(kind) is not str or type(name) is not str or type(namespace) is not str:
        return ObjectRef(kind=kind, name=name, namespace=namespace)
    key = (kind, name, namespace)
    ref = _REFS.get(key)
    if ref is None:
        if len(_REFS) >= 65536:
            _REFS.clear()
        ref = _REFS[key] = ObjectRef(kind=kind, name=name, namespace=namespace)
    return ref


class Trace:
    """Append-only event log with subscribers (the web layer streams from one)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.events: list[TraceEvent] = []
        self._subscribers: list[Callable[[TraceEvent], None]] = []
        self.muted = False  # while a cluster sets itself up: the trace starts with the learner
        self._now: object = _UNSET  # the clock's last value, and it rounded (see emit)
        self._time: Any = None

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
        # round() is slow next to the rest: the clock's value is rounded once per instant
        # (many events share one), a duration once per distinct value (there are a few).
        now = self._clock()
        if now is not self._now:
            self._now, self._time = now, round(now, 6)
        seq, time = len(self.events) + 1, self._time
        if type(duration) is not float:
            duration = round(duration, 6)
        elif duration != 0.0:  # round(±0.0, 6) is the zero itself
            rounded = _ROUNDED.get(duration)
            if rounded is None:
                rounded = round(duration, 6)
                if len(_ROUNDED) < 1024:
                    _ROUNDED[duration] = rounded
            duration = rounded
        data = data or {}
        if (
            type(time) is float
            and type(duration) is float
            and type(source) is str
            and type(target) is str
            and type(kind) is str
            and type(summary) is str
            and type(step) is Step
            and (obj is None or type(obj) is ObjectRef)
            and type(data) is dict
            and _str_keys(data)
        ):
            # Exactly the field types already: what validation would produce (it copies the
            # data map, so this does too), at a fraction of the cost.
            event = _trusted_event(
                {
                    "seq": seq,
                    "time": time,
                    "duration": duration,
                    "source": source,
                    "target": target,
                    "kind": kind,
                    "summary": summary,
                    "step": step,
                    "object": obj,
                    "data": dict(data),
                }
            )
        else:
            event = TraceEvent(
                seq=seq,
                time=time,
                duration=duration,
                source=source,
                target=target,
                kind=kind,
                summary=summary,
                step=step,
                object=obj,
                data=data,
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
    return object_ref(obj.get("kind", ""), meta.get("name", ""), meta.get("namespace", ""))
