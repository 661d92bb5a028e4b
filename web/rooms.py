"""Rooms: a presenter's session that a class follows live (docs/protocol.md, "Rooms").

A room is a session with a join code; its followers are Socket.IO connections in the Socket.IO
room `room:<CODE>`, which the session's messages go to as well as to its tab (Session.send).
Fan-out is Socket.IO's, never a loop over connections here: with a message queue (Redis), a
follower on another process gets the same messages. What this module keeps is bookkeeping:
codes and secrets, who follows what (for the count, the limits and the refusals), the
presenter's latest `view`, and who may drive.

A message to a room costs a frame per follower (some 60 µs of server CPU each), so the room
is sent at most one message every `room_send_every` seconds: the first at once, what comes
sooner waits and goes out merged with what follows it (consecutive `events` in one message,
the latest of consecutive `clock`s or `view`s).

With a message queue (docs/scale-out.md) the room lives in the presenter's process and its
followers may be connected to any: a follower elsewhere is a `RemoteRoom` there, and what it
asks of the room (to follow, to look, to fork) goes to the room's process as a question over
web/peers.py; that process counts it among `Room.remote`.

A room outlives a restart (docs/persistence.md, "Rooms"): its code and secret are kept with
the presenter's session (web/keeper.py) from `present` to `unpresent`, and the session, when
it comes back (a follower's `follow` with the code, the presenter's `hello`), opens it again.
"""

from __future__ import annotations

import functools
import html
import io
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import segno
from flask_socketio import SocketIO
from gevent.lock import RLock

from engine import Timeline
from web.addresses import kubeconfig_base_url
from web.config import Settings
from web.logs import Throttle
from web.peers import PeerError, Peers
from web.sessions import Session
from web.store import Saved

if TYPE_CHECKING:
    from web.keeper import Keeper

log = logging.getLogger("podlife.rooms")

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no look-alikes: no I, L, O, 0, 1
CODE_LENGTH = 6
COUNT_EVERY = 0.25  # the presenter hears the follower count at most 4 times a second


class RoomError(Exception):
    """A room message refused; str() is the sentence for the page."""


def read_code(text: str) -> str:
    """A typed code as the server keys it: case-insensitive, spaces and dashes ignored."""
    return "".join(text.split()).replace("-", "").upper()


def display(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def refusal(code: str) -> str:
    return (
        f"only the presenter drives this room ({display(code)}); "
        'press "Fork to my sandbox" to experiment on a copy'
    )


@dataclass(eq=False)
class Room:
    code: str
    secret: str
    session: Session
    followers: set[str] = field(default_factory=set)  # this process's follower connections
    remote: dict[str, str] = field(default_factory=dict)  # followers elsewhere -> their process
    joining: list[str] = field(default_factory=list)  # followers waiting for their catch-up
    pending: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # to send
    sending: bool = False  # a greenlet sends `pending`
    # The history's full messages as late joiners are sent them, dumped once (of `dumped_of`)
    dumped: list[list[dict[str, Any]]] = field(default_factory=list)
    dumped_of: Timeline | None = None
    view: dict[str, Any] | None = None  # the presenter's latest, as followers are sent it
    counted_at: float = 0.0  # when the presenter was last sent the follower count
    count_due: bool = False  # a count is scheduled
    # Held while sending to the room: through a message queue an emit yields, and no event
    # may reach the room between a catch-up's history and its joiners entering the room
    lock: RLock = field(default_factory=RLock)

    @property
    def name(self) -> str:
        return f"room:{self.code}"

    def count(self) -> int:
        return len(self.followers) + len(self.remote)

    def summary(self) -> dict[str, Any]:
        return {"code": self.code, "display": display(self.code), "followers": self.count()}


@dataclass(eq=False)
class RemoteRoom:
    """A room another process holds (docs/scale-out.md), as its followers here know it."""

    code: str
    host: str  # the process (web/peers.py)

    @property
    def name(self) -> str:
        return f"room:{self.code}"


Followed = Room | RemoteRoom


class Rooms:
    def __init__(
        self,
        settings: Settings,
        socketio: SocketIO,
        keeper: Keeper | None,
        peers: Peers | None = None,
    ) -> None:
        self.settings = settings
        self.io = socketio
        self.keeper = keeper  # keeps rooms across restarts; None: not kept
        self.peers = peers  # the other processes (docs/scale-out.md); None: there are none
        self.by_code: dict[str, Room] = {}
        self.by_session: dict[str, Room] = {}  # presenter's session id -> its room
        self.following: dict[str, Followed] = {}  # follower connection -> the room it follows
        self.asks: dict[str, int] = {}  # session id -> its `present`s and `unpresent`s so far
        self.stopping = False
        self.refusals_logged = Throttle(settings.log_repeat_seconds)  # a minute
        if peers is not None:
            peers.rooms = lambda: list(self.by_code)
            peers.serve("follow", self._follow_from_peer)
            peers.serve("unfollow", self._unfollow_from_peer)
            peers.serve("closed", self._closed_elsewhere)
            peers.serve("moved", self._moved)
            peers.on_beat.append(self._forget_dead_processes)

    # ---- presenting --------------------------------------------------------------------------
    def present(self, session: Session) -> Room:
        """The session's room, made now unless it has one."""
        asked = self.asks[session.id] = self.asks.get(session.id, 0) + 1
        code = self._new_code()  # (it asks the database: other messages are handled meanwhile)
        if self.asks.get(session.id) != asked:  # `unpresent` (or another `present`) meanwhile
            raise RoomError("presenting was stopped (or asked again) while the room was opened")
        room = self.by_session.get(session.id)
        if room is not None:
            return room
        self._check_limit()
        room = self._open(session, code, secrets.token_urlsafe(16))
        log.info("session %s presents room %s", session.label, display(code))
        if self.keeper is not None:
            self.keeper.keep_room(session, room.code, room.secret)
        return room

    def _check_limit(self) -> None:
        if len(self.by_code) >= self.settings.max_rooms:
            raise RoomError(
                f"this server already has {len(self.by_code)} rooms, the most it runs at once "
                "(max_rooms); stop presenting one first"
            )

    def _open(self, session: Session, code: str, secret: str) -> Room:
        room = Room(code, secret, session)
        self.by_code[code] = self.by_session[session.id] = room
        session.room = functools.partial(self._send, room)
        if self.peers is not None:
            self.peers.announce(code)
        return room

    def _new_code(self) -> str:
        """A code no room has, here or kept (a room from before a restart may come back)."""
        while True:
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            kept = self.keeper is not None and self.keeper.room_session(code) is not None
            elsewhere = self.peers is not None and self.peers.room_host(code) is not None
            if code not in self.by_code and not kept and not elsewhere:
                return code

    def restored(self, session: Session, saved: Saved) -> None:
        """A kept session came back (web/keeper.py): its room, if it was presented, opens again
        with the same code and secret; its followers come back as they reconnect."""
        if saved.room is None:
            return
        code, secret = saved.room
        try:
            self._check_limit()
        except RoomError as error:
            log.warning("room %s is not opened again: %s", display(code), error)
            return
        if code in self.by_code:  # (a code is never given twice: see _new_code)
            return
        room = self._open(session, code, secret)
        room.view = saved.view  # where the presenter was: joiners are shown it until it moves
        # The replayed events are what the room was sent before: followers catch up on them
        # as history (_history), never as live events pumped to the room
        session.sent = len(session.timeline.events)
        log.info("session %s presents room %s again (kept)", session.label, display(code))
        if self.peers is not None:
            self._gather(room)

    def _gather(self, room: Room) -> None:
        """A room restored here (its process died, or handed it over: docs/scale-out.md):
        its followers, wherever they are, follow it here, caught up from here."""
        assert self.peers is not None
        for sid, followed in list(self.following.items()):
            if isinstance(followed, RemoteRoom) and followed.code == room.code:
                del self.following[sid]
                try:
                    self.follow(sid, room)
                except RoomError as error:  # full: the follower keeps what it has
                    log.warning("a follower could not follow room %s here: %s", room.code, error)
        try:
            self.peers.tell_all("moved", code=room.code)
        except PeerError as error:
            log.warning("room %s: the other processes were not told: %s", room.code, error)

    def _moved(self, args: dict[str, Any]) -> dict[str, Any]:
        """Room `code` is held by process `from` now: its followers here follow it there."""
        moved = RemoteRoom(args["code"], args["from"])
        for sid, followed in list(self.following.items()):
            if isinstance(followed, RemoteRoom) and followed.code == moved.code:
                del self.following[sid]
                self.io.start_background_task(self._follow_again, sid, moved)
        return {}

    def kept(self, text: str) -> str | None:
        """The id of the session kept as presented as the code `text`, if any."""
        return self.keeper.room_session(read_code(text)) if self.keeper is not None else None

    def unpresent(self, session: Session) -> None:
        """`unpresent`: the session's room closes and is kept no more; a `present` of it still
        opening its room gives up."""
        self.asks[session.id] = self.asks.get(session.id, 0) + 1
        room = self.by_session.get(session.id)
        if room is None:
            return
        self.close(room, "the presenter stopped presenting")
        if self.keeper is not None:
            self.keeper.drop_room(room.code)

    def presented(self, session: Session | None) -> Room | None:
        return self.by_session.get(session.id) if session is not None else None

    def owned(self, session: Session, presenter: dict[str, str] | None) -> Room | None:
        """The session's room when `presenter` ({code, secret}, from `hello`) proves it."""
        room = self.by_session.get(session.id)
        if room is None or presenter is None:
            return None
        code, secret = read_code(presenter.get("code", "")), presenter.get("secret", "")
        if code == room.code and secrets.compare_digest(secret.encode(), room.secret.encode()):
            return room
        return None

    def url(self, room: Room) -> str:
        return f"{kubeconfig_base_url(self.settings)}/join/{room.code}"

    def presenter_reply(self, room: Room) -> dict[str, Any]:
        """What `present` answers (and `hello` for a presenter coming back)."""
        url = self.url(room)
        return {**room.summary(), "url": url, "secret": room.secret, "qr_svg": qr_svg(url)}

    def close(self, room: Room, reason: str) -> None:
        """Followers get `room-closed` and are left with what they have."""
        if self.by_code.get(room.code) is not room:
            return
        self._flush(room)
        del self.by_code[room.code]
        self.by_session.pop(room.session.id, None)
        room.session.room = None
        self.io.emit("room-closed", {"code": room.code, "reason": reason}, to=room.name)
        self.io.close_room(room.name)
        for sid in room.followers:
            self.following.pop(sid, None)
        if self.peers is not None:
            self._tell_peers(room.code)
        log.info("room %s closed (%s)", display(room.code), reason)

    def _tell_peers(self, code: str) -> None:
        assert self.peers is not None
        try:
            self.peers.withdraw(code)
            self.peers.tell_all("closed", code=code)
        except PeerError as error:
            log.warning("room %s: the other processes were not told: %s", display(code), error)

    def release(self, session: Session, host: str) -> None:
        """Another process (`host`) took the session over (web/peers.py, docs/scale-out.md):
        its room is forgotten here without a word to the followers, who follow it there."""
        room = self.by_session.pop(session.id, None)
        if room is None:
            return
        del self.by_code[room.code]
        session.room = None
        moved = RemoteRoom(room.code, host)
        for sid in room.followers:
            self.following.pop(sid, None)
            self.io.start_background_task(self._follow_again, sid, moved)
        log.info("room %s is held by process %s now", display(room.code), host)

    def session_freed(self, session: Session) -> None:
        self.asks.pop(session.id, None)
        room = self.by_session.get(session.id)
        if room is None:
            return
        if self.stopping:  # kept, to come back after the restart or in another process
            self.by_code.pop(room.code, None)
            self.by_session.pop(session.id, None)
            return
        self.close(room, "the presenter's cluster was closed")

    def stop(self) -> None:
        """The server is stopping: its rooms are not closed (followers elsewhere would be told
        the class ended), only dropped from memory; they come back with their sessions."""
        self.stopping = True

    # ---- following ---------------------------------------------------------------------------
    def get(self, text: str) -> Room | None:
        return self.by_code.get(read_code(text))

    def find(self, text: str) -> Followed:
        """The room of the code, here or, with other processes, where it is."""
        code = read_code(text)
        room = self.by_code.get(code)
        if room is not None:
            return room
        host = self.peers.room_host(code) if self.peers is not None else None
        if host is None:
            raise RoomError(
                f"no class is using the code {display(code)} on this server; "
                "check the code on the projector"
            )
        return RemoteRoom(code, host)

    def where(self, text: str) -> str | None:
        """The process holding room `text` when another one does (docs/scale-out.md)."""
        return self.peers.room_host(read_code(text)) if self.peers is not None else None

    def follow(self, sid: str, room: Room) -> None:
        """Count `sid` as a follower; its catch-up (after the reply) puts it in the room."""
        if self.following.get(sid) is room:
            return
        self._check_room_for(room)
        self.leave(sid)
        room.followers.add(sid)
        self.following[sid] = room
        self._join(room, sid)

    def _check_room_for(self, room: Room) -> None:
        if room.count() >= self.settings.max_followers_per_room:
            raise RoomError(
                f"the class {display(room.code)} is full: {room.count()} follow it, the "
                "most one room takes on this server (max_followers_per_room)"
            )

    def _join(self, room: Room, sid: str) -> None:
        self._count_changed(room)
        room.joining.append(sid)
        if len(room.joining) == 1:
            self.io.start_background_task(self._catch_up, room)

    def follow_elsewhere(self, sid: str, room: RemoteRoom) -> dict[str, Any]:
        """Follow a room another process holds: it counts `sid` and sends the catch-up to it
        through the message queue; its answer is `follow`'s reply."""
        assert self.peers is not None
        try:
            answer = self.peers.call(room.host, "follow", code=room.code, sid=sid)
        except PeerError as error:
            raise RoomError(f"cannot follow {display(room.code)}: {error}") from None
        self.leave(sid)
        self.following[sid] = room
        return answer

    def _follow_again(self, sid: str, room: RemoteRoom) -> None:
        try:
            self.follow_elsewhere(sid, room)
        except RoomError as error:
            log.warning("a follower could not follow again where its room went: %s", error)

    def _follow_from_peer(self, args: dict[str, Any]) -> dict[str, Any]:
        room = self.by_code.get(args["code"])
        if room is None:
            raise PeerError(f"no class is using the code {display(args['code'])} any more")
        sid = args["sid"]
        if sid not in room.remote:
            try:
                self._check_room_for(room)
            except RoomError as error:
                raise PeerError(str(error)) from None
            room.remote[sid] = args["from"]
            self._join(room, sid)
        return {**room.summary(), **room.session.follow_payload()}

    def _unfollow_from_peer(self, args: dict[str, Any]) -> dict[str, Any]:
        room = self.by_code.get(args["code"])
        if room is not None and room.remote.pop(args["sid"], None) is not None:
            self._count_changed(room)
        return {}

    def _closed_elsewhere(self, args: dict[str, Any]) -> dict[str, Any]:
        for sid, room in list(self.following.items()):
            if isinstance(room, RemoteRoom) and room.code == args["code"]:
                del self.following[sid]
        return {}

    def _forget_dead_processes(self) -> None:
        """Followers connected to a process that stopped answering are counted no more."""
        assert self.peers is not None
        for room in list(self.by_code.values()):
            if not room.remote:
                continue
            alive = self.peers.alive(set(room.remote.values()))
            gone = [sid for sid, host in room.remote.items() if host not in alive]
            for sid in gone:
                del room.remote[sid]
            if gone:
                self._count_changed(room)

    def _catch_up(self, room: Room) -> None:
        """Late joiners get, to themselves alone, the cluster and every event the room was
        sent, then the clock and the latest view; what comes next reaches them through the
        room. Those who joined meanwhile (a class typing the code at once) share one copy,
        encoded once, through a Socket.IO room of their own. The room's lock is held, so no
        event falls between the history and the room."""
        with room.lock:
            self._catch_up_locked(room)

    def _catch_up_locked(self, room: Room) -> None:
        joiners = [
            sid
            for sid in dict.fromkeys(room.joining)
            if self.following.get(sid) is room or sid in room.remote
        ]
        room.joining = []
        if not joiners:
            return  # they left (or disconnected) before this ran
        # All taken at this one instant, before the first emit: the history is what the room
        # was handed so far, sent or pending. Through a message queue an emit yields, and what
        # the cluster hands the room meanwhile waits in `pending` until the joiners are in it.
        session = room.session
        pending, room.pending = room.pending, []
        cluster, clock = session.cluster_payload(), session.clock_payload()
        history, now = self._history(room), round(session.timeline.cluster.env.now, 6)
        for message, payload in pending:  # to the room, before the joiners are in it
            self.io.emit(message, payload, to=room.name)
        group = f"{room.name}:joining:{secrets.token_hex(4)}"
        for sid in joiners:
            self.io.server.enter_room(sid, group)
        self.io.emit("reset", cluster, to=group)
        for batch in history:
            self.io.emit("events", {"events": batch, "now": now, "history": True}, to=group)
        self.io.emit("clock", clock, to=group)
        if room.view is not None:
            self.io.emit("view", room.view, to=group)
        self.io.close_room(group)
        for sid in joiners:
            self.io.server.enter_room(sid, room.name)

    def _history(self, room: Room) -> list[list[dict[str, Any]]]:
        """What the room was sent so far, in messages of `events_per_message`; the full ones
        are kept (dumping an event costs more than encoding it), the last is dumped now."""
        timeline, size = room.session.timeline, self.settings.events_per_message
        if room.dumped_of is not timeline:  # a new cluster, or a fork: nothing kept holds
            room.dumped, room.dumped_of = [], timeline
        events = timeline.events[: room.session.sent]
        while (len(room.dumped) + 1) * size <= len(events):
            start = len(room.dumped) * size
            room.dumped.append([e.model_dump(mode="json") for e in events[start : start + size]])
        rest = [e.model_dump(mode="json") for e in events[len(room.dumped) * size :]]
        return [*room.dumped, rest] if rest else room.dumped

    def followed_by(self, sid: str) -> Followed | None:
        return self.following.get(sid)

    def leave(self, sid: str) -> None:
        room = self.following.pop(sid, None)
        if room is None:
            return
        self.io.server.leave_room(sid, room.name)
        if isinstance(room, Room):
            room.followers.discard(sid)
            self._count_changed(room)
            return
        assert self.peers is not None
        try:
            self.peers.tell(room.host, "unfollow", code=room.code, sid=sid)
        except PeerError as error:  # its process forgets it with this one's heartbeat
            log.warning("room %s was not told of a follower leaving: %s", room.code, error)

    def refuse(self, sid: str, room: Followed, message: str) -> str:
        """The words for a follower's driving message, logged once per connection a minute."""
        if self.refusals_logged.admit(sid) is not None:
            log.info(
                "a follower of room %s sent %s: refused, only the presenter drives "
                "(logged once a minute per connection)",
                display(room.code),
                message,
            )
        return refusal(room.code)

    # ---- sending to the followers ------------------------------------------------------------
    def _send(self, room: Room, message: str, payload: dict[str, Any]) -> None:
        """Session.send's way to the followers: queued, merged, sent by `_sender`."""
        last = room.pending[-1] if room.pending else None
        if last is not None and message == last[0] and message in ("clock", "view"):
            room.pending[-1] = (message, payload)  # only the latest matters
        elif (
            last is not None
            and message == last[0] == "events"
            and payload.get("history") == last[1].get("history")
            and len(last[1]["events"]) + len(payload["events"]) <= self.settings.events_per_message
        ):
            room.pending[-1] = (
                message,
                {**payload, "events": last[1]["events"] + payload["events"]},
            )
        else:
            room.pending.append((message, payload))
        if not room.sending:
            room.sending = True
            self.io.start_background_task(self._sender, room)

    def _sender(self, room: Room) -> None:
        while room.pending and self.by_code.get(room.code) is room:
            self._flush(room)
            self.io.sleep(self.settings.room_send_every)
        room.sending = False

    def _flush(self, room: Room) -> None:
        with room.lock:
            pending, room.pending = room.pending, []
            for message, payload in pending:
                self.io.emit(message, payload, to=room.name)

    # ---- what the presenter's page shows -----------------------------------------------------
    def set_view(self, room: Room, view: dict[str, Any]) -> None:
        room.view = {"code": room.code, **view}
        self._send(room, "view", room.view)
        if self.keeper is not None:
            self.keeper.keep_view(room.code, room.view)

    def _count_changed(self, room: Room) -> None:
        """Tell the presenter's tab the count now, or once the debounce allows."""
        if room.count_due:
            return
        wait = room.counted_at + COUNT_EVERY - time.monotonic()
        if wait <= 0:
            self._send_count(room)
            return
        room.count_due = True

        def later() -> None:
            self.io.sleep(wait)
            room.count_due = False
            self._send_count(room)

        self.io.start_background_task(later)

    def _send_count(self, room: Room) -> None:
        if self.by_code.get(room.code) is not room:
            return
        room.counted_at = time.monotonic()
        room.session.send("room", room.summary(), room=False)


def qr_svg(url: str) -> str:
    """The join URL as a QR code: an SVG document labelled for screen readers, dark on white
    (a projector's dark theme must not swallow it)."""
    label = f"QR code: {url}"
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", xmldecl=False, scale=8, border=4, light="#fff", title=label, nl=False
    )
    svg = out.getvalue().decode()
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" ', 1)
