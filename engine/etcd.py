"""etcd, as the API server sees it: an MVCC key-value store with revisions and watches.

Every write bumps one global revision; that number becomes the object's `resourceVersion`.
Updates are compare-and-swap on the key's mod revision (how the API server implements
optimistic concurrency). History is kept until compaction so that watches can start from an
old revision; starting below the compacted revision fails, as it does in etcd
(`mvcc: required revision has been compacted`), and the API server turns that into 410 Gone.

Values are the JSON text of objects, as real etcd holds serialized bytes: whoever reads gets a
fresh copy, so no component can change stored state by accident.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable
from dataclasses import dataclass


class CompactedError(Exception):
    """The requested revision is older than the compacted revision."""

    def __init__(self, requested: int, compacted: int) -> None:
        super().__init__("mvcc: required revision has been compacted")
        self.requested = requested
        self.compacted = compacted


class CASFailedError(Exception):
    """A compare-and-swap did not hold: the key changed (or exists, or is gone)."""


# etcd's default --max-request-bytes (server/embed/config.go DefaultMaxRequestBytes, 1.5 MiB).
MAX_REQUEST_BYTES = 1572864


class RequestTooLargeError(Exception):
    """A put larger than the server takes (etcdserver's ErrRequestTooLarge, gRPC
    InvalidArgument); nothing is written."""

    def __init__(self) -> None:
        super().__init__("etcdserver: request is too large")


@dataclass(frozen=True, slots=True)
class KeyValue:
    key: str
    value: str
    create_revision: int
    mod_revision: int
    version: int


@dataclass(frozen=True, slots=True)
class WatchEvent:
    type: str  # "PUT" or "DELETE", etcd's two event types
    kv: KeyValue  # for DELETE: the key with an empty value at the delete revision
    prev: KeyValue | None
    revision: int


WatchCallback = Callable[[WatchEvent], None]


@dataclass(slots=True)
class Watcher:
    prefix: str
    callback: WatchCallback
    active: bool = True

    def cancel(self) -> None:
        self.active = False


class Etcd:
    def __init__(self) -> None:
        self.revision = 1  # a fresh etcd cluster starts at revision 1
        self.compacted = 0
        self._data: dict[str, KeyValue] = {}
        self._keys: list[str] = []  # sorted, for prefix ranges
        self._history: list[WatchEvent] = []
        self._watchers: list[Watcher] = []

    # ---- reads -----------------------------------------------------------------------------
    def get(self, key: str) -> KeyValue | None:
        return self._data.get(key)

    def range(self, prefix: str) -> list[KeyValue]:
        start = bisect_left(self._keys, prefix)
        found = []
        for key in self._keys[start:]:
            if not key.startswith(prefix):
                break
            found.append(self._data[key])
        return found

    def count(self, prefix: str) -> int:
        """Keys under `prefix`, without reading them (the quota check asks on every create)."""
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else ""
        upper = bisect_left(self._keys, end) if end else len(self._keys)
        return upper - bisect_left(self._keys, prefix)

    def value_at(self, key: str, revision: int) -> KeyValue | None:
        """The key as it was at `revision` (needs history back to there)."""
        if revision < self.compacted:
            raise CompactedError(revision, self.compacted)
        found: KeyValue | None = None
        for event in self._history:
            if event.revision > revision:
                break
            if event.kv.key == key:
                found = event.kv if event.type == "PUT" else None
        return found

    def history(self, since: int = 0) -> list[WatchEvent]:
        return [e for e in self._history if e.revision > since]

    # ---- writes ----------------------------------------------------------------------------
    def create(self, key: str, value: str) -> KeyValue:
        """Put only if the key does not exist (a txn comparing create_revision to 0)."""
        _check_size(key, value)
        if key in self._data:
            raise CASFailedError(key)
        return self._put(key, value, None)

    def update(self, key: str, value: str, expected_mod_revision: int) -> KeyValue:
        """Put only if the key is still at `expected_mod_revision`."""
        _check_size(key, value)
        current = self._data.get(key)
        if current is None or current.mod_revision != expected_mod_revision:
            raise CASFailedError(key)
        return self._put(key, value, current)

    def delete(self, key: str, expected_mod_revision: int | None = None) -> KeyValue:
        current = self._data.get(key)
        if current is None:
            raise CASFailedError(key)
        if expected_mod_revision is not None and current.mod_revision != expected_mod_revision:
            raise CASFailedError(key)
        self.revision += 1
        del self._data[key]
        self._keys.pop(bisect_left(self._keys, key))
        tombstone = KeyValue(key, "", 0, self.revision, 0)
        self._record(WatchEvent("DELETE", tombstone, current, self.revision))
        return current

    def _put(self, key: str, value: str, current: KeyValue | None) -> KeyValue:
        self.revision += 1
        kv = KeyValue(
            key,
            value,
            current.create_revision if current else self.revision,
            self.revision,
            current.version + 1 if current else 1,
        )
        if current is None:
            insort(self._keys, key)
        self._data[key] = kv
        self._record(WatchEvent("PUT", kv, current, self.revision))
        return kv

    def _record(self, event: WatchEvent) -> None:
        self._history.append(event)
        for watcher in self._watchers:
            if watcher.active and event.kv.key.startswith(watcher.prefix):
                watcher.callback(event)
        if any(not w.active for w in self._watchers):
            self._watchers = [w for w in self._watchers if w.active]

    # ---- watch and compaction ----------------------------------------------------------------
    def watch(self, prefix: str, start_revision: int, callback: WatchCallback) -> Watcher:
        """Deliver every change under `prefix` from `start_revision` on (history, then live)."""
        if start_revision and start_revision <= self.compacted:
            raise CompactedError(start_revision, self.compacted)
        watcher = Watcher(prefix, callback)
        if start_revision:
            for event in self._history:
                if event.revision >= start_revision and event.kv.key.startswith(prefix):
                    callback(event)
        self._watchers.append(watcher)
        return watcher

    def compact(self, revision: int) -> None:
        """Forget history at and below `revision`."""
        revision = min(revision, self.revision)
        if revision <= self.compacted:
            return
        self.compacted = revision
        # Like etcd, keep each key's latest version at or below the compacted revision, so
        # the value of an unchanged key can still be read at a later revision.
        latest: dict[str, WatchEvent] = {}
        for event in self._history:
            if event.revision > revision:
                break
            latest[event.kv.key] = event
        kept = sorted((e for e in latest.values() if e.type == "PUT"), key=lambda e: e.revision)
        self._history = kept + [e for e in self._history if e.revision > revision]


def _check_size(key: str, value: str) -> None:
    """etcdserver refuses a request over MaxRequestBytes before it reaches raft
    (server/etcdserver/v3_server.go processInternalRaftRequestOnce). The key and value are
    most of a put's bytes; the API server's values here are ASCII JSON."""
    if len(value) + len(key) <= MAX_REQUEST_BYTES // 4:
        return
    size = len(key.encode("utf-8", "surrogatepass")) + (
        len(value) if value.isascii() else len(value.encode("utf-8", "surrogatepass"))
    )
    if size > MAX_REQUEST_BYTES:
        raise RequestTooLargeError()
