"""A pod lands on a node: the binding, the Scheduled event, PodScheduled=True, the trace."""

from __future__ import annotations

from engine.apiserver.request import Request
from engine.cluster import NodeSpec
from tests.scheduler_helpers import (
    add_node,
    apply,
    cycles,
    events,
    get_pod,
    node_of,
    patch_node,
    pod_scheduled,
    pod_yaml,
    start,
)


def test_a_pod_is_bound_and_gets_the_scheduled_event():
    cluster, _ = start()
    apply(cluster, pod_yaml("web"))
    cluster.settle()
    node = node_of(cluster, "web")
    assert node in ("node-1", "node-2", "node-3")
    scheduled = events(cluster, "Scheduled")
    assert len(scheduled) == 1
    event = scheduled[0]
    assert event["type"] == "Normal"
    assert event["message"] == f"Successfully assigned default/web to {node}"
    assert event["action"] == "Binding"
    assert event["reportingComponent"] == "default-scheduler"
    assert event["involvedObject"]["name"] == "web"
    condition = pod_scheduled(cluster, "web")
    assert condition is not None and condition["status"] == "True"
    printed = cluster.kubectl("get events").stdout
    assert f"Normal   Scheduled   pod/web   Successfully assigned default/web to {node}" in printed


def test_the_binding_is_a_post_to_the_binding_subresource_by_the_scheduler():
    cluster, _ = start()
    apply(cluster, pod_yaml("web"))
    cluster.settle()
    requests = [e for e in cluster.trace if e.kind == "request" and e.source == "scheduler"]
    binds = [e for e in requests if e.data["url"].endswith("/binding")]
    assert [e.data["method"] for e in binds] == ["POST"]
    assert binds[0].data["url"] == "/api/v1/namespaces/default/pods/web/binding"
    assert binds[0].step == "schedule"


def test_every_cycle_emits_one_trace_event_with_the_filter_and_score_table():
    cluster, _ = start()
    apply(cluster, pod_yaml("web"))
    cluster.settle()
    [event] = cycles(cluster, "web")
    assert (event.source, event.target, event.step) == ("scheduler", "scheduler", "schedule")
    data = event.data
    chosen = node_of(cluster, "web")
    assert data["chosen"] == chosen
    assert set(data["filter"]) == {
        "NodeUnschedulable",
        "NodeName",
        "TaintToleration",
        "NodeResourcesFit",
    }
    assert data["filter"]["NodeResourcesFit"] == {"node-1": "", "node-2": "", "node-3": ""}
    assert set(data["score"]) == {
        "TaintToleration",
        "NodeResourcesFit",
        "NodeResourcesBalancedAllocation",
        "ImageLocality",
    }
    for node, total in data["total"].items():
        assert total == sum(plugin[node] for plugin in data["score"].values())
    assert data["score"]["TaintToleration"]["node-1"] == 300  # weight 3 x 100
    assert event.summary.startswith(
        f"Filtered 3 nodes, scored 3: {chosen} wins (score {data['total'][chosen]}"
    )
    assert data["message"] == event.summary
    assert "NodeAffinity" in data["skipped"]["filter"]


def test_a_single_feasible_node_is_chosen_without_scoring():
    cluster, _ = start()
    apply(cluster, pod_yaml("web", extra_spec="  nodeSelector: {kubernetes.io/hostname: node-2}"))
    cluster.settle()
    assert node_of(cluster, "web") == "node-2"
    [event] = cycles(cluster, "web")
    assert event.data["score"] == {} and event.data["total"] == {}
    assert event.summary == "Filtered 3 nodes, only node-2 fits: no scoring needed"
    assert event.data["filter"]["NodeAffinity"]["node-1"] == (
        "node(s) didn't match Pod's node affinity/selector"
    )


def test_bound_pods_never_move():
    cluster, scheduler = start()
    apply(cluster, pod_yaml("web"))
    cluster.settle()
    before = node_of(cluster, "web")
    add_node(
        cluster,
        NodeSpec(name="node-4", capacity={"cpu": "64", "memory": "256Gi", "pods": "110"}),
        4,
    )
    patch_node(cluster, before, {"metadata": {"labels": {"x": "y"}}})
    cluster.advance(400)  # past the unschedulable flush too
    assert node_of(cluster, "web") == before
    assert len(cycles(cluster, "web")) == 1
    assert scheduler.cache.get(before) is not None
    assert any(p.name == "web" for p in scheduler.cache.get(before).pods.values())


def test_pods_of_another_scheduler_are_left_alone():
    cluster, _ = start()
    apply(cluster, pod_yaml("web", extra_spec="  schedulerName: my-scheduler"))
    cluster.settle()
    assert node_of(cluster, "web") is None
    assert cycles(cluster, "web") == []


def test_a_pod_being_deleted_is_skipped():
    cluster, scheduler_unused = start(node_specs=[NodeSpec(name="node-1")])
    del scheduler_unused
    # A pod that cannot be scheduled waits; deleting it (a finalizer keeps it) and letting the
    # 5-minute flush bring it back makes the scheduler skip it.
    apply(
        cluster,
        """
apiVersion: v1
kind: Pod
metadata: {name: doomed, finalizers: [example.com/keep]}
spec:
  nodeSelector: {disk: ssd}
  containers: [{name: app, image: nginx}]
""",
    )
    cluster.settle()
    cluster.kubectl("delete pod doomed --wait=false")
    cluster.advance(330)
    assert get_pod(cluster, "doomed")["metadata"].get("deletionTimestamp")
    messages = [e["message"] for e in events(cluster, "FailedScheduling")]
    assert "skip schedule deleting pod: default/doomed" in messages
    assert cycles(cluster, "doomed")[-1].summary == "skip schedule deleting pod: default/doomed"


def test_a_failed_binding_gives_the_room_back_and_reports_it():
    cluster, scheduler = start(node_specs=[NodeSpec(name="node-1"), NodeSpec(name="node-2")])

    def bind_first(event):
        # Someone else binds the pod while the scheduler's own binding is on its way.
        if event.kind == "scheduling-cycle" and event.object.name == "web":
            request = Request(
                "POST",
                "/api/v1/namespaces/default/pods/web/binding",
                body={"target": {"kind": "Node", "name": "node-1"}},
            )
            cluster.env.process(cluster.apiserver.handle(request), "someone else")

    cluster.trace.subscribe(bind_first)
    apply(cluster, pod_yaml("web"))
    cluster.settle()
    assert node_of(cluster, "web") == "node-1"
    [failed] = events(cluster, "FailedScheduling")
    assert failed["message"] == (
        'running Bind plugin "DefaultBinder": Operation cannot be fulfilled on '
        'pods/binding "web": pod web is already assigned to node "node-1"'
    )
    assert events(cluster, "Scheduled") == []
    # The assumed pod was forgotten; the informer then brought the real one to node-1.
    assert [p.name for p in scheduler.cache.get("node-1").pods.values()] == ["web"]
    assert not scheduler.cache.get("node-2").pods
    assert not scheduler.cache.assumed


def test_a_pod_bound_by_someone_else_during_its_cycle_is_not_assumed():
    cluster, scheduler = start()

    def bound_meanwhile(event):
        # As if the informer had just delivered the pod, bound elsewhere, while the cycle ran.
        if event.kind == "scheduling-cycle" and event.object.name == "web":
            pod = scheduler.get_pod("default", "web")
            bound = {**pod, "spec": {**pod["spec"], "nodeName": "node-1"}}
            scheduler.cache.add_pod(scheduler.pod_infos.of(bound))

    cluster.trace.subscribe(bound_meanwhile)
    apply(cluster, pod_yaml("web"))
    cluster.settle()
    [failed] = events(cluster, "FailedScheduling")
    uid = get_pod(cluster, "web")["metadata"]["uid"]
    assert failed["message"] == f"pod {uid}(default/web) is in the cache, so can't be assumed"
    assert pod_scheduled(cluster, "web")["reason"] == "SchedulerError"
