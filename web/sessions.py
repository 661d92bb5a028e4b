"""Sessions: one simulated cluster per browser tab, and the registry that holds them.

A `Session` owns a Timeline (engine/timeline.py: the cluster and its input log) and the
playback state the page and the server share: speed, playing, the last event sent and the last
the page acknowledged.
It talks to its tab through `send`; the Socket.IO layer decides where that goes.

Concurrency is gevent's: one greenlet runs at a time and switches only where code yields
(`pause`, waiting on an event, socket I/O). Nothing here yields except the bounded stepping
loops, which re-check their assumptions after each pause.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any, Protocol

from engine import (
    Kubectl,
    NodeSpec,
    Op,
    Stop,
    StopKubectl,
    Timeline,
    Timings,
    default_nodes,
    run_to,
    step_until,
    timings_name,
)
from web.commands import Command, Reply
from web.config import Settings
from web.spares import Spares

log = logging.getLogger("podlife.sessions")
# Sessions' names in logs (s1, s2, ...): the id is the page's secret and is never logged.
_labels = itertools.count(1)

Send = Callable[[str, dict[str, Any], str], None]  # (message, payload, Socket.IO sid)
RoomSend = Callable[[str, dict[str, Any]], None]  # (message, payload) to a room's followers
Pause = Callable[[], None]


HEAD_START_CHUNKS = 10  # a command's head start runs at most this many chunks of steps


class Busy(Exception):
    """The session is rebuilding its past; the action cannot run right now."""


class TooMany(Exception):
    """A client is over one of its limits (docs/limits.md); str() says which."""


class Session:
    def __init__(
        self,
        session_id: str,
        timeline: Timeline,
        settings: Settings,
        send: Send,
        address: str = "",
        pinned: bool = False,
    ) -> None:
        self.id = session_id
        self.label = f"s{next(_labels)}"  # for logs: no way back to the id
        self.address = address  # the client address that created it (sessions per address)
        self.pinned = pinned  # lives as long as the server (the `default` cluster)
        self.timeline = timeline
        self.settings = settings
        self._send = send
        self.speed = 1.0
        self.playing = True
        self.sent = 0  # seq of the last event sent to the page
        self.acked = 0  # seq of the last event the page says it has played
        self.sid: str | None = None  # the attached tab's Socket.IO connection
        # When it is presented (web/rooms.py): what the tab is sent goes to its followers too
        self.room: RoomSend | None = None
        self.synced = False  # the attached tab has had its `reset` and history
        self.detached_at = time.monotonic()
        self.rebuilding = False
        self.lesson: str | None = None  # the scenario the cluster was loaded with, if any
        self.closed = False
        self.commands: dict[int, Command] = {}  # running commands, by a server-side counter
        self._command_counter = 0
        self._last_clock = 0.0

    # ---- the tab -----------------------------------------------------------------------------
    def attach(self, sid: str) -> str | None:
        """A tab (re)connects; returns the connection it takes the session from, if any."""
        previous = self.sid if self.sid != sid else None
        if previous is not None:
            self.interrupt_commands("the session was opened in another tab")
        self.sid = sid
        self.synced = False
        return previous

    def detach(self) -> None:
        self.interrupt_commands("the page disconnected")
        self.sid = None
        self.synced = False
        self.detached_at = time.monotonic()

    def idle_for(self) -> float:
        return 0.0 if self.sid is not None else time.monotonic() - self.detached_at

    def send(
        self, message: str, payload: dict[str, Any], tab: bool = True, room: bool = True
    ) -> None:
        """To the attached tab once it is synced, and to the followers (`room`)."""
        if tab and self.sid is not None and self.synced:
            self._send(message, payload, self.sid)
        if room and self.room is not None:
            self.room(message, payload)

    def resync(self, room: bool = False) -> None:
        """Bring the attached tab up to date from nothing: `reset`, then every event so far
        (marked `history`, to draw at once rather than animate). `room`: the followers too (a
        new cluster); else they only get what they were not sent yet, live."""
        if self.sid is None:
            return
        if not room:
            self._send_events(history=False)  # the tab is not synced: to the followers only
        self.synced = True
        self.send_reset(room=room)
        self.sent = 0
        self.acked = 0
        self._send_events(history=True, room=room)
        self.send_clock()

    def send_reset(self, room: bool = True) -> None:
        """`reset` names the session to its tab only: the id is the tab's secret."""
        self.send("reset", self.reset_payload(), room=False)
        if room:
            self.send("reset", self.cluster_payload(), tab=False)

    def follow_payload(self) -> dict[str, Any]:
        """What a follower's `follow` reply says of the room's cluster."""
        return {
            "seed": self.timeline.seed,
            "nodes": [spec.model_dump() for spec in self.timeline.nodes],
            "lesson": self.lesson,
        }

    def reset_payload(self) -> dict[str, Any]:
        return {"session": self.id, **self.cluster_payload()}

    def cluster_payload(self) -> dict[str, Any]:
        return {
            "seed": self.timeline.seed,
            "nodes": [spec.model_dump() for spec in self.timeline.nodes],
            "baseline": self.timeline.baseline,
            "timings": self.timings_payload(),
        }

    def timings_payload(self) -> dict[str, Any]:
        """Which delays the cluster runs with: what the page counts down with."""
        timings = self.timeline.cluster.timings
        return {
            "name": timings_name(timings),
            "nodeMonitorGracePeriod": timings.node_monitor_grace_period,
            "defaultTolerationSeconds": timings.default_toleration_seconds,
        }

    def send_clock(self) -> None:
        self._last_clock = time.monotonic()
        self.send("clock", self.clock_payload())

    def clock_payload(self) -> dict[str, Any]:
        env = self.timeline.cluster.env
        return {
            "now": round(env.now, 6),
            "playing": self.playing,
            "speed": self.speed,
            "busy": env.busy,
        }

    # ---- streaming ---------------------------------------------------------------------------
    def pump(self, pause: Pause | None = None) -> None:
        """Send what the page has not seen: new events, command output, finished commands.
        With `pause`, other greenlets run between two messages of a large burst."""
        self._send_events(history=False, pause=pause)
        env = self.timeline.cluster.env
        limit = self.timeline.cluster.timings.kubectl_wait_limit
        for key, command in list(self.commands.items()):
            if self.synced:  # output waits while a (re)attached tab is being brought up to date
                for stream, text in command.unsent():
                    output = {"id": command.id, "stream": stream, "text": text}
                    self.send("kubectl-output", output, room=False)
            if not command.run.done and env.now - command.started >= limit:
                # Cluster.kubectl gives up the same way (and the same words) after the limit
                timeout = ("stderr", "error: timed out waiting for the condition\n")
                command.run.result.output.append(timeout)
                command.run.result.exit_code = 1
            elif not command.run.done:
                continue
            del self.commands[key]
            command.finish(self.timeline.events)
        if self.playing and time.monotonic() - self._last_clock >= self.settings.clock_every:
            self.send_clock()

    def _send_events(self, history: bool, pause: Pause | None = None, room: bool = True) -> None:
        events = self.timeline.events
        now = round(self.timeline.cluster.env.now, 6)  # as the trace rounds event times
        size = self.settings.events_per_message
        while self.sent < len(events) and self._heard(room):
            batch = events[self.sent : self.sent + size]
            payload: dict[str, Any] = {
                "events": [event.model_dump(mode="json") for event in batch],
                "now": now,
            }
            if history:
                payload["history"] = True
            self.send("events", payload, room=room)
            if room:  # its `now` moves the page's clock as a `clock` would: none due for a while
                self._last_clock = time.monotonic()
            self.sent += len(batch)  # before any pause: another pump goes on from here
            if pause is not None and self.sent < len(events):
                pause()

    def _heard(self, room: bool) -> bool:
        return (self.sid is not None and self.synced) or (room and self.room is not None)

    # ---- acting on the cluster ---------------------------------------------------------------
    def act(self, op: Op, at_seq: int | None, pause: Pause) -> Any:
        """Apply an input now, or — `at_seq` in the past — fork there first."""
        self.check_ready()
        if at_seq is not None and at_seq < len(self.timeline.events):
            self.fork(at_seq, pause)
        return self.timeline.apply(op)

    def check_ready(self) -> None:
        if self.rebuilding:
            raise Busy("the cluster is being rebuilt at an earlier event; try again in a moment")

    def fork(self, at_seq: int, pause: Pause) -> None:
        fresh = self._rebuild(lambda: self.timeline.rebuilt(at_seq, pause))
        self._replace(fresh, f"the cluster went back to event {at_seq}")
        # The page keeps what it has up to the fork; events of the fork's own engine step that
        # it was not sent yet follow as new ones.
        self.sent = min(len(fresh.events), self.sent)
        self.acked = min(self.acked, self.sent)
        self.send("forked", {"at_seq": self.sent})
        log.info("session %s forked at event %d", self.label, self.sent)

    def reset(
        self,
        seed: int,
        nodes: list[NodeSpec],
        timings: Timings | None = None,
        files: dict[str, str] | None = None,
        lesson: str | None = None,
    ) -> None:
        """A fresh cluster; `timings` None keeps the current cluster's; `files` are what its
        kubectl can read (a lesson's, `lesson` its scenario name)."""
        self.check_ready()
        timings = timings or self.timeline.cluster.timings
        limits = self.settings.cluster_limits()
        timeline = Timeline(seed, nodes, timings, limits=limits, files=files)
        self._replace(timeline, "the cluster was reset")
        self.lesson = lesson
        self.sent = 0
        self.acked = 0
        self.send_reset()
        self.send_clock()

    def restore(self, build: Callable[[], Timeline], lesson: str | None) -> None:
        """Replace the cluster with one `build` replays (an imported file), then draw its
        history at once, as after `hello`."""
        self.check_ready()
        self._replace(self._rebuild(build), "a cluster was imported")
        self.lesson = lesson
        self.resync(room=True)

    def _rebuild(self, build: Callable[[], Timeline]) -> Timeline:
        """Run a replay (`build`, which yields to other sessions between chunks) while other
        actions on this session are refused (check_ready)."""
        self.rebuilding = True
        try:
            return build()
        finally:
            self.rebuilding = False

    def _replace(self, timeline: Timeline, reason: str) -> None:
        self.interrupt_commands(reason)
        self.timeline = timeline

    def start_command(
        self,
        op: Kubectl,
        at_seq: int | None,
        pause: Pause,
        command_id: str | int | None = None,
        decorate: Callable[[Reply], None] | None = None,
    ) -> Command:
        """Start kubectl and give it a head start of up to a virtual second, even paused, so
        that `get pods` answers at once. A command still running after that is finished by
        the clock, at the page's speed, with its output streamed."""
        if len(self.commands) >= self.settings.max_commands:
            raise TooMany(
                f"{len(self.commands)} kubectl commands are still running in this session, "
                f"the most it runs at once; stop one (or wait for it) first"
            )
        run = self.act(op, at_seq, pause)
        timeline, sid = self.timeline, self.sid
        env = timeline.cluster.env
        command = Command(command_id, op.line, run, env.now, len(timeline.events), decorate)
        deadline = env.now + self.settings.kubectl_head_start
        for _ in range(HEAD_START_CHUNKS):
            if step_until(env, lambda: run.done, deadline, self.settings.steps_per_chunk) is not (
                Stop.BUDGET
            ):
                break
            pause()  # a big command (a paste of many objects): the other sessions run too
            if self.timeline is not timeline:
                command.interrupt("the cluster was replaced meanwhile")
                return command
            if self.sid != sid:
                if not run.done:
                    timeline.apply(StopKubectl(run.number))
                command.interrupt("the page disconnected")
                return command
        if not run.done:
            self._command_counter += 1
            self.commands[self._command_counter] = command
        self.pump(pause)  # its events (and output, if it is still running) go out now
        if run.done:
            command.finish(self.timeline.events)
        return command

    def interrupt_commands(self, reason: str) -> None:
        """Stop the running commands and tell the page why. Stopped in the cluster too, as an
        input (a replay stops them at the same moment): "interrupted" means it does nothing
        more, even when a tab comes back."""
        commands, self.commands = self.commands, {}
        for command in commands.values():
            if not command.run.done and not self.rebuilding:
                self.timeline.apply(StopKubectl(command.run.number))
            command.interrupt(reason)

    # ---- the clock ---------------------------------------------------------------------------
    def step(self, pause: Pause) -> int:
        """Paused at the live edge: run until the next trace event exists; how many appeared
        (all emitted by that one engine step)."""
        self.check_ready()
        self.playing = False
        timeline = self.timeline
        events = timeline.events
        before = len(events)
        env = timeline.cluster.env
        deadline = env.now + self.settings.step_limit
        chunk = self.settings.steps_per_chunk
        while step_until(env, lambda: len(events) > before, deadline, chunk) is Stop.BUDGET:
            pause()  # a long quiet stretch: let the other sessions run meanwhile
            if self.timeline is not timeline:
                return 0
        self.pump(pause)
        self.send_clock()
        return len(events) - before

    def advance(self, seconds: float, pause: Pause) -> None:
        """Let `seconds` of virtual time pass, in bounded chunks. Stops early when a fork or
        reset replaced the cluster, the page paused, or the burst is big enough to send."""
        timeline = self.timeline
        env = timeline.cluster.env
        deadline = env.now + seconds
        start = len(timeline.events)
        while not run_to(env, deadline, self.settings.steps_per_chunk):
            if len(timeline.events) - start >= self.settings.max_events_per_tick:
                return
            pause()
            if self.timeline is not timeline or not self.playing or self.rebuilding:
                return

    def tick(self, real_seconds: float, pause: Pause) -> None:
        """One wake-up of the clock driver."""
        if self.sid is None or not self.synced or self.rebuilding:
            return
        if self.playing and self.acked >= self.sent:
            seconds = min(real_seconds, self.settings.max_tick_seconds) * self.speed
            self.advance(seconds, pause)
        self.pump(pause)


class Full(Exception):
    """The server holds as many sessions as it may."""


class Keeper(Protocol):
    """Keeps sessions across restarts (web/keeper.py, docs/persistence.md)."""

    key: bytes  # the server's secret, kept: cluster ids and kubeconfig tokens derive from it

    def restore(self, session_id: str, pause: Pause) -> Session | None: ...

    def session_of(self, cluster_id: str) -> str | None: ...

    def forget(self, session_id: str) -> None: ...

    def meta(self, name: str) -> str | None: ...

    def set_meta(self, name: str, value: str) -> None: ...

    def save(self, session: Session, final: bool = False) -> None: ...

    def close(self) -> None: ...


class SessionRegistry:
    """Every session of this server process, by id and by Socket.IO connection.

    Lock-free by design: under gevent only one greenlet runs at a time, and no method here
    yields (but `create` while it builds the cluster, before it touches the tables), so each
    call is atomic with respect to every other greenlet. The clock driver of
    each session is started through `spawn` (Socket.IO's background task)."""

    def __init__(self, settings: Settings, send: Send, spawn: Callable[[Session], Any]) -> None:
        self.settings = settings
        self._send = send
        self._spawn = spawn
        self.sessions: dict[str, Session] = {}
        self.by_sid: dict[str, str] = {}  # Socket.IO connection -> session id
        self.keeper: Keeper | None = None  # set when sessions are kept (web/keeper.py)
        self.spares: Spares | None = None  # set when clusters are set up ahead (web/spares.py)
        self.on_free: list[Callable[[Session], None]] = []  # told when a session is freed

    def create(
        self,
        seed: int,
        nodes: list[NodeSpec] | None = None,
        address: str = "",
        pinned: bool = False,
        build: Callable[[], Timeline] | None = None,
        pause: Pause | None = None,
        route: str = "",
    ) -> Session:
        """A new session with its cluster. `route`: the page's routing key, the id's prefix
        (docs/scale-out.md: a proxy sends a cluster's requests to one process by it).
        `address`: the client's, held to max_sessions_per_address (a page that reloads
        reattaches instead: only new tabs and new clients count); `pinned`: never freed for
        being idle; `build`: makes the cluster (a copy of a room's: web/rooms.py), else a
        fresh one is set up, calling `pause` (a tenth of a second of work). Building yields:
        the limits are checked before it, and again after it (adopt)."""
        self._check_limits(address)
        if build is not None:
            timeline = build()
        elif (spare := self.spares.take(seed, nodes) if self.spares else None) is not None:
            timeline = spare  # set up ahead, the same as one set up now (web/spares.py)
        else:
            limits = self.settings.cluster_limits()
            timeline = Timeline(seed, nodes or default_nodes(), limits=limits, pause=pause)
        token = secrets.token_urlsafe(16)
        session = self.adopt(f"{route}.{token}" if route else token, timeline, address, pinned)
        log.info("session %s created (seed %d)", session.label, seed)
        return session

    def adopt(
        self, session_id: str, timeline: Timeline, address: str = "", pinned: bool = False
    ) -> Session:
        """Hold a session for this timeline (a new one, or one the keeper restored)."""
        self._check_limits(address)
        session = Session(session_id, timeline, self.settings, self._send, address, pinned)
        self.sessions[session_id] = session
        self._spawn(session)
        return session

    def _check_limits(self, address: str) -> None:
        settings = self.settings
        if len(self.sessions) >= settings.max_sessions:
            raise Full(f"the server already runs {len(self.sessions)} clusters; try again later")
        if address:
            mine = sum(1 for s in self.sessions.values() if s.address == address)
            if mine >= settings.max_sessions_per_address:
                raise Full(
                    f"your address already has {mine} clusters on this server, the most one "
                    f"address may have; close a tab, or wait until an unused one is freed "
                    f"({settings.idle_seconds / 60:.0f} minutes after its tab closed)"
                )

    def get(self, session_id: str | None) -> Session | None:
        return self.sessions.get(session_id) if session_id else None

    def find(self, session_id: str | None, pause: Pause) -> Session | None:
        """A session held here or, failing that, kept from before (a restart, the idle limit):
        the keeper replays it (yielding through `pause`)."""
        session = self.get(session_id)
        if session is None and session_id and self.keeper is not None:
            session = self.keeper.restore(session_id, pause)
        return session

    def attach(self, sid: str, session: Session) -> str | None:
        """Bind a connection to a session; returns the connection that had it before."""
        former = self.of(sid)
        if former is not None and former is not session and former.sid == sid:
            former.detach()  # the tab moved on to another session
        previous = session.attach(sid)
        self.by_sid[sid] = session.id
        return previous

    def of(self, sid: str) -> Session | None:
        session_id = self.by_sid.get(sid)
        return self.sessions.get(session_id) if session_id else None

    def disconnect(self, sid: str) -> None:
        session = self.of(sid)
        self.by_sid.pop(sid, None)
        if session is not None and session.sid == sid:
            session.detach()

    def free(self, session: Session) -> None:
        self._drop(session, "the session was closed")
        if self.keeper is not None:  # out of memory, not out of the database
            self.keeper.save(session, final=True)
        for hook in self.on_free:
            hook(session)

    def release(self, session: Session) -> None:
        """Another process took the session over (docs/scale-out.md): dropped from memory
        without a last write (the database is that process's to write now)."""
        self._drop(session, "the cluster moved to another server process")
        if self.keeper is not None:
            self.keeper.forget(session.id)

    def _drop(self, session: Session, reason: str) -> None:
        session.closed = True
        session.interrupt_commands(reason)
        self.sessions.pop(session.id, None)
        for sid in [sid for sid, owner in self.by_sid.items() if owner == session.id]:
            del self.by_sid[sid]

    def expire_if_idle(self, session: Session) -> bool:
        if session.pinned or session.idle_for() < self.settings.idle_seconds:
            return False
        log.info("session %s freed after %.0f s without a page", session.label, session.idle_for())
        self.free(session)
        return True

    def shutdown(self) -> None:
        if self.spares is not None:
            self.spares.close()
        for session in list(self.sessions.values()):
            self.free(session)
        if self.keeper is not None:
            self.keeper.close()
