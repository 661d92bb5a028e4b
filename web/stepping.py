"""Running an engine Environment in bounded pieces.

The engine's own `run_until` / `run_process` run to completion. A server holding many clusters
in one process must stop after a fixed amount of work and let the others run, so these loops
take a step budget and report why they stopped; the caller yields and calls again.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from engine.sim import Environment


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
