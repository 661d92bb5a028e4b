"""The trace: the append-only list of everything components say to each other.

It is the contract between the engine and every viewer (the browser, `podlife play --trace`,
the tests). Its schema is documented in docs/trace.md; change both together. The kinds, levels
and each kind's data are in tracekinds.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from engine.tracekinds import EventKind, Level, check_data


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
    kind: EventKind
    summary: str
    step: Step = Step.OTHER
    object: ObjectRef | None = None
    data: dict[str, Any] = {}
    # The Pod, ReplicaSet or Deployment whose story this event is part of (a Deployment's
    # ReplicaSets and Pods belong to the Deployment's), if any.
    flow: ObjectRef | None = None
    level: Level = Level.DETAIL


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
_UNSET: Any = object()
_KINDS: dict[str, EventKind] = {kind.value: kind for kind in EventKind}


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


# The kinds of object a flow is about: what a learner creates and watches live.
FLOW_KINDS = frozenset({"Pod", "ReplicaSet", "Deployment"})
# Objects that are the cluster's upkeep, not a lesson's subject.
_HOUSEKEEPING_OBJECTS = frozenset({"Lease", "Event"})
# The seed's steps as the learner is taught them: a Pod's five, a Deployment's four (whose
# pods then go through the Pod's steps 3 to 5), a ConfigMap's or Secret's two (nothing acts on
# one until a pod uses it).
SEED_STEPS: dict[int, tuple[Step, ...]] = {
    5: (Step.SEND, Step.PERSIST, Step.SCHEDULE, Step.RUN, Step.REPORT),
    4: (Step.SEND, Step.PERSIST, Step.CONTROL, Step.CONTROL),
    2: (Step.SEND, Step.PERSIST),
}
_STORY_LENGTHS = {
    "Pod": 5,
    "Deployment": 4,
    "ReplicaSet": 4,
    "DaemonSet": 4,
    "StatefulSet": 4,
    "ReplicationController": 4,  # step 4: the replication manager creates the pods
    "Job": 4,  # step 4: the Job controller creates the pods
    "CronJob": 4,  # step 3: the CronJob controller creates a Job; step 4: its pods
    "ConfigMap": 2,
    "Secret": 2,
    "Service": 2,
    "PersistentVolume": 2,
    "PersistentVolumeClaim": 2,
    "StorageClass": 2,
    "IngressClass": 2,
    "Ingress": 2,
    "NetworkPolicy": 2,
    "HorizontalPodAutoscaler": 2,
    "ValidatingAdmissionPolicy": 2,
    "ValidatingAdmissionPolicyBinding": 2,
}


def story_length(kind: str) -> int | None:
    """How many seed steps the story of an object of `kind` has, if it has one."""
    return _STORY_LENGTHS.get(kind)


def level_of(kind: EventKind, step: Step, obj: ObjectRef | None) -> Level:
    """The level of an event that does not say (docs/trace.md, "Levels"): milestones and
    narration are the story; the upkeep of Leases, Events and nodes is housekeeping."""
    if kind is EventKind.MILESTONE or kind is EventKind.NARRATION:
        return Level.STORY
    if obj is not None and obj.kind in _HOUSEKEEPING_OBJECTS:
        return Level.HOUSEKEEPING
    if step is Step.OTHER and (obj is None or obj.kind == "Node"):
        return Level.HOUSEKEEPING
    return Level.DETAIL


def owner_of(obj: dict[str, Any], namespace: str = "") -> ObjectRef | None:
    """Whose story an object is part of: its controller (ownerReferences with controller:
    true), or for an Event the object it is about. `namespace`: the object's, when its
    metadata does not say (a body before the API server fills it in)."""
    if obj.get("kind") == "Event":
        # core/v1's involvedObject, or events.k8s.io/v1's regarding
        involved = obj.get("involvedObject") or obj.get("regarding")
        if isinstance(involved, dict) and isinstance(involved.get("name"), str):
            return object_ref(
                str(involved.get("kind", "")), involved["name"], str(involved.get("namespace", ""))
            )
        return None
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return None
    owners = meta.get("ownerReferences")
    for owner in owners if isinstance(owners, list) else ():
        if isinstance(owner, dict) and owner.get("controller") is True:
            # An owner is in its dependent's namespace (or cluster-scoped; flows never are).
            where = meta.get("namespace") or namespace
            return object_ref(str(owner.get("kind", "")), str(owner.get("name", "")), str(where))
    return None


class Trace:
    """Append-only event log with subscribers (the web layer streams from one)."""

    # Check each event's data against its kind's model as it is emitted: on in the tests
    # (tests/conftest.py), off in production, where it would double what an event costs.
    check_data = False

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.events: list[TraceEvent] = []
        self._subscribers: list[Callable[[TraceEvent], None]] = []
        self.muted = False  # while a cluster sets itself up: the trace starts with the learner
        self._now: object = _UNSET  # the clock's last value, and it rounded (see emit)
        self._time: Any = None
        # (kind, name, namespace) of an object -> whose story it is part of
        self._owners: dict[tuple[str, str, str], ObjectRef] = {}

    # ---- flows -------------------------------------------------------------------------------
    # Keyed by (kind, name, namespace): hashing an ObjectRef goes through pydantic's generic
    # hash, several times slower, and this runs for every event.
    def link(self, ref: ObjectRef | None, obj: dict[str, Any]) -> None:
        """Note whose story `obj` (named `ref`) is part of, from its ownerReferences."""
        if ref is None:
            return
        owner = owner_of(obj, ref.namespace)
        if owner is not None and owner != ref:
            self._owners[(ref.kind, ref.name, ref.namespace)] = owner

    def flow_of(self, ref: ObjectRef | None) -> ObjectRef | None:
        """The Pod, ReplicaSet or Deployment at the top of `ref`'s owners, if any."""
        if ref is None or not ref.name:
            return None  # a list or a watch: about no one object
        top, owners = ref, self._owners
        for _ in range(8):  # owners chains are short; a cycle of references ends here
            owner = owners.get((top.kind, top.name, top.namespace))
            if owner is None:
                break
            top = owner
        return top if top.kind in FLOW_KINDS else None

    # ---- events ------------------------------------------------------------------------------
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
        flow: ObjectRef | None = None,
        level: Level | None = None,
    ) -> TraceEvent | None:
        """Append an event. `flow`: whose story it is when `obj` does not say (then it is
        `obj`'s); `level`: when the rules of level_of do not say it right."""
        if self.muted:
            return None
        kind = _KINDS[kind]  # only the kinds of the contract
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
        if type(step) is not Step:
            step = Step(step)
        if self.check_data:
            check_data(kind, data)
        if obj is not None:
            flow = self.flow_of(obj) or flow
        if level is None:
            level = level_of(kind, step, obj)
        if (
            type(time) is float
            and type(duration) is float
            and type(source) is str
            and type(target) is str
            and type(summary) is str
            and type(step) is Step
            and (obj is None or type(obj) is ObjectRef)
            and (flow is None or type(flow) is ObjectRef)
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
                    "flow": flow,
                    "level": level,
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
                flow=flow,
                level=level,
            )
        self.events.append(event)
        for subscriber in self._subscribers:
            subscriber(event)
        return event

    def milestone(
        self,
        component: str,
        headline: str,
        obj: ObjectRef,
        number: int | None,
        of: int | None,
        step: Step = Step.CONTROL,
        **data: Any,
    ) -> None:
        """A step of the story, said by `component` as it makes it happen: step `number` of
        the `of` steps of a Pod's (5) or a Deployment's (4) story, with a headline a beginner
        reads; or, with neither, what happens around them (`step` then says whose). Details
        (the node, the IP, the image, a count) go in `data`."""
        self.emit(
            component,
            component,
            "milestone",
            headline,
            step=SEED_STEPS[of][number - 1] if of is not None and number is not None else step,
            obj=obj,
            data={"step": number, "of": of, **data},
            level=Level.STORY,
        )

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
