"""Scoring: how the default plugins rank feasible nodes, and how many nodes are looked at."""

from __future__ import annotations

from collections import Counter

import pytest

from engine.cluster import NodeSpec
from engine.scheduler.plugins.balanced_allocation import balanced_resource_score
from engine.scheduler.plugins.image_locality import calculate_priority, normalized_image_name
from engine.scheduler.plugins.node_resources_fit import least_requested_score
from engine.scheduler.schedule_one import num_feasible_nodes_to_find
from tests.scheduler_helpers import apply, cycles, node_of, pod_yaml, start


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [(3, 3), (99, 99), (100, 100), (500, 230), (1000, 420), (5000, 500), (6000, 300)],
)
def test_percentage_of_nodes_to_score_is_adaptive(nodes, expected):
    assert num_feasible_nodes_to_find(nodes) == expected


def test_least_allocated_and_balanced_formulas():
    assert least_requested_score(1000, 4000) == 75
    assert least_requested_score(5000, 4000) == 0
    assert least_requested_score(1, 3) == 66  # integer division, as in Go
    # cpu 50% used, memory 10%: std = 0.2 -> 80
    assert balanced_resource_score([2000, 1], [4000, 10]) == 80
    assert balanced_resource_score([0, 0], [0, 0]) == 100


def test_image_locality_formula():
    mb = 1024 * 1024
    assert normalized_image_name("nginx") == "nginx:latest"
    assert normalized_image_name("localhost:5000/app") == "localhost:5000/app:latest"
    assert normalized_image_name("nginx:1.27") == "nginx:1.27"
    assert calculate_priority(0, 1) == 0
    assert calculate_priority(1000 * mb, 1) == 100
    assert calculate_priority(500 * mb, 1) == 48


def test_pods_spread_across_equal_nodes():
    cluster, _ = start()
    for i in range(6):
        apply(cluster, pod_yaml(f"web-{i}", cpu="500m", memory="512Mi"))
        cluster.settle()
    placements = Counter(node_of(cluster, f"web-{i}") for i in range(6))
    assert sorted(placements.values()) == [2, 2, 2]


def test_least_allocated_prefers_the_emptier_node():
    specs = [
        NodeSpec(name="small", capacity={"cpu": "2", "memory": "4Gi", "pods": "110"}),
        NodeSpec(name="large", capacity={"cpu": "16", "memory": "32Gi", "pods": "110"}),
    ]
    cluster, _ = start(node_specs=specs)
    apply(cluster, pod_yaml("web", cpu="1", memory="1Gi"))
    cluster.settle()
    assert node_of(cluster, "web") == "large"
    [event] = cycles(cluster, "web")
    fit = event.data["score"]["NodeResourcesFit"]
    # small: cpu (2000-1000)/2000 = 50, memory (4-1)/4 = 75 -> 62; large: 93 and 96 -> 94
    assert fit == {"small": 62, "large": 94}


def test_balanced_allocation_prefers_even_use():
    specs = [
        NodeSpec(name="cpu-heavy", capacity={"cpu": "4", "memory": "16Gi", "pods": "110"}),
        NodeSpec(name="even", capacity={"cpu": "4", "memory": "4Gi", "pods": "110"}),
    ]
    cluster, _ = start(node_specs=specs)
    apply(cluster, pod_yaml("web", cpu="2", memory="2Gi"))
    cluster.settle()
    [event] = cycles(cluster, "web")
    balanced = event.data["score"]["NodeResourcesBalancedAllocation"]
    assert balanced == {"cpu-heavy": 81, "even": 100}  # |0.5 - 0.125| / 2 = 0.1875


def test_prefer_no_schedule_taints_lower_the_score():
    taint = {"key": "spot", "value": "true", "effect": "PreferNoSchedule"}
    specs = [NodeSpec(name="tainted", taints=[taint]), NodeSpec(name="clean")]
    cluster, _ = start(node_specs=specs)
    apply(cluster, pod_yaml("web"))
    cluster.settle()
    assert node_of(cluster, "web") == "clean"
    [event] = cycles(cluster, "web")
    assert event.data["score"]["TaintToleration"] == {"tainted": 0, "clean": 300}


def test_preferred_node_affinity_scores():
    specs = [NodeSpec(name="a"), NodeSpec(name="b", labels={"disktype": "ssd"})]
    cluster, _ = start(node_specs=specs)
    extra = """  affinity:
    nodeAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 10
        preference:
          matchExpressions: [{key: disktype, operator: In, values: [ssd]}]"""
    apply(cluster, pod_yaml("web", extra_spec=extra))
    cluster.settle()
    assert node_of(cluster, "web") == "b"
    [event] = cycles(cluster, "web")
    assert event.data["score"]["NodeAffinity"] == {"a": 0, "b": 200}  # normalized 100, x2


def test_image_locality_prefers_a_node_with_the_image():
    cluster, scheduler = start()
    node = scheduler.nodes.get("node-3")
    images = [{"names": ["docker.io/library/big:1", "big:1"], "sizeBytes": 800 * 1024 * 1024}]
    with_images = {**node, "status": {**node["status"], "images": images}}
    scheduler.cache.update_node(with_images)  # as if the kubelet had reported it
    apply(cluster, pod_yaml("web").replace("nginx:1.27", "big:1"))
    cluster.settle()
    assert node_of(cluster, "web") == "node-3"
    [event] = cycles(cluster, "web")
    assert event.data["score"]["ImageLocality"]["node-3"] > 0
    assert event.data["score"]["ImageLocality"]["node-1"] == 0
