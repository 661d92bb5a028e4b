"""Node lifecycle and taint eviction: a node whose kubelet stops renewing its Lease goes
NotReady, gets tainted, and its pods are evicted after their 300 s toleration."""

from __future__ import annotations

from engine import timeutil
from tests.controller_kit import (
    bind,
    cluster_with,
    create_lease,
    deployment_yaml,
    events,
    get,
    keep_renewing,
    messages,
    pods,
    renew_lease,
    report_node_ready,
    report_ready,
)

NODES = ["node-1", "node-2", "node-3"]


def three_node_cluster():
    """Every controller; kubelets (stand-ins) renewing Leases; one web pod on each node."""
    c = cluster_with(("*",))
    for node in NODES:
        create_lease(c, node)
    alive = dict.fromkeys(NODES, True)
    keep_renewing(c, NODES, alive)
    c.kubectl("apply -f -", deployment_yaml())
    c.settle()
    for pod, node in zip(sorted(pods(c), key=lambda p: p["metadata"]["name"]), NODES, strict=True):
        bind(c, pod, node)
    c.settle()
    for pod in pods(c):
        report_ready(c, pod)
    c.settle()
    return c, alive


def on_node(c, node):
    return [p for p in pods(c) if p["spec"].get("nodeName") == node]


def node(c, name):
    return get(c, f"/api/v1/nodes/{name}")


def test_nodes_are_registered_with_the_controller():
    c, _ = three_node_cluster()
    assert sorted(messages(c, "RegisteredNode")) == [
        f"Node {n} event: Registered Node {n} in Controller" for n in NODES
    ]
    (event,) = [e for e in events(c, "RegisteredNode") if e["involvedObject"]["name"] == "node-1"]
    assert event["source"] == {"component": "node-controller"}
    assert event["involvedObject"]["kind"] == "Node"


def test_a_silent_node_goes_not_ready_is_tainted_and_its_pods_evicted():
    c, alive = three_node_cluster()
    (victim,) = on_node(c, "node-2")
    name = victim["metadata"]["name"]
    alive["node-2"] = False
    start = c.now

    c.advance(45)  # within node-monitor-grace-period (50 s): nothing yet
    assert node(c, "node-2")["status"]["conditions"][-1]["status"] == "True"

    c.advance(25)
    n2 = node(c, "node-2")
    for condition in n2["status"]["conditions"]:
        assert (condition["status"], condition["reason"], condition["message"]) == (
            "Unknown",
            "NodeStatusUnknown",
            "Kubelet stopped posting node status.",
        )
    assert [(t["key"], t["effect"]) for t in n2["spec"]["taints"]] == [
        ("node.kubernetes.io/unreachable", "NoSchedule"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
    ]
    assert all("timeAdded" in t for t in n2["spec"]["taints"])
    assert node(c, "node-1")["status"]["conditions"][-1]["status"] == "True"
    assert "node-2   NotReady" in c.kubectl("get nodes").stdout
    assert messages(c, "NodeNotReady") == [
        "Node node-2 status is now: NodeNotReady",
        "Node is not ready",
    ]
    pod_event = [e for e in events(c, "NodeNotReady") if e["involvedObject"]["kind"] == "Pod"]
    assert pod_event[0]["type"] == "Warning"
    assert pod_event[0]["involvedObject"]["name"] == name
    (victim,) = on_node(c, "node-2")
    ready = next(x for x in victim["status"]["conditions"] if x["type"] == "Ready")
    assert ready["status"] == "False"
    assert not victim["metadata"].get("deletionTimestamp")

    # The pod tolerates node.kubernetes.io/unreachable:NoExecute for 300 s (admission default).
    tainted_at = timeutil.parse_rfc3339(n2["spec"]["taints"][1]["timeAdded"])
    c.advance(tainted_at + 295 - c.now)
    assert not on_node(c, "node-2")[0]["metadata"].get("deletionTimestamp")
    c.advance(10)
    c.settle()
    (victim,) = on_node(c, "node-2")
    assert victim["metadata"]["name"] == name
    assert victim["metadata"].get("deletionTimestamp")  # no kubelet to finish it: Terminating
    disruption = [x for x in victim["status"]["conditions"] if x["type"] == "DisruptionTarget"]
    assert [(x["status"], x["reason"], x["message"]) for x in disruption] == [
        ("True", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint")
    ]
    assert messages(c, "TaintManagerEviction") == [f"Marking for deletion Pod default/{name}"]
    (eviction,) = events(c, "TaintManagerEviction")
    assert eviction["source"] == {"component": "taint-eviction-controller"}
    # The ReplicaSet replaced it at once (the replacement waits for a scheduler).
    replacements = [p for p in pods(c) if not p["spec"].get("nodeName")]
    assert len(replacements) == 1
    assert c.now - start < 400

    # The kubelet comes back: Lease renewed, node status Ready again; the taints go.
    alive["node-2"] = True
    renew_lease(c, "node-2")
    report_node_ready(c, "node-2")
    c.advance(12)
    c.settle()
    n2 = node(c, "node-2")
    assert not n2["spec"].get("taints")
    assert n2["status"]["conditions"][-1]["status"] == "True"


def test_when_every_node_is_silent_nothing_is_evicted():
    c, alive = three_node_cluster()
    for name in NODES:
        alive[name] = False
    c.advance(70)
    notes = [e.summary for e in c.trace if e.kind == "reconcile"]
    assert any("Entering master disruption mode" in s for s in notes)
    for name in NODES:
        n = node(c, name)
        assert n["status"]["conditions"][-1]["status"] == "Unknown"
        assert [t["effect"] for t in n["spec"].get("taints") or []] == ["NoSchedule"]
    c.advance(400)
    assert not any(p["metadata"].get("deletionTimestamp") for p in pods(c))
    assert messages(c, "TaintManagerEviction") == []
