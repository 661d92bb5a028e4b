"""The trace contract: docs/trace.md and the models of engine/tracekinds.py agree, and every
event of every lesson fits its kind's model, with its level and flow."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from engine.player import play
from engine.scenario import load
from engine.trace import ObjectRef, Step, Trace, TraceEvent, level_of, object_ref
from engine.tracekinds import DATA, EventKind, Level, check_data

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "scenarios").glob("*.yaml")
)


def documented_kinds() -> dict[str, tuple[set[str], set[str]]]:
    """The Kinds table of docs/trace.md: kind -> (fields always there, fields marked `?`)."""
    text = (ROOT / "docs" / "trace.md").read_text()
    section = text.split("\n## Kinds\n", 1)[1].split("\n## ", 1)[0]
    kinds = {}
    for line in section.splitlines():
        row = re.match(r"\| `([a-z-]+)` \|.*\| ([^|]*) \|$", line)
        if row is None or row.group(1) == "kind":  # not a row, or the header
            continue
        fields = re.findall(r"`(\w+)`(\??)", row.group(2))
        kinds[row.group(1)] = (
            {name for name, optional in fields if not optional},
            {name for name, optional in fields if optional},
        )
    return kinds


def test_the_document_lists_every_kind_with_its_models_fields() -> None:
    documented = documented_kinds()
    assert sorted(documented) == sorted(kind.value for kind in EventKind)
    for kind, model in DATA.items():
        required = {name for name, field in model.model_fields.items() if field.is_required()}
        optional = set(model.model_fields) - required
        assert documented[kind.value] == (required, optional), kind.value


def test_the_document_lists_the_levels() -> None:
    text = (ROOT / "docs" / "trace.md").read_text()
    section = text.split("\n## Levels\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \|", section, re.M)
    assert rows[1:] == [level.value for level in Level]  # after the header


@pytest.fixture(scope="module")
def lesson_events() -> list[tuple[str, TraceEvent]]:
    events = []
    for path in SCENARIOS:
        cluster = play(load(path), io.StringIO())
        events += [(path.stem, event) for event in cluster.trace]
    return events


def test_every_lessons_events_fit_their_kinds_model(
    lesson_events: list[tuple[str, TraceEvent]],
) -> None:
    seen = set()
    for lesson, event in lesson_events:
        try:
            check_data(event.kind, event.data)
        except ValueError as error:
            pytest.fail(f"{lesson} #{event.seq} {event.kind}: {error}")
        seen.add(event.kind)
    # The lessons show most of the contract (errors, probes, evictions and no-op updates have
    # their own tests); a lesson that stopped producing one of these would weaken this test.
    rare = {EventKind.ERROR, EventKind.PROBE, EventKind.EVICTION, EventKind.NO_OP}
    assert seen >= set(EventKind) - rare


def test_a_deployments_story_is_its_own_flow(lesson_events: list[tuple[str, TraceEvent]]) -> None:
    web = object_ref("Deployment", "web", "default")
    events = [event for lesson, event in lesson_events if lesson == "02-deployment"]
    # Its ReplicaSet, its pods, their scheduling, images and containers: all in its flow.
    for event in events:
        obj = event.object
        if obj is not None and obj.kind in ("ReplicaSet", "Pod") and obj.name.startswith("web-"):
            assert event.flow == web, (event.seq, event.kind, event.summary)
    milestones = [e for e in events if e.level is Level.STORY and e.flow == web]
    assert {e.kind for e in milestones} == {EventKind.MILESTONE}
    assert {e.source.split("/")[0] for e in milestones} == {
        "kubectl",
        "api-server",
        "controller-manager",
        "scheduler",
        "kubelet",
    }
    # A list is about no one object; recording Events is upkeep, though in the pods' flow.
    lists = [e for e in events if e.kind is EventKind.REQUEST and e.summary.startswith("list ")]
    assert lists and all(e.flow is None for e in lists)
    notes = [
        e for e in events if e.object is not None and e.object.kind == "Event" and e.object.name
    ]
    assert notes and all(e.level is Level.HOUSEKEEPING for e in notes)
    assert {e.flow for e in notes} == {web}


def test_level_rules() -> None:
    pod = ObjectRef(kind="Pod", name="web", namespace="default")
    node = ObjectRef(kind="Node", name="node-1")

    def level(kind: EventKind, step: Step, obj: ObjectRef | None, **data: object) -> Level:
        return level_of(kind, step, obj)

    assert level(EventKind.MILESTONE, Step.SEND, pod, of=5) is Level.STORY
    assert level(EventKind.NARRATION, Step.OTHER, None) is Level.STORY
    assert level(EventKind.REQUEST, Step.SEND, pod, method="POST", url="/") is Level.DETAIL
    assert level(EventKind.REQUEST, Step.OTHER, node, method="PATCH", url="/") is Level.HOUSEKEEPING
    assert level(EventKind.CRI_REQUEST, Step.RUN, pod, method="PullImage") is Level.DETAIL
    event = ObjectRef(kind="Event", name="web.1", namespace="default")
    assert level(EventKind.REQUEST, Step.SEND, event, method="POST", url="/") is Level.HOUSEKEEPING


def test_flows_follow_controller_owners() -> None:
    trace = Trace(lambda: 0.0)
    web = object_ref("Deployment", "web", "default")
    rs = object_ref("ReplicaSet", "web-1", "default")
    pod = object_ref("Pod", "web-1-a", "default")
    owned = {
        "metadata": {
            "ownerReferences": [{"kind": "ReplicaSet", "name": "web-1", "controller": True}]
        }
    }
    trace.link(pod, owned)
    assert trace.flow_of(pod) == rs  # until the ReplicaSet is known to be the Deployment's
    trace.link(
        rs,
        {
            "metadata": {
                "ownerReferences": [{"kind": "Deployment", "name": "web", "controller": True}]
            }
        },
    )
    assert trace.flow_of(pod) == web
    # Not a controller: no flow through it; an Event's flow is its object's.
    other = object_ref("Pod", "other", "default")
    trace.link(other, {"metadata": {"ownerReferences": [{"kind": "ReplicaSet", "name": "web-1"}]}})
    assert trace.flow_of(other) == other
    note = object_ref("Event", "web-1-a.1", "default")
    trace.link(
        note,
        {
            "kind": "Event",
            "involvedObject": {"kind": "Pod", "name": "web-1-a", "namespace": "default"},
        },
    )
    assert trace.flow_of(note) == web
    assert trace.flow_of(object_ref("Node", "node-1")) is None
    assert trace.flow_of(object_ref("Pod", "", "default")) is None
    emitted = trace.emit(
        "kubelet/node-1",
        "kubelet/node-1",
        "probe",
        "ok",
        obj=pod,
        data={"probe": "readiness", "container": "c", "ok": True},
    )
    assert emitted is not None and emitted.flow == web and emitted.level is Level.DETAIL
    with pytest.raises(KeyError):
        trace.emit("a", "b", "gossip", "not a kind of the contract")
