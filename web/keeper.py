"""Sessions kept across restarts (docs/persistence.md): when a session is written to the
database (web/store.py), and how it comes back — replayed, deterministically — when a page or
a kubeconfig asks for a session this process does not hold.

Writes: every `save_seconds` the keeper looks at every session (a few attribute reads each)
and writes, in one transaction, the inputs applied since the last look, plus the engine's
position (steps, virtual time, event count and a hash of the last event) of those whose clock
moved at most every `save_every` seconds, or that just lost their page. A session leaving
memory (the idle limit, shutdown) is written last. The rows are built here, on the event loop,
without yielding; the SQLite calls run on gevent's thread pool, so a slow disk never stalls
the sessions.

A presented session's room (web/rooms.py) is kept too, its code and secret written when it
is opened and forgotten on `unpresent` or with the session: the session comes back with it.
The presenter's latest view of it (step, story mode, pointer) is written with the next look.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import gevent
from gevent.event import AsyncResult
from gevent.lock import Semaphore
from pydantic import ValidationError

from engine import TIMINGS, NodeSpec, ReplayError, Timeline, TraceEvent, timings_name
from web import clusterfile
from web.kube_api.calls import RemoteStdin, RemoteStop, exec_sessions, outlets
from web.kube_api.kubeconfig import cluster_name
from web.sessions import Pause, Session, SessionRegistry
from web.store import FILE, Change, Saved, Store

log = logging.getLogger("podlife.keeper")
T = TypeVar("T")
PRUNE_EVERY = 3600.0  # seconds between two prunings of old sessions
DAY = 86400.0
# Between two yields to the other sessions, a replay runs at most so many inputs and steps
# (the engine's default, 2,000 steps, is a second when each step is a request)
REPLAY_INPUTS = 20
REPLAY_STEPS = 250


@dataclass
class Mark:
    """What the database holds of a session."""

    timeline: Timeline  # the timeline written (a reset, fork or import replaces it)
    written: int  # its inputs written so far
    steps: int  # the position written
    at: float  # when (time.monotonic())
    detached: bool  # it had no page then
    created: float  # wall-clock time it was first made


def last_hash(events: list[TraceEvent]) -> str:
    """The last event's fingerprint: with the event count, what a replay must reproduce."""
    return hashlib.sha256(events[-1].model_dump_json().encode()).hexdigest() if events else ""


class Keeper:
    def __init__(self, store: Store, registry: SessionRegistry) -> None:
        self.store = store
        self.registry = registry
        self.settings = registry.settings
        self.key = store.key()
        self.closed = False
        self._marks: dict[str, Mark] = {}
        self._pending: list[Change] = []
        self._views: dict[str, str] = {}  # rooms' latest views not written yet, by code
        self._lock = Semaphore()  # one database call at a time
        self._restoring: dict[str, AsyncResult] = {}
        # Told of each session restored, with what was kept of it (its room: web/rooms.py)
        self.on_restore: list[Callable[[Session, Saved], None]] = []

    @classmethod
    def open(cls, registry: SessionRegistry) -> Keeper | None:
        """The keeper of the registry's sessions, its database in the data folder; None (and
        a warning) when the folder cannot be used: the server then runs without keeping."""
        path = Path(registry.settings.data_dir) / FILE
        try:
            keeper = cls(Store(path), registry)
        except (OSError, sqlite3.Error) as error:
            log.warning("sessions are not kept across restarts: cannot use %s (%s)", path, error)
            return None
        registry.keeper = keeper
        log.info("sessions are kept in %s", path)
        return keeper

    def _call(self, function: Callable[..., T], *args: Any) -> T:
        """A database call, off the event loop (the other greenlets run meanwhile)."""
        with self._lock:
            result: T = gevent.get_hub().threadpool.apply(function, args)
            return result

    # ---- writing -----------------------------------------------------------------------------
    def run(self, sleep: Callable[[float], None]) -> None:
        """The writer: a background greenlet for the server's life."""
        pruned = -PRUNE_EVERY
        while not self.closed:
            sleep(self.settings.save_seconds)
            try:
                self.collect()
                self.flush()
                if time.monotonic() - pruned >= PRUNE_EVERY:
                    pruned = time.monotonic()
                    self.prune()
            except Exception:  # a full disk, say: the sessions go on, the log says why
                log.exception("writing the session database failed")
                self._marks.clear()  # what was lost is written again, whole, at the next look

    def collect(self) -> None:
        """Queue what changed since the last look, for every session in memory."""
        now = time.monotonic()
        for session in list(self.registry.sessions.values()):
            mark = self._marks.get(session.id)
            timeline = session.timeline
            if (
                mark is None
                or mark.timeline is not timeline
                or len(timeline.inputs) > mark.written
                or mark.detached != (session.sid is None)
                or (
                    timeline.cluster.env.steps != mark.steps
                    and now - mark.at >= self.settings.save_every
                )
            ):
                self.save(session)

    def save(self, session: Session, final: bool = False) -> None:
        """Queue the session's new inputs and position; `final`: it leaves memory."""
        if self.closed or session.rebuilding:
            return
        timeline = session.timeline
        mark = self._marks.get(session.id)
        first = mark.written if mark is not None and mark.timeline is timeline else 0
        inputs = [
            json.dumps(clusterfile.record_of(record, index in timeline.failed))
            for index, record in enumerate(timeline.inputs[first:], first)
        ]
        env = timeline.cluster.env
        created = mark.created if mark is not None else time.time()
        made = {
            "seed": timeline.seed,
            "nodes": [spec.model_dump() for spec in timeline.nodes],
            "timings": timings_name(timeline.cluster.timings),
            "lesson": session.lesson,
            "files": dict(timeline.cluster.files),
            "address": session.address,
        }
        position = {
            "steps": env.steps,
            "now": env.now,
            "events": len(timeline.events),
            "last": last_hash(timeline.events),
        }
        saved = Saved(
            session.id,
            cluster_name(self.key, session.id),
            made,
            position,
            created,
            time.time(),
            session.pinned,
            inputs,
        )
        self._pending.append(Change(saved, first))
        if final:
            self._marks.pop(session.id, None)
        else:
            self._marks[session.id] = Mark(
                timeline,
                len(timeline.inputs),
                env.steps,
                time.monotonic(),
                session.sid is None,
                created,
            )

    def forget(self, session_id: str) -> None:
        """Another process writes the session now: nothing more of it is written here."""
        self._marks.pop(session_id, None)
        self._pending = [c for c in self._pending if c.saved.id != session_id]

    def flush(self) -> None:
        """Write what is queued."""
        changes, self._pending = self._pending, []
        views, self._views = self._views, {}
        if changes or views:
            try:
                self._call(self.store.write, changes, views)
            except Exception:
                self._views = {**views, **self._views}  # written at the next look
                raise

    def prune(self) -> None:
        used_before = time.time() - self.settings.keep_days * DAY
        gone = self._call(self.store.prune, used_before, self.settings.max_store_bytes)
        for session_id in gone:  # one still in memory is written whole at the next look
            self._marks.pop(session_id, None)
        if gone:
            log.info("%d kept sessions forgotten (unused, or the oldest over the size)", len(gone))

    def close(self) -> None:
        """At shutdown, after the registry wrote its sessions (SessionRegistry.shutdown)."""
        if self.closed:
            return
        with self._lock:
            self.closed = True
            # on the event loop: nothing else runs any more
            self.store.write(self._pending, self._views)
            self._pending, self._views = [], {}
            self.store.close()

    # ---- bringing back -----------------------------------------------------------------------
    def session_of(self, cluster_id: str) -> str | None:
        """The session a kubeconfig's cluster id names, if the database holds it."""
        return None if self.closed else self._call(self.store.session_of, cluster_id)

    def meta(self, name: str) -> str | None:
        return self._call(self.store.meta, name)

    # ---- rooms -------------------------------------------------------------------------------
    def keep_room(self, session: Session, code: str, secret: str) -> None:
        """The session is presented: its row first, so that the room never names a session
        the database does not hold."""
        if self.closed:
            return
        if session.id not in self._marks:
            self.save(session)
        self.flush()
        self._call(self.store.keep_room, code, secret, session.id)

    def keep_view(self, code: str, view: dict[str, Any]) -> None:
        """The room's latest view, written with the next look (the presenter's pointer moves
        many times a second: only the last of them is written)."""
        if not self.closed:
            self._views[code] = json.dumps(view)

    def drop_room(self, code: str) -> None:
        self._views.pop(code, None)
        if not self.closed:
            self._call(self.store.drop_room, code)

    def room_session(self, code: str) -> str | None:
        """The session kept as presented as `code`."""
        return None if self.closed else self._call(self.store.room_session, code)

    def set_meta(self, name: str, value: str) -> None:
        self._call(self.store.set_meta, name, value)

    def restore(self, session_id: str, pause: Pause) -> Session | None:
        """The session from the database, replayed to where it was; None if it holds none (or
        one that does not replay: logged, forgotten). A second caller meanwhile waits for the
        first's replay."""
        waiting = self._restoring.get(session_id)
        if waiting is not None:
            session: Session | None = waiting.get()
            return session
        result: AsyncResult = AsyncResult()
        self._restoring[session_id] = result
        session = None
        try:
            session = self._restore(session_id, pause)
        finally:
            del self._restoring[session_id]
            result.set(session)
        return session

    def _restore(self, session_id: str, pause: Pause) -> Session | None:
        if self.closed:
            return None
        self.flush()  # freed here a moment ago: its last inputs are written first
        saved = self._call(self.store.load, session_id)
        if saved is None:
            return None
        started = time.perf_counter()
        try:
            timeline = self._replayed(saved, pause)
        except (KeyError, TypeError, ValueError, ValidationError, ReplayError, RuntimeError) as e:
            log.warning("a kept session does not replay on this Podlife (%s): forgotten", e)
            self._call(self.store.forget, session_id)
            return None
        found = self.registry.get(session_id)  # it came back another way meanwhile
        if found is not None:
            return found
        made = saved.made
        session = self.registry.adopt(session_id, timeline, made["address"], saved.pinned)
        session.lesson = made["lesson"]
        for hook in self.on_restore:
            hook(session, saved)
        position = timeline.cluster.env
        self._marks[session_id] = Mark(
            timeline, len(timeline.inputs), position.steps, time.monotonic(), True, saved.created
        )
        # The restart ended every connection: the watches and exec sessions of real clients
        # that the replay opened again end too (inputs, written like any other).
        cluster = timeline.cluster
        for key in list(outlets(cluster)):
            timeline.apply(RemoteStop(key))
        for key in list(exec_sessions(cluster)):
            timeline.apply(RemoteStdin(key, "", eof=True, forget=True))
        log.info(
            "session %s restored: %d inputs replayed to step %d in %.2f s",
            session.label,
            len(saved.inputs),
            position.steps,
            time.perf_counter() - started,
        )
        return session

    def _replayed(self, saved: Saved, pause: Pause) -> Timeline:
        settings, made, position = self.settings, saved.made, saved.position
        if len(saved.inputs) > settings.max_import_inputs:
            raise ValueError(f"{len(saved.inputs):,} inputs, over max_import_inputs")
        if position["steps"] > settings.max_import_steps:
            raise ValueError(f"{position['steps']:,} engine steps, over max_import_steps")
        records = [clusterfile.InputRecord.model_validate_json(text) for text in saved.inputs]
        nodes = [NodeSpec.model_validate(node) for node in made["nodes"]]
        timings = TIMINGS[made["timings"]]
        limits = settings.cluster_limits()
        timeline = Timeline(made["seed"], nodes, timings, limits, made["files"])
        inputs, failed = clusterfile.inputs_of(records)
        # A few inputs at a time: the engine's replay yields only every so many steps, and
        # many inputs in few steps (a paste of commands) would hold the others meanwhile.
        for start in range(0, len(inputs), REPLAY_INPUTS):
            batch = inputs[start : start + REPLAY_INPUTS]
            failing = {n - start for n in failed if start <= n < start + len(batch)}
            timeline.replay(batch, failing, batch[-1].steps, pause, REPLAY_STEPS)
            pause()
        timeline.replay([], (), position["steps"], pause, REPLAY_STEPS)
        env, events, count = timeline.cluster.env, timeline.events, position["events"]
        if env.steps == position["steps"]:  # (a kill may have left the position behind)
            env.now = max(env.now, position["now"])
        if len(events) < count or last_hash(events[:count]) != position["last"]:
            raise ReplayError(f"the replay told another story than the one kept ({count} events)")
        return timeline
