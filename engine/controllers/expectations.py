"""ControllerExpectations (pkg/controller/controller_utils.go).

A controller that has just asked for N pods must not ask again before its informer has seen
them, or a second sync working from a stale cache would create N more. It records what it
expects and each observed create or delete lowers the count; the controller acts again only once
the counts reach zero or the expectation is older than five minutes (ExpectationsTimeout).

Deletions are tracked by pod key (UIDTrackingControllerExpectations), so a deletion the
controller did not ask for does not satisfy one it did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

EXPECTATIONS_TIMEOUT = 300.0


@dataclass
class _Expectation:
    add: int
    delete: int
    timestamp: float
    deleting: dict[str, None] = field(default_factory=dict)  # pod keys still to be seen going

    def fulfilled(self) -> bool:
        return self.add <= 0 and self.delete <= 0


class ControllerExpectations:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._records: dict[str, _Expectation] = {}

    def satisfied(self, key: str) -> bool:
        """SatisfiedExpectations: no record, all observed, or expired."""
        record = self._records.get(key)
        if record is None:
            return True
        if record.fulfilled():
            return True
        return self._clock() - record.timestamp > EXPECTATIONS_TIMEOUT

    def expect_creations(self, key: str, adds: int) -> None:
        self._records[key] = _Expectation(adds, 0, self._clock())

    def expect_deletions(self, key: str, pod_keys: list[str]) -> None:
        self._records[key] = _Expectation(0, len(pod_keys), self._clock(), dict.fromkeys(pod_keys))

    def set_expectations(self, key: str, adds: int, pod_keys: list[str]) -> None:
        """SetExpectations: creations and deletions at once (the DaemonSet controller's)."""
        self._records[key] = _Expectation(
            adds, len(pod_keys), self._clock(), dict.fromkeys(pod_keys)
        )

    def creation_observed(self, key: str) -> None:
        record = self._records.get(key)
        if record is not None:
            record.add -= 1

    def deletion_observed(self, key: str, pod_key: str) -> None:
        record = self._records.get(key)
        if record is not None and pod_key in record.deleting:
            del record.deleting[pod_key]
            record.delete -= 1

    def delete(self, key: str) -> None:
        self._records.pop(key, None)

    def pending(self, key: str) -> tuple[int, int]:
        record = self._records.get(key)
        return (record.add, record.delete) if record else (0, 0)
