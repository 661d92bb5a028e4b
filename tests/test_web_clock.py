"""Play, pause, speed, step and the hold while the page catches up (docs/protocol.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from engine.cluster import Cluster
from engine.timeline import Kubectl
from tests.test_web_support import Page, make_app, pod
from web import registry_of


@pytest.fixture
def app() -> Iterator[Flask]:
    app = make_app()
    yield app
    registry_of(app).shutdown()


def test_pause_stops_the_clock_and_play_starts_it(app: Flask) -> None:
    page = Page(app)
    page.hello()
    assert page.request("kubectl", {"line": "run web --image=nginx"})["exit_code"] == 0
    paused = page.request("pause")
    assert paused["ok"] and paused["playing"] is False
    stopped = page.cluster.env.now
    page.pump(0.05)
    assert page.cluster.env.now == stopped
    assert page.last_seq == paused["seq"] > 0  # every event up to where it stopped, no more
    assert page.named("clock")[-1]["playing"] is False

    page.ack()  # the page played what it was sent: the clock may run ahead of it again
    assert page.request("play") == {"ok": True, "playing": True, "seq": paused["seq"]}
    page.pump(0.05)
    assert page.cluster.env.now > stopped
    clock = page.named("clock")[-1]
    assert clock["playing"] is True and set(clock) == {"now", "playing", "speed", "busy"}


def test_speed_scales_virtual_time(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    assert page.request("speed", {"speed": 100})["speed"] == 100
    page.request("play")
    started = page.cluster.env.now
    page.pump(0.1)
    # 0.1 real seconds at ×100 is about ten virtual seconds (ticks are capped; be lenient)
    assert page.cluster.env.now - started > 2.0
    assert page.named("clock")[-1]["speed"] == 100


def test_time_waits_until_the_page_has_played_what_it_was_sent(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    page.request("apply", {"yaml": pod()})
    page.request("speed", {"speed": 100})
    page.request("play")
    held = page.cluster.env.now
    page.pump(0.05)
    assert page.cluster.env.now == held  # the page has not acknowledged the burst

    page.ack()
    page.pump(0.05)
    assert page.cluster.env.now > held


def test_step_at_the_live_edge_yields_exactly_the_next_events(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    # Start an apply without letting it run (the server side of an input), then step through.
    page.session.act(Kubectl(("apply", "-f", "-"), pod()), None, lambda: None)

    reference = Cluster(seed=0)
    reference.start_kubectl("apply -f -", pod())
    expected: list[list[str]] = []
    while reference.env.busy:
        before = len(reference.trace)
        while len(reference.trace) == before and reference.env.busy:
            reference.env.step()
        if len(reference.trace) > before:  # the last steps may be silent housekeeping
            expected.append([e.model_dump_json() for e in reference.trace.events[before:]])

    got: list[list[str]] = []
    for _ in expected:
        before = len(page.events)
        reply = page.request("step")
        assert reply["ok"] and reply["events"] == len(page.events) - before > 0
        got.append([e.model_dump_json() for e in page.cluster.trace.events[before:]])
        assert [e["seq"] for e in page.events[before:]] == list(
            range(before + 1, len(page.events) + 1)
        )
    assert got == expected


def test_step_pauses_a_playing_clock(app: Flask) -> None:
    page = Page(app)
    page.hello()
    page.session.act(Kubectl(("get", "nodes")), None, lambda: None)
    assert page.request("step")["events"] >= 1
    assert page.session.playing is False
    assert page.named("clock")[-1]["playing"] is False


def test_after_a_reload_the_clock_waits_for_the_history_to_be_acknowledged(app: Flask) -> None:
    first = Page(app)
    session = first.hello(paused=True)["session"]
    first.request("apply", {"yaml": pod()})
    first.client.disconnect()

    again = Page(app)
    again.hello(session)
    assert again.events and all(p.get("history") for p in again.named("events"))
    again.request("play")
    held = again.cluster.env.now
    again.pump(0.05)
    assert again.cluster.env.now == held
    again.ack()
    again.pump(0.05)
    assert again.cluster.env.now > held


def test_an_events_message_stands_for_a_clock() -> None:
    """`events` carry `now`, which the page's clock follows as it follows `clock`: while they
    flow no `clock` is due (a class of 300 playing sent 46,000 `clock`s in one burst)."""
    app = make_app(clock_every=3600.0)
    try:
        page = Page(app)
        page.hello(paused=True)
        page.session.act(Kubectl(("apply", "-f", "-"), pod()), None, lambda: None)
        page.session.playing = True
        page.session.advance(1.0, lambda: None)
        page.session._last_clock = 0.0  # a clock is long due…
        before = len(page.named("clock"))
        page.session.pump()  # …but the events it sends tell the time
        page.collect()
        assert page.named("events")[-1]["now"] == round(page.cluster.env.now, 6)
        assert len(page.named("clock")) == before

        page.session._last_clock = 0.0  # nothing new to send: the clock goes out as before
        page.session.pump()
        page.collect()
        assert len(page.named("clock")) == before + 1
    finally:
        registry_of(app).shutdown()
