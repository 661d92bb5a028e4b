"""The limits of docs/limits.md: each reached, and answered in words that say which."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import gevent
import pytest
from flask import Flask

from engine.cluster import Cluster
from engine.config import Limits
from tests.test_web_support import Page, make_app, pod
from web import registry_of
from web.bench import DEPLOYMENT  # one replica of nginx
from web.kube_api import LocalHost, RemoteCall, RemoteStop, kube_api_of
from web.kube_api.calls import outlets
from web.sessions import Full


@pytest.fixture
def app() -> Iterator[Flask]:
    app = make_app()
    yield app
    registry_of(app).shutdown()


# ---- what one cluster holds -------------------------------------------------------------------


def test_a_billion_replicas_stop_at_the_clusters_pod_quota() -> None:
    cluster = Cluster(seed=1, limits=Limits(max_pods=20))
    assert cluster.kubectl("apply -f -", DEPLOYMENT).exit_code == 0
    scaled = cluster.kubectl("scale deployment web --replicas=1000000000")
    assert scaled.stdout == "deployment.apps/web scaled\n"
    cluster.advance(120)
    assert cluster.etcd.count("/registry/pods/") == 20
    events = cluster.kubectl("get events --field-selector reason=FailedCreate -o json")
    messages = [item["message"] for item in json.loads(events.stdout)["items"]]
    # replica_set.go records the create's error; the quota's words are ResourceQuota's
    assert messages and all(
        "is forbidden: exceeded quota: podlife-limits, requested: pods=1, used: pods=20, "
        "limited: pods=20" in message
        for message in messages
    ), messages
    assert cluster.kubectl("get deployment web").exit_code == 0  # the cluster still answers


def test_objects_of_a_kind_are_limited_and_the_furniture_does_not_count() -> None:
    cluster = Cluster(seed=1, control_plane=False, limits=Limits(max_objects_per_kind=5))
    created = cluster.kubectl("create namespace one")  # 4 namespaces come with the cluster
    assert created.exit_code == 0
    refused = cluster.kubectl("create namespace two")
    assert refused.stderr == (
        'Error from server (Forbidden): namespaces "two" is forbidden: exceeded quota: '
        "podlife-limits, requested: count/namespaces=1, used: count/namespaces=5, "
        "limited: count/namespaces=5\n"
    )
    assert cluster.etcd.get("/registry/namespaces/two") is None


def test_the_web_servers_clusters_have_its_limits(app: Flask) -> None:
    settings = registry_of(app).settings
    page = Page(app)
    page.hello(paused=True)
    assert page.cluster.limits.max_pods == settings.max_pods
    page.request("reset")
    assert page.cluster.limits.max_objects_per_kind == settings.max_objects_per_kind


# ---- what one client may do -------------------------------------------------------------------


def test_sessions_per_address_are_limited(app: Flask) -> None:
    registry = registry_of(app)
    limit = registry.settings.max_sessions_per_address
    for _ in range(limit):
        registry.create(0, address="192.0.2.7")
    with pytest.raises(Full, match=f"your address already has {limit} clusters"):
        registry.create(0, address="192.0.2.7")
    registry.create(0, address="192.0.2.8")  # another address is not held back


def test_a_connection_sending_too_fast_is_told_so_and_served_again_later(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app(reads_per_second=20, reads_burst=40)
    try:
        page = Page(app)
        page.hello(paused=True)
        replies = [page.request("inspect", {"kind": "nodes", "name": "node-1"}) for _ in range(50)]
        refused = [r for r in replies if not r["ok"] and "too many requests" in r["error"]]
        assert refused and replies[0]["ok"], replies[:3]
        assert refused[0]["error"] == (
            "too many requests: this connection sent more reads messages than the server "
            "takes (20 a second); this one (inspect) was not handled, try again in a moment"
        )
        # When: a token comes every twentieth of a second.
        assert 0 < refused[-1]["retry_after"] <= 0.05
        time.sleep(refused[-1]["retry_after"])  # as the page waits (static/src/net.js)
        assert page.request("inspect", {"kind": "nodes", "name": "node-1"})["ok"]
        warnings = [r for r in caplog.records if "sends faster than the server takes" in r.message]
        assert len(warnings) == 1  # once a minute, not once a message
    finally:
        registry_of(app).shutdown()


def test_a_flood_of_reads_and_acks_does_not_starve_a_command() -> None:
    """A page playing a busy cluster at 100× reads etcd values as fast as it may: the
    learner's Apply still goes through (web/ratelimit.py keeps a budget per kind)."""
    app = make_app(reads_per_second=5, reads_burst=10, flow_per_second=5, flow_burst=10)
    try:
        page = Page(app)
        page.hello(paused=True)
        reads = [page.request("etcd", {}) for _ in range(30)]
        acks = [page.request("ack", {"seq": 0}) for _ in range(30)]
        assert not reads[-1]["ok"] and not acks[-1]["ok"]  # both budgets are spent
        reply = page.request("kubectl", {"line": "kubectl get nodes"})
        assert reply["ok"] and "node-1" in "".join(text for _, text in reply["output"])
    finally:
        registry_of(app).shutdown()


def test_running_commands_per_session_are_limited() -> None:
    app = make_app(max_commands=2)
    try:
        page = Page(app)
        page.hello(paused=True)
        watches = [
            gevent.spawn(
                page.client.emit,
                "kubectl",
                {"line": "get pods -w --request-timeout=60s"},
                callback=True,
            )
            for _ in range(2)
        ]
        page.pump(0.1)
        third = page.request("kubectl", {"line": "get pods -w --request-timeout=60s"})
        assert third == {
            "ok": False,
            "error": "2 kubectl commands are still running in this session, the most it runs "
            "at once; stop one (or wait for it) first",
        }
        page.request("reset")  # interrupts the two
        for watch in watches:
            assert watch.get(timeout=5)["ok"] is False
    finally:
        registry_of(app).shutdown()


def test_open_watches_over_http_are_limited_per_cluster() -> None:
    app = make_app(max_watches=1)
    try:
        cluster = Cluster(seed=3)
        kube = kube_api_of(app)
        kube.local.add("c1", LocalHost(cluster, owner="the-page", speed=None))
        token = kube.tokens.issue("c1")
        # One watch is open: a client that watches pods (as `kubectl get pods -w` does).
        watching = RemoteCall(
            "GET",
            "/api/v1/namespaces/default/pods",
            (("watch", "true"),),
            (("authorization", f"Bearer {token}"),),
            credentials=kube.tokens.accepted("c1"),
            watch_key="w-open",
        )
        process = watching.perform(cluster)
        cluster.env.run_process(process, 5)
        assert list(outlets(cluster)) == ["w-open"]
        url = "/clusters/c1/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=5"
        refused = app.test_client().get(url, headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 429
        assert refused.json["message"] == "Too many requests, please try again later."  # type: ignore[index]
        assert refused.headers["Retry-After"] == "1"
        RemoteStop("w-open").perform(cluster)  # that client goes away: a new watch may open
        listed = app.test_client().get(
            url.replace("watch=true", "watch=false"), headers={"Authorization": f"Bearer {token}"}
        )
        assert listed.status_code == 200
        reopened = app.test_client().get(url, headers={"Authorization": f"Bearer {token}"})
        assert reopened.status_code == 200
    finally:
        registry_of(app).shutdown()


# ---- what the server keeps, and for how long --------------------------------------------------


def test_an_interrupted_apply_creates_nothing_more_when_a_tab_comes_back() -> None:
    app = make_app()
    try:
        page = Page(app)
        page.hello(paused=True)
        many = "".join(f"---\n{pod(f'p{i}')}" for i in range(300))  # more than a head start
        pending = gevent.spawn(page.client.emit, "apply", {"yaml": many}, callback=True)
        page.pump(0.2)
        session = page.session
        page.client.disconnect()
        reply = pending.get(timeout=5)
        assert (
            reply["ok"] is False and "was interrupted: the page disconnected" in reply["error"]
        ), reply["error"]
        made = session.timeline.cluster.etcd.count("/registry/pods/")
        assert 0 < made < 300
        back = Page(app)
        back.hello(session=session.id)
        back.request("speed", {"speed": 100})
        back.request("play")
        back.wait_until(lambda: (back.ack(), session.timeline.cluster.env.now > 30)[1], 30)
        # The one create on its way when kubectl was stopped is still answered (as the API
        # server answers a request whose client has gone); nothing after it is sent.
        assert session.timeline.cluster.etcd.count("/registry/pods/") in (made, made + 1)
    finally:
        registry_of(app).shutdown()


def test_the_default_cluster_lives_as_long_as_the_server(tmp_path: object) -> None:
    app = make_app(idle_seconds=0.05)
    try:
        registry = registry_of(app)
        pinned = registry.create(0, pinned=True)
        passing = registry.create(0)
        gevent.sleep(0.3)  # the clock drivers tick past the idle limit
        assert pinned.id in registry.sessions
        assert passing.id not in registry.sessions
    finally:
        registry_of(app).shutdown()


def test_two_quick_add_node_clicks_get_two_nodes(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    first = page.request("action", {"kind": "add-node", "target": {}})
    second = page.request("action", {"kind": "add-node", "target": {}})
    assert first["ok"] and second["ok"], (first, second)
    assert [spec.name for spec in page.cluster.node_specs][-2:] == ["node-4", "node-5"]


def test_clusters_are_freed_after_reset_fork_and_expiry() -> None:
    import gc
    import weakref

    app = make_app(idle_seconds=0.05)
    try:
        page = Page(app)
        page.hello(paused=True)
        page.request("apply", {"yaml": DEPLOYMENT})
        reset_away = weakref.ref(page.cluster)
        page.request("reset")
        page.request("apply", {"yaml": pod()})
        page.request("kubectl", {"line": "get pods"})
        forked_away = weakref.ref(page.cluster)
        page.request("kubectl", {"line": "get nodes", "at_seq": 1})  # acting in the past forks
        expired = weakref.ref(page.cluster)
        page.client.disconnect()
        gevent.sleep(0.3)  # idle past the limit: the session is freed
        gc.collect()
        assert reset_away() is None, "a reset cluster is still alive"
        assert forked_away() is None, "a forked-away cluster is still alive"
        assert expired() is None, "an expired session's cluster is still alive"
    finally:
        registry_of(app).shutdown()


def test_a_long_fork_lets_other_sessions_run(caplog: pytest.LogCaptureFixture) -> None:
    """Replaying a long history yields between chunks: another tab is answered meanwhile."""
    app = make_app()
    try:
        page = Page(app)
        page.hello(paused=True)
        page.request("apply", {"yaml": DEPLOYMENT.replace("replicas: 1", "replicas: 30")})
        page.request("speed", {"speed": 100})
        page.request("play")
        page.wait_until(lambda: (page.ack(), page.cluster.env.now > 60)[1], 30)
        page.request("pause")
        other = Page(app)
        other.hello(paused=True)
        latencies: list[float] = []
        running = True

        def ask() -> None:
            while running:
                start = time.perf_counter()
                other.client.emit("kubectl", {"line": "get nodes"}, callback=True)
                latencies.append(time.perf_counter() - start)
                gevent.sleep(0.005)

        asker = gevent.spawn(ask)
        gevent.sleep(0.02)
        fork = page.request("kubectl", {"line": "get pods", "at_seq": len(page.events) - 5})
        running = False
        asker.join()
        assert fork["ok"], fork
        assert len(latencies) > 1 and max(latencies) < 0.5, max(latencies)
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    finally:
        registry_of(app).shutdown()
