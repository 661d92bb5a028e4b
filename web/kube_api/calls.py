"""A request from a real client over HTTP, as an input of the simulation.

A session rebuilds its cluster by replaying its inputs (engine/timeline.py), so whatever a real
kubectl does to a cluster must be an input too: `RemoteCall` (one API request) and
`RemoteStop` (the client went away from a watch). Both are frozen records that `perform` the
same way on the live cluster and on a replay.

The request takes the same path as every in-engine request: it travels from `kubectl` to the
API server, is handled stage by stage, and its response travels back, each leg a trace event
(`send_request`, engine/client/rest.py, as for in-engine clients). The trace also records the
client's user agent, so the page can tell a real kubectl from the in-page one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine import Request, Response, Step, send_request

if TYPE_CHECKING:
    from engine import Cluster, Process, Watch

SOURCE = "kubectl"  # the page draws a real kubectl where it draws the in-page one
UNREAD_LIMIT = 10_000  # events kept for a watch nobody reads (one re-created by a replay)


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
    exec_key: str = ""  # names an exec session, for the RemoteStdin that feed and end it

    def request(self) -> Request:
        # user "": a client over HTTP is nobody until its token says who it is.
        return Request(
            self.method,
            self.path,
            _query(self.query),
            dict(self.headers),
            self.body,
            user="",
            groups=(),
            source=SOURCE,
            step=Step.SEND,
        )

    def perform(self, cluster: Cluster) -> Process:
        cluster.apiserver.bearer_tokens.update(self.credentials)

        def keep_watch(response: Response) -> None:
            # Registered before the reply travels back: nothing sent meanwhile is lost.
            if response.watch is not None and self.watch_key:
                outlets(cluster)[self.watch_key] = Outlet(response.watch)
            session = response.stream
            if session is not None and self.exec_key and session.code is None and not session.error:
                exec_sessions(cluster)[self.exec_key] = session

        journey = send_request(cluster.context, self.request(), remote=True, on_response=keep_watch)
        return cluster.env.process(journey, "kubectl-remote")


@dataclass(frozen=True)
class RemoteStop:
    """The client of a watch is gone (or its time is up): stop sending it events."""

    watch_key: str

    def perform(self, cluster: Cluster) -> None:
        outlet = outlets(cluster).pop(self.watch_key, None)
        if outlet is not None:
            outlet.watch.stop()


@dataclass(frozen=True)
class RemoteStdin:
    """A piece of an exec session's stdin (web/kube_api/exec.py), or its end (`eof`);
    `forget`: the client is gone, the session with it."""

    exec_key: str
    data: str
    eof: bool = False
    forget: bool = False

    def perform(self, cluster: Cluster) -> None:
        sessions = exec_sessions(cluster)
        session = sessions.get(self.exec_key)
        if session is None:
            return
        if self.data:
            session.feed(self.data)
        if self.eof:
            session.close_stdin()
        if self.forget:
            sessions.pop(self.exec_key, None)


def _query(pairs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """The query as the API server reads it: the first value of a repeated parameter, except
    pods/exec's `command`, whose values are the command's words."""
    query: dict[str, Any] = {}
    for name, value in pairs:
        if name == "command":
            query.setdefault(name, []).append(value)
        else:
            query.setdefault(name, value)
    return query


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


def exec_sessions(cluster: Cluster) -> dict[str, Any]:
    """The open exec sessions of a cluster (engine/node/exec.py ExecSession), by exec key."""
    found: dict[str, Any] = cluster.extensions.setdefault("remote-execs", {})
    return found


def outlets(cluster: Cluster) -> dict[str, Outlet]:
    """The open remote watches of a cluster, by watch key."""
    found: dict[str, Outlet] = cluster.extensions.setdefault("remote-watches", {})
    return found
