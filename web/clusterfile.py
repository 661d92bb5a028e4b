"""A session's cluster as a file (docs/export.md): what it was made from, replayed on import.

The engine is deterministic (engine/timeline.py): a cluster is its seed, nodes, timings and
lesson files plus its inputs, each applied at a known engine step and virtual time. The file
holds exactly that, with where the cluster had got to (steps, time) and what it had told by
then (the number of trace events and a digest of them), so an import replays it to the same
state and can say so — or say that it did not (a tampered file, or another Podlife version
whose engine tells the story differently).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, ValidationError

from engine import (
    TIMINGS,
    ClusterCall,
    Input,
    Kubectl,
    NodeSpec,
    Op,
    StopKubectl,
    Timeline,
    TraceEvent,
)
from web.config import Settings
from web.payloads import MAX_SEED, BadRequest, Payload, check_line, check_paste

FORMAT = "podlife-cluster"
VERSION = 1


class KubectlOp(Payload):
    kind: Literal["kubectl"]
    argv: list[str]
    stdin: str = ""


# The Cluster methods the page's actions and lessons call (web/actions.py, `say`): the only
# ones a file may name, so a file cannot call anything else on the cluster.
Call = Literal["crash_container", "fail_node", "recover_node", "remove_node", "add_node", "narrate"]
CALLS = get_args(Call)


class CallOp(Payload):
    kind: Literal["call"]
    method: Call
    args: list[str | NodeSpec | None] = Field(max_length=3)


class StopOp(Payload):
    kind: Literal["stop-kubectl"]
    number: int = Field(ge=0)


class InputRecord(Payload):
    steps: int = Field(ge=0)
    now: float = Field(ge=0)
    op: Annotated[KubectlOp | CallOp | StopOp, Field(discriminator="kind")]
    failed: bool = False  # it raised when first applied (and does again on replay)


class Position(Payload):
    steps: int = Field(ge=0)
    now: float = Field(ge=0)


class ClusterFile(Payload):
    format: Literal["podlife-cluster"]
    version: int
    seed: int = Field(ge=0, le=MAX_SEED)
    nodes: list[NodeSpec] = Field(min_length=1)
    timings: Literal["default", "demo"]
    lesson: str | None = Field(default=None, max_length=200)
    files: dict[str, str] = Field(default_factory=dict)
    inputs: list[InputRecord]
    position: Position
    events: int = Field(ge=0)
    digest: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")


def digest(events: Sequence[TraceEvent]) -> str:
    """The trace's fingerprint: every event as the page receives it, in order."""
    hashed = hashlib.sha256()
    for event in events:
        hashed.update(event.model_dump_json().encode())
        hashed.update(b"\n")
    return f"sha256:{hashed.hexdigest()}"


# ---- export --------------------------------------------------------------------------------
def export(timeline: Timeline, lesson: str | None) -> dict[str, Any]:
    """The file's content for a timeline (BadRequest for a cluster a file cannot carry)."""
    cluster = timeline.cluster
    timings = next((name for name, known in TIMINGS.items() if known == cluster.timings), None)
    if timings is None:
        raise BadRequest("export: this cluster runs with custom timings, which a file cannot carry")
    inputs = []
    for index, record in enumerate(timeline.inputs):
        entry: dict[str, Any] = {"steps": record.steps, "now": record.now, "op": _op(record.op)}
        if index in timeline.failed:
            entry["failed"] = True
        inputs.append(entry)
    return {
        "format": FORMAT,
        "version": VERSION,
        "seed": timeline.seed,
        "nodes": [spec.model_dump() for spec in timeline.nodes],
        "timings": timings,
        "lesson": lesson,
        "files": dict(cluster.files),
        "inputs": inputs,
        "position": {"steps": cluster.env.steps, "now": cluster.env.now},
        "events": len(timeline.events),
        "digest": digest(timeline.events),
    }


def _op(op: Op) -> dict[str, Any]:
    if isinstance(op, Kubectl):
        return {"kind": "kubectl", "argv": list(op.argv), "stdin": op.stdin}
    if isinstance(op, StopKubectl):
        return {"kind": "stop-kubectl", "number": op.number}
    if isinstance(op, ClusterCall) and op.method in CALLS:
        args = [arg.model_dump() if isinstance(arg, NodeSpec) else arg for arg in op.args]
        return {"kind": "call", "method": op.method, "args": args}
    # A real kubectl's requests over HTTP (web/kube_api/calls.py) carry the cluster's bearer
    # tokens: a file must not.
    raise BadRequest(
        "export: a kubectl connected over HTTP (a kubeconfig) changed this cluster; "
        "a file cannot carry its requests yet"
    )


def file_name(seed: int, today: datetime.date | None = None) -> str:
    return f"podlife-{seed}-{(today or datetime.date.today()).isoformat()}.json"


# ---- import --------------------------------------------------------------------------------
def load(text: str, settings: Settings) -> ClusterFile:
    """Read and check a file's text against the limits (docs/limits.md); BadRequest says why
    not."""
    size = len(text.encode())
    if size > settings.max_import_bytes:
        raise BadRequest(
            f"import: the file is {size:,} bytes; at most {settings.max_import_bytes:,} are "
            f"accepted"
        )
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadRequest(
            f"import: this is not a Podlife cluster file (not JSON: {error})"
        ) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BadRequest("import: this is not a Podlife cluster file (no format: podlife-cluster)")
    if raw.get("version") != VERSION:
        raise BadRequest(
            f"import: the file is in format version {raw.get('version')!r}; this Podlife reads "
            f"version {VERSION}"
        )
    try:
        file = ClusterFile.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadRequest(f"import: {where}: {first['msg']}") from None
    _check_limits(file, settings)
    return file


def _check_limits(file: ClusterFile, settings: Settings) -> None:
    if len(file.nodes) > settings.max_nodes:
        raise BadRequest(f"import: at most {settings.max_nodes} nodes, not {len(file.nodes)}")
    if len(file.inputs) > settings.max_import_inputs:
        raise BadRequest(
            f"import: the file holds {len(file.inputs):,} inputs; at most "
            f"{settings.max_import_inputs:,} are replayed"
        )
    if file.position.steps > settings.max_import_steps:
        raise BadRequest(
            f"import: replaying the file takes {file.position.steps:,} engine steps; at most "
            f"{settings.max_import_steps:,} are run"
        )
    last = Position(steps=0, now=0.0)
    for index, record in enumerate(file.inputs):
        # the engine's step count and clock only go forward
        if not (last.steps <= record.steps <= file.position.steps) or not (
            last.now <= record.now <= file.position.now
        ):
            raise BadRequest(
                f"import: input {index} is applied at step {record.steps:,} (t = "
                f"{record.now:g} s), out of order: the inputs come in the order applied, all by "
                f"step {file.position.steps:,} (t = {file.position.now:g} s)"
            )
        last = Position(steps=record.steps, now=record.now)
        if isinstance(record.op, KubectlOp):
            check_line(" ".join(record.op.argv), settings.max_line_chars)
            if record.op.stdin:
                check_paste(record.op.stdin, settings, "stdin")


def replayed(file: ClusterFile, settings: Settings, pause: Callable[[], None]) -> Timeline:
    """A fresh timeline replayed from the file, checked against the history it records."""
    timeline = Timeline(
        file.seed, file.nodes, TIMINGS[file.timings], settings.cluster_limits(), file.files
    )
    inputs = [Input(record.steps, record.now, _op_of(record.op)) for record in file.inputs]
    failed = {index for index, record in enumerate(file.inputs) if record.failed}
    try:
        timeline.replay(inputs, failed, file.position.steps, pause)
    except Exception as error:  # an input the engine refuses, or a replay that ran dry
        raise BadRequest(f"import: the file does not replay on this Podlife ({error})") from None
    # a clock run past its last step (nothing was due) stands later than that step
    timeline.cluster.env.now = max(timeline.cluster.env.now, file.position.now)
    events = timeline.events
    if len(events) != file.events or digest(events) != file.digest:
        raise BadRequest(
            f"import: replaying the file gave a different history ({len(events):,} events, "
            f"the file says {file.events:,}): it was changed, or it comes from another version "
            f"of Podlife"
        )
    return timeline


def _op_of(op: KubectlOp | CallOp | StopOp) -> Op:
    if isinstance(op, KubectlOp):
        return Kubectl(tuple(op.argv), op.stdin)
    if isinstance(op, StopOp):
        return StopKubectl(op.number)
    return ClusterCall(op.method, tuple(op.args))
