"""Rooms (docs/protocol.md, "Rooms"): a presenter's cluster that followers watch live, through
Flask-SocketIO's real test client, whose connections are real Socket.IO participants (rooms
included)."""

from __future__ import annotations

import logging
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gevent
import pytest
import socketio
from flask import Flask

from engine.timeline import REPLAY_CHUNK
from tests import test_web_server
from tests.test_web_support import Page, make_app, pod
from web import registry_of, socketio_of
from web.bench import DEPLOYMENT
from web.rooms import ALPHABET, Rooms, display, read_code

server = test_web_server.server  # a real server process (`python app.py`) and its log

REFUSAL = (
    'only the presenter drives this room ({}); press "Fork to my sandbox" to experiment on a copy'
)


@pytest.fixture
def app() -> Iterator[Flask]:
    app = make_app()
    yield app
    registry_of(app).shutdown()


def rooms_of(app: Flask) -> Rooms:
    rooms: Rooms = app.extensions["podlife.rooms"]
    return rooms


def presenting(app: Flask) -> tuple[Page, dict[str, Any]]:
    presenter = Page(app)
    presenter.hello(paused=True)
    reply = presenter.request("present")
    assert reply["ok"], reply
    return presenter, reply


def following(app: Flask, code: str) -> tuple[Page, dict[str, Any]]:
    follower = Page(app)
    reply = follower.request("follow", {"code": code})
    follower.pump()  # the catch-up comes after the reply
    return follower, reply


def followers(presenter: Page) -> int | None:
    counts = presenter.named("room")
    return counts[-1]["followers"] if counts else None


def test_present_gives_a_code_a_join_url_a_labelled_qr_code_and_a_secret(app: Flask) -> None:
    presenter, reply = presenting(app)
    code = reply["code"]
    assert len(code) == 6 and set(code) <= set(ALPHABET)
    assert reply["display"] == f"{code[:3]}-{code[3:]}"
    assert reply["url"] == f"http://localhost/join/{code}"  # the testing public URL
    assert len(reply["secret"]) >= 20 and reply["followers"] == 0
    svg = reply["qr_svg"]
    assert svg.startswith("<svg ") and 'role="img"' in svg
    assert f'aria-label="QR code: {reply["url"]}"' in svg
    assert f"<title>QR code: {reply['url']}</title>" in svg
    assert presenter.request("present") == reply  # already a room: the same one


def test_two_followers_get_every_event_in_order(app: Flask) -> None:
    presenter, room = presenting(app)
    first, joined = following(app, room["code"])
    second, _ = following(app, room["display"].lower())  # as typed: any case, a dash
    assert joined["ok"] and joined["code"] == room["code"] and joined["seed"] == 0
    assert [n["name"] for n in joined["nodes"]] == ["node-1", "node-2", "node-3"]

    assert presenter.request("apply", {"yaml": pod()})["exit_code"] == 0
    presenter.request("kubectl", {"line": "delete pod web"})
    for follower in (first, second):
        follower.pump()
        assert follower.events == presenter.events  # Page.collect asserts order, no gap
        assert len(follower.events) > 20
        # the commands' replies and output are the presenter's; followers see the trace
        assert not follower.named("kubectl-output")
        assert all("session" not in reset for reset in follower.named("reset"))


def test_a_late_joiner_catches_up_with_history_then_live(app: Flask) -> None:
    presenter, room = presenting(app)
    presenter.request("apply", {"yaml": pod()})
    presenter.request("view", {"seq": 5, "story": True, "detail": "pod/web", "pointer": None})
    late, _ = following(app, room["code"])
    assert [name for name, _ in late.messages[:2]] == ["reset", "events"]
    history = late.named("events")
    assert all(payload.get("history") for payload in history)
    assert late.events == presenter.events
    assert late.named("clock") and late.named("view")[-1]["detail"] == "pod/web"

    presenter.request("apply", {"yaml": pod("two")})
    late.pump()
    assert late.events == presenter.events
    assert not late.named("events")[-1].get("history")  # live, through the room


def test_a_class_joining_at_once_shares_one_catch_up(app: Flask) -> None:
    presenter, room = presenting(app)
    presenter.request("apply", {"yaml": pod()})
    pupils = [Page(app) for _ in range(3)]
    sent: list[str | list[str]] = []
    emit = socketio_of(app).emit

    def counted(message: str, payload: Any, to: Any = None, **kwargs: Any) -> None:
        sent.append(to)
        emit(message, payload, to=to, **kwargs)

    socketio_of(app).emit = counted  # type: ignore[method-assign]
    for pupil in pupils:  # all before the server's catch-up runs
        assert pupil.request("follow", {"code": room["code"]})["ok"]
    presenter.pump()
    for pupil in pupils:
        pupil.collect()
        assert pupil.events == presenter.events
        assert [name for name, _ in pupil.messages[:3]] == ["reset", "events", "clock"]
    groups = {to for to in sent if isinstance(to, str) and ":joining:" in to}
    assert len(groups) == 1  # one copy for the three of them
    presenter.request("kubectl", {"line": "get pods"})
    for pupil in pupils:
        pupil.pump()
        assert pupil.events == presenter.events


def test_late_joiners_get_the_history_as_it_is_now_after_more_events_and_a_fork() -> None:
    app = make_app(events_per_message=7)  # several full messages, kept between joiners
    try:
        presenter, room = presenting(app)
        presenter.request("apply", {"yaml": pod()})
        first, _ = following(app, room["code"])
        assert first.events == presenter.events
        presenter.request("apply", {"yaml": pod("two")})
        second, _ = following(app, room["code"])
        assert second.events == presenter.events
        assert all(len(p["events"]) <= 7 for p in second.named("events"))
        back = len(presenter.events) // 3
        presenter.request("kubectl", {"line": "get pods", "at_seq": back})  # a fork
        third, _ = following(app, room["code"])
        for follower in (first, second, third):
            follower.pump()
            assert follower.events == presenter.events
    finally:
        registry_of(app).shutdown()


def test_followers_are_refused_driving_with_the_words_and_logged_once(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    presenter, room = presenting(app)
    presenter.request("apply", {"yaml": pod()})
    follower, _ = following(app, room["code"])
    words = REFUSAL.format(room["display"])
    caplog.set_level(logging.INFO, "podlife.rooms")
    for message, payload in (
        ("apply", {"yaml": pod("mine")}),
        ("kubectl", {"line": "get pods"}),
        ("action", {"kind": "delete-pod", "target": "default/web"}),
        ("play", {}),
        ("speed", {"speed": 2}),
        ("step", {}),
        ("reset", {}),
        ("import", {"content": "{}"}),
        ("view", {"seq": 1, "story": False}),
        ("present", {}),
    ):
        assert follower.request(message, payload) == {"ok": False, "error": words}, message
    logged = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(logged) == 1 and room["display"] in logged[0].getMessage()
    assert room["secret"] not in caplog.text

    # reading the room's cluster is allowed
    assert "kind: Pod" in follower.request("inspect", {"kind": "pods", "name": "web"})["object"]
    assert follower.request("etcd", {})["ok"]
    assert follower.request("export")["ok"]
    assert follower.request("ack", {"seq": 10_000}) == {"ok": True}
    assert presenter.session.acked <= presenter.session.sent  # followers never hold the clock
    assert "mine" not in str(presenter.request("kubectl", {"line": "get pods"})["output"])


def test_the_presenter_hears_the_follower_count(app: Flask) -> None:
    presenter, room = presenting(app)
    first, _ = following(app, room["code"])
    second, _ = following(app, room["code"])
    presenter.wait_until(lambda: followers(presenter) == 2)
    counts = presenter.named("room")
    assert len(counts) <= 2  # debounced: at most 4 a second
    second.request("unfollow")
    first.client.disconnect()
    presenter.wait_until(lambda: followers(presenter) == 0)
    assert presenter.named("room")[-1] == {
        "code": room["code"],
        "display": room["display"],
        "followers": 0,
    }


def test_the_view_is_relayed_checked_and_kept(app: Flask) -> None:
    presenter, room = presenting(app)
    follower, _ = following(app, room["code"])
    view = {"seq": 3, "story": False, "detail": None, "pointer": {"x": 0.25, "y": 1.0}}
    assert presenter.request("view", view) == {"ok": True}
    follower.pump()
    assert follower.named("view") == [{"code": room["code"], **view}]
    bad = presenter.request("view", {"seq": 3, "story": False, "pointer": {"x": 2, "y": 0}})
    assert not bad["ok"] and "pointer.x" in bad["error"]
    long = presenter.request("view", {"seq": 3, "story": False, "detail": "x" * 201})
    assert not long["ok"] and "detail" in long["error"]
    alone = Page(app)
    alone.hello()
    assert alone.request("view", view)["error"] == "view: this tab is not presenting a room"


def test_fork_room_diverges_and_leaves_the_room_untouched(app: Flask) -> None:
    presenter, room = presenting(app)
    presenter.request("apply", {"yaml": pod()})
    follower, _ = following(app, room["code"])
    cursor = len(follower.events) // 2
    room_trace = list(presenter.events)

    forked = follower.request("fork-room", {"at_seq": cursor})
    assert forked["ok"], forked
    assert cursor <= forked["seq"] < len(room_trace)  # the end of the engine step
    follower.pump()
    assert follower.named("reset")[-1]["session"] == forked["session"]
    assert follower.events == room_trace[: forked["seq"]]
    assert follower.request("apply", {"yaml": pod("mine")})["exit_code"] == 0
    follower.pump()

    presenter.pump()
    assert presenter.events == room_trace  # the room did not change
    assert "mine" not in str(presenter.request("kubectl", {"line": "get pods"})["output"])
    sandbox = registry_of(app).sessions[forked["session"]]
    assert sandbox is not presenter.session and sandbox.room is None
    assert not rooms_of(app).following  # the follower left the room
    assert follower.events[: forked["seq"]] == room_trace[: forked["seq"]]
    assert any(e["kind"] == "request" and "mine" in str(e) for e in follower.events)


ANOTHER_FORK = "fork-room: your copy is being made; it opens in a moment"


def test_the_room_runs_on_while_a_fork_replays_its_history(app: Flask) -> None:
    presenter, room = presenting(app)
    presenter.request("apply", {"yaml": DEPLOYMENT.replace("replicas: 1", "replicas: 5")})
    session = presenter.session
    while session.timeline.cluster.env.steps < 3 * REPLAY_CHUNK:  # a replay of a few chunks
        session.advance(30.0, lambda: None)
    session.pump()
    presenter.pump()
    follower, _ = following(app, room["code"])
    at_seq = len(follower.events)

    # The follower presses twice: one sandbox, not two
    presses = [
        gevent.spawn(follower.client.emit, "fork-room", {"at_seq": at_seq}, callback=True)
        for _ in range(2)
    ]
    served = 0
    while not all(press.ready() for press in presses):  # the replay yields between chunks:
        presenter.request("kubectl", {"line": "get pods"})  # the presenter is served
        served += 1
        presenter.pump(0.001)
    assert served >= 2
    replies = [press.get(timeout=5) for press in presses]
    assert {"ok": False, "error": ANOTHER_FORK} in replies, replies
    forked = next(reply for reply in replies if reply["ok"])
    assert forked["ok"] and forked["seq"] >= at_seq
    follower.pump()
    presenter.pump()
    assert follower.events[:at_seq] == presenter.events[:at_seq]
    assert len(presenter.events) > len(follower.events)  # the room went on, the fork did not


def test_fork_room_is_for_followers_and_counts_against_the_session_limits() -> None:
    app = make_app(max_sessions=1)
    try:
        presenter, room = presenting(app)
        assert presenter.request("fork-room", {"at_seq": 0})["error"] == (
            "fork-room: this tab follows no room"
        )
        follower, _ = following(app, room["code"])
        refused = follower.request("fork-room", {"at_seq": 0})
        assert not refused["ok"] and "already runs 1 clusters" in refused["error"]
        assert len(rooms_of(app).following) == 1  # still following
        assert len(registry_of(app).sessions) == 1
    finally:
        registry_of(app).shutdown()


def test_an_unknown_code_says_so(app: Flask) -> None:
    presenting(app)
    page = Page(app)
    assert page.request("follow", {"code": "zzz zzz"}) == {
        "ok": False,
        "error": "no class is using the code ZZZ-ZZZ on this server; "
        "check the code on the projector",
    }


def test_unpresent_closes_the_room_for_its_followers(app: Flask) -> None:
    presenter, room = presenting(app)
    follower, _ = following(app, room["code"])
    assert presenter.request("unpresent") == {"ok": True}
    follower.pump()
    assert follower.named("room-closed") == [
        {"code": room["code"], "reason": "the presenter stopped presenting"}
    ]
    before = len(follower.events)
    presenter.request("apply", {"yaml": pod()})
    follower.pump()
    assert len(follower.events) == before  # no longer in the Socket.IO room
    # no longer a follower: it starts its own cluster
    assert follower.request("apply", {"yaml": pod()})["error"] == "no session yet: send hello first"
    assert follower.hello()["ok"]
    assert not follower.request("follow", {"code": room["code"]})["ok"]


def test_the_presenters_tab_coming_back_keeps_the_room(app: Flask) -> None:
    presenter, room = presenting(app)
    follower, _ = following(app, room["code"])
    session = presenter.session_id
    presenter.client.disconnect()

    stranger = Page(app)  # the session id alone does not open a presented cluster
    refused = stranger.request("hello", {"session": session})
    assert not refused["ok"] and room["display"] in refused["error"]
    wrong = {"code": room["code"], "secret": "é" + room["secret"][1:]}
    assert stranger.request("hello", {"session": session, "presenter": wrong}) == refused

    back = Page(app)
    credentials = {"code": room["display"], "secret": room["secret"]}
    reply = back.hello(session, presenter=credentials)
    assert reply["session"] == session
    assert reply["room"]["code"] == room["code"] and reply["room"]["followers"] == 1
    before = len(follower.named("reset"))
    back.request("apply", {"yaml": pod()})
    follower.pump()
    assert follower.events == back.events
    assert len(follower.named("reset")) == before  # the presenter's catch-up was its own


def test_an_idle_presenter_session_closes_its_room() -> None:
    app = make_app(idle_seconds=0.05)
    try:
        presenter, room = presenting(app)
        follower, _ = following(app, room["code"])
        presenter.client.disconnect()
        follower.wait_until(lambda: bool(follower.named("room-closed")))
        assert follower.named("room-closed")[0]["reason"] == "the presenter's cluster was closed"
        assert not rooms_of(app).by_code
    finally:
        registry_of(app).shutdown()


def test_room_limits() -> None:
    app = make_app(max_followers_per_room=1, max_rooms=1, max_view_bytes=60)
    try:
        presenter, room = presenting(app)
        following(app, room["code"])
        refused = Page(app).request("follow", {"code": room["code"]})
        assert refused["error"].startswith(f"the class {room['display']} is full: 1 follow it")
        other = Page(app)
        other.hello()
        assert "already has 1 rooms" in other.request("present")["error"]
        big = presenter.request("view", {"seq": 1, "story": True, "detail": "d" * 60})
        assert not big["ok"] and "at most 60 are relayed" in big["error"]
    finally:
        registry_of(app).shutdown()


def test_the_join_url_serves_the_page(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/")
    for path in ("/join/ABCDEF", "/join/not-a-code"):
        joined = client.get(path)
        assert joined.status_code == page.status_code
        assert joined.data == page.data


def test_codes_read_as_typed() -> None:
    assert read_code(" abc-def ") == "ABCDEF" and read_code("AB C-D E F") == "ABCDEF"
    assert display("ABCDEF") == "ABC-DEF"
    assert not re.search("[ILO01]", ALPHABET)


def test_a_real_server_fans_a_room_out_to_real_clients(
    server: tuple[int, subprocess.Popen[bytes], Path],
) -> None:
    """python-socketio clients over WebSocket to `python app.py`: the presenter's events reach
    both followers in order; a follower's Apply is refused and logged once, without secrets."""
    port, process, log = server
    url = f"http://127.0.0.1:{port}"
    presenter = socketio.Client()
    presenter.connect(url, transports=["websocket"])
    session = presenter.call("hello", {"session": None}, timeout=20)["session"]
    room = presenter.call("present", {}, timeout=20)
    seen: list[list[int]] = [[], []]
    followers = []
    for index in (0, 1):
        follower = socketio.Client()
        follower.on(
            "events", lambda payload, i=index: seen[i].extend(e["seq"] for e in payload["events"])
        )
        follower.connect(url, transports=["websocket"])
        assert follower.call("follow", {"code": room["display"]}, timeout=20)["ok"]
        followers.append(follower)
    applied = presenter.call("apply", {"yaml": pod()}, timeout=20)
    assert applied["exit_code"] == 0
    deadline = time.monotonic() + 10
    while not all(seqs and seqs[-1] >= applied["seq"] for seqs in seen):
        assert time.monotonic() < deadline, "the followers did not get the events"
        time.sleep(0.02)
    for seqs in seen:
        assert seqs == list(range(1, len(seqs) + 1))  # every event, in order, once
    for _ in range(3):
        refused = followers[0].call("apply", {"yaml": pod("mine")}, timeout=20)
        assert refused["error"] == REFUSAL.format(room["display"])
    for client in (presenter, *followers):
        client.disconnect()
    process.send_signal(signal.SIGINT)
    process.wait(timeout=20)
    text = log.read_text()
    assert text.count(f"a follower of room {room['display']} sent apply: refused") == 1
    assert room["secret"] not in text and session not in text


def test_unpresent_while_present_opens_its_room_leaves_no_room(tmp_path: Path) -> None:
    """`present` asks the database for a free code (it yields); an `unpresent` meanwhile wins."""
    app = make_app(keep_days=7.0, data_dir=tmp_path)
    try:
        teacher = Page(app)
        teacher.hello(paused=True)
        opening = gevent.spawn(teacher.client.emit, "present", {}, callback=True)
        gevent.sleep(0)  # present runs up to its database question
        assert teacher.request("unpresent") == {"ok": True}
        refused = opening.get(timeout=5)
        assert not refused["ok"] and "presenting was stopped" in refused["error"], refused
        assert registry_of(app).keeper is not None
        assert not app.extensions["podlife.rooms"].by_code
        assert teacher.request("present")["ok"]  # asked again, it opens
    finally:
        registry_of(app).shutdown()
