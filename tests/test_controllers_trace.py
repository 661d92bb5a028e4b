"""What the controllers put in the trace: who they are, and the same story for the same seed."""

from __future__ import annotations

from engine.cluster import Cluster
from engine.controllers import ControllerManager
from tests.controller_kit import deployment_yaml, run_kubelets, set_image


def scenario(seed: int) -> Cluster:
    c = Cluster(seed=seed, control_plane=False)
    ControllerManager(c.context).start()
    c.kubectl("apply -f -", deployment_yaml())
    run_kubelets(c)
    set_image(c, "nginx:1.26")
    run_kubelets(c)
    c.kubectl("delete deployment web --cascade=foreground")
    c.advance(60)
    return c


def test_the_same_seed_gives_the_same_trace():
    first, second = scenario(7).trace.jsonl(), scenario(7).trace.jsonl()
    assert first == second
    assert first != scenario(8).trace.jsonl()  # pod names, uids: the seed shows


def test_controllers_speak_under_their_own_names():
    c = scenario(1)
    sources = {e.source for e in c.trace if e.source.startswith("controller-manager/")}
    assert sources == {
        "controller-manager/shared-informers",
        "controller-manager/replicaset-controller",
        "controller-manager/deployment-controller",
        "controller-manager/garbage-collector-controller",
        "controller-manager/node-lifecycle-controller",
    }
    creates = [
        e
        for e in c.trace
        if e.kind == "request"
        and e.source == "controller-manager/replicaset-controller"
        and e.data["method"] == "POST"
        and e.data["url"].endswith("/pods")
    ]
    assert creates and all(e.step == "control" for e in creates)
    watches = [e for e in c.trace if e.kind == "watch-event" and e.object.kind == "Pod"]
    # One shared informer: each pod change reaches the controller manager once.
    assert {e.target for e in watches} == {"controller-manager/shared-informers"}
    reconcile = [e for e in c.trace if e.kind == "reconcile"]
    assert all(e.source == e.target for e in reconcile)
