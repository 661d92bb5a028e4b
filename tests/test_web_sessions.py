"""Long commands, idle sessions, disconnects, and the bounded clock driver."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from itertools import pairwise

import gevent
import pytest
from flask import Flask

from engine.cluster import default_nodes
from engine.timeline import Kubectl, Timeline
from tests.test_web_support import Page, make_app, pod
from web import Settings, registry_of
from web.sessions import Session


@pytest.fixture
def app() -> Iterator[Flask]:
    app = make_app()
    yield app
    registry_of(app).shutdown()


def start(page: Page, payload: dict[str, object]) -> gevent.Greenlet:
    """Send a kubectl message whose reply will come later, as a page's callback would."""
    return gevent.spawn(page.client.emit, "kubectl", payload, callback=True)


def play_until(page: Page, greenlet: gevent.Greenlet, timeout: float = 5.0) -> None:
    """Be a page that plays along: acknowledge whatever arrives until the reply comes."""

    def acknowledged_and_ready() -> bool:
        page.ack()
        return bool(greenlet.ready())

    page.wait_until(acknowledged_and_ready, timeout)


def test_a_long_command_streams_its_output_and_replies_when_it_returns(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    page.request("apply", {"yaml": pod()})
    watch = start(page, {"line": "get pods -w --request-timeout=20s", "id": "w1"})
    page.pump()
    assert not watch.ready()  # paused: a waiting command waits with the clock
    listing = page.named("kubectl-output")[0]  # what it printed in its head start, at once
    assert listing["id"] == "w1" and listing["text"].startswith("NAME")

    # Another command changes the pod: the watch prints a line for it, streamed.
    deleted = page.request("kubectl", {"line": "delete pod web --wait=false"})
    assert deleted["exit_code"] == 0
    page.wait_until(lambda: len(page.named("kubectl-output")) >= 2)
    page.request("speed", {"speed": 100})
    page.request("play")
    play_until(page, watch)

    reply = watch.get()
    chunks = page.named("kubectl-output")
    assert reply["ok"] and reply["exit_code"] == 0 and reply["id"] == "w1"
    assert reply["streamed"] == len(chunks)
    assert [[c["stream"], c["text"]] for c in chunks] == reply["output"][: len(chunks)]
    assert page.cluster.env.now >= 20


def test_a_reset_interrupts_a_waiting_command(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    watch = start(page, {"line": "get pods -w --request-timeout=60s"})
    page.pump()
    assert page.request("reset")["ok"]
    reply = watch.get(timeout=2)
    assert reply == {
        "ok": False,
        "id": None,
        "error": "kubectl get pods -w --request-timeout=60s was interrupted: the cluster was reset",
        "output": reply["output"],
        "streamed": reply["streamed"],
    }


def test_an_idle_session_is_freed() -> None:
    app = make_app(idle_seconds=0.05)
    try:
        page = Page(app)
        session = page.hello()["session"]
        other = Page(app)
        other.hello()  # attached: never idle
        page.client.disconnect()
        page.io.sleep(0.3)
        registry = registry_of(app)
        assert session not in registry.sessions and other.session_id in registry.sessions
        assert app.test_client().get("/healthz").get_json()["sessions"] == 1
        back = Page(app)
        assert back.hello(session)["session"] != session  # gone: a new one
    finally:
        registry_of(app).shutdown()


def test_the_session_limit_is_a_clear_refusal() -> None:
    app = make_app(max_sessions=1)
    try:
        Page(app).hello()
        reply = Page(app).request("hello", {"session": None})
        assert reply == {
            "ok": False,
            "error": "the server already runs 1 clusters; try again later",
        }
    finally:
        registry_of(app).shutdown()


def test_a_disconnecting_page_leaves_no_traceback(
    app: Flask, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    page = Page(app)
    page.hello()
    page.request("apply", {"yaml": pod()})
    watch = start(page, {"line": "get pods -w --request-timeout=60s"})
    page.pump()
    page.client.disconnect()  # mid-command, with events unacknowledged
    reply = watch.get(timeout=2)
    assert reply["error"].endswith("was interrupted: the page disconnected")
    page.io.sleep(0.05)  # the clock driver keeps ticking for the detached session
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out


def test_advancing_yields_between_bounded_chunks() -> None:
    settings = Settings(steps_per_chunk=3)
    sent: list[str] = []
    session = Session(
        "s", Timeline(0, default_nodes()), settings, lambda name, *_: sent.append(name)
    )
    session.act(Kubectl(("apply", "-f", "-"), pod()), None, lambda: None)
    pauses: list[int] = []
    session.advance(1.0, lambda: pauses.append(session.timeline.cluster.env.steps))
    assert len(pauses) >= 3  # the apply takes a dozen steps: several chunks
    assert all(b - a <= 3 for a, b in pairwise(pauses))
    assert session.timeline.cluster.env.now == 1.0
