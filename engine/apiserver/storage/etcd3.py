"""The API server's side of etcd: reads, compare-and-swap writes and deletes, each a traced
round trip taking virtual time, and etcd's watch turned into decoded changes for the cacher.

staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go (Get, GuaranteedUpdate's txn,
conditionalDelete) and watcher.go (decoding each event's current and previous value).
"""

from __future__ import annotations

import functools
from collections.abc import Generator
from typing import Any

from engine.apimachinery import errors
from engine.apimachinery.errors import StatusError
from engine.apiserver.request import Request
from engine.apiserver.resources import RESOURCES, ResourceType
from engine.apiserver.storage.cacher import WatchCache
from engine.apiserver.storage.codec import decode, encode
from engine.config import Timings
from engine.etcd import CASFailedError, Etcd, RequestTooLargeError, WatchEvent
from engine.sim import Environment
from engine.trace import ObjectRef, Step, Trace, object_ref

Gen = Generator[Any, Any, Any]
Change = tuple[dict[str, Any] | None, dict[str, Any] | None]


class Storage:
    def __init__(
        self, env: Environment, etcd: Etcd, trace: Trace, timings: Timings, cache: WatchCache
    ) -> None:
        self.env, self.etcd, self.trace, self.timings, self.cache = env, etcd, trace, timings, cache
        self.quiet = False  # set while the cluster bootstraps: no trace for the furniture
        # What a write in progress already knows, for the watch fan-out of that very write
        # (_on_change): (key, mod revision, object), the decoded value an update replaces;
        # (key, name, namespace), the written object's metadata, for the trace.
        self._replacing: tuple[str, int, dict[str, Any]] | None = None
        self._writing: tuple[str, str, str] | None = None
        for resource in RESOURCES:
            etcd.watch(resource.prefix(), 0, functools.partial(self._on_change, resource))

    # ---- reads -------------------------------------------------------------------------------
    def get(self, key: str) -> dict[str, Any] | None:
        kv = self.etcd.get(key)
        return None if kv is None else decode(kv.value, kv.mod_revision)

    def range(self, prefix: str) -> list[dict[str, Any]]:
        return [decode(kv.value, kv.mod_revision) for kv in self.etcd.range(prefix)]

    def read(self, req: Request, key: str) -> Gen:
        """A read: the API server asks etcd and waits for the answer."""
        if self.quiet:
            return
        step = req.stage_step
        latency = self.timings.etcd_latency
        self.trace.emit(
            "api-server",
            "etcd",
            "etcd-read",
            f"Range {key}",
            step=step,
            duration=latency,
            data={"key": key},
            flow=req.flow,
        )
        yield latency
        self.trace.emit(
            "etcd",
            "api-server",
            "etcd-reply",
            f"Read at revision {self.etcd.revision}",
            step=step,
            duration=latency,
            data={"revision": self.etcd.revision},
            flow=req.flow,
        )
        yield latency

    # ---- writes ------------------------------------------------------------------------------
    def write(
        self,
        req: Request,
        resource: ResourceType,
        key: str,
        obj: dict[str, Any],
        expected: int | None,
        replacing: dict[str, Any] | None = None,
    ) -> Gen:
        """Compare-and-swap `obj` into etcd; returns the object as stored.

        `replacing`: the value at `expected`, decoded, that nothing else holds once this write
        is done (the `old` of a guaranteed update). The watch fan-out of the write uses it as
        the event's previous object instead of decoding it again."""
        step = req.stage_step
        ref = resource.ref_of(obj)
        self.trace.link(ref, obj)
        latency = 0.0 if self.quiet else self.timings.etcd_latency
        meta = obj["metadata"]
        meta.pop("resourceVersion", None)  # the revision is the version; it is not stored
        value = encode(obj)
        op = "create" if expected is None else "update"
        if not self.quiet:
            self.trace.emit(
                "api-server",
                "etcd",
                "etcd-write",
                f"Txn: {op} {key}",
                step=step,
                obj=ref,
                duration=latency,
                data={"key": key, "op": op},
            )
            yield latency
        self._writing = (key, *resource.name_and_namespace(obj))
        if replacing is not None and expected is not None:
            self._replacing = (key, expected, replacing)
        try:
            if expected is None:
                kv = self.etcd.create(key, value)
            else:
                kv = self.etcd.update(key, value, expected)
        except CASFailedError:
            if expected is None:
                raise errors.already_exists(resource.name, ref.name, resource.group) from None
            raise
        except RequestTooLargeError as error:
            # storage/etcd3 hands etcd's error on as it is (upstream then answers 500 with no
            # reason); the object is the client's, so Podlife says 413 with etcd's words.
            # Nothing was written.
            if not self.quiet:
                self.trace.emit(
                    "etcd",
                    "api-server",
                    "etcd-reply",
                    f"Refused {key}: {error}",
                    step=step,
                    obj=ref,
                    data={"key": key, "revision": self.etcd.revision, "error": str(error)},
                )
            raise StatusError(413, "RequestEntityTooLarge", str(error)) from None
        finally:
            self._writing = self._replacing = None
        if not self.quiet:
            self.trace.emit(
                "etcd",
                "api-server",
                "etcd-reply",
                f"Committed {key} at revision {kv.mod_revision}",
                step=step,
                obj=ref,
                duration=latency,
                data={"key": key, "revision": kv.mod_revision},
            )
            yield latency
        return decode(kv.value, kv.mod_revision)

    def delete(self, req: Request, key: str, expected: int, ref: ObjectRef) -> Gen:
        step = req.stage_step
        latency = self.timings.etcd_latency
        self.trace.emit(
            "api-server",
            "etcd",
            "etcd-write",
            f"Txn: delete {key}",
            step=step,
            obj=ref,
            duration=latency,
            data={"key": key, "op": "delete"},
        )
        yield latency
        self._writing = (key, ref.name, ref.namespace)
        try:
            self.etcd.delete(key, expected)
        finally:
            self._writing = None
        self.trace.emit(
            "etcd",
            "api-server",
            "etcd-reply",
            f"Deleted {key} at revision {self.etcd.revision}",
            step=step,
            obj=ref,
            duration=latency,
            data={"key": key, "revision": self.etcd.revision},
        )
        yield latency

    # ---- etcd's watch --------------------------------------------------------------------------
    def history(self, start: int, prefix: str) -> list[Change]:
        """The changes under `prefix` from revision `start` on, oldest first."""
        return [
            self.decode_change(event)
            for event in self.etcd.history(start)
            if event.kv.key.startswith(prefix)
        ]

    def decode_change(self, event: WatchEvent, replaced: dict[str, Any] | None = None) -> Change:
        """The change as objects: (previous or None, new or None). `replaced`: the previous
        object already decoded (see _on_change)."""
        old = replaced
        if old is None and event.prev:
            old = decode(event.prev.value, event.prev.mod_revision)
        if event.type == "DELETE":
            assert old is not None
            old["metadata"]["resourceVersion"] = str(event.revision)
            return old, None
        return old, decode(event.kv.value, event.kv.mod_revision)

    def _on_change(self, resource: ResourceType, event: WatchEvent) -> None:
        # What the write that made this change already knows (valid only during it):
        # the previous object, decoded and no longer used by the update, and the metadata
        # of the object written, for the trace.
        replaced = None
        known = self._replacing
        if (
            known is not None
            and event.type == "PUT"
            and event.prev is not None
            and known[0] == event.kv.key
            and known[1] == event.prev.mod_revision
        ):
            replaced, self._replacing = known[2], None
        if self.quiet:
            self.cache.dispatch(resource, *self.decode_change(event, replaced))
            return
        writing = self._writing
        if writing is not None and writing[0] == event.kv.key:
            name, namespace = writing[1], writing[2]
            ref = object_ref(resource.kind, name, namespace if resource.namespaced else "")
            # The objects are decoded when the change reaches the watch cache, and only if
            # someone watches: nobody watches Events, say, and they are written by the
            # thousand. Decoding later gives the same objects (etcd values never change).
            change: Change | None = None
        else:
            change = self.decode_change(event, replaced)
            obj = change[1] or change[0]
            assert obj is not None
            ref = resource.ref_of(obj)
        latency = self.timings.etcd_latency
        self.trace.emit(
            "etcd",
            "api-server",
            "etcd-watch",
            f"{event.type} {event.kv.key} (revision {event.revision})",
            step=Step.OTHER,
            obj=ref,
            duration=latency,
            data={"key": event.kv.key, "revision": event.revision, "type": event.type},
        )

        def deliver() -> None:
            if change is not None:
                self.cache.dispatch(resource, *change)
            elif self.cache.watched(resource.name):
                self.cache.dispatch(resource, *self.decode_change(event, replaced))

        self.env.schedule(latency, deliver)

    def compact(self) -> None:
        """The API server asks etcd to compact its history (every 5 minutes upstream)."""
        self.etcd.compact(self.etcd.revision)
