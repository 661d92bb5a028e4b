"""The CRI as the kubelet and containerd speak it (k8s.io/cri-api): the sandbox and container
records the runtime keeps, the error shape, and the envelope every call travels in — a
`cri-request` trace event from the kubelet to `container-runtime/<node>`, the work, a
`cri-reply` back.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.node.behavior import Behavior
from engine.node.command import Line, date
from engine.node.registry import Image
from engine.node.volumes import File
from engine.sim import Event
from engine.trace import ObjectRef, Step

if TYPE_CHECKING:
    from engine.context import Context

Gen = Generator[Any, Any, Any]

CRI_LATENCY = 0.001  # kubelet <-> containerd over a unix socket, one way
MAX_REPEATED_LINES = 5000  # of one endless loop's output kept for `kubectl logs`

CREATED, RUNNING, EXITED = "CONTAINER_CREATED", "CONTAINER_RUNNING", "CONTAINER_EXITED"
SANDBOX_READY, SANDBOX_NOTREADY = "SANDBOX_READY", "SANDBOX_NOTREADY"

PLEGListener = Callable[[str, str, str], None]  # (pod uid, event type, container id)


class CRIError(Exception):
    """A failed CRI call: `rpc error: code = <code> desc = <desc>`."""

    def __init__(self, code: str, desc: str, reason: str = "") -> None:
        super().__init__(f"rpc error: code = {code} desc = {desc}")
        self.code = code
        self.desc = desc
        self.reason = reason  # for the kubelet: ErrImagePull, RunContainerError, …


@dataclass
class Sandbox:
    id: str
    pod_uid: str
    pod: ObjectRef
    attempt: int
    created_at: float
    state: str = SANDBOX_READY
    ip: str = ""
    host_network: bool = False  # in the node's network namespace: its IP, no CNI


@dataclass(frozen=True)
class ContainerConfig:
    """What CreateContainer carries besides the spec: the environment the kubelet made, the
    command and args with `$(VAR)` expanded, and the files of the container's mounts."""

    env: dict[str, str]
    command: list[str] | None = None
    args: list[str] | None = None
    files: dict[str, File] = field(default_factory=dict)  # absolute path -> file


@dataclass
class Container:
    id: str
    sandbox_id: str
    pod_uid: str
    pod: ObjectRef
    name: str
    attempt: int  # the restart count this instance carries
    image: Image
    image_name: str  # docker.io/library/nginx:1.27, what status.image shows
    spec_hash: str
    spec: dict[str, Any]
    created_at: float
    state: str = CREATED
    started_at: float = 0.0
    finished_at: float = 0.0
    exit_code: int = 0
    reason: str = ""
    message: str = ""
    behavior: Behavior | None = None
    lines: list[Line] = field(default_factory=list)  # `at` is absolute virtual time
    done: Event | None = None  # fires when the container exits
    config: ContainerConfig | None = None

    def log_lines(self, now: float) -> list[Line]:
        """Everything the container printed up to `now`, in order."""
        until = min(now, self.finished_at) if self.state == EXITED else now
        out = [line for line in self.lines if line.at <= until]
        if self.behavior is not None:
            for rep in self.behavior.repeating:
                first = self.started_at + rep.start
                if until < first:
                    continue
                count = int((until - first) // rep.period) + 1
                skip = max(0, count - MAX_REPEATED_LINES)
                for k in range(skip, count):
                    at = first + k * rep.period
                    text = rep.text.replace("$(date)", date(at))
                    out.append(Line(at, text, rep.stream))
            out.sort(key=lambda line: line.at)
        return out


@dataclass
class _StoredImage:
    image: Image
    names: set[str]


def call(
    context: Context,
    runtime_id: str,
    caller: str,
    method: str,
    summary: str,
    obj: ObjectRef | None,
    work: Gen,
    reply: Callable[[Any], tuple[str, dict[str, Any]]],
    data: dict[str, Any] | None = None,
) -> Gen:
    """One CRI round trip: the request travels, `work` runs (taking virtual time), the reply
    (text and data from `reply(result)`, or the error) travels back. Returns the result."""
    trace = context.trace
    trace.emit(
        caller,
        runtime_id,
        "cri-request",
        f"{method} {summary}".strip(),
        step=Step.RUN,
        obj=obj,
        duration=CRI_LATENCY,
        data={"method": method, **(data or {})},
    )
    yield CRI_LATENCY
    try:
        result = yield from work
    except CRIError as error:
        trace.emit(
            runtime_id,
            caller,
            "cri-reply",
            f"{method} failed: {error}",
            step=Step.RUN,
            obj=obj,
            duration=CRI_LATENCY,
            data={"method": method, "error": str(error)},
        )
        yield CRI_LATENCY
        raise
    text, extra = reply(result)
    trace.emit(
        runtime_id,
        caller,
        "cri-reply",
        text,
        step=Step.RUN,
        obj=obj,
        duration=CRI_LATENCY,
        data={"method": method, **extra},
    )
    yield CRI_LATENCY
    return result
