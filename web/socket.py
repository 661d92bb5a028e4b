"""The Socket.IO side of docs/protocol.md: one handler per client message, each answering
through the acknowledgement callback with `{ok: true, ...}` or `{ok: false, error}`."""

from __future__ import annotations

import functools
import json
import logging
import math
import re
import shlex
from collections.abc import Callable
from typing import Any

from flask import request
from flask_socketio import Namespace, SocketIO

from engine import TIMINGS, ClusterCall, Kubectl, ReplayError, Timeline, default_nodes
from web import clusterfile, views
from web.actions import op_for
from web.commands import Command, Reply
from web.config import Settings
from web.driver import let_others_run
from web.editor_errors import locate
from web.logs import Throttle
from web.payloads import (
    AckIn,
    ActionIn,
    ApplyIn,
    BadRequest,
    EtcdIn,
    FollowIn,
    ForkRoomIn,
    Hello,
    ImportIn,
    InspectIn,
    KubectlIn,
    ResetIn,
    SayIn,
    ScenarioIn,
    SpeedIn,
    ViewIn,
    check_line,
    check_paste,
    parse,
)
from web.peers import PeerError
from web.ratelimit import ConnectionLimits
from web.rooms import RemoteRoom, Room, RoomError, Rooms, display
from web.scenarios import UnknownScenario, catalog, find, say_of, steps_of
from web.sessions import Busy, Full, Session, SessionRegistry, TooMany

log = logging.getLogger("podlife.socket")

Handler = Callable[["PodlifeNamespace", Any], Reply]
REFUSALS = (
    BadRequest,
    Busy,
    Full,
    TooMany,
    UnknownScenario,
    views.ViewError,
    ReplayError,
    RoomError,
)
# What a room's follower may send; anything else drives the room, which is the presenter's
ROUTE = re.compile(r"[a-z0-9]{1,16}")  # a page's routing key (docs/scale-out.md)
FOLLOWERS_MAY = {"hello", "ack", "inspect", "etcd", "export", "fork-room", "unfollow", "follow"}


def handler(message: str) -> Callable[[Handler], Callable[..., Reply]]:
    """Turn refusals into `{ok: false, error}`; log anything else once, with its traceback,
    and still answer, so the page never waits on a callback that will not come."""

    def wrap(function: Handler) -> Callable[..., Reply]:
        @functools.wraps(function)
        def run(self: PodlifeNamespace, *args: Any) -> Reply:
            sid = request.sid  # type: ignore[attr-defined]
            if not self.rates.allow(sid, message):
                if self.refusals_logged.admit(sid) is not None:  # once a minute at most
                    log.warning(
                        "a connection from %s sends faster than the server takes; "
                        "refusing the excess (logged once a minute)",
                        request.remote_addr,
                    )
                # In whole milliseconds, rounded up: a page that waits that long finds its token.
                wait = math.ceil(self.rates.retry_after(sid, message) * 1000) / 1000
                return {"ok": False, "error": self.rates.refusal(message), "retry_after": wait}
            room = self.rooms.followed_by(sid)
            if room is not None and message not in FOLLOWERS_MAY:
                return {"ok": False, "error": self.rooms.refuse(sid, room, message)}
            try:
                return function(self, args[0] if args else None)
            except REFUSALS as error:
                return {"ok": False, "error": str(error)}
            except Exception:
                log.exception("the %s handler failed", message)
                return {"ok": False, "error": f"{message} failed inside the server (see its log)"}

        return run

    return wrap


class PodlifeNamespace(Namespace):
    def __init__(
        self, socketio: SocketIO, registry: SessionRegistry, rooms: Rooms, settings: Settings
    ) -> None:
        super().__init__("/")
        self.io = socketio
        self.registry = registry
        self.rooms = rooms
        self.settings = settings
        self.rates = ConnectionLimits(settings.message_budgets())
        self.refusals_logged = Throttle(settings.log_repeat_seconds)
        self.forking: set[str] = set()  # connections whose fork-room is replaying
        if rooms.peers is not None:  # a follower elsewhere looks at a room held here
            rooms.peers.serve("look", self._look_for_peer)

    def trigger_event(self, event: str, *args: Any) -> Any:
        """`fork-room` is handled by `on_fork_room`: a method name has no dashes."""
        return super().trigger_event(event.replace("-", "_"), *args)

    # ---- connection --------------------------------------------------------------------------
    def on_connect(self, _auth: Any = None) -> bool:
        return True

    def on_disconnect(self, _reason: Any = None) -> None:
        self.rates.forget(request.sid)  # type: ignore[attr-defined]
        self.rooms.leave(request.sid)  # type: ignore[attr-defined]
        self.registry.disconnect(request.sid)  # type: ignore[attr-defined]

    @handler("hello")
    def on_hello(self, data: Any) -> Reply:
        hello = parse(Hello, data, "hello")
        self.rooms.leave(request.sid)  # type: ignore[attr-defined]
        session = self.registry.find(hello.session, self._pause)  # kept from before, maybe
        room = self.rooms.presented(session)
        presenter = hello.presenter.model_dump() if hello.presenter else None
        if (
            session is not None
            and room is not None
            and self.rooms.owned(session, presenter) is None
        ):
            raise BadRequest(
                f"this cluster is presented as {display(room.code)}: only the presenter's tab, "
                "which holds the room's secret, may open it"
            )
        if session is None:
            seed = self.settings.seed if hello.seed is None else hello.seed
            # Building the cluster lets the others run (the hellos of a whole class at once)
            address = request.remote_addr or ""
            session = self.registry.create(
                seed, address=address, pause=self._pause, route=route_of_connection()
            )
        previous = self.registry.attach(request.sid, session)  # type: ignore[attr-defined]
        if previous is not None:
            # A duplicated tab copies sessionStorage: the newest tab wins, the old one is told.
            self.io.emit("detached", {"session": session.id}, to=previous)
        # After the reply, as the protocol promises: `reset`, then the history as `events`.
        self.io.start_background_task(session.resync)
        return {
            "ok": True,
            "session": session.id,
            "seed": session.timeline.seed,
            "speed": session.speed,
            "playing": session.playing,
            "nodes": [spec.model_dump() for spec in session.timeline.nodes],
            "scenarios": catalog(self.settings.scenarios_dir),
            "room": self.rooms.presenter_reply(room) if room is not None else None,
        }

    # ---- kubectl -----------------------------------------------------------------------------
    @handler("kubectl")
    def on_kubectl(self, data: Any) -> Reply:
        message = parse(KubectlIn, data, "kubectl")
        check_line(message.line, self.settings.max_line_chars)
        if message.stdin:
            check_paste(message.stdin, self.settings, "stdin")
        try:
            argv = shlex.split(message.line)
        except ValueError as error:
            raise BadRequest(f"cannot read the command line: {error}") from None
        if argv[:1] == ["kubectl"]:
            argv = argv[1:]
        return self._wait(
            self._session().start_command(
                Kubectl(tuple(argv), message.stdin), message.at_seq, self._pause, message.id
            )
        )

    @handler("apply")
    def on_apply(self, data: Any) -> Reply:
        message = parse(ApplyIn, data, "apply")
        check_paste(message.yaml, self.settings)

        def add_editor_errors(reply: Reply) -> None:
            stderr = "".join(text for stream, text in reply["output"] if stream == "stderr")
            reply["errors"] = locate(message.yaml, stderr)

        command = self._session().start_command(
            Kubectl(("apply", "-f", "-"), message.yaml),
            message.at_seq,
            self._pause,
            message.id,
            add_editor_errors,
        )
        return self._wait(command)

    @handler("action")
    def on_action(self, data: Any) -> Reply:
        message = parse(ActionIn, data, "action")
        session = self._session()
        session.check_ready()
        op = op_for(message.kind, message.target, session.timeline.cluster)
        if isinstance(op, Kubectl):
            return self._wait(session.start_command(op, message.at_seq, self._pause, message.id))
        try:
            session.act(op, message.at_seq, self._pause)
        except (ValueError, LookupError) as error:
            raise BadRequest(f"{message.kind}: {error}") from None
        session.pump()
        return {"ok": True, "seq": len(session.timeline.events)}

    def _wait(self, command: Command) -> Reply:
        """A command that outlived its head start replies when the clock has finished it."""
        command.finished.wait()
        assert command.reply is not None
        return command.reply

    # ---- the clock ---------------------------------------------------------------------------
    @handler("play")
    def on_play(self, _data: Any) -> Reply:
        return self._set_playing(True)

    @handler("pause")
    def on_pause(self, _data: Any) -> Reply:
        return self._set_playing(False)

    def _set_playing(self, playing: bool) -> Reply:
        session = self._session()
        session.playing = playing
        session.send_clock()
        # every event up to `seq` is on its way (a burst being sent goes on after a pause)
        return {"ok": True, "playing": playing, "seq": len(session.timeline.events)}

    @handler("speed")
    def on_speed(self, data: Any) -> Reply:
        speed = parse(SpeedIn, data, "speed").speed
        session = self._session()
        session.speed = speed
        session.send_clock()
        return {"ok": True, "speed": speed}

    @handler("step")
    def on_step(self, _data: Any) -> Reply:
        session = self._session()
        count = session.step(self._pause)
        return {"ok": True, "events": count, "now": round(session.timeline.cluster.env.now, 6)}

    @handler("ack")
    def on_ack(self, data: Any) -> Reply:
        seq = parse(AckIn, data, "ack").seq
        if self.rooms.followed_by(request.sid) is not None:  # type: ignore[attr-defined]
            return {"ok": True}  # followers never hold the room's clock
        session = self._session()
        session.acked = min(seq, session.sent)
        return {"ok": True}

    # ---- fresh clusters ----------------------------------------------------------------------
    @handler("reset")
    def on_reset(self, data: Any) -> Reply:
        message = parse(ResetIn, data, "reset")
        session = self._session()
        nodes = message.nodes or session.timeline.nodes
        if len(nodes) > self.settings.max_nodes:
            raise BadRequest(f"reset: at most {self.settings.max_nodes} nodes, not {len(nodes)}")
        seed = session.timeline.seed if message.seed is None else message.seed
        try:
            session.reset(seed, nodes, TIMINGS[message.timings] if message.timings else None)
        except ValueError as error:
            raise BadRequest(f"reset: {error}") from None
        return {"ok": True, **session.reset_payload()}

    @handler("scenario")
    def on_scenario(self, data: Any) -> Reply:
        name = parse(ScenarioIn, data, "scenario").name
        scenario = find(self.settings.scenarios_dir, name)
        session = self._session()
        nodes = scenario.cluster.nodes if scenario.cluster else None
        # A lesson's text gives the upstream delays: it runs with them.
        session.reset(
            scenario.seed,
            nodes or default_nodes(),
            TIMINGS["default"],
            files=scenario.files,
            lesson=name,
        )
        return {
            "ok": True,
            "name": name,
            "title": scenario.title,
            "summary": scenario.summary,
            "seed": scenario.seed,
            "steps": steps_of(scenario),
            "files": scenario.files,
        }

    @handler("say")
    def on_say(self, data: Any) -> Reply:
        """A lesson the page runs tells its `say` step in the trace, as `podlife play` does:
        the text comes from the scenario file, never from the page."""
        message = parse(SayIn, data, "say")
        text = say_of(find(self.settings.scenarios_dir, message.scenario), message.step)
        session = self._session()
        session.act(ClusterCall("narrate", (text,)), None, self._pause)
        session.pump()
        return {"ok": True, "seq": len(session.timeline.events)}

    # ---- share and keep (docs/export.md) -------------------------------------------------------
    @handler("export")
    def on_export(self, data: Any) -> Reply:
        return self._look("export", data)

    @handler("import")
    def on_import(self, data: Any) -> Reply:
        text = parse(ImportIn, data, "import").content
        file = clusterfile.load(text, self.settings)
        session = self._session()
        session.restore(lambda: clusterfile.replayed(file, self.settings, self._pause), file.lesson)
        return {
            "ok": True,
            "seed": file.seed,
            "lesson": file.lesson,
            "events": len(session.timeline.events),
        }

    # ---- looking without touching --------------------------------------------------------------
    @handler("inspect")
    def on_inspect(self, data: Any) -> Reply:
        return self._look("inspect", data)

    @handler("etcd")
    def on_etcd(self, data: Any) -> Reply:
        return self._look("etcd", data)

    def _look(self, message: str, data: Any) -> Reply:
        """A read of the sender's cluster or of the room it follows, wherever that is held."""
        room = self.rooms.followed_by(request.sid)  # type: ignore[attr-defined]
        if isinstance(room, RemoteRoom):
            return self._ask(room, message, "look", message=message, data=data)
        return LOOKS[message](self._session(read=True), data)

    def _look_for_peer(self, args: dict[str, Any]) -> dict[str, Any]:
        room = self.rooms.get(args["code"])
        if room is None:
            raise PeerError(f"no class is using the code {display(args['code'])} any more")
        try:
            return LOOKS[args["message"]](room.session, args["data"])
        except REFUSALS as error:
            return {"ok": False, "error": str(error)}

    def _ask(self, room: RemoteRoom, what: str, op: str, **args: Any) -> Reply:
        """`op` asked of the process holding the room; `what` names the refusal."""
        assert self.rooms.peers is not None
        try:
            return self.rooms.peers.call(room.host, op, code=room.code, **args)
        except PeerError as error:
            raise BadRequest(f"{what}: {error}") from None

    # ---- rooms (web/rooms.py) ------------------------------------------------------------------
    @handler("present")
    def on_present(self, _data: Any) -> Reply:
        room = self.rooms.present(self._session())
        return {"ok": True, **self.rooms.presenter_reply(room)}

    @handler("unpresent")
    def on_unpresent(self, _data: Any) -> Reply:
        self.rooms.unpresent(self._session())
        return {"ok": True}

    @handler("follow")
    def on_follow(self, data: Any) -> Reply:
        code = parse(FollowIn, data, "follow").code
        if self.rooms.get(code) is None and self.rooms.where(code) is None:
            # kept from before a restart (or its process died)? its session brings it
            self.registry.find(self.rooms.kept(code), self._pause)
        room = self.rooms.find(code)
        sid = request.sid  # type: ignore[attr-defined]
        if isinstance(room, RemoteRoom):  # held by another process (docs/scale-out.md)
            answer = self.rooms.follow_elsewhere(sid, room)
            self.registry.disconnect(sid)
            return {"ok": True, **answer}
        if room.session.sid == sid:
            raise BadRequest(f"this tab presents {display(room.code)}; it cannot follow itself")
        # After the reply, as after `hello`: reset, history, clock, view (to this tab only)
        self.rooms.follow(sid, room)
        self.registry.disconnect(sid)  # its own session waits, detached, for its idle limit
        return {"ok": True, **room.summary(), **room.session.follow_payload()}

    @handler("unfollow")
    def on_unfollow(self, _data: Any) -> Reply:
        self.rooms.leave(request.sid)  # type: ignore[attr-defined]
        return {"ok": True}

    @handler("view")
    def on_view(self, data: Any) -> Reply:
        view = parse(ViewIn, data, "view").model_dump()
        room = self.rooms.presented(self._session())
        if room is None:
            raise BadRequest("view: this tab is not presenting a room")
        size = len(json.dumps(view, ensure_ascii=False).encode())
        if size > self.settings.max_view_bytes:
            raise BadRequest(
                f"view: {size} bytes; at most {self.settings.max_view_bytes} are relayed"
            )
        self.rooms.set_view(room, view)
        return {"ok": True}

    @handler("fork-room")
    def on_fork_room(self, data: Any) -> Reply:
        """A private copy of the room's cluster at the follower's cursor: replayed (yielding,
        while the room runs on) from the room's inputs into a new session of the sender's."""
        at_seq = parse(ForkRoomIn, data, "fork-room").at_seq
        sid = request.sid  # type: ignore[attr-defined]
        room = self.rooms.followed_by(sid)
        if room is None:
            raise BadRequest("fork-room: this tab follows no room")
        if sid in self.forking:  # a second press during the replay: one sandbox, not two
            raise BadRequest("fork-room: your copy is being made; it opens in a moment")
        self.forking.add(sid)
        try:
            return self._fork(sid, room, at_seq)
        finally:
            self.forking.discard(sid)

    def _fork(self, sid: str, room: Room | RemoteRoom, at_seq: int) -> Reply:
        if isinstance(room, RemoteRoom):
            timeline, lesson, speed = self._copy_of(room)
        else:
            room.session.check_ready()
            # kept: a reset of the room meanwhile does not matter
            timeline, lesson, speed = room.session.timeline, room.session.lesson, room.session.speed
        at_seq = min(at_seq, len(timeline.events))
        fork = self.registry.create(
            timeline.seed,
            address=request.remote_addr or "",
            build=lambda: timeline.rebuilt(at_seq, self._pause),
            route=route_of_connection(),
        )
        fork.lesson = lesson
        if not self.io.server.manager.is_connected(sid, "/"):
            self.registry.free(fork)  # the tab went away during the replay
            return {"ok": False, "error": "fork-room: the page disconnected"}
        fork.speed = speed
        self.rooms.leave(sid)
        self.registry.attach(sid, fork)
        self.io.start_background_task(fork.resync)
        log.info(
            "session %s forked from room %s at event %d", fork.label, display(room.code), at_seq
        )
        return {"ok": True, "session": fork.id, "seq": len(fork.timeline.events)}

    def _copy_of(self, room: RemoteRoom) -> tuple[Timeline, str | None, float]:
        """The cluster of a room held by another process, replayed here from its export."""
        reply = self._ask(room, "fork-room", "look", message="export", data=None)
        if not reply.get("ok"):
            raise BadRequest(f"fork-room: {reply.get('error')}")
        file = clusterfile.load(reply["content"], self.settings)
        speed = float(reply.get("speed", 1.0))
        return clusterfile.replayed(file, self.settings, self._pause), file.lesson, speed

    # ---- helpers -----------------------------------------------------------------------------
    def _session(self, read: bool = False) -> Session:
        """The sender's session; `read`: a follower's is the room's, to look at."""
        sid = request.sid  # type: ignore[attr-defined]
        room = self.rooms.followed_by(sid)
        if read and isinstance(room, Room):
            return room.session
        session = self.registry.of(sid)
        if session is None:
            raise BadRequest("no session yet: send hello first")
        if session.sid != sid:
            raise BadRequest("this cluster is now open in another tab")
        return session

    def _pause(self) -> None:
        let_others_run()


def route_of_connection() -> str:
    """The page's routing key, from its connection's address (`?route=`): a new session's id
    begins with it (docs/scale-out.md)."""
    route = request.args.get("route", "")
    return route if ROUTE.fullmatch(route) else ""


# ---- what a follower may look at, here or for another process (web/peers.py) -----------------
def _inspect(session: Session, data: Any) -> Reply:
    message = parse(InspectIn, data, "inspect")
    cluster = session.timeline.cluster
    return {"ok": True, **views.inspect(cluster, message.kind, message.namespace, message.name)}


def _etcd(session: Session, data: Any) -> Reply:
    message = parse(EtcdIn, data, "etcd")
    etcd = session.timeline.cluster.etcd
    if message.key is None:
        return {"ok": True, **views.etcd_keys(etcd)}
    return {"ok": True, **views.etcd_value(etcd, message.key, message.revision)}


def _export(session: Session, _data: Any) -> Reply:
    session.check_ready()
    content = clusterfile.export(session.timeline, session.lesson)
    return {
        "ok": True,
        "name": clusterfile.file_name(session.timeline.seed),
        "content": json.dumps(content, indent=1),
        "events": content["events"],
        "speed": session.speed,  # the pace it plays at: a fork elsewhere plays at it too
    }


LOOKS: dict[str, Callable[[Session, Any], Reply]] = {
    "inspect": _inspect,
    "etcd": _etcd,
    "export": _export,
}
