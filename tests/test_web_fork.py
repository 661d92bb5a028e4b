"""Acting in the past forks: the cluster is rebuilt by replay up to the event, the future is
dropped, and the new action applies there."""

from __future__ import annotations

from collections.abc import Iterator

import gevent
import pytest
from flask import Flask

from engine.cluster import default_nodes
from engine.timeline import Kubectl, Timeline
from tests.test_web_support import Page, dumps, make_app, pod
from web import registry_of


@pytest.fixture
def app() -> Iterator[Flask]:
    app = make_app()
    yield app
    registry_of(app).shutdown()


def pods_listed(page: Page) -> str:
    return "".join(text for _, text in page.request("kubectl", {"line": "get pods"})["output"])


def test_acting_between_two_applies_forgets_the_second(app: Flask) -> None:
    page = Page(app)
    page.hello()
    page.request("apply", {"yaml": pod("first")})
    after_first = page.last_seq
    page.request("speed", {"speed": 10})
    page.ack()
    page.pump(0.05)  # some virtual time passes between the two applies
    page.request("apply", {"yaml": pod("second")})
    page.pump()
    old = page.session.timeline
    assert page.last_seq > after_first

    reply = page.request("apply", {"yaml": pod("third"), "at_seq": after_first})
    assert reply["ok"] and reply["exit_code"] == 0
    [forked] = page.named("forked")
    assert forked["at_seq"] >= after_first
    new = page.session.timeline
    assert new is not old
    # The past is the same, byte for byte.
    assert dumps(new.events[: forked["at_seq"]]) == dumps(old.events[: forked["at_seq"]])
    # The page's copy: the old events up to the fork point, then the new ones, no gaps.
    assert page.events == [e.model_dump(mode="json") for e in new.events]
    listed = pods_listed(page)
    assert "first" in listed and "third" in listed and "second" not in listed


def test_acting_in_the_middle_of_a_request_keeps_it_in_flight(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    page.request("apply", {"yaml": pod("first")})
    start = page.last_seq
    page.request("apply", {"yaml": pod("second")})
    middle = (start + page.last_seq) // 2
    old = page.session.timeline

    reply = page.request("kubectl", {"line": "get pods", "at_seq": middle})
    assert reply["ok"]
    at = page.named("forked")[0]["at_seq"]
    assert middle <= at < len(old.events)
    assert dumps(page.session.timeline.events[:at]) == dumps(old.events[:at])
    # The second apply had been sent before the fork point: it still completes.
    page.request("play")
    page.ack()
    page.wait_until(lambda: "second" in pods_listed(page))


def test_forking_at_zero_goes_back_to_the_empty_cluster(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    page.request("apply", {"yaml": pod("first")})
    reply = page.request("apply", {"yaml": pod("again"), "at_seq": 0})
    assert reply["ok"] and page.named("forked") == [{"at_seq": 0}]
    assert page.events[0]["seq"] == 1
    listed = pods_listed(page)
    assert "again" in listed and "first" not in listed


def test_acting_at_the_live_edge_does_not_fork(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    page.request("apply", {"yaml": pod("first")})
    timeline = page.session.timeline
    page.request("kubectl", {"line": "get pods", "at_seq": page.last_seq})
    assert page.session.timeline is timeline and page.named("forked") == []


def test_a_fork_replays_inputs_at_their_exact_steps() -> None:
    timeline = Timeline(seed=5, nodes=default_nodes())
    for name in ("a", "b", "c"):
        run = timeline.apply(Kubectl(("apply", "-f", "-"), pod(name)))
        while not run.done:
            timeline.cluster.env.step()
        timeline.cluster.advance(0.5)  # the clock moves on without events in between
    for at_seq in (1, 7, len(timeline.events) // 2, len(timeline.events) - 1):
        fresh = timeline.rebuilt(at_seq, lambda: None)
        assert dumps(fresh.events[:at_seq]) == dumps(timeline.events[:at_seq])
        assert fresh.inputs == timeline.inputs[: len(fresh.inputs)]


def test_a_fork_interrupts_a_command_that_was_waiting(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    page.request("apply", {"yaml": pod()})
    waiting = gevent.spawn(
        page.client.emit,
        "kubectl",
        {"line": "get pods -w --request-timeout=30s", "id": "w"},
        callback=True,
    )
    page.pump()
    assert not waiting.ready()  # paused: the watch waits with the clock
    page.request("kubectl", {"line": "get pods", "at_seq": 3})
    reply = waiting.get(timeout=2)
    assert reply["ok"] is False and reply["id"] == "w"
    assert reply["error"].startswith("kubectl get pods -w --request-timeout=30s was interrupted")


def test_a_lessons_files_are_read_by_its_kubectl_and_kept_by_a_fork(app: Flask) -> None:
    """A lesson types `kubectl create -f https://k8s.io/examples/…` as its tutorial does: the
    scenario's `files` are what that kubectl reads, in the page's session and after a fork."""
    page = Page(app)
    page.hello(paused=True)
    reply = page.request("scenario", {"name": "32-daemonset-rolling-update"})
    url = "https://k8s.io/examples/controllers/fluentd-daemonset.yaml"
    assert reply["ok"] and "kind: DaemonSet" in reply["files"][url]
    created = page.request("kubectl", {"line": f"create -f {url}"})
    assert created["ok"], created
    assert "daemonset.apps/fluentd-elasticsearch created" in "".join(
        text for _stream, text in created["output"]
    )
    page.request("kubectl", {"line": "get ds -A", "at_seq": 1})  # a fork: a rebuilt cluster
    assert page.named("forked")
    again = page.request("kubectl", {"line": f"apply -f {url} --dry-run=client -o name"})
    assert "daemonset.apps/fluentd-elasticsearch" in "".join(
        text for _stream, text in again["output"]
    )
