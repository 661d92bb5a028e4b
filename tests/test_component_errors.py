"""Controllers, the scheduler and kubelets never die on one object.

The malformed objects are written straight into etcd, as an older API server (or a bug) might
have stored them, bypassing today's decoding and validation. Each test checks that the object
is reported once (one `error` trace event, one log record on `podlife.engine.<component>`),
that it is retried with back-off on virtual time, and that valid objects applied afterwards
still reach Running.
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any

import pytest

from engine.apiserver.request import Request, Response
from engine.cluster import Cluster
from engine.controllers.base import MAX_RETRIES
from engine.trace import Step, TraceEvent
from engine.utilruntime import ErrorReporter, describe, klog_line

Obj = dict[str, Any]

ADMIN = ("kubernetes-admin", ("system:masters",))


# ---- helpers -----------------------------------------------------------------------------------
def call(c: Cluster, method: str, path: str, body: Any = None, query: Any = None) -> Response:
    return c.call(Request(method, path, dict(query or {}), {}, body, *ADMIN))


def stored(c: Cluster, path: str, body: Obj) -> Obj:
    """The object as the API server would store it (defaulted, with uid and timestamps)."""
    response = call(c, "POST", path, body, {"dryRun": "All"})
    assert response.ok, response.body
    obj: Obj = response.body
    obj["metadata"].pop("resourceVersion", None)  # etcd's revision, never stored
    return obj


def put_raw(c: Cluster, key: str, obj: Obj) -> None:
    """Write the JSON into etcd directly: the watch cache and every watcher see it."""
    c.etcd.create(key, json.dumps(obj))


def deployment(name: str, replicas: Any = 2) -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
            },
        },
    }


def pod(name: str, **spec: Any) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}], **spec},
    }


def errors_of(c: Cluster, source: str) -> list[TraceEvent]:
    return [e for e in c.trace if e.kind == "error" and e.source == source]


def records_of(caplog: pytest.LogCaptureFixture, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger]


def failure_times(c: Cluster, reporter: ErrorReporter, key: str, until: float) -> list[float]:
    """When `key` failed, step by step up to virtual time `until`."""
    env = c.env
    seen = reporter.failures.get(key)
    count = seen.count if seen else 0
    times = [seen.last] if seen else []
    while (nxt := env.peek()) is not None and nxt <= until:
        env.step()
        seen = reporter.failures.get(key)
        if seen is not None and seen.count != count:
            count = seen.count
            times.append(env.now)
    return times


def gaps(times: list[float]) -> list[float]:
    return [round(b - a, 6) for a, b in itertools.pairwise(times)]


def web_runs(c: Cluster, replicas: int = 2) -> list[Obj]:
    """Apply a valid Deployment and return its pods once the cluster has settled."""
    result = c.kubectl(f"create deployment web --image=nginx:1.27 --replicas={replicas}")
    assert result.exit_code == 0, result.text
    assert c.settle()
    d = call(c, "GET", "/apis/apps/v1/namespaces/default/deployments/web").body
    assert d["status"].get("availableReplicas") == replicas, d["status"]
    pods = call(c, "GET", "/api/v1/namespaces/default/pods", query={"labelSelector": "app=web"})
    items: list[Obj] = pods.body["items"]
    assert [p["status"]["phase"] for p in items] == ["Running"] * replicas
    return items


# ---- the controller manager --------------------------------------------------------------------
def test_a_deployment_with_replicas_three_is_reported_once_and_retried_with_back_off(caplog):
    c = Cluster(seed=1)
    bad = stored(c, "/apis/apps/v1/namespaces/default/deployments", deployment("bad"))
    bad["spec"]["replicas"] = "three"
    with caplog.at_level(logging.ERROR, logger="podlife.engine"):
        put_raw(c, "/registry/deployments/default/bad", bad)
        assert c.settle()  # the retries run in the background: they do not hold settling up
        web_runs(c)
        dc = c.controller_manager["deployment-controller"]
        times = failure_times(c, dc.errors, "default/bad", c.now + 400)

    error = "ValueError: invalid literal for int() with base 10: 'three'"
    source = "controller-manager/deployment-controller"
    events = errors_of(c, source)
    assert [e.summary for e in events] == [
        klog_line("Error syncing deployment", deployment="default/bad", err=error),
        klog_line("Dropping deployment out of the queue", deployment="default/bad", err=error),
    ]
    assert events[0].object is not None and events[0].object.name == "bad"
    assert events[0].step == "control" and events[0].data["error"] == error
    records = records_of(caplog, "podlife.engine.controller-manager.deployment-controller")
    assert [r.getMessage().split(" (at ")[0] for r in records] == [e.summary for e in events]
    assert "engine/controllers/deployment/util.py" in records[0].getMessage()
    # The first try, then maxRetries retries, each after the rate limiter's doubled delay.
    assert dc.errors.failures["default/bad"].count == MAX_RETRIES + 1
    waits = gaps(times)
    assert all(b > a for a, b in itertools.pairwise(waits)), waits
    assert waits[-1] > 60  # 5 ms * 2^14
    assert dc.queue.limiter.retries("default/bad") == 0  # dropped: forgotten by the limiter


def test_a_replicaset_with_a_string_selector_is_reported_and_left_until_it_changes(caplog):
    c = Cluster(seed=2)
    body = deployment("bad")
    body["kind"] = "ReplicaSet"
    rs = stored(c, "/apis/apps/v1/namespaces/default/replicasets", body)
    rs["spec"]["selector"] = "app=bad"
    with caplog.at_level(logging.ERROR, logger="podlife.engine"):
        put_raw(c, "/registry/replicasets/default/bad", rs)
        c.advance(60)
        web_runs(c)

    # syncReplicaSet gives up on a selector it cannot convert (HandleError, then nil): one
    # report, and no retry until the ReplicaSet changes.
    (event,) = errors_of(c, "controller-manager/replicaset-controller")
    assert event.summary == (
        "error converting pod selector to selector for rs default/bad: "
        "AttributeError: 'str' object has no attribute 'get'"
    )
    rsc = c.controller_manager["replicaset-controller"]
    assert rsc.errors.failures["default/bad"].count == 1
    assert len(records_of(caplog, "podlife.engine.controller-manager.replicaset-controller")) == 1
    # The valid ReplicaSet's pods were created; none for the malformed one.
    pods = call(c, "GET", "/api/v1/namespaces/default/pods").body["items"]
    assert not [p for p in pods if p["metadata"]["name"].startswith("bad-")]


# ---- the scheduler -----------------------------------------------------------------------------
def test_a_pod_with_node_affinity_as_a_list_fails_its_own_cycles_only(caplog):
    c = Cluster(seed=3)
    bad = stored(c, "/api/v1/namespaces/default/pods", pod("bad"))
    bad["spec"]["affinity"] = {"nodeAffinity": [{"requiredDuringScheduling": "yes"}]}
    with caplog.at_level(logging.ERROR, logger="podlife.engine"):
        put_raw(c, "/registry/pods/default/bad", bad)
        assert c.settle()
        times = failure_times(c, c.scheduler.errors, "default/bad", c.now + 60)
        web_runs(c, 3)

    message = (
        'running PreFilter plugin "NodeAffinity": '
        "AttributeError: 'list' object has no attribute 'get'"
    )
    (event,) = errors_of(c, "scheduler")
    assert event.summary == klog_line(
        "Error scheduling pod; retrying", err=message, pod="default/bad"
    )
    assert event.step == "schedule"
    assert len(records_of(caplog, "podlife.engine.scheduler")) == 1
    # Each attempt's scheduling cycle carries the error; upstream records FailedScheduling
    # for an internal error too, and PodScheduled=False with reason SchedulerError.
    cycles = [
        e for e in c.trace if e.kind == "scheduling-cycle" and e.object and e.object.name == "bad"
    ]
    assert len(cycles) >= 5 and {e.data["message"] for e in cycles} == {message}
    got = call(c, "GET", "/api/v1/namespaces/default/pods/bad").body
    (scheduled,) = [x for x in got["status"]["conditions"] if x["type"] == "PodScheduled"]
    assert (scheduled["status"], scheduled["reason"], scheduled["message"]) == (
        "False",
        "SchedulerError",
        message,
    )
    listed = call(c, "GET", "/api/v1/namespaces/default/events").body["items"]
    failed = [e for e in listed if e["reason"] == "FailedScheduling"]
    assert failed and {e["message"] for e in failed} == {message}
    # The error back-off: 1 s doubling to 10 s, ending on whole seconds and moved to activeQ
    # at the flush tick after that (so 2, 3, 5, 9, 11, 11 ... s apart).
    waits = gaps(times)
    assert waits[1:4] == [3.0, 5.0, 9.0] and set(waits[4:]) == {11.0}, waits
    assert got["spec"].get("nodeName") is None


def test_a_scheduled_pod_whose_containers_is_a_map_is_retried_by_its_kubelet(caplog):
    c = Cluster(seed=4)
    bad = stored(c, "/api/v1/namespaces/default/pods", pod("bad", nodeName="node-1"))
    bad["spec"]["containers"] = {"c": {"image": "nginx:1.27"}}
    uid = bad["metadata"]["uid"]
    with caplog.at_level(logging.ERROR, logger="podlife.engine"):
        put_raw(c, "/registry/pods/default/bad", bad)
        assert c.settle()
        times = failure_times(c, c.kubelet("node-1").errors, "default/bad", c.now + 45)
        pods = web_runs(c, 3)

    error = "AttributeError: 'str' object has no attribute 'get'"
    (event,) = errors_of(c, "kubelet/node-1")
    assert event.summary == klog_line(
        "Error syncing pod, skipping", err=error, pod="default/bad", podUID=uid
    )
    assert len(records_of(caplog, "podlife.engine.kubelet.node-1")) == 1
    # pod_workers.go workerBackOffPeriod: the same 10 s each time.
    assert gaps(times) == [10.0] * (len(times) - 1) and len(times) >= 4
    # The scheduler counts it on node-1 as asking for nothing, and says so once.
    (cached,) = errors_of(c, "scheduler")
    assert cached.summary == klog_line(
        "Scheduler cache AddPod failed", err=error, pod="default/bad"
    )
    # node-1 still runs pods.
    assert "node-1" in {p["spec"]["nodeName"] for p in pods}
    assert call(c, "GET", "/api/v1/namespaces/default/pods/bad").body["status"]["phase"] == (
        "Pending"
    )


def test_an_unscheduled_pod_whose_containers_is_a_map_fails_its_cycles():
    c = Cluster(seed=5)
    bad = stored(c, "/api/v1/namespaces/default/pods", pod("bad"))
    bad["spec"]["containers"] = {"c": {"image": "nginx:1.27"}}
    put_raw(c, "/registry/pods/default/bad", bad)
    assert c.settle()
    c.advance(30)
    web_runs(c)
    (event,) = errors_of(c, "scheduler")
    assert event.summary == klog_line(
        "Error scheduling pod; retrying",
        err="AttributeError: 'str' object has no attribute 'get'",
        pod="default/bad",
    )
    assert c.scheduler.errors.failures["default/bad"].count >= 4


# ---- a node ------------------------------------------------------------------------------------
def test_a_node_with_a_malformed_status_is_skipped_and_the_others_are_served(caplog):
    c = Cluster(seed=6)
    node = json.loads(c.etcd.get("/registry/minions/node-1").value)
    node["metadata"] = {
        "name": "node-bad",
        "uid": "0e5e18ba-0000-4000-8000-00000000bad0",
        "creationTimestamp": node["metadata"]["creationTimestamp"],
        "labels": {"kubernetes.io/hostname": "node-bad"},
    }
    node["status"] = {"allocatable": "lots", "conditions": {"type": "Ready"}, "images": 7}
    with caplog.at_level(logging.ERROR, logger="podlife.engine"):
        put_raw(c, "/registry/minions/node-bad", node)
        assert c.settle()
        c.advance(30)  # several node-monitor passes
        pods = web_runs(c, 3)
        c.kubelet("node-3").fail()
        c.advance(60)

    # The scheduler's node handler raised: the informer skipped it and stays alive.
    (panic,) = errors_of(c, "scheduler")
    assert panic.summary == klog_line(
        "Observed a panic", panic="TypeError: 'int' object is not iterable"
    )
    assert panic.data["handler"] == "OnAdd" and panic.object is not None
    assert panic.object.name == "node-bad"
    assert "node-bad" not in {p["spec"]["nodeName"] for p in pods}
    error = "AttributeError: 'str' object has no attribute 'get'"
    source = "controller-manager/node-lifecycle-controller"
    assert [e.summary for e in errors_of(c, source)] == [
        klog_line("Failed to taint NoSchedule on node, requeue it", err=error, node="node-bad"),
        klog_line(
            "Update health of Node from Controller error, Skipping - no pods will be evicted",
            err=error,
            node="node-bad",
        ),
    ]
    assert (
        len(records_of(caplog, "podlife.engine.controller-manager.node-lifecycle-controller")) == 2
    )
    # The monitor still judges the other nodes: node-3's kubelet stopped posting.
    node3 = call(c, "GET", "/api/v1/nodes/node-3").body
    ready = next(x for x in node3["status"]["conditions"] if x["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("Unknown", "NodeStatusUnknown")


# ---- the informer and the reporter -------------------------------------------------------------
def test_the_same_seed_gives_the_same_trace_with_errors():
    def run() -> str:
        c = Cluster(seed=7)
        bad = stored(c, "/apis/apps/v1/namespaces/default/deployments", deployment("bad"))
        bad["spec"]["replicas"] = "three"
        put_raw(c, "/registry/deployments/default/bad", bad)
        p = stored(c, "/api/v1/namespaces/default/pods", pod("p"))
        p["spec"]["affinity"] = {"nodeAffinity": ["x"]}
        put_raw(c, "/registry/pods/default/p", p)
        c.kubectl("create deployment web --image=nginx:1.27")
        c.advance(120)
        return c.trace.jsonl()

    first = run()
    assert first == run()
    assert '"kind":"error"' in first


def test_describe_leaves_out_memory_addresses():
    class Thing:
        pass

    text = describe(TypeError(f"cannot use {Thing()!r}"))
    assert text.startswith("TypeError: cannot use <") and "0x" not in text
    assert describe(KeyError("name")) == "KeyError: 'name'"
    assert len(describe(ValueError("x" * 5000))) == 400


def test_a_reporter_reports_each_text_once_per_object_until_it_is_forgotten(caplog):
    c = Cluster(seed=8, control_plane=False)
    reporter = ErrorReporter(c.trace, "kubelet/node-9", Step.RUN, lambda: c.env.now)
    with caplog.at_level(logging.ERROR, logger="podlife.engine"):
        assert reporter.handle_error("default/a", "boom")
        assert not reporter.handle_error("default/a", "boom")
        assert reporter.handle_error("default/a", "bang")
        assert reporter.handle_error("default/b", "boom")
        reporter.forget("default/a")
        assert reporter.handle_error("default/a", "boom")
    assert [e.summary for e in c.trace if e.kind == "error"] == ["boom", "bang", "boom", "boom"]
    assert [r.name for r in caplog.records] == ["podlife.engine.kubelet.node-9"] * 4
    assert reporter.failures["default/b"].count == 1
