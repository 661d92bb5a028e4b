"""The deterministic discrete-event core every component runs on.

SimPy's shape, kept small: one heap ordered by (time, priority, sequence), one `step()` where
virtual time advances, processes written as plain generators. A process yields

* a number: sleep that many virtual seconds;
* an `Event`: wait until it is triggered, then receive its value.

`yield from` composes sub-steps (an API request inside a controller's sync, for instance), and
a `Process` is itself an `Event`, so one process can wait for another to finish.

A process can be stopped from outside (`Process.stop()`), as a program is killed: a kubelet
that fails, a kubectl the learner interrupts. A step that must not be cut in the middle (an
API request on its way: the API server answers it whoever sent it) is run with
`Environment.shielded()`; a process stopped during it ends as the step returns.

Nothing here reads the wall clock or global randomness: with the same inputs the heap pops in the
same order, which is what makes a whole cluster's trace reproducible byte for byte.
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable, Generator
from typing import Any

URGENT = 0  # wake-ups of waiting processes run before new work at the same instant
NORMAL = 1
PAUSE_EVERY = 1000  # steps between two calls of Environment.pause (some 50-80 ms of set-up)

ProcessGenerator = Generator[Any, Any, Any]
# A queued item: [when, priority, sequence, callback, background]. A list, so that `cancel`
# can call it off where it lies in the heap (its callback becomes None).
Scheduled = list[Any]

_STOPPED = object()  # yielded by a shielded step whose process was stopped meanwhile


class Event:
    """Something that happens once; processes waiting on it resume with its value."""

    __slots__ = ("_callbacks", "env", "triggered", "value")

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.triggered = False
        self.value: Any = None
        self._callbacks: list[Callable[[Event], None]] = []

    def succeed(self, value: Any = None) -> Event:
        if self.triggered:
            raise RuntimeError("event already triggered")
        self.triggered = True
        self.value = value
        env = self.env
        for callback in self._callbacks:
            queued = env.schedule(0, functools.partial(callback, self), URGENT)
            if isinstance(callback, Process):  # its wake-up: called off if it is stopped
                callback._pending = queued
        self._callbacks.clear()
        return self

    def on_trigger(self, callback: Callable[[Event], None]) -> None:
        if self.triggered:
            self.env.schedule(0, lambda: callback(self), URGENT)
        else:
            self._callbacks.append(callback)


class Process(Event):
    """A running generator. As an Event it triggers, with the return value, when it ends (with
    None when it is stopped)."""

    __slots__ = ("_generator", "_pending", "_shields", "_stopping", "background", "name")

    def __init__(
        self,
        env: Environment,
        generator: ProcessGenerator,
        name: str = "",
        background: bool = False,
    ) -> None:
        super().__init__(env)
        self._generator = generator
        self.name = name
        self.background = background  # its sleeps are housekeeping, not pending work
        self._shields = 0  # how many shielded steps it is inside
        self._stopping = False  # stopped when it could not end at once: it ends when it can
        # What wakes it next: its queued wake-up, or the event it waits on (not yet triggered).
        self._pending: Scheduled | Event | None = env.schedule(0, self._wake, NORMAL, background)

    @property
    def is_alive(self) -> bool:
        return not self.triggered

    def stop(self) -> None:
        """End the process at its current yield, as a killed program ends: its generator is
        closed (its `finally` blocks run), it triggers with None, and it never runs again.
        Whatever it was waiting for (a sleep, an event, another process) may still happen; its
        wake-up is called off, so a stopped process leaves nothing in the queue, not even a
        timer that would keep the environment busy.

        Inside a shielded step it ends when the step returns; a process that stops itself
        ends at its next yield."""
        if self.triggered or self._stopping:
            return
        if self._shields or self.env.active_process is self:
            self._stopping = True
            return
        pending, self._pending = self._pending, None
        if isinstance(pending, Event):
            pending._callbacks.remove(self)
        elif pending is not None:
            self.env.cancel(pending)
        self._end()

    def __call__(self, event: Event) -> None:
        """The event it waited on has triggered."""
        self._resume(event.value)

    def _wake(self) -> None:
        self._resume(None)

    def _end(self) -> None:
        self._generator.close()
        self.succeed(None)

    def _resume(self, value: Any) -> None:
        self._pending = None
        if self.triggered:  # already ended (nothing wakes a stopped process; a safeguard)
            return
        env = self.env
        env.active_process = self
        try:
            target = self._generator.send(value)
        except StopIteration as stop:
            self.succeed(stop.value)
            return
        finally:
            env.active_process = None
        if self._stopping and not self._shields:
            self._end()
        elif isinstance(target, int | float):
            if target < 0:
                raise ValueError(f"process {self.name!r} asked to sleep {target}s")
            self._pending = env.schedule(target, self._wake, NORMAL, self.background)
        elif isinstance(target, Event):
            if target.triggered:
                self._pending = env.schedule(0, functools.partial(self, target), URGENT)
            else:
                target._callbacks.append(self)
                self._pending = target
        else:
            raise TypeError(f"process {self.name!r} yielded {target!r}")


class Environment:
    """Virtual clock plus the heap of things to do."""

    def __init__(self) -> None:
        self.now: float = 0.0
        self._queue: list[Scheduled] = []
        self._sequence = 0
        self._work = 0  # queued items that are not background housekeeping
        self._idle_callbacks: list[Callable[[], None]] = []
        self.steps = 0  # heap pops so far: with the inputs' step counts, enough to replay exactly
        self.active_process: Process | None = None  # the process whose generator is running
        # Called between two steps every PAUSE_EVERY steps, when set: a server building a
        # cluster lets its other clients run meanwhile (the set-up runs to completion inside
        # one call). It must not touch this environment.
        self.pause: Callable[[], None] | None = None

    def schedule(
        self,
        delay: float,
        callback: Callable[[], None],
        priority: int = NORMAL,
        background: bool = False,
    ) -> Scheduled:
        """Run `callback` after `delay`. Background items (heartbeats, periodic resyncs) do
        not keep the cluster from counting as settled. Returns the queued item, for `cancel`."""
        self._sequence += 1
        if not background:
            self._work += 1
        item = [self.now + delay, priority, self._sequence, callback, background]
        heapq.heappush(self._queue, item)
        return item

    def cancel(self, item: Scheduled) -> None:
        """Call off a scheduled callback that has not run yet (nothing happens if it has). It
        stops counting as pending work at once; its place in the heap pops as a no-op."""
        if item[3] is None:
            return
        item[3] = None
        if not item[4]:
            item[4] = True  # no longer work: popping it must not count it again
            self._work -= 1

    def process(
        self, generator: ProcessGenerator, name: str = "", background: bool = False
    ) -> Process:
        return Process(self, generator, name, background)

    def shielded(
        self, step: ProcessGenerator, abandon: Callable[[Any], None] | None = None
    ) -> ProcessGenerator:
        """`yield from env.shielded(step)`: run a step of the current process that stopping the
        process does not cut, such as an API request on its way (the API server answers what
        it was sent: it does not leave a write half done because the client went away). A
        process stopped meanwhile ends as the step returns, before its own code sees the
        result; `abandon` is given that result (to close a watch the request opened)."""
        process = self.active_process
        if process is None:
            raise RuntimeError("shielded() runs inside a process")
        process._shields += 1
        try:
            result = yield from step
        finally:
            process._shields -= 1
        if process._stopping and not process._shields:
            if abandon is not None:
                abandon(result)
            yield _STOPPED  # the process is closed at this yield
        return result

    @property
    def busy(self) -> bool:
        """Whether anything other than housekeeping is waiting to happen."""
        return self._work > 0

    def event(self) -> Event:
        return Event(self)

    def timeout(self, delay: float, value: Any = None) -> Event:
        event = Event(self)

        def fire() -> None:
            event.succeed(value)

        self.schedule(delay, fire, NORMAL)
        return event

    def peek(self) -> float | None:
        """Virtual time of the next scheduled thing, or None when idle."""
        return self._queue[0][0] if self._queue else None

    def step(self) -> None:
        item = heapq.heappop(self._queue)
        when, _, _, callback, background = item
        if not background:
            self._work -= 1
        self.steps += 1
        self.now = when
        if callback is not None:
            item[3] = None  # it has run: too late to call it off
            callback()
        if self._work == 0 and self._idle_callbacks:
            callbacks, self._idle_callbacks = self._idle_callbacks, []
            for idle in callbacks:
                idle()
        if self.pause is not None and self.steps % PAUSE_EVERY == 0:
            self.pause()

    def rebase(self) -> None:
        """Make the current moment virtual time 0, keeping everything queued in order (and
        every queued item the same object, so that it can still be called off)."""
        offset = self.now
        for item in self._queue:
            item[0] -= offset
        heapq.heapify(self._queue)
        self.now = 0.0

    def on_idle(self, callback: Callable[[], None]) -> None:
        """Call `callback` once, the next time nothing but housekeeping is pending."""
        self._idle_callbacks.append(callback)

    def run_until(self, deadline: float) -> None:
        """Run everything scheduled up to `deadline`, then leave the clock there."""
        while self._queue and self._queue[0][0] <= deadline:
            self.step()
        self.now = max(self.now, deadline)

    def run_process(self, process: Process, limit: float) -> bool:
        """Run until `process` ends or `limit` virtual seconds pass; True if it ended."""
        deadline = self.now + limit
        while not process.triggered and self._queue and self._queue[0][0] <= deadline:
            self.step()
        if not process.triggered:
            self.now = max(self.now, deadline)
        return process.triggered

    def run_until_idle(self, limit: float) -> bool:
        """Run until only housekeeping is left or `limit` virtual seconds pass; True if idle."""
        deadline = self.now + limit
        while self._work > 0 and self._queue[0][0] <= deadline:
            self.step()
        if self._work > 0:
            self.now = max(self.now, deadline)
            return False
        return True
