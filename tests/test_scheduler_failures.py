"""Why a pod stays Pending: the exact FailedScheduling messages of kube-scheduler 1.37, and the
PodScheduled=False condition with the same text (facts §1.1, schedule_one.go)."""

from __future__ import annotations

import pytest

from engine.cluster import NodeSpec
from engine.scheduler.cycle_trace import TRACE_NODE_DETAIL
from tests.scheduler_helpers import apply, cycles, events, node_of, pod_scheduled, pod_yaml, start

NOT_HELPFUL_3 = (
    " no new claims to deallocate, preemption: 0/3 nodes are available: "
    "3 Preemption is not helpful for scheduling."
)


def failure_message(cluster, pod: str) -> str:
    assert node_of(cluster, pod) is None
    [event] = events(cluster, "FailedScheduling")
    assert event["type"] == "Warning"
    assert event["action"] == "Scheduling"
    condition = pod_scheduled(cluster, pod)
    assert condition is not None
    assert condition["status"] == "False"
    assert condition["reason"] == "Unschedulable"
    assert condition["message"] == event["message"]
    return str(event["message"])


@pytest.mark.parametrize(
    ("extra_spec", "reason"),
    [
        ("  nodeSelector: {disktype: ssd}", "node(s) didn't match Pod's node affinity/selector"),
        (
            """  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions:
          - {key: topology.kubernetes.io/zone, operator: In, values: [eu-west-1a]}""",
            "node(s) didn't match Pod's node affinity/selector",
        ),
    ],
)
def test_node_selector_and_required_affinity(extra_spec, reason):
    cluster, _ = start()
    apply(cluster, pod_yaml("web", extra_spec=extra_spec))
    cluster.settle()
    assert failure_message(cluster, "web") == (
        f"0/3 nodes are available: 3 {reason}." + NOT_HELPFUL_3
    )


def test_untolerated_taint():
    taint = {"key": "dedicated", "value": "db", "effect": "NoSchedule"}
    specs = [NodeSpec(name=f"node-{i}", taints=[taint]) for i in (1, 2, 3)]
    cluster, _ = start(node_specs=specs)
    apply(cluster, pod_yaml("web"))
    cluster.settle()
    assert failure_message(cluster, "web") == (
        "0/3 nodes are available: 3 node(s) had untolerated taint(s)." + NOT_HELPFUL_3
    )


def test_a_tolerated_taint_lets_the_pod_in():
    taint = {"key": "dedicated", "value": "db", "effect": "NoSchedule"}
    cluster, _ = start(node_specs=[NodeSpec(name="node-1", taints=[taint])])
    toleration = "  tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]"
    apply(cluster, pod_yaml("web", extra_spec=toleration))
    cluster.settle()
    assert node_of(cluster, "web") == "node-1"


def test_insufficient_cpu_and_memory_nodes_count_each_reason():
    specs = [
        NodeSpec(name="node-1", capacity={"cpu": "1", "memory": "8Gi", "pods": "110"}),
        NodeSpec(name="node-2", capacity={"cpu": "1", "memory": "1Gi", "pods": "110"}),
        NodeSpec(name="node-3", capacity={"cpu": "4", "memory": "1Gi", "pods": "110"}),
    ]
    cluster, _ = start(node_specs=specs)
    apply(cluster, pod_yaml("web", cpu="2", memory="2Gi"))
    cluster.settle()
    # Asking for more than a node has in all is unresolvable: preemption does not help.
    assert failure_message(cluster, "web") == (
        "0/3 nodes are available: 2 Insufficient cpu, 2 Insufficient memory." + NOT_HELPFUL_3
    )


def test_insufficient_cpu_that_preemption_could_help_but_finds_no_victims():
    cluster, _ = start(
        node_specs=[NodeSpec(name="node-1", capacity={"cpu": "2", "memory": "8Gi", "pods": "110"})]
    )
    apply(cluster, pod_yaml("first", cpu="1500m"))
    cluster.settle()
    apply(cluster, pod_yaml("second", cpu="1"))
    cluster.settle()
    assert node_of(cluster, "first") == "node-1"
    assert failure_message(cluster, "second") == (
        "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: "
        "0/1 nodes are available: 1 No preemption victims found for incoming pod."
    )


def test_too_many_pods():
    cluster, _ = start(
        node_specs=[NodeSpec(name="node-1", capacity={"cpu": "4", "memory": "8Gi", "pods": "1"})]
    )
    apply(cluster, pod_yaml("first"))
    cluster.settle()
    apply(cluster, pod_yaml("second"))
    cluster.settle()
    assert failure_message(cluster, "second") == (
        "0/1 nodes are available: 1 Too many pods. no new claims to deallocate, preemption: "
        "0/1 nodes are available: 1 No preemption victims found for incoming pod."
    )


def test_mixed_reasons_are_sorted_as_strings():
    taint = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
    specs = [
        NodeSpec(name="control-plane", taints=[taint]),
        NodeSpec(name="node-1", capacity={"cpu": "1", "memory": "8Gi", "pods": "110"}),
        NodeSpec(name="node-2", capacity={"cpu": "1", "memory": "8Gi", "pods": "110"}),
    ]
    cluster, _ = start(node_specs=specs)
    apply(cluster, pod_yaml("web", cpu="2"))
    cluster.settle()
    assert failure_message(cluster, "web") == (
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu."
        + NOT_HELPFUL_3
    )


def test_no_nodes():
    cluster, _ = start(node_specs=[])
    apply(cluster, pod_yaml("web"))
    cluster.advance(1)
    assert failure_message(cluster, "web") == "no nodes available to schedule pods"


def test_the_failed_cycle_trace_explains_each_node():
    cluster, _ = start()
    apply(cluster, pod_yaml("web", extra_spec="  nodeSelector: {disktype: ssd}"))
    cluster.settle()
    [event] = cycles(cluster, "web")
    assert event.data["chosen"] is None
    assert event.summary == event.data["message"] == pod_scheduled(cluster, "web")["message"]
    # Filtering stops at the first plugin that rejects a node.
    assert event.data["filter"]["NodeAffinity"] == {
        n: "node(s) didn't match Pod's node affinity/selector"
        for n in ("node-1", "node-2", "node-3")
    }
    assert (
        "NodeResourcesFit" not in event.data["filter"]
        or not event.data["filter"]["NodeResourcesFit"]
    )
    assert event.data["score"] == {} and event.data["nodes"]["feasible"] == 0


def test_trace_detail_is_bounded_in_big_clusters():
    specs = [NodeSpec(name=f"n{i:03}") for i in range(150)]
    cluster, _ = start(node_specs=specs)
    apply(cluster, pod_yaml("web"))
    apply(cluster, pod_yaml("lost", extra_spec="  nodeSelector: {disktype: ssd}"))
    cluster.settle()
    [won] = cycles(cluster, "web")
    assert won.data["nodes"] == {
        "all": 150,
        "evaluated": 100,
        "feasible": 100,
        "shown": TRACE_NODE_DETAIL,
    }
    assert len(won.data["total"]) == TRACE_NODE_DETAIL
    assert won.data["chosen"] in won.data["total"]
    assert max(won.data["total"].values()) == won.data["total"][won.data["chosen"]]
    [lost] = cycles(cluster, "lost")
    assert lost.data["nodes"]["evaluated"] == 150
    assert len(lost.data["filter"]["NodeAffinity"]) == TRACE_NODE_DETAIL
    assert lost.summary.startswith(
        "0/150 nodes are available: 150 node(s) didn't match Pod's node affinity/selector."
    )
