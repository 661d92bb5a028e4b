"""client-go's rate-limited work queue (staging/src/k8s.io/client-go/util/workqueue).

A key is in the queue at most once (the "dirty" set); a key being processed is not handed to a
second worker, and if it is added meanwhile it is queued again when the first worker is done.
Failed keys come back after a per-item exponential delay (5 ms doubling to 1000 s), limited
overall by a token bucket (10 per second, burst 100): DefaultControllerRateLimiter.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from typing import Any

from engine.sim import Environment, Event

Gen = Generator[Any, Any, Any]

BASE_DELAY = 0.005
MAX_DELAY = 1000.0
BUCKET_QPS = 10.0
BUCKET_BURST = 100


class RateLimiter:
    """max(ItemExponentialFailureRateLimiter, BucketRateLimiter), on virtual time."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.failures: dict[str, int] = {}
        self.tokens = float(BUCKET_BURST)
        self.last = 0.0

    def when(self, key: str) -> float:
        exponent = self.failures.get(key, 0)
        self.failures[key] = exponent + 1
        item_delay = min(BASE_DELAY * 2**exponent, MAX_DELAY)
        return max(item_delay, self._bucket_delay())

    def _bucket_delay(self) -> float:
        now = self.env.now
        self.tokens = min(BUCKET_BURST, self.tokens + (now - self.last) * BUCKET_QPS)
        self.last = now
        self.tokens -= 1
        if self.tokens >= 0:
            return 0.0
        return -self.tokens / BUCKET_QPS

    def forget(self, key: str) -> None:
        self.failures.pop(key, None)

    def retries(self, key: str) -> int:
        return self.failures.get(key, 0)


class WorkQueue:
    def __init__(self, env: Environment, name: str) -> None:
        self.env = env
        self.name = name
        self.limiter = RateLimiter(env)
        self._queue: deque[str] = deque()
        self._dirty: set[str] = set()
        self._processing: set[str] = set()
        self._waiting: deque[Event] = deque()
        self._delayed: set[str] = set()

    def __len__(self) -> int:
        return len(self._queue)

    def add(self, key: str) -> None:
        if key in self._dirty:
            return
        self._dirty.add(key)
        if key in self._processing:
            return  # queued again by done()
        self._queue.append(key)
        self._wake()

    def add_after(self, key: str, delay: float, *, background: bool = False) -> None:
        """AddAfter. A `background` wait is a timer, not pending work (Environment.schedule):
        the retry of a key that failed unexpectedly does not keep the cluster from settling,
        since trying again cannot help until the object changes, and a change queues it."""
        if delay <= 0:
            self.add(key)
            return
        self._delayed.add(key)

        def fire() -> None:
            self._delayed.discard(key)
            self.add(key)

        self.env.schedule(delay, fire, background=background)

    def add_rate_limited(self, key: str, *, background: bool = False) -> float:
        """AddRateLimited; returns the delay chosen."""
        delay = self.limiter.when(key)
        self.add_after(key, delay, background=background)
        return delay

    def forget(self, key: str) -> None:
        self.limiter.forget(key)

    def get(self) -> Gen:
        """Wait for a key (a worker's `key = yield from queue.get()`)."""
        while not self._queue:
            waiter = self.env.event()
            self._waiting.append(waiter)
            yield waiter
        key = self._queue.popleft()
        self._dirty.discard(key)
        self._processing.add(key)
        return key

    def done(self, key: str) -> None:
        self._processing.discard(key)
        if key in self._dirty:
            self._queue.append(key)
            self._wake()

    def _wake(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.triggered:
                waiter.succeed()
                return
