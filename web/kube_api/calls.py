"""A request from a real client over HTTP, as an input of the simulation.

A session rebuilds its cluster by replaying its inputs (web/timeline.py), so whatever a real
kubectl does to a cluster must be an input too: `RemoteCall` (one API request) and
`RemoteStop` (the client went away from a watch). Both are frozen records that `perform` the
same way on the live cluster and on a replay.

The request takes the same path as every in-engine request: it travels from `kubectl` to the
API server, is handled stage by stage, and its response travels back, each leg a trace event
(engine/client/rest.py does the same for in-engine clients). The trace also records the
client's user agent, so the page can tell a real kubectl from the in-page one.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

# The in-engine REST client's wording of summaries, so both kubectls read alike in the trace.
from engine.apiserver.request import Request, Response
from engine.client.rest import _outcome, _ref, _summary
from engine.trace import Step

if TYPE_CHECKING:
    from engine.apiserver.storage.cacher import Watch
    from engine.cluster import Cluster
    from engine.sim import Process

SOURCE = "kubectl"  # the page draws a real kubectl where it draws the in-page one
UNREAD_LIMIT = 10_000  # events kept for a watch nobody reads (one re-created by a replay)

Gen = Generator[Any, Any, Any]


@dataclass(frozen=True)
class RemoteCall:
    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()  # lower-case names
    body: bytes | None = None
    # The bearer tokens the cluster accepted when the request came: installed before it runs,
    # so that a replay on a fresh cluster authenticates it the same way.
    credentials: tuple[tuple[str, str], ...] = ()
    watch_key: str = ""  # names a watch, for the RemoteStop that ends it

    def request(self) -> Request:
        # user "": a client over HTTP is nobody until its token says who it is.
        return Request(
            self.method,
            self.path,
            dict(self.query),
            dict(self.headers),
            self.body,
            user="",
            groups=(),
            source=SOURCE,
            step=Step.SEND,
        )

    def perform(self, cluster: Cluster) -> Process:
        cluster.apiserver.bearer_tokens.update(self.credentials)
        return cluster.env.process(_send(cluster, self), "kubectl-remote")


@dataclass(frozen=True)
class RemoteStop:
    """The client of a watch is gone (or its time is up): stop sending it events."""

    watch_key: str

    def perform(self, cluster: Cluster) -> None:
        outlet = outlets(cluster).pop(self.watch_key, None)
        if outlet is not None:
            outlet.watch.stop()


class Outlet:
    """The far end of a remote watch: events wait here until the HTTP stream takes them.

    A watch re-created by a replay has no stream; its events are dropped past a limit until
    the RemoteStop that ends it."""

    def __init__(self, watch: Watch) -> None:
        self.watch = watch
        self.events: deque[tuple[str, dict[str, Any]]] = deque()
        self.closed = False
        self.listener: Callable[[], None] | None = None
        watch.start(self._event, self._close)

    def _event(self, kind: str, obj: dict[str, Any]) -> None:
        self.events.append((kind, obj))
        if self.listener is not None:
            self.listener()
        elif len(self.events) > UNREAD_LIMIT:
            self.events.popleft()

    def _close(self) -> None:
        self.closed = True
        if self.listener is not None:
            self.listener()


def outlets(cluster: Cluster) -> dict[str, Outlet]:
    """The open remote watches of a cluster, by watch key."""
    found: dict[str, Outlet] = cluster.extensions.setdefault("remote-watches", {})
    return found


def _send(cluster: Cluster, call: RemoteCall) -> Gen:
    req = call.request()
    trace, latency = cluster.trace, cluster.timings.api_latency
    ref = _ref(_with_parsed_body(req))
    data = {"method": req.method, "url": req.url, "remote": True}
    agent = req.headers.get("user-agent", "")
    if agent:
        data["userAgent"] = agent
    trace.emit(
        SOURCE,
        "api-server",
        "request",
        _summary(_with_parsed_body(req), ref),
        step=Step.SEND,
        obj=ref,
        duration=latency,
        data=data,
    )
    yield latency
    response: Response = yield from cluster.apiserver.handle(req)
    trace.emit(
        "api-server",
        SOURCE,
        "response",
        _outcome(response),
        step=Step.PERSIST,
        obj=ref,
        duration=latency,
        data={"code": response.code},
    )
    if response.watch is not None and call.watch_key:
        # Registered before the reply travels back: nothing sent meanwhile is lost.
        outlets(cluster)[call.watch_key] = Outlet(response.watch)
    yield latency
    return response


def _with_parsed_body(req: Request) -> Request:
    """The request with its JSON body parsed, so the trace can name the object it creates."""
    if isinstance(req.body, bytes) and req.content_type == "application/json":
        try:
            return replace(req, body=json.loads(req.body))
        except (ValueError, RecursionError):  # the API server says what is wrong with it
            pass
    return req
