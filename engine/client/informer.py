"""Informers: list, then watch, into a local cache, calling handlers on every change
(staging/src/k8s.io/client-go/tools/cache: Reflector, Store, SharedIndexInformer).

Controllers read from the cache, never from the API server, and react to handlers by queueing
keys. A watch that ends or expires (410 Gone after compaction) makes the reflector list again,
and the handlers see the difference as adds, updates and deletes.

`stop()` is client-go's closed stopCh: the reflector ends and its watch is closed; a list or
watch already sent is still answered, and the answer thrown away. The cache stays as it was, so
an informer started again (a kubelet that recovers) lists, and its handlers see what changed
meanwhile as adds, updates and deletes.

A handler that raises on one object does not stop the informer: the notification is skipped for
that handler (the others still get it), the error is reported once, and the next notification
is delivered as usual. That is client-go's processorListener.run (tools/cache/shared_informer.go:
"the offending item will be skipped") when utilruntime is told not to crash; by default a Go
panic there would bring the whole component down, and it would meet the same object again when
it restarts. Upstream pauses that handler for a second after a panic; here the next
notification is not held back.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.apiserver.request import Response
from engine.apiserver.resources import ResourceType
from engine.client.rest import RestClient
from engine.sim import Event, Process
from engine.trace import ObjectRef, ref_of
from engine.utilruntime import ErrorReporter, describe, klog_line, quote

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


def key_of(obj: Obj) -> str:
    """cache.MetaNamespaceKeyFunc: `namespace/name`, or `name` for cluster-scoped objects."""
    meta = obj["metadata"]
    namespace = meta.get("namespace", "")
    return f"{namespace}/{meta['name']}" if namespace else meta["name"]


@dataclass
class Handlers:
    on_add: Callable[[Obj], None] | None = None
    on_update: Callable[[Obj, Obj], None] | None = None
    on_delete: Callable[[Obj], None] | None = None


@dataclass
class Informer:
    client: RestClient
    resource: ResourceType
    namespace: str = ""
    label_selector: str = ""
    field_selector: str = ""
    store: dict[str, Obj] = field(default_factory=dict)
    handlers: list[Handlers] = field(default_factory=list)
    synced: Event | None = None
    indexers: dict[str, Callable[[Obj], list[str]]] = field(default_factory=dict)
    _indices: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    _reflector: Process | None = None
    _watch: Any = None  # the reflector's open watch
    _errors: ErrorReporter | None = None

    def add_handlers(self, handlers: Handlers) -> None:
        self.handlers.append(handlers)

    def add_indexer(self, name: str, index: Callable[[Obj], list[str]]) -> None:
        self.indexers[name] = index
        self._indices[name] = {}
        for key, obj in self.store.items():
            self._index(name, key, obj)

    def by_index(self, name: str, value: str) -> list[Obj]:
        keys = self._indices.get(name, {}).get(value, set())
        return [self.store[k] for k in sorted(keys)]

    def list(self) -> list[Obj]:
        return [self.store[k] for k in sorted(self.store)]

    def get(self, key: str) -> Obj | None:
        return self.store.get(key)

    def start(self) -> Event:
        """Run the reflector as a process (unless it runs); returns the event that fires once
        synced."""
        env = self.client.context.env
        if self.synced is None:
            self.synced = env.event()
        if self._reflector is None:
            self._reflector = env.process(self._reflect(), f"informer {self.resource.name}")
        return self.synced

    def stop(self) -> None:
        """End the reflector and close its watch. A later start() lists again and has a new
        `synced`."""
        if self._reflector is None:
            return
        self._reflector.stop()
        self._reflector = self.synced = None
        if self._watch is not None:
            watch, self._watch = self._watch, None
            watch.stop()

    def _path(self) -> str:
        r = self.resource
        base = f"/apis/{r.group}/{r.version}" if r.group else "/api/v1"
        if r.namespaced and self.namespace:
            base += f"/namespaces/{self.namespace}"
        return f"{base}/{r.name}"

    def _query(self) -> dict[str, str]:
        query = {}
        if self.label_selector:
            query["labelSelector"] = self.label_selector
        if self.field_selector:
            query["fieldSelector"] = self.field_selector
        return query

    def _reflect(self) -> Gen:
        env = self.client.context.env
        # Its requests are shielded: stopped while one is on its way, the reflector ends when
        # the answer comes, without using it (a watch that answer opened is closed).
        while True:
            listing: Response = yield from env.shielded(
                self.client.request("GET", self._path(), query=self._query())
            )
            if not listing.ok:
                yield 1.0  # the reflector backs off and lists again
                continue
            self._replace(listing.body["items"])
            assert self.synced is not None
            if not self.synced.triggered:
                self.synced.succeed(True)
            since = listing.body["metadata"]["resourceVersion"]
            response: Response = yield from env.shielded(
                self.client.request(
                    "GET",
                    self._path(),
                    query={
                        **self._query(),
                        "watch": "true",
                        "resourceVersion": since,
                        "allowWatchBookmarks": "true",
                    },
                ),
                _close_watch,
            )
            if not response.ok:
                yield 1.0
                continue
            ended = env.event()
            self._watch = response.watch
            response.watch.start(self._on_event, _finisher(ended))
            yield ended

    def _on_event(self, event_type: str, obj: Obj) -> None:
        if event_type == "BOOKMARK":
            return
        key = key_of(obj)
        if event_type == "DELETED":
            old = self.store.pop(key, None)
            self._unindex(key, old)
            if old is not None:
                for h in self.handlers:
                    if h.on_delete:
                        try:
                            h.on_delete(obj)
                        except Exception as error:
                            self._handler_failed(key, obj, "OnDelete", error)
                if self._errors is not None:
                    self._errors.forget(key)
            return
        old = self.store.get(key)
        self._unindex(key, old)
        self.store[key] = obj
        for name in self.indexers:
            self._index(name, key, obj)
        for h in self.handlers:
            try:
                if old is None:
                    if h.on_add:
                        h.on_add(obj)
                elif h.on_update:
                    h.on_update(old, obj)
            except Exception as error:
                self._handler_failed(key, obj, "OnAdd" if old is None else "OnUpdate", error)

    def errors(self) -> ErrorReporter:
        """The reporter for what goes wrong in this informer (under its client's name)."""
        if self._errors is None:
            client = self.client
            self._errors = ErrorReporter(
                client.context.trace, client.component, client.step, lambda: client.context.env.now
            )
        return self._errors

    def _handler_failed(self, key: str, obj: Obj, handler: str, error: Exception) -> None:
        # shared_informer.go processorListener.run: HandleCrash logs it ("Observed a panic",
        # util/runtime/runtime.go logPanic), and the notification is skipped.
        self.errors().handle_error(
            key,
            klog_line("Observed a panic", panic=describe(error)),
            error=error,
            obj=_ref(obj),
            data={"handler": handler, "resource": self.resource.name},
        )

    def _replace(self, items: Sequence[Obj]) -> None:
        fresh = {key_of(item): item for item in items}
        for key in sorted(set(self.store) - set(fresh)):
            self._on_event("DELETED", self.store[key])
        for key in sorted(fresh):
            current = self.store.get(key)
            if current is None or current["metadata"].get("resourceVersion") != fresh[key][
                "metadata"
            ].get("resourceVersion"):
                self._on_event("MODIFIED" if current else "ADDED", fresh[key])

    def _index(self, name: str, key: str, obj: Obj) -> None:
        try:
            values = self.indexers[name](obj)
        except Exception as error:
            # tools/cache/thread_safe_store.go updateIndices panics with this text; here the
            # object just stays out of that index (and _unindex finds nothing to remove).
            self.errors().handle_error(
                key,
                f"unable to calculate an index entry for key {quote(key)} on index "
                f"{quote(name)}: {describe(error)}",
                error=error,
                obj=_ref(obj),
            )
            return
        for value in values:
            self._indices[name].setdefault(value, set()).add(key)

    def _unindex(self, key: str, obj: Obj | None) -> None:
        if obj is None:
            return
        for name, index in self.indexers.items():
            try:
                values = index(obj)
            except Exception:
                continue  # it could not be indexed either (reported by _index)
            for value in values:
                self._indices[name].get(value, set()).discard(key)


def _ref(obj: Obj) -> ObjectRef | None:
    try:
        return ref_of(obj)
    except Exception:  # metadata too malformed to name it: the data.key still does
        return None


def _close_watch(response: Response) -> None:
    if response.watch is not None:
        response.watch.stop()


def _finisher(event: Event) -> Callable[[], None]:
    def finish() -> None:
        if not event.triggered:
            event.succeed()

    return finish
