"""How fast one Socket.IO connection may send: token buckets per connection, one per kind of
message, so that one kind never starves another.

A playing page sends an `ack` per animation frame (up to 60 a second), at high speed it reads
hundreds of etcd values a second to draw what changed, and now and then the learner sends a
command; a script can send thousands. Three budgets, a token per message:

- flow: the playback's own chatter (ack, play, pause, speed, step, a presenter's view);
- reads: looking without touching (inspect, etcd);
- commands: anything that runs kubectl or builds a cluster (kubectl, apply, action, reset,
  scenario, say, hello, export, import).

They are separate because they compete otherwise: in one shared bucket the reads of a page
playing a busy cluster at 100× took every token as it came, and an Apply, needing more at once,
was refused until it gave up. Past a budget, a message is answered with a refusal that says why
(not silently dropped), with `retry_after` (seconds until it would be taken, as HTTP's
Retry-After), and the server does none of its work.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

KINDS = {
    **dict.fromkeys(("ack", "play", "pause", "speed", "step", "view"), "flow"),
    **dict.fromkeys(("inspect", "etcd"), "reads"),
}
COMMANDS = "commands"  # every other message


def kind_of(message: str) -> str:
    return KINDS.get(message, COMMANDS)


@dataclass
class Bucket:
    rate: float  # tokens added per second
    burst: int  # the most it holds
    tokens: float = field(init=False)
    updated: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def take(self, cost: int) -> bool:
        self._refill()
        if self.tokens < cost:
            return False
        self.tokens -= cost
        return True

    def wait(self, cost: int) -> float:
        """Seconds until `cost` tokens are there."""
        self._refill()
        return max(0.0, (cost - self.tokens) / self.rate)

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now


@dataclass(frozen=True)
class Budget:
    per_second: float
    burst: int


class ConnectionLimits:
    """A bucket per connection id and kind of message, made on first use, dropped on
    disconnect. `budgets`: kind → its Budget (web/config.py)."""

    def __init__(self, budgets: dict[str, Budget]) -> None:
        self.budgets = budgets
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def _bucket(self, sid: str, message: str) -> Bucket:
        key = (sid, kind_of(message))
        bucket = self._buckets.get(key)
        if bucket is None:
            budget = self.budgets[key[1]]
            bucket = self._buckets[key] = Bucket(budget.per_second, budget.burst)
        return bucket

    def allow(self, sid: str, message: str) -> bool:
        return self._bucket(sid, message).take(1)

    def retry_after(self, sid: str, message: str) -> float:
        """When a refused message would be taken: the page waits that long and sends it
        again (a lesson resumed at speed sends its commands faster than the bucket fills)."""
        return self._bucket(sid, message).wait(1)

    def forget(self, sid: str) -> None:
        for key in [key for key in self._buckets if key[0] == sid]:
            del self._buckets[key]

    def refusal(self, message: str) -> str:
        kind = kind_of(message)
        return (
            f"too many requests: this connection sent more {kind} messages than the server "
            f"takes ({self.budgets[kind].per_second:g} a second); this one ({message}) was not "
            f"handled, try again in a moment"
        )
