"""Where a remote request's cluster lives: a web session (the page's), or a bare cluster.

The blueprint needs five things from whoever holds a cluster, whatever that is:

* `cluster` — the current cluster (a session replaces it on reset and fork);
* `start(op)` — record a RemoteCall/RemoteStop/RemoteStdin as an input and perform it;
* `run(done, limit)` — run the clock until `done()` (fast-forward: a plain request answers at
  once, even when the page is paused, by running just its own few milliseconds);
* `keep_time()` — let virtual time catch up with real time when no page is driving the clock
  (a cluster used only from a terminal would otherwise stand still between requests);
* `owned_by(proof)` — whether `proof` (the page's session id) is the owner's;
* `serves(cluster)` — whether that cluster is still this host's (not reset, forked or freed).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from engine import Stop, run_to, step_until
from web.driver import let_others_run
from web.kube_api.kubeconfig import cluster_name

if TYPE_CHECKING:
    from engine import Cluster, Environment
    from web.kube_api.calls import RemoteCall, RemoteStdin, RemoteStop
    from web.sessions import Session, SessionRegistry

CHUNK = 2000  # engine steps between yields to the other greenlets
MAX_CATCH_UP = 600.0  # virtual seconds one catch-up may run (a long-idle cluster)


class Busy(Exception):
    """The cluster cannot take a request right now (it is being rebuilt)."""


class ClusterHost(Protocol):
    @property
    def cluster(self) -> Cluster: ...

    def start(self, op: RemoteCall | RemoteStop | RemoteStdin) -> Any: ...

    def run(self, done: Callable[[], bool], limit: float) -> bool: ...

    def keep_time(self) -> None: ...

    def owned_by(self, proof: str) -> bool: ...

    def serves(self, cluster: Cluster) -> bool: ...


def _run(
    env: Environment, done: Callable[[], bool], limit: float, still: Callable[[], bool]
) -> bool:
    """Step until `done()` or `limit` virtual seconds, yielding between chunks; stop early if
    `still()` turns false (the cluster was replaced)."""
    deadline = env.now + limit
    while True:
        stop = step_until(env, done, deadline, CHUNK)
        if stop is not Stop.BUDGET or not still():
            return done()
        let_others_run()


class LocalHost:
    """A bare cluster (tests, tools). With `speed`, time passes at that rate whenever someone
    looks; with `speed=None` the clock only runs while a remote client waits on a watch, and
    then as fast as it can until only housekeeping is left (a fully controllable clock)."""

    def __init__(self, cluster: Cluster, owner: str = "", speed: float | None = 1.0) -> None:
        self._cluster = cluster
        self.owner = owner
        self.speed = speed
        self._mark = time.monotonic()

    @property
    def cluster(self) -> Cluster:
        return self._cluster

    def start(self, op: RemoteCall | RemoteStop | RemoteStdin) -> Any:
        return op.perform(self._cluster)

    def run(self, done: Callable[[], bool], limit: float) -> bool:
        return _run(self._cluster.env, done, limit, lambda: True)

    def keep_time(self) -> None:
        env = self._cluster.env
        if self.speed is None:
            step_until(env, lambda: not env.busy, env.now + MAX_CATCH_UP, CHUNK)
            return
        now = time.monotonic()
        seconds, self._mark = min((now - self._mark) * self.speed, MAX_CATCH_UP), now
        deadline = env.now + seconds
        while not run_to(env, deadline, CHUNK):
            let_others_run()

    def owned_by(self, proof: str) -> bool:
        return bool(self.owner) and hmac.compare_digest(proof, self.owner)

    def serves(self, cluster: Cluster) -> bool:
        return cluster is self._cluster


class SessionHost:
    """A web session's cluster (web/sessions.py). Requests become inputs of its timeline, so a
    fork replays them; while a page is attached its clock driver owns time, otherwise time
    catches up on each request at the session's speed."""

    def __init__(self, session: Session, marks: dict[str, float]) -> None:
        self.session = session
        self._marks = marks  # per session: when time last caught up (shared by its requests)

    @property
    def cluster(self) -> Cluster:
        return self.session.timeline.cluster

    def start(self, op: RemoteCall | RemoteStop | RemoteStdin) -> Any:
        session = self.session
        if session.rebuilding or session.closed:
            raise Busy("the cluster is being rebuilt at an earlier event; try again")
        if session.sid is None:
            # Used from a terminal: not idle, whether or not a page is attached.
            session.detached_at = time.monotonic()
        # Timeline.apply records the input (with the step count) and performs it.
        return session.timeline.apply(op)

    def run(self, done: Callable[[], bool], limit: float) -> bool:
        timeline = self.session.timeline
        return _run(timeline.cluster.env, done, limit, lambda: self.session.timeline is timeline)

    def keep_time(self) -> None:
        session = self.session
        now = time.monotonic()
        # Time owed since the last catch-up, or since the page left if that is later (until
        # then the page's driver kept time).
        last = max(self._marks.get(session.id, now), session.detached_at)
        self._marks[session.id] = now
        if session.sid is not None or session.rebuilding or session.closed:
            return  # the page's clock driver runs this cluster
        env = session.timeline.cluster.env
        seconds = min((now - last) * session.speed, MAX_CATCH_UP)
        deadline = env.now + seconds
        timeline = session.timeline
        while not run_to(env, deadline, CHUNK) and session.timeline is timeline:
            let_others_run()

    def owned_by(self, proof: str) -> bool:
        return bool(proof) and hmac.compare_digest(proof, self.session.id)

    def serves(self, cluster: Cluster) -> bool:
        return not self.session.closed and self.session.timeline.cluster is cluster


class Directory(Protocol):
    """Finds the host of a cluster id, and the cluster id of a page's session."""

    def find(self, cluster_id: str) -> ClusterHost | None: ...

    def cluster_id_of(self, session_id: str) -> str | None: ...


class LocalDirectory:
    """Clusters registered by hand (tests, tools)."""

    def __init__(self) -> None:
        self.hosts: dict[str, LocalHost] = {}

    def add(self, cluster_id: str, host: LocalHost) -> None:
        self.hosts[cluster_id] = host

    def find(self, cluster_id: str) -> ClusterHost | None:
        return self.hosts.get(cluster_id)

    def cluster_id_of(self, session_id: str) -> str | None:
        for cluster_id, host in self.hosts.items():
            if host.owned_by(session_id):
                return cluster_id
        return None


class SessionDirectory:
    """The web server's sessions. A session's cluster id is public (it is in the kubeconfig's
    server URL) but does not give away the session id, which is the page's secret: it is an
    HMAC of the session id under the server's key (kept in the data folder when sessions are
    kept, web/keeper.py, so that kubeconfigs outlive a restart; else for the process's life).
    A cluster id this process does not hold is looked up among the kept sessions."""

    def __init__(self, registry: SessionRegistry, key: bytes) -> None:
        self.registry = registry
        self._key = key
        self._aliases: dict[str, str] = {}  # fixed names ("default") -> session id
        self._ids: dict[str, str] = {}  # cluster id -> session id, as computed
        self._marks: dict[str, float] = {}

    def alias(self, cluster_id: str, session_id: str) -> None:
        self._aliases[cluster_id] = session_id

    def cluster_id_of(self, session_id: str) -> str | None:
        if self.registry.get(session_id) is None:
            return None
        for name, owner in self._aliases.items():
            if owner == session_id:
                return name
        digest = cluster_name(self._key, session_id)
        self._ids[digest] = session_id
        return digest

    def find(self, cluster_id: str) -> ClusterHost | None:
        session_id = self._aliases.get(cluster_id) or self._ids.get(cluster_id)
        if session_id is None:
            for candidate in list(self.registry.sessions):  # a page we have not met yet
                if self.cluster_id_of(candidate) == cluster_id:
                    session_id = candidate
                    break
        keeper = self.registry.keeper
        if session_id is None and keeper is not None:  # kept from before a restart?
            session_id = keeper.session_of(cluster_id)
        session = self.registry.find(session_id, let_others_run)
        if session is None:
            return None
        return SessionHost(session, self._marks)


class Directories:
    """Several directories, asked in turn."""

    def __init__(self, *directories: Directory) -> None:
        self.directories = list(directories)

    def find(self, cluster_id: str) -> ClusterHost | None:
        for directory in self.directories:
            host = directory.find(cluster_id)
            if host is not None:
                return host
        return None

    def cluster_id_of(self, session_id: str) -> str | None:
        for directory in self.directories:
            found = directory.cluster_id_of(session_id)
            if found is not None:
                return found
        return None
