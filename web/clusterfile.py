"""A session's cluster as a file (docs/export.md): what it was made from, replayed on import.

The engine is deterministic (engine/timeline.py): a cluster is its seed, nodes, timings and
lesson files plus its inputs, each applied at a known engine step and virtual time. The file
holds exactly that, with where the cluster had got to (steps, time) and what it had told by
then (the number of trace events and a digest of them), so an import replays it to the same
state and can say so — or say that it did not (a tampered file, or another Podlife version
whose engine tells the story differently).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import secrets
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
from web.kube_api.calls import RemoteCall, RemoteStdin, RemoteStop
from web.kube_api.wire import KEPT_HEADERS
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


Pair = Annotated[list[str], Field(min_length=2, max_length=2)]  # a name and its value


class RequestOp(Payload):
    """A real client's API request over HTTP (web/kube_api/calls.py RemoteCall). The bearer
    token the server gave it is not written, only the user it authenticated as: a replay
    installs a token of its own for that user (the trace shows the user, never the token)."""

    kind: Literal["request"]
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: str = Field(max_length=8192)
    query: list[Pair] = Field(default_factory=list)
    headers: list[Pair] = Field(default_factory=list)
    body: str | None = None
    binary: bool = False  # `body` is base64 (a protobuf body the door did not turn into JSON)
    user: Literal["kubernetes-admin"] | None = None
    watch_key: str = Field(default="", max_length=100)
    exec_key: str = Field(default="", max_length=100)


class WatchEndOp(Payload):
    """A real client's watch ended (RemoteStop)."""

    kind: Literal["watch-end"]
    watch_key: str = Field(max_length=100)


class StdinOp(Payload):
    """A piece of a real client's exec stdin, or its end (RemoteStdin)."""

    kind: Literal["stdin"]
    exec_key: str = Field(max_length=100)
    data: str
    eof: bool = False
    forget: bool = False


AnyOp = KubectlOp | CallOp | StopOp | RequestOp | WatchEndOp | StdinOp


class InputRecord(Payload):
    steps: int = Field(ge=0)
    now: float = Field(ge=0)
    op: Annotated[AnyOp, Field(discriminator="kind")]
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
    inputs = [
        record_of(input, index in timeline.failed) for index, input in enumerate(timeline.inputs)
    ]
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


def record_of(input: Input, failed: bool) -> dict[str, Any]:
    """One input as a file (and the session database, web/store.py) holds it."""
    entry: dict[str, Any] = {"steps": input.steps, "now": input.now, "op": _op(input.op)}
    if failed:
        entry["failed"] = True
    return entry


def _op(op: Op) -> dict[str, Any]:
    if isinstance(op, Kubectl):
        return {"kind": "kubectl", "argv": list(op.argv), "stdin": op.stdin}
    if isinstance(op, StopKubectl):
        return {"kind": "stop-kubectl", "number": op.number}
    if isinstance(op, ClusterCall) and op.method in CALLS:
        args = [arg.model_dump() if isinstance(arg, NodeSpec) else arg for arg in op.args]
        return {"kind": "call", "method": op.method, "args": args}
    if isinstance(op, RemoteCall):
        return _request(op)
    if isinstance(op, RemoteStop):
        return {"kind": "watch-end", "watch_key": op.watch_key}
    if isinstance(op, RemoteStdin):
        return {
            "kind": "stdin",
            "exec_key": op.exec_key,
            "data": op.data,
            "eof": op.eof,
            "forget": op.forget,
        }
    raise BadRequest(f"export: this cluster had an input a file cannot carry ({type(op).__name__})")


def _request(call: RemoteCall) -> dict[str, Any]:
    users = dict(call.credentials)
    headers, user = [], None
    for name, value in call.headers:
        token = value.removeprefix("Bearer ").strip() if name == "authorization" else ""
        if token in users:  # the server's own token: never written
            user = users[token]
        else:  # any other header, a ServiceAccount's token included (the cluster minted it)
            headers.append([name, value])
    entry: dict[str, Any] = {
        "kind": "request",
        "method": call.method,
        "path": call.path,
        "query": [list(pair) for pair in call.query],
        "headers": headers,
        "user": user,
        "watch_key": call.watch_key,
        "exec_key": call.exec_key,
    }
    if call.body is not None:
        try:
            entry["body"] = call.body.decode()
        except UnicodeDecodeError:
            entry["body"], entry["binary"] = base64.b64encode(call.body).decode(), True
    return entry


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
    inputs, failed = inputs_of(file.inputs)
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


def inputs_of(records: Sequence[InputRecord]) -> tuple[list[Input], set[int]]:
    """The inputs records stand for, and which of them failed. A real client's requests
    authenticate with a token made for this replay alone (nobody else learns it)."""
    token = secrets.token_urlsafe(32)
    inputs = [Input(record.steps, record.now, _op_of(record.op, token)) for record in records]
    return inputs, {index for index, record in enumerate(records) if record.failed}


def _op_of(op: AnyOp, token: str) -> Op:
    if isinstance(op, KubectlOp):
        return Kubectl(tuple(op.argv), op.stdin)
    if isinstance(op, StopOp):
        return StopKubectl(op.number)
    if isinstance(op, RequestOp):
        headers = [(name, value) for name, value in op.headers if name in KEPT_HEADERS]
        credentials: tuple[tuple[str, str], ...] = ()
        if op.user is not None:
            headers.append(("authorization", f"Bearer {token}"))
            credentials = ((token, op.user),)
        body = None if op.body is None else op.body.encode()
        if op.binary and op.body is not None:
            body = base64.b64decode(op.body)
        return RemoteCall(
            op.method,
            op.path,
            tuple((name, value) for name, value in op.query),
            tuple(sorted(headers)),
            body,
            credentials,
            op.watch_key,
            op.exec_key,
        )
    if isinstance(op, WatchEndOp):
        return RemoteStop(op.watch_key)
    if isinstance(op, StdinOp):
        return RemoteStdin(op.exec_key, op.data, op.eof, op.forget)
    return ClusterCall(op.method, tuple(op.args))
