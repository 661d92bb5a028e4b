"""Properties that hold whatever a learner does (hypothesis drives random sessions).

Random sequences of apply / delete / scale / set image / fail-node / recover-node on a small
cluster; after every run:
- no node is over-committed (requests within allocatable, pod count within capacity);
- a pod, once bound, never changes node;
- once the cluster settles, every ReplicaSet has its desired number of pods;
- resourceVersions seen on a watch only grow;
- the same seed and the same actions give the same trace.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.apimachinery.quantity import cpu_millis, to_bytes
from engine.apiserver.request import Request
from engine.cluster import Cluster, NodeSpec

NODES = ["node-1", "node-2", "node-3"]


def deployment(name: str, replicas: int, image: str, cpu: str) -> str:
    return json.dumps(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {
                        "containers": [
                            {"name": "app", "image": image, "resources": {"requests": {"cpu": cpu}}}
                        ]
                    },
                },
            },
        }
    )


actions = st.lists(
    st.one_of(
        st.tuples(
            st.just("apply"),
            st.sampled_from(["web", "api"]),
            st.integers(0, 5),
            st.sampled_from(["nginx:1.27", "nginx:1.28", "redis:7.4"]),
            st.sampled_from(["100m", "500m", "1500m"]),
        ),
        st.tuples(st.just("scale"), st.sampled_from(["web", "api"]), st.integers(0, 6)),
        st.tuples(
            st.just("set-image"),
            st.sampled_from(["web", "api"]),
            st.sampled_from(["nginx:1.27", "nginx:1.29"]),
        ),
        st.tuples(st.just("delete-pod"), st.integers(0, 10)),
        st.tuples(st.just("delete-deploy"), st.sampled_from(["web", "api"])),
        st.tuples(st.just("fail-node"), st.sampled_from(NODES)),
        st.tuples(st.just("recover-node"), st.sampled_from(NODES)),
        st.tuples(st.just("wait"), st.sampled_from([1, 5, 30, 120])),
    ),
    min_size=1,
    max_size=8,
)


def items(cluster: Cluster, path: str) -> list[dict[str, Any]]:
    response = cluster.call(Request("GET", path))
    return list(response.body["items"])


def run_session(
    seed: int, steps: list[tuple[Any, ...]]
) -> tuple[Cluster, dict[str, str], list[int]]:
    nodes = [NodeSpec(name=n, capacity={"cpu": "2", "memory": "4Gi", "pods": "6"}) for n in NODES]
    cluster = Cluster(seed=seed, node_specs=nodes)
    bound: dict[str, str] = {}
    versions: list[int] = []
    moved: list[str] = []

    def watched(kind: str, obj: dict[str, Any]) -> None:
        versions.append(int(obj["metadata"]["resourceVersion"]))
        node = obj.get("spec", {}).get("nodeName")
        uid = obj["metadata"]["uid"]
        if node and bound.setdefault(uid, node) != node:
            moved.append(uid)

    # The session's pods (default): a watch from now starts with an ADDED event for each pod
    # already there (the add-ons in kube-system), in key order, not revision order.
    watch = cluster.call(Request("GET", "/api/v1/namespaces/default/pods", {"watch": "true"})).watch
    watch.start(watched)
    failed: set[str] = set()
    for step in steps:
        kind = step[0]
        if kind == "apply":
            cluster.kubectl("apply -f -", deployment(step[1], step[2], step[3], step[4]))
        elif kind == "scale":
            cluster.kubectl(f"scale deployment {step[1]} --replicas={step[2]}")
        elif kind == "set-image":
            cluster.kubectl(f"set image deployment/{step[1]} app={step[2]}")
        elif kind == "delete-pod":
            pods = items(cluster, "/api/v1/namespaces/default/pods")
            if pods:
                name = pods[step[1] % len(pods)]["metadata"]["name"]
                cluster.kubectl(f"delete pod {name} --wait=false")
        elif kind == "delete-deploy":
            cluster.kubectl(f"delete deployment {step[1]} --ignore-not-found --wait=false")
        elif kind == "fail-node" and step[1] not in failed:
            cluster.fail_node(step[1])
            failed.add(step[1])
        elif kind == "recover-node" and step[1] in failed:
            cluster.recover_node(step[1])
            failed.discard(step[1])
        elif kind == "wait":
            cluster.advance(step[1])
    for name in sorted(failed):
        cluster.recover_node(name)
    cluster.settle()
    assert not moved, f"pods changed node: {moved}"
    return cluster, bound, versions


def assert_no_node_overcommitted(cluster: Cluster) -> None:
    pods = items(cluster, "/api/v1/pods")
    for node in items(cluster, "/api/v1/nodes"):
        name = node["metadata"]["name"]
        mine = [
            p
            for p in pods
            if p["spec"].get("nodeName") == name
            and p.get("status", {}).get("phase") not in ("Succeeded", "Failed")
        ]
        allocatable = node["status"]["allocatable"]
        cpu = sum(
            cpu_millis(c.get("resources", {}).get("requests", {}).get("cpu", "0"))
            for p in mine
            for c in p["spec"]["containers"]
        )
        memory = sum(
            to_bytes(c.get("resources", {}).get("requests", {}).get("memory", "0"))
            for p in mine
            for c in p["spec"]["containers"]
        )
        assert cpu <= cpu_millis(allocatable["cpu"]), name
        assert memory <= to_bytes(allocatable["memory"]), name
        assert len(mine) <= int(allocatable["pods"]), name


def assert_replicasets_converged(cluster: Cluster) -> None:
    pods = items(cluster, "/api/v1/namespaces/default/pods")
    for rs in items(cluster, "/apis/apps/v1/namespaces/default/replicasets"):
        uid = rs["metadata"]["uid"]
        owned = [
            p
            for p in pods
            if not p["metadata"].get("deletionTimestamp")
            and any(o["uid"] == uid for o in p["metadata"].get("ownerReferences", []))
        ]
        assert len(owned) == rs["spec"]["replicas"], rs["metadata"]["name"]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(steps=actions)
def test_invariants_hold_for_random_sessions(steps: list[tuple[Any, ...]]) -> None:
    cluster, _, versions = run_session(7, steps)
    assert_no_node_overcommitted(cluster)
    assert_replicasets_converged(cluster)
    assert versions == sorted(versions)


@settings(max_examples=5, deadline=None, derandomize=True)
@given(steps=actions)
def test_same_seed_same_actions_same_trace(steps: list[tuple[Any, ...]]) -> None:
    first = run_session(11, steps)[0].trace.jsonl()
    second = run_session(11, steps)[0].trace.jsonl()
    assert first == second
