"""Determinism, and a quick correctness check at a thousand nodes (timing is `make bench`)."""

from __future__ import annotations

import json
from collections import Counter

from engine.apiserver.request import Request
from engine.cluster import Cluster, NodeSpec
from engine.scheduler import Scheduler
from tests.scheduler_helpers import apply, pod_yaml


def _run(seed: int) -> tuple[dict[str, str], str]:
    cluster = Cluster(seed=seed, control_plane=False)
    Scheduler(cluster.context).start()
    cluster.settle()
    for i in range(8):
        apply(cluster, pod_yaml(f"web-{i}", cpu="250m", memory="256Mi"))
    apply(cluster, pod_yaml("lost", extra_spec="  nodeSelector: {disktype: ssd}"))
    cluster.settle()
    pods = json.loads(cluster.kubectl("get pods -o json").stdout)["items"]
    placements = {p["metadata"]["name"]: p["spec"].get("nodeName", "") for p in pods}
    return placements, cluster.trace.jsonl()


def test_same_seed_same_placements_and_trace():
    first = _run(7)
    second = _run(7)
    assert first[0] == second[0]
    assert first[1] == second[1]


def test_ties_are_broken_by_the_seed():
    outcomes = {tuple(sorted(_run(seed)[0].items())) for seed in (1, 2, 3, 4)}
    assert len(outcomes) > 1  # equal nodes: different seeds, different (valid) choices


def test_a_thousand_nodes_and_two_thousand_pods():
    nodes = [NodeSpec(name=f"node-{i:04}") for i in range(1000)]
    cluster = Cluster(seed=3, node_specs=nodes, control_plane=False)
    cluster.apiserver.quiet = True  # bootstrap-style: the pods exist before the scheduler
    for i in range(2000):
        body = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": f"p-{i:04}", "namespace": "default"},
            "spec": {
                "containers": [
                    {
                        "name": "app",
                        "image": "nginx:1.27",
                        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                    }
                ]
            },
        }
        response = cluster.call(Request("POST", "/api/v1/namespaces/default/pods", body=body))
        assert response.ok, response.body
    cluster.apiserver.quiet = False
    scheduler = Scheduler(cluster.context)
    scheduler.start()
    assert cluster.settle()
    pods = scheduler.pods.list()
    assert len(pods) == 2000
    per_node = Counter(p["spec"].get("nodeName") for p in pods)
    assert None not in per_node and "" not in per_node
    assert max(per_node.values()) <= 4  # spread, far from any node's limits
    assert len(per_node) >= 900
    cycles = [e for e in cluster.trace if e.kind == "scheduling-cycle"]
    assert len(cycles) == 2000
    assert {c.data["nodes"]["evaluated"] for c in cycles} == {420}  # 42% of 1000 nodes
    assert all(len(c.data["total"]) <= 20 for c in cycles)
    assert (
        len(
            [
                e
                for e in cluster.trace
                if e.kind == "request"
                and e.source == "scheduler"
                and e.data["url"].endswith("/binding")
            ]
        )
        == 2000
    )
