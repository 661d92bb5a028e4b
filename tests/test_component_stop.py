"""Stopping components: an informer that stops and starts again, a kubelet that fails while its
requests are on their way (sim.Process.stop and Environment.shielded underneath)."""

from __future__ import annotations

from typing import Any

from engine.apiserver.request import Request
from engine.apiserver.resources import BY_NAME
from engine.client.informer import Handlers, Informer
from engine.client.rest import RestClient
from engine.cluster import Cluster
from tests.node_fixtures import cluster


def _pod(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
    }


def _informer(c: Cluster) -> tuple[Informer, list[tuple[str, str]]]:
    client = RestClient(c.context, "test-informer", "system:admin", ("system:masters",))
    informer = Informer(client, BY_NAME["pods"])
    seen: list[tuple[str, str]] = []
    informer.add_handlers(
        Handlers(
            on_add=lambda p: seen.append(("add", p["metadata"]["name"])),
            on_update=lambda _, p: seen.append(("update", p["metadata"]["name"])),
            on_delete=lambda p: seen.append(("delete", p["metadata"]["name"])),
        )
    )
    return informer, seen


def _until(c: Cluster, done: Any) -> None:
    """Step the clock until `done()`: to stop something while a request is on its way."""
    for _ in range(10_000):
        if done():
            return
        c.env.step()
    raise AssertionError("never happened")


def _sent(c: Cluster, source: str, prefix: str, since: int = 0) -> bool:
    return any(
        e.source == source and e.kind == "request" and e.summary.startswith(prefix)
        for e in c.trace.events[since:]
    )


def _answered(c: Cluster, target: str) -> int:
    return sum(1 for e in c.trace.events if e.target == target and e.kind == "response")


def test_a_stopped_informer_closes_its_watch_and_lists_again_when_started():
    c = Cluster(seed=1, control_plane=False)
    informer, seen = _informer(c)
    first = informer.start()
    assert informer.start() is first  # starting a started informer changes nothing
    c.call(Request("POST", "/api/v1/namespaces/default/pods", body=_pod("a")))
    c.settle()
    assert first.triggered and seen == [("add", "a")]
    assert c.apiserver.cache.watched("pods")
    informer.stop()
    assert not c.apiserver.cache.watched("pods")  # its watch is closed
    assert not c.env.busy
    c.call(Request("POST", "/api/v1/namespaces/default/pods", body=_pod("b")))
    c.call(Request("DELETE", "/api/v1/namespaces/default/pods/a"))
    c.settle()
    assert seen == [("add", "a")]  # nothing reaches a stopped informer
    again = informer.start()
    assert again is not first and not again.triggered
    c.settle()
    assert again.triggered
    assert seen[1:] == [("delete", "a"), ("add", "b")]  # what changed meanwhile
    assert [p["metadata"]["name"] for p in informer.list()] == ["b"]


def test_an_informer_stopped_while_its_list_is_on_its_way_uses_no_answer():
    c = Cluster(seed=1, control_plane=False)
    c.call(Request("POST", "/api/v1/namespaces/default/pods", body=_pod("a")))
    informer, seen = _informer(c)
    synced = informer.start()
    _until(c, lambda: _sent(c, "test-informer", "list pods"))
    informer.stop()
    c.settle()
    assert _answered(c, "test-informer") == 1  # the list is answered ...
    assert seen == [] and informer.list() == [] and not synced.triggered  # ... and thrown away
    assert not _sent(c, "test-informer", "watch pods")


def test_an_informer_stopped_while_its_watch_is_being_opened_closes_it():
    c = Cluster(seed=1, control_plane=False)
    informer, _ = _informer(c)
    informer.start()
    _until(c, lambda: _sent(c, "test-informer", "watch pods"))
    informer.stop()
    c.settle()
    assert _answered(c, "test-informer") == 2
    assert not c.apiserver.cache.watched("pods")


def test_a_kubelet_failing_mid_renewal_finishes_it_and_renews_no_more():
    c, k = cluster()
    c.settle()
    c.advance(15)  # the lease exists: the next round renews it
    before = len(c.trace.events)
    _until(c, lambda: _sent(c, "kubelet/node-1", "update lease", before))
    k.fail()
    c.advance(60)
    after = c.trace.events[before:]
    answers = [e for e in after if e.target == "kubelet/node-1" and e.kind == "response"]
    assert [(e.summary, e.object.kind if e.object else "") for e in answers] == [
        ("200 OK", "Lease")
    ]
    assert [e.summary for e in after if e.source == "kubelet/node-1"] == [
        "update lease kube-node-lease/node-1"
    ]  # the renewal on its way is answered, and the kubelet sends nothing more


def test_a_kubelet_that_recovers_and_fails_at_once_sends_nothing():
    c, k = cluster()
    c.settle()
    k.fail()
    c.advance(30)
    after = len(c.trace.events)
    k.recover()
    k.fail()  # before its start-up took a step
    c.advance(60)
    requests = [
        e.summary
        for e in c.trace.events[after:]
        if e.source == "kubelet/node-1" and e.kind == "request"
    ]
    # Only the recorder's event, sent as recover() records it; no GET of the node, no lease,
    # no list or watch.
    assert [r.split(" ")[:2] for r in requests] == [["create", "event"]]
    assert not c.apiserver.cache.watched("pods")


def test_a_flapping_kubelet_keeps_one_lease_loop():
    c, k = cluster()
    c.settle()
    for pause in (0.001, 0.005, 0.009, 0.013, 0.02, 3.0):
        k.fail()
        c.advance(pause)
        k.recover()
        c.advance(pause)
    start = c.now
    c.advance(100)
    renewals = [
        e
        for e in c.trace.events
        if e.time > start and e.source == "kubelet/node-1" and e.summary.startswith("update lease")
    ]
    assert len(renewals) == 10
