"""Preemption: a higher-priority pod that fits nowhere evicts lower-priority pods
(DefaultPreemption). The important pod uses system-cluster-critical, one of the two classes
every cluster has; a class of the learner's own works the same (the last test)."""

from __future__ import annotations

from engine.cluster import NodeSpec
from engine.scheduler.framework import Code, Status
from tests.scheduler_helpers import (
    apply,
    cycles,
    events,
    get_pod,
    node_of,
    pod_scheduled,
    pod_yaml,
    start,
)

NODE = NodeSpec(name="node-1", capacity={"cpu": "2", "memory": "8Gi", "pods": "110"})
CRITICAL = "  priorityClassName: system-cluster-critical"


def test_a_higher_priority_pod_preempts_a_lower_one():
    cluster, _ = start(node_specs=[NODE])
    apply(cluster, pod_yaml("low", cpu="1500m"))
    cluster.settle()
    assert node_of(cluster, "low") == "node-1"
    apply(cluster, pod_yaml("high", cpu="1", extra_spec=CRITICAL))
    cluster.settle()

    high = get_pod(cluster, "high")
    assert high["spec"]["priority"] == 2000000000
    assert high["status"]["nominatedNodeName"] == "node-1"
    assert node_of(cluster, "high") is None
    # Preemption worked, so no PostFilter message: just the FitError.
    assert pod_scheduled(cluster, "high")["message"] == (
        "0/1 nodes are available: 1 Insufficient cpu."
    )
    low = get_pod(cluster, "low")
    assert low["metadata"].get("deletionTimestamp")  # graceful deletion has begun
    [target] = [c for c in low["status"]["conditions"] if c["type"] == "DisruptionTarget"]
    assert target["reason"] == "PreemptionByScheduler"
    assert target["message"] == (
        "default-scheduler: preempting to accommodate a higher priority pod"
    )
    [preempted] = events(cluster, "Preempted")
    assert preempted["involvedObject"]["name"] == "low"
    assert preempted["message"] == f"Preempted by pod {high['metadata']['uid']} on node node-1"
    [cycle] = cycles(cluster, "high")
    assert cycle.data["nominatedNode"] == "node-1"
    assert cycle.data["victims"] == ["default/low"]
    assert "Preempting default/low on node-1" in cycle.summary

    # The kubelet would now stop the victim and remove it; do that in its place.
    assert cluster.kubectl("delete pod low --grace-period=0 --force").exit_code == 0
    cluster.settle()
    assert node_of(cluster, "high") == "node-1"
    [scheduled] = [e for e in events(cluster, "Scheduled") if e["involvedObject"]["name"] == "high"]
    assert scheduled["message"] == "Successfully assigned default/high to node-1"


def test_while_victims_terminate_the_preemptor_waits_and_others_do_not_take_the_room():
    cluster, _ = start(node_specs=[NODE])
    apply(cluster, pod_yaml("low", cpu="1500m"))
    cluster.settle()
    apply(cluster, pod_yaml("high", cpu="1", extra_spec=CRITICAL))
    cluster.settle()
    # A low-priority newcomer would fit in the 500m left, but not next to the nominated pod.
    apply(cluster, pod_yaml("sneaky", cpu="600m"))
    cluster.settle()
    assert node_of(cluster, "sneaky") is None
    assert cluster.kubectl("delete pod low --grace-period=0 --force").exit_code == 0
    cluster.settle()
    assert node_of(cluster, "high") == "node-1"


def test_equal_priority_does_not_preempt():
    cluster, _ = start(node_specs=[NODE])
    apply(cluster, pod_yaml("first", cpu="1500m", extra_spec=CRITICAL))
    cluster.settle()
    apply(cluster, pod_yaml("second", cpu="1", extra_spec=CRITICAL))
    cluster.settle()
    assert node_of(cluster, "second") is None
    assert events(cluster, "Preempted") == []
    assert pod_scheduled(cluster, "second")["message"].endswith(
        "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
    )


def test_preemption_policy_never_is_not_eligible():
    # Admission only lets a PriorityClass set preemptionPolicy, and Podlife has none with
    # Never: ask the plugin directly.
    _, scheduler = start(node_specs=[NODE])
    plugin = next(p for p in scheduler.framework.post_filter if p.name == "DefaultPreemption")
    pod = {
        "metadata": {"name": "polite", "namespace": "default", "uid": "u"},
        "spec": {"priority": 1000, "preemptionPolicy": "Never", "containers": []},
    }
    ok, message = plugin.eligible(scheduler.pod_infos.of(pod), Status(Code.UNSCHEDULABLE))
    assert (ok, message) == (False, "not eligible due to preemptionPolicy=Never.")


def test_a_class_of_ones_own_gives_the_priority_and_never_preempts():
    cluster, _ = start(node_specs=[NODE])
    for name, policy in (("high", "PreemptLowerPriority"), ("polite", "Never")):
        manifest = (
            "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n"
            f"metadata:\n  name: {name}\nvalue: 1000000\npreemptionPolicy: {policy}\n"
        )
        assert cluster.kubectl(["apply", "-f", "-"], stdin=manifest).exit_code == 0
    apply(cluster, pod_yaml("low", cpu="1500m"))
    cluster.settle()
    apply(cluster, pod_yaml("polite", cpu="1", extra_spec="  priorityClassName: polite"))
    cluster.settle()
    assert get_pod(cluster, "polite")["spec"]["preemptionPolicy"] == "Never"
    assert not get_pod(cluster, "low")["metadata"].get("deletionTimestamp")
    apply(cluster, pod_yaml("high", cpu="1", extra_spec="  priorityClassName: high"))
    cluster.settle()
    assert get_pod(cluster, "high")["spec"]["priority"] == 1000000
    assert get_pod(cluster, "low")["metadata"].get("deletionTimestamp")  # the victim
