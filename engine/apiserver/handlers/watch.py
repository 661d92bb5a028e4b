"""watch=true: a stream of ADDED/MODIFIED/DELETED events from a resource version on
(handlers/watch.go, and the cacher's Watch in storage/cacher/cacher.go)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from engine.apimachinery import errors, fields
from engine.apiserver import decoding
from engine.apiserver.handlers import response
from engine.apiserver.registry import store
from engine.apiserver.request import Request, ResourcePath, Response
from engine.apiserver.storage.cacher import Watch

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

    Gen = store.Gen


def watch(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    resource = target.resource
    timeout = _query_int(req, "timeoutSeconds")  # before the watch exists: it may refuse
    matches = store.matcher(api, req, resource, target.name)
    selector = fields.parse_field_selector(req.query.get("fieldSelector", ""))
    indexed = api.strategy(resource).watch_index_value(selector)
    stream = Watch(resource, req.source, matches, indexed, req.step)
    if response.wants_table(req):
        _send_tables(api, req, stream)
    since = req.query.get("resourceVersion", "")
    prefix = resource.prefix(target.namespace)
    if req.query.get("sendInitialEvents") == "true":
        _send_existing(api, prefix, matches, stream)
        stream.deliver(
            "BOOKMARK",
            {
                "kind": resource.kind,
                "apiVersion": resource.api_version,
                "metadata": {
                    "resourceVersion": str(api.etcd.revision),
                    "annotations": {"k8s.io/initial-events-end": "true"},
                },
            },
        )
    elif since and since != "0":
        start = _parse_revision(since)
        if start <= api.etcd.compacted:
            raise errors.gone(f"too old resource version: {start} ({api.etcd.compacted + 1})")
        for old, new in api.storage.history(start, prefix):
            for kind, obj in _transitions(matches, old, new):
                stream.deliver(kind, obj)
    else:
        # resourceVersion unset or "0" ("Get State and Start at Most Recent / Any"): the
        # watch opens with a synthetic ADDED for every matching object that exists now.
        _send_existing(api, prefix, matches, stream)
    stream.covered = api.etcd.revision  # what is on its way to the cache is in there
    api.cache.add(stream)
    if timeout:
        # Late-bound: `stop` is replaced below. Housekeeping: it keeps nothing "busy".
        api.env.schedule(float(timeout), lambda: stream.stop(), background=True)
    original_stop = stream.stop

    def stop() -> None:
        api.cache.remove(stream)
        original_stop()

    stream.stop = stop  # type: ignore[method-assign]
    where = f" in {target.namespace}" if target.namespace else ""
    api.stage(req, "watch", f"Watching {resource.name}{where}")
    yield 0
    return Response(200, None, watch=stream)


def _send_existing(
    api: APIServer, prefix: str, matches: Callable[[dict[str, Any]], bool], stream: Watch
) -> None:
    for obj in api.storage.range(prefix):
        if matches(obj):
            stream.deliver("ADDED", obj)


def _send_tables(api: APIServer, req: Request, stream: Watch) -> None:
    """A watch asked `as=Table` gets each object as a one-row Table; only the first event
    carries the column definitions (handlers/response.go watchEmbeddedEncoder sets
    NoHeaders after the first object, and Table.columnDefinitions has no omitempty).
    Bookmarks stay plain: they carry only a resourceVersion."""
    deliver = stream.deliver
    first = True

    def as_table(kind: str, obj: dict[str, Any]) -> None:
        nonlocal first
        if kind != "BOOKMARK":
            revision = obj["metadata"].get("resourceVersion", "")
            table = response.table(api, stream.resource, [obj], req, revision)
            if not first:
                table["columnDefinitions"] = None
            first = False
            obj = table
        deliver(kind, obj)

    stream.deliver = as_table  # type: ignore[method-assign]


def _query_int(req: Request, name: str) -> int | None:
    """An integer query parameter, refused as the parameter codec refuses it (its
    strconv.ParseInt error, as a 400). Not Python's int(), which also takes `1_0`, ` 1`, other
    scripts' digits and numbers past int64: a watch would then outlive what it asked for."""
    text = req.query.get(name)
    if not text:
        return None
    return decoding.query_int64(text)


def _parse_revision(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise errors.bad_request(f"invalid resource version: {text}") from None


def _transitions(
    matches: Callable[[dict[str, Any]], bool],
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
) -> list[tuple[str, dict[str, Any]]]:
    was = old is not None and matches(old)
    now = new is not None and matches(new)
    if was and now and new is not None:
        return [("MODIFIED", new)]
    if now and new is not None:
        return [("ADDED", new)]
    if was and old is not None:
        return [("DELETED", old)]
    return []
