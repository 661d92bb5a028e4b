"""Inter-pod affinity and topology spreading."""

from __future__ import annotations

from collections import Counter

from engine.apiserver.request import Request
from engine.cluster import NodeSpec
from tests.scheduler_helpers import apply, cycles, events, node_of, pod_yaml, start

ANTI = """  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector: {matchLabels: {app: web}}
        topologyKey: kubernetes.io/hostname"""

AFFINITY = """  affinity:
    podAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector: {matchLabels: {app: cache}}
        topologyKey: kubernetes.io/hostname"""


def test_required_anti_affinity_puts_one_per_node_then_refuses():
    cluster, _ = start()
    for i in range(4):
        apply(cluster, pod_yaml(f"web-{i}", extra_spec=ANTI, labels="app: web"))
        cluster.settle()
    nodes = [node_of(cluster, f"web-{i}") for i in range(4)]
    assert sorted(n for n in nodes[:3] if n) == ["node-1", "node-2", "node-3"]
    assert nodes[3] is None
    [failed] = events(cluster, "FailedScheduling")
    # The newcomer's own anti-affinity, and the existing pods' (symmetric) anti-affinity:
    # Filter reports the first, for each node.
    assert failed["message"].startswith(
        "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."
    )


def test_existing_pods_anti_affinity_keeps_others_out():
    cluster, _ = start(node_specs=[NodeSpec(name="node-1")])
    apply(cluster, pod_yaml("loner", extra_spec=ANTI, labels="app: loner"))
    cluster.settle()
    apply(cluster, pod_yaml("web", labels="app: web"))
    cluster.settle()
    assert node_of(cluster, "web") is None
    assert events(cluster, "FailedScheduling")[0]["message"] == (
        "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules."
        " no new claims to deallocate, preemption: 0/1 nodes are available: "
        "1 No preemption victims found for incoming pod."
    )


def test_required_affinity_follows_the_matching_pod():
    cluster, _ = start()
    apply(cluster, pod_yaml("web", extra_spec=AFFINITY, labels="app: web"))
    cluster.settle()
    assert events(cluster, "FailedScheduling")[0]["message"].startswith(
        "0/3 nodes are available: 3 node(s) didn't match pod affinity rules."
    )
    apply(cluster, pod_yaml("cache", labels="app: cache"))
    cluster.settle()
    # The cache pod's arrival (AssignedPodAdd) brings the web pod back, next to it.
    assert node_of(cluster, "web") == node_of(cluster, "cache")


def test_topology_spread_do_not_schedule():
    specs = [
        NodeSpec(name="a1", labels={"topology.kubernetes.io/zone": "a"}),
        NodeSpec(name="b1", labels={"topology.kubernetes.io/zone": "b"}),
    ]
    cluster, _ = start(node_specs=specs)
    spread = """  topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: DoNotSchedule
    labelSelector: {matchLabels: {app: web}}
  nodeSelector: {topology.kubernetes.io/zone: a}"""
    apply(cluster, pod_yaml("web-0", extra_spec=spread, labels="app: web"))
    cluster.settle()
    assert node_of(cluster, "web-0") == "a1"
    apply(cluster, pod_yaml("web-1", extra_spec=spread, labels="app: web"))
    cluster.settle()
    # nodeAffinityPolicy Honor: zone b does not count, so zone a alone has no skew.
    assert node_of(cluster, "web-1") == "a1"


def test_topology_spread_refuses_a_skew():
    specs = [
        NodeSpec(name="a1", labels={"topology.kubernetes.io/zone": "a"}),
        NodeSpec(
            name="b1",
            labels={"topology.kubernetes.io/zone": "b"},
            taints=[{"key": "full", "effect": "NoSchedule"}],
        ),
    ]
    cluster, _ = start(node_specs=specs)
    spread = """  topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: DoNotSchedule
    labelSelector: {matchLabels: {app: web}}"""
    apply(cluster, pod_yaml("web-0", extra_spec=spread, labels="app: web"))
    cluster.settle()
    apply(cluster, pod_yaml("web-1", extra_spec=spread, labels="app: web"))
    cluster.settle()
    assert node_of(cluster, "web-0") == "a1"
    assert node_of(cluster, "web-1") is None
    assert events(cluster, "FailedScheduling")[0]["message"].startswith(
        "0/2 nodes are available: 1 node(s) didn't match pod topology spread constraints, "
        "1 node(s) had untolerated taint(s)."
    )


def test_replica_set_pods_are_spread_by_the_system_default_constraints():
    cluster, scheduler = start()
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web-abc", "namespace": "default"},
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "nginx"}]},
            },
        },
    }
    response = cluster.call(
        Request("POST", "/apis/apps/v1/namespaces/default/replicasets", body=rs)
    )
    assert response.ok, response.body
    uid = response.body["metadata"]["uid"]
    cluster.settle()
    owner = (
        "  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, "
        f"uid: {uid}, controller: true}}]"
    )
    for i in range(6):
        manifest = pod_yaml(f"web-{i}", cpu="0", memory="0", labels="app: web")
        manifest = manifest.replace("  labels: {app: web}", "  labels: {app: web}\n" + owner)
        apply(cluster, manifest)
    cluster.settle()
    placements = Counter(node_of(cluster, f"web-{i}") for i in range(6))
    assert sorted(placements.values()) == [2, 2, 2]
    last = cycles(cluster, "web-5")[0]
    assert "PodTopologySpread" in last.data["score"]
    assert "PodTopologySpread" not in last.data["skipped"]["score"]
    del scheduler
