"""One simulated cluster plus the inputs that made it: enough to rebuild it at any past event.

The engine is deterministic: the same seed, node specs and inputs, each applied after the same
number of heap steps and at the same virtual time, give the same trace byte for byte. So every
input is recorded with `env.steps` and `env.now`, every trace event with the step count (and
input count) at which it was emitted, and "go back to event N and do something else" (a fork)
is a fresh cluster replayed to exactly that point.

A server holding many clusters in one process cannot run one to completion: the stepping
functions here (`step_until`, `run_to`, and the replay) stop after a fixed amount of work, or
call the caller's `pause` between chunks of it, so the caller can let the others run.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from engine.cluster import Cluster, KubectlRun, NodeSpec
from engine.config import Limits, Timings
from engine.sim import Environment
from engine.trace import TraceEvent

REPLAY_CHUNK = 2000  # steps between pauses while replaying, so other sessions keep running


# ---- inputs --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Kubectl:
    """A kubectl command line (with its stdin) started in the cluster."""

    argv: tuple[str, ...]
    stdin: str = ""

    @property
    def line(self) -> str:
        return shlex.join(self.argv)

    def perform(self, cluster: Cluster) -> KubectlRun:
        return cluster.start_kubectl(list(self.argv), self.stdin)


@dataclass(frozen=True)
class ClusterCall:
    """A Cluster method that acts on the picture: fail a node, crash a container…"""

    method: str
    args: tuple[Any, ...] = ()

    def perform(self, cluster: Cluster) -> Any:
        return getattr(cluster, self.method)(*self.args)


@dataclass(frozen=True)
class StopKubectl:
    """A running kubectl command stopped (its page went away): an input like any other, so a
    replay stops it at the same moment."""

    number: int  # KubectlRun.number

    def perform(self, cluster: Cluster) -> bool:
        return cluster.stop_kubectl(self.number)


class Op(Protocol):
    """An input: an immutable record that does the same to any cluster in the same state, so
    a replay repeats it exactly (Kubectl, ClusterCall, StopKubectl, and the real-kubectl
    requests of web/kube_api)."""

    def perform(self, cluster: Cluster) -> Any: ...


@dataclass(frozen=True)
class Input:
    steps: int  # env.steps when it was applied
    now: float  # env.now then (run_until may have moved the clock past the last step)
    op: Op


class ReplayError(RuntimeError):
    """The rebuilt cluster differs from the original: the engine is not deterministic."""


# ---- the timeline --------------------------------------------------------------------------
class Timeline:
    def __init__(
        self,
        seed: int,
        nodes: list[NodeSpec],
        timings: Timings | None = None,
        limits: Limits | None = None,
        files: dict[str, str] | None = None,
        pause: Callable[[], None] | None = None,
    ) -> None:
        """`pause`: called every thousand steps of the cluster's set-up (Cluster)."""
        self.seed = seed
        self.nodes = list(nodes)
        self.cluster = Cluster(
            seed=seed,
            node_specs=self.nodes,
            timings=timings,
            control_plane=True,
            limits=limits,
            pause=pause,
        )
        self.cluster.files.update(files or {})  # a lesson's files (engine/scenario.py)
        self.origin = self.cluster.env.steps  # the bootstrap's steps: seq 0 is "here"
        self.baseline = self._baseline()
        self.inputs: list[Input] = []
        self.failed: set[int] = set()  # inputs whose op raised (it raises again on replay)
        # (env.steps, len(inputs)) when each event was emitted, indexed by seq - 1
        self.marks: list[tuple[int, int]] = []
        self.cluster.trace.subscribe(self._mark)

    @property
    def events(self) -> list[TraceEvent]:
        return self.cluster.trace.events

    def _mark(self, _event: TraceEvent) -> None:
        self.marks.append((self.cluster.env.steps, len(self.inputs)))

    def apply(self, op: Op) -> Any:
        """Record the input, then perform it. Recorded first, so events it emits at once are
        marked as coming after it (a fork at one of them replays it)."""
        env = self.cluster.env
        self.inputs.append(Input(env.steps, env.now, op))
        try:
            return op.perform(self.cluster)
        except Exception:
            self.failed.add(len(self.inputs) - 1)
            raise

    def rebuilt(
        self, at_seq: int, pause: Callable[[], None], chunk: int = REPLAY_CHUNK
    ) -> Timeline:
        """A new timeline equal to this one just after event `at_seq` (0: before any event);
        `pause()` is called every `chunk` steps of the replay.

        The fork lands at the end of the engine step that emitted `at_seq`: events emitted by
        one step happen at one instant and cannot be split, so the new trace may hold a few
        events past `at_seq` — identical to the old ones."""
        steps, count = self.marks[at_seq - 1] if at_seq else (self.origin, 0)
        cluster = self.cluster
        fresh = Timeline(
            self.seed, self.nodes, cluster.timings, cluster.limits, cluster.files, pause
        )
        fresh.replay(self.inputs[:count], self.failed, steps, pause, chunk)
        if at_seq and (
            len(fresh.events) < at_seq or fresh.events[at_seq - 1] != self.events[at_seq - 1]
        ):
            raise ReplayError(f"replaying the inputs did not reproduce event {at_seq}")
        return fresh

    def replay(
        self,
        inputs: Sequence[Input],
        failed: Collection[int],
        steps: int,
        pause: Callable[[], None],
        chunk: int = REPLAY_CHUNK,
    ) -> None:
        """Apply `inputs` to this fresh timeline, each at its step and time, then run to
        exactly `steps` steps (a fork, or a cluster imported from a file). An input listed in
        `failed` raised when it was first applied and may raise again; any other that raises
        stops the replay."""
        env = self.cluster.env
        for index, record in enumerate(inputs):
            step_to(env, record.steps, pause, chunk)
            if env.steps != record.steps:
                raise ReplayError(
                    f"input {index} was applied at step {record.steps}, not {env.steps}"
                )
            env.now = record.now
            try:
                self.apply(record.op)
            except Exception:
                if index not in failed:
                    raise
        step_to(env, steps, pause, chunk)

    def _baseline(self) -> dict[str, Any]:
        """The etcd keys the cluster starts with (its bootstrap is not traced), in the shape
        the page's reducer keeps: {revision, keys: {key: {rev, create, version}}}."""
        etcd = self.cluster.etcd
        keys = {
            kv.key: {"rev": kv.mod_revision, "create": kv.create_revision, "version": kv.version}
            for kv in etcd.range("")
        }
        return {"revision": etcd.revision, "keys": keys}


# ---- running in bounded pieces -------------------------------------------------------------
# The engine's own `run_until` / `run_process` run to completion; these take a step budget
# and report why they stopped, so the caller can let others run and call again.
class Stop(Enum):
    DONE = "done"  # the caller's condition holds
    DEADLINE = "deadline"  # the next thing to do is later than the deadline (or nothing is)
    BUDGET = "budget"  # the step budget ran out first


def step_until(env: Environment, done: Callable[[], bool], deadline: float, budget: int) -> Stop:
    """Step until `done()`, the deadline or the budget. Leaves the clock at the last step:
    callers that want time to pass to the deadline say so (`run_to`)."""
    for _ in range(budget):
        if done():
            return Stop.DONE
        due = env.peek()
        if due is None or due > deadline:
            return Stop.DEADLINE
        env.step()
    return Stop.DONE if done() else Stop.BUDGET


def run_to(env: Environment, deadline: float, budget: int) -> bool:
    """Run what is due by `deadline`; True once there, with the clock moved to it."""
    if step_until(env, lambda: False, deadline, budget) is Stop.BUDGET:
        return False
    env.run_until(deadline)  # nothing left before the deadline: this only moves the clock
    return True


def step_to(env: Environment, steps: int, pause: Callable[[], None], chunk: int) -> None:
    """Replay: pop the heap until exactly `steps` steps have run since the cluster began."""
    while env.steps < steps:
        if env.peek() is None:
            raise RuntimeError(f"the replay ran out of work at step {env.steps} of {steps}")
        env.step()
        if env.steps % chunk == 0:
            pause()
