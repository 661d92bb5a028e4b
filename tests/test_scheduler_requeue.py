"""Pending pods come back when the cluster changes in a way that may help them (queueing
hints), after their backoff, or after 5 minutes at the latest."""

from __future__ import annotations

from engine.apiserver.request import Request
from engine.cluster import NodeSpec
from engine.scheduler.framework import ActionType, ClusterEvent
from engine.scheduler.queue import BACKOFF, UNSCHEDULABLE
from tests.scheduler_helpers import (
    add_node,
    apply,
    cycles,
    events,
    node_of,
    patch_node,
    pod_yaml,
    start,
)

SMALL = {"cpu": "1", "memory": "8Gi", "pods": "110"}


def test_a_new_node_makes_the_pod_schedulable():
    cluster, scheduler = start(node_specs=[NodeSpec(name="node-1", capacity=SMALL)])
    apply(cluster, pod_yaml("big", cpu="2"))
    cluster.settle()
    assert node_of(cluster, "big") is None
    assert scheduler.queue.pending_pods()[UNSCHEDULABLE] == ["default/big"]
    add_node(cluster, NodeSpec(name="node-2"), 2)
    cluster.settle()
    assert node_of(cluster, "big") == "node-2"
    assert len(cycles(cluster, "big")) == 2
    assert [e["reason"] for e in events(cluster)].count("Scheduled") == 1


def test_a_node_that_does_not_help_leaves_the_pod_waiting():
    cluster, scheduler = start(node_specs=[NodeSpec(name="node-1", capacity=SMALL)])
    apply(cluster, pod_yaml("big", cpu="2"))
    cluster.settle()
    add_node(cluster, NodeSpec(name="node-2", capacity=SMALL), 2)  # too small as well
    cluster.settle()
    assert len(cycles(cluster, "big")) == 1  # NodeResourcesFit's hint said: skip
    assert scheduler.queue.pending_pods()[UNSCHEDULABLE] == ["default/big"]


def test_a_node_label_change_makes_the_pod_schedulable():
    cluster, _ = start()
    apply(cluster, pod_yaml("web", extra_spec="  nodeSelector: {disktype: ssd}"))
    cluster.settle()
    assert node_of(cluster, "web") is None
    patch_node(cluster, "node-3", {"metadata": {"labels": {"disktype": "ssd"}}})
    cluster.settle()
    assert node_of(cluster, "web") == "node-3"


def test_uncordoning_a_node_makes_the_pod_schedulable():
    cluster, _ = start(node_specs=[NodeSpec(name="node-1")])
    patch_node(cluster, "node-1", {"spec": {"unschedulable": True}})
    cluster.settle()
    apply(cluster, pod_yaml("web"))
    cluster.settle()
    assert events(cluster, "FailedScheduling")[0]["message"].startswith(
        "0/1 nodes are available: 1 node(s) were unschedulable."
    )
    patch_node(cluster, "node-1", {"spec": {"unschedulable": None}})
    cluster.settle()
    assert node_of(cluster, "web") == "node-1"


def test_deleting_a_bound_pod_frees_room_for_a_waiting_one():
    cluster, _ = start(node_specs=[NodeSpec(name="node-1", capacity=SMALL)])
    apply(cluster, pod_yaml("first", cpu="800m"))
    cluster.settle()
    apply(cluster, pod_yaml("second", cpu="800m"))
    cluster.settle()
    assert node_of(cluster, "second") is None
    result = cluster.kubectl("delete pod first --grace-period=0 --force")
    assert result.exit_code == 0, result.text
    cluster.settle()
    assert node_of(cluster, "second") == "node-1"


def test_an_unschedulable_pod_is_retried_after_five_minutes():
    cluster, scheduler = start()
    apply(cluster, pod_yaml("web", extra_spec="  nodeSelector: {disktype: ssd}"))
    cluster.settle()
    assert len(cycles(cluster, "web")) == 1
    cluster.advance(299)
    assert len(cycles(cluster, "web")) == 1
    cluster.advance(31)  # the leftover flush runs every 30 s
    assert len(cycles(cluster, "web")) == 2
    [event] = events(cluster, "FailedScheduling")
    assert event["series"]["count"] == 2  # the same event again: a series, not a new event
    assert scheduler.queue.pending_pods()[UNSCHEDULABLE] == ["default/web"]


def test_the_backoff_doubles_up_to_ten_seconds():
    cluster, scheduler = start()
    queue = scheduler.queue
    apply(cluster, pod_yaml("web", extra_spec="  nodeSelector: {disktype: ssd}"))
    cluster.settle()
    qpi = next(iter(queue.unschedulable.values()))
    durations = []
    for attempts in range(1, 7):
        qpi.attempts = attempts
        durations.append(queue._backoff_duration(qpi))
    assert durations == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_a_pod_still_backing_off_goes_to_backoffq_and_an_idle_scheduler_takes_it_at_once():
    cluster, scheduler = start()
    queue = scheduler.queue
    apply(cluster, pod_yaml("web", extra_spec="  nodeSelector: {disktype: ssd}"))
    cluster.settle()
    qpi = queue.unschedulable[next(iter(queue.unschedulable))]
    assert queue.is_backing_off(qpi)  # failed less than a second ago
    label_change = ClusterEvent("Node", ActionType.UPDATE_NODE_LABEL)
    node = scheduler.nodes.get("node-1")
    labels = {**node["metadata"]["labels"], "disktype": "ssd"}
    labelled = {**node, "metadata": {**node["metadata"], "labels": labels}}
    queue.move_all_to_active_or_backoff(label_change, node, labelled)
    assert queue.where[qpi.uid] == BACKOFF
    started = cluster.now
    cluster.settle()  # SchedulerPopFromBackoffQ: activeQ is empty, so no need to wait
    second = cycles(cluster, "web")[1]
    assert second.time - started < 0.01
    assert queue.where[qpi.uid] == UNSCHEDULABLE  # the node did not really change


def test_a_gated_pod_waits_until_its_gates_are_removed():
    cluster, scheduler = start()
    apply(cluster, pod_yaml("web", extra_spec="  schedulingGates: [{name: example.com/wait}]"))
    cluster.settle()
    assert cycles(cluster, "web") == []
    assert scheduler.queue.pending_pods()[UNSCHEDULABLE] == ["default/web"]
    response = cluster.call(
        Request(
            "PATCH",
            "/api/v1/namespaces/default/pods/web",
            headers={"content-type": "application/json-patch+json"},
            body=[{"op": "remove", "path": "/spec/schedulingGates"}],
        )
    )
    assert response.ok, response.body
    cluster.settle()
    assert node_of(cluster, "web") is not None
    assert queue_is_empty(scheduler)


def queue_is_empty(scheduler) -> bool:
    return all(not pods for pods in scheduler.queue.pending_pods().values())
