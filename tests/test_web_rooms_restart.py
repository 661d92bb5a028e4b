"""A room survives a server restart (docs/persistence.md, "Rooms"), with real processes:
`app.py --port P --data-dir D`, a presenter and two followers over real Socket.IO clients.
After a SIGTERM the followers `follow` the same code again and catch up on the same history,
event for event; the presenter's `hello` with its secret gets the same room back, the follower
count starting again from 0. After a SIGKILL the presenter comes back first. A room stopped
(`unpresent`) is not kept. First the database's side (web/store.py) on its own."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from tests.processkit import Client, Server, in_step, server, wait_for
from tests.test_web_support import DEPLOYMENT, Page, make_app
from web import registry_of
from web.store import FILE, MIGRATIONS, SCHEMA, TABLES, Change, Saved, Store

__all__ = ["server"]  # the fixture, from tests/processkit.py


# ---- the database ------------------------------------------------------------------------------
def saved(session_id: str) -> Saved:
    position = {"steps": 5, "now": 1.5, "events": 3, "last": "x"}
    return Saved(session_id, f"c-{session_id}", {"seed": 1}, position, 1.0, 1.0, False, ["i0"])


def test_the_store_keeps_a_room_with_its_session_until_it_is_dropped(tmp_path: Path) -> None:
    store = Store(tmp_path / FILE)
    store.write([Change(saved("a"), 0), Change(saved("b"), 0), Change(saved("c"), 0)])
    store.keep_room("ABCDEF", "secret-a", "a")
    store.keep_room("GHJKMN", "secret-b", "b")
    store.keep_room("PQRSTU", "secret-c", "c")
    store.keep_room("VWXYZ2", "secret-c2", "c")  # presented anew: the code before goes
    store.write([], {"ABCDEF": '{"code": "ABCDEF", "seq": 7, "story": true}'})
    store.close()

    store = Store(tmp_path / FILE)
    assert store.load("a").room == ("ABCDEF", "secret-a")  # type: ignore[union-attr]
    assert store.load("a").view == {"code": "ABCDEF", "seq": 7, "story": True}  # type: ignore[union-attr]
    assert store.load("b").view is None  # type: ignore[union-attr]
    assert store.room_session("ABCDEF") == "a" and store.room_session("PQRSTU") is None
    assert store.room_session("VWXYZ2") == "c"
    store.drop_room("ABCDEF")  # unpresent
    assert store.load("a").room is None and store.room_session("ABCDEF") is None  # type: ignore[union-attr]
    assert store.prune(used_before=2.0, max_bytes=10**9)  # the sessions, and their rooms
    assert store.room_session("GHJKMN") is None and store.room_session("VWXYZ2") is None


@pytest.mark.parametrize("version", [1, 2])
def test_a_database_of_a_format_before_is_brought_up_to_date_keeping_its_sessions(
    tmp_path: Path, version: int
) -> None:
    """Format 1 had no rooms; format 2 had rooms without their views."""
    assert SCHEMA == 3 and set(MIGRATIONS) == {1, 2}
    db = sqlite3.connect(tmp_path / FILE)
    db.executescript(TABLES[: TABLES.index("CREATE TABLE rooms")])  # format 1
    db.execute("INSERT INTO sessions VALUES ('a', 'c-a', '{}', '{}', 1.0, 1.0, 0)")
    if version == 2:
        db.execute(MIGRATIONS[1])
        db.execute("INSERT INTO rooms VALUES ('ABCDEF', 's', 'a')")
    db.execute(f"PRAGMA user_version={version}")
    db.commit()
    db.close()
    store = Store(tmp_path / FILE)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA
    assert store.count() == 1 and not list(tmp_path.glob(f"{FILE}.unreadable-*"))
    if version == 1:
        store.keep_room("ABCDEF", "s", "a")
    assert store.load("a").room == ("ABCDEF", "s")  # type: ignore[union-attr]
    assert store.load("a").view is None  # type: ignore[union-attr]
    store.write([], {"ABCDEF": '{"seq": 1}'})
    assert store.load("a").view == {"seq": 1}  # type: ignore[union-attr]


def test_a_room_freed_with_its_idle_session_comes_back_with_its_code(tmp_path: Path) -> None:
    app = make_app(keep_days=7.0, data_dir=tmp_path, save_seconds=0.01, idle_seconds=0.05)
    registry = registry_of(app)
    try:
        teacher = Page(app)
        teacher.hello(paused=True)
        room = teacher.request("present")
        session_id = teacher.session_id
        teacher.client.disconnect()
        deadline = time.monotonic() + 5
        while session_id in registry.sessions:
            assert time.monotonic() < deadline
            teacher.io.sleep(0.01)
        student = Page(app)
        reply = student.request("follow", {"code": room["code"]})
        assert reply["ok"] and reply["code"] == room["code"], reply
        assert session_id in registry.sessions  # restored with its room
        back = Page(app).hello(session=session_id, presenter={"code": room["code"], "secret": "x"})
        assert not back["ok"]  # the wrong secret: the room is still the presenter's
    finally:
        registry.shutdown()


# ---- real server processes ---------------------------------------------------------------------
def presenter_hello(server: Server, session: str, room: dict[str, Any]) -> Client:
    presenter = Client(server, acks=True)
    mine = {"code": room["code"], "secret": room["secret"]}
    reply = presenter.ok("hello", {"session": session, "presenter": mine})
    assert reply["session"] == session
    assert reply["room"] is not None, "the presenter's room was not kept"
    assert (reply["room"]["code"], reply["room"]["secret"]) == (room["code"], room["secret"])
    assert reply["room"]["url"] == room["url"] and reply["room"]["qr_svg"] == room["qr_svg"]
    presenter.hello = reply  # type: ignore[attr-defined]
    return presenter


def test_a_room_survives_a_restart_with_its_code_secret_and_history(server: Server) -> None:
    presenter = Client(server, acks=True)
    session = presenter.ok("hello", {"session": None})["session"]
    presenter.ok("speed", {"speed": 100})
    assert presenter.ok("apply", {"yaml": DEPLOYMENT})["exit_code"] == 0
    room = presenter.ok("present")
    followers = [Client(server, acks=False) for _ in range(2)]
    for follower in followers:
        follower.ok("follow", {"code": room["display"].lower()})  # as typed
    wait_for(lambda: any(p["followers"] == 2 for p in presenter.rooms), "two followers counted")
    presenter.pause()
    view = {"seq": 40, "story": True, "detail": "pod/web", "pointer": {"x": 0.25, "y": 0.5}}
    presenter.ok("view", view)
    shown = {"code": room["code"], **view}  # what the followers are sent
    for follower in followers:
        in_step(follower, presenter)
        assert wait_for(lambda f=follower: f.views, "the view")[-1] == shown
    before = list(presenter.events)
    assert len(before) > 50
    for client in (presenter, *followers):
        client.client.disconnect()

    server.stop(signal.SIGTERM)
    server.start()

    # The followers' pages follow the same code again: the session comes back with its room
    followers = [Client(server, acks=False) for _ in range(2)]
    for follower in followers:
        reply = follower.ok("follow", {"code": room["code"]})
        assert (reply["code"], reply["display"]) == (room["code"], room["display"])
    for follower in followers:
        after = wait_for(lambda f=follower: len(f.events) >= len(before) and f.events, "history")
        assert after[: len(before)] == before  # every event, as before the restart
        # and where the presenter was, before its page is back to say so
        assert wait_for(lambda f=follower: f.views, "the view")[-1] == shown
    # The presenter's tab, with its secret, presents the same room; the count rose from 0
    presenter = presenter_hello(server, session, room)
    assert presenter.hello["room"]["followers"] == 2  # type: ignore[attr-defined]
    # Without the secret, the presented cluster is not anyone's to open
    intruder = Client(server, acks=True)
    refused = intruder.call("hello", {"session": session})
    assert not refused["ok"] and room["display"] in refused["error"]
    presenter.ok("pause")
    for client in (presenter, *followers, intruder):
        client.client.disconnect()

    # A SIGKILL: the presenter comes back first, then a follower.
    server.stop(signal.SIGKILL)
    server.start()
    presenter = presenter_hello(server, session, room)
    assert presenter.hello["room"]["followers"] == 0  # type: ignore[attr-defined]
    follower = Client(server, acks=False)
    assert follower.ok("follow", {"code": room["code"]})["followers"] == 1
    wait_for(lambda: follower.events[: len(before)] == before, "the history after a SIGKILL")
    assert f"presents room {room['display']} again" in server.log()

    # Stopped presenting: the code is kept no more, after a restart as before it.
    presenter.ok("unpresent")
    for client in (presenter, follower):
        client.client.disconnect()
    server.stop(signal.SIGTERM)
    server.start()
    late = Client(server, acks=False)
    refused = late.call("follow", {"code": room["code"]})
    assert not refused["ok"] and "no class is using the code" in refused["error"]
    late.client.disconnect()
