"""How fast one Socket.IO connection may send: a token bucket per connection.

A playing page sends an `ack` per animation frame (up to 60 a second) and a command now and
then; a script can send thousands. Messages cost what they make the server do: the cheap ones
(ack, play, pause, speed) one token, a step or a look (inspect, etcd) two, anything that runs
kubectl or builds a cluster ten. Past the bucket, a message is answered with a refusal that says
why (not silently dropped), with `retry_after` (seconds until it would be taken, as HTTP's
Retry-After), and the server does none of its work.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

COSTS = {"ack": 1, "play": 1, "pause": 1, "speed": 1, "step": 2, "inspect": 2, "etcd": 2}
WORK = 10  # every other message: kubectl, apply, action, reset, scenario, hello


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


class ConnectionLimits:
    """A bucket per connection id, made on first use, dropped on disconnect."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, Bucket] = {}

    def allow(self, sid: str, message: str) -> bool:
        bucket = self._buckets.get(sid)
        if bucket is None:
            bucket = self._buckets[sid] = Bucket(self.rate, self.burst)
        return bucket.take(COSTS.get(message, WORK))

    def retry_after(self, sid: str, message: str) -> float:
        """When a refused message would be taken: the page waits that long and sends it
        again (a lesson resumed at speed sends its commands faster than the bucket fills)."""
        bucket = self._buckets.get(sid)
        return bucket.wait(COSTS.get(message, WORK)) if bucket is not None else 0.0

    def forget(self, sid: str) -> None:
        self._buckets.pop(sid, None)

    def refusal(self) -> str:
        return (
            f"too many requests: this connection sent more than the server takes "
            f"({self.rate / WORK:g} commands or {self.rate:g} acknowledgements a second); "
            f"this one was not handled, try again in a moment"
        )
