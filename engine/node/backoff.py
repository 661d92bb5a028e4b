"""client-go's flowcontrol.Backoff (staging/src/k8s.io/client-go/util/flowcontrol/backoff.go),
on virtual time: per-key exponential back-off the kubelet uses for crashing containers
(key pod+container) and failing image pulls (key podUID_image).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class _Entry:
    backoff: float
    last_update: float


class Backoff:
    def __init__(self, initial: float, maximum: float, reset_after: float | None = None) -> None:
        self.initial = initial
        self.maximum = maximum
        self.reset_after = maximum * 2 if reset_after is None else reset_after
        self._entries: dict[str, _Entry] = {}

    def get(self, key: str) -> float:
        entry = self._entries.get(key)
        return entry.backoff if entry else 0.0

    def next(self, key: str, event_time: float) -> None:
        """Move the key's back-off one step (doubling), or start it at `initial`. An entry
        untouched for twice the maximum starts over (hasExpired): after ten minutes of a
        container running fine its next crash restarts at once again."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_time, entry):
            self._entries[key] = _Entry(self.initial, event_time)
            return
        entry.backoff = min(entry.backoff * 2, self.maximum)
        entry.last_update = event_time

    def is_in_backoff_since(self, key: str, event_time: float, now: float) -> bool:
        """Whether `now` is still inside the back-off window that began at `event_time`
        (IsInBackOffSince: used with the container's finishedAt)."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_time, entry):
            return False
        return now - event_time < entry.backoff

    def is_in_backoff_since_update(self, key: str, now: float) -> bool:
        """IsInBackOffSinceUpdate: inside the window that began at the last failure."""
        entry = self._entries.get(key)
        if entry is None or self._expired(now, entry):
            return False
        return now - entry.last_update < entry.backoff

    def expires_at(self, key: str, event_time: float) -> float:
        """When the window that began at `event_time` ends."""
        return event_time + self.get(key)

    def last_update(self, key: str) -> float:
        entry = self._entries.get(key)
        return entry.last_update if entry else 0.0

    def reset(self, key: str) -> None:
        self._entries.pop(key, None)

    def gc(self, now: float) -> None:
        """Drop entries idle for twice the maximum (Backoff.GC)."""
        for key in [k for k, e in self._entries.items() if self._expired(now, e)]:
            del self._entries[key]

    def _expired(self, event_time: float, entry: _Entry) -> bool:
        return event_time - entry.last_update > self.reset_after
