"""The deterministic discrete-event core every component runs on.

SimPy's shape, kept small: one heap ordered by (time, priority, sequence), one `step()` where
virtual time advances, processes written as plain generators. A process yields

* a number: sleep that many virtual seconds;
* an `Event`: wait until it is triggered, then receive its value.

`yield from` composes sub-steps (an API request inside a controller's sync, for instance), and
a `Process` is itself an `Event`, so one process can wait for another to finish.

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

ProcessGenerator = Generator[Any, Any, Any]


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
        for callback in self._callbacks:
            self.env.schedule(0, functools.partial(callback, self), URGENT)
        self._callbacks.clear()
        return self

    def on_trigger(self, callback: Callable[[Event], None]) -> None:
        if self.triggered:
            self.env.schedule(0, lambda: callback(self), URGENT)
        else:
            self._callbacks.append(callback)


class Process(Event):
    """A running generator. As an Event it triggers, with the return value, when it ends."""

    __slots__ = ("_generator", "background", "name")

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
        env.schedule(0, lambda: self._resume(None), NORMAL, background)

    @property
    def is_alive(self) -> bool:
        return not self.triggered

    def stop(self) -> None:
        """End the process now, as a killed program ends: its generator is closed (its
        `finally` blocks run) and it triggers with None. Whatever it was waiting for may still
        happen; it is not resumed for it."""
        if self.triggered:
            return
        self._generator.close()
        self.succeed(None)

    def _resume(self, value: Any) -> None:
        if self.triggered:  # stopped while it waited
            return
        try:
            target = self._generator.send(value)
        except StopIteration as stop:
            self.succeed(stop.value)
            return
        if isinstance(target, Event):
            target.on_trigger(lambda event: self._resume(event.value))
        elif isinstance(target, int | float):
            if target < 0:
                raise ValueError(f"process {self.name!r} asked to sleep {target}s")
            self.env.schedule(target, lambda: self._resume(None), NORMAL, self.background)
        else:
            raise TypeError(f"process {self.name!r} yielded {target!r}")


class Environment:
    """Virtual clock plus the heap of things to do."""

    def __init__(self) -> None:
        self.now: float = 0.0
        self._queue: list[tuple[float, int, int, Callable[[], None], bool]] = []
        self._sequence = 0
        self._work = 0  # queued items that are not background housekeeping
        self._idle_callbacks: list[Callable[[], None]] = []
        self.steps = 0  # heap pops so far: with the inputs' step counts, enough to replay exactly

    def schedule(
        self,
        delay: float,
        callback: Callable[[], None],
        priority: int = NORMAL,
        background: bool = False,
    ) -> None:
        """Run `callback` after `delay`. Background items (heartbeats, periodic resyncs) do
        not keep the cluster from counting as settled."""
        self._sequence += 1
        if not background:
            self._work += 1
        heapq.heappush(
            self._queue, (self.now + delay, priority, self._sequence, callback, background)
        )

    def process(
        self, generator: ProcessGenerator, name: str = "", background: bool = False
    ) -> Process:
        return Process(self, generator, name, background)

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
        when, _, _, callback, background = heapq.heappop(self._queue)
        if not background:
            self._work -= 1
        self.steps += 1
        self.now = when
        callback()
        if self._work == 0 and self._idle_callbacks:
            callbacks, self._idle_callbacks = self._idle_callbacks, []
            for idle in callbacks:
                idle()

    def rebase(self) -> None:
        """Make the current moment virtual time 0, keeping everything queued in order."""
        offset = self.now
        self._queue = [(when - offset, *rest) for when, *rest in self._queue]  # type: ignore[misc]
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
