"""Shared set-up for the scheduler tests: a cluster with a started Scheduler, and readers."""

from __future__ import annotations

import json
from typing import Any

from engine import nodes
from engine.apiserver.request import Request
from engine.cluster import Cluster, NodeSpec
from engine.scheduler import Scheduler


def start(seed: int = 1, node_specs: list[NodeSpec] | None = None) -> tuple[Cluster, Scheduler]:
    cluster = Cluster(seed=seed, node_specs=node_specs, control_plane=False)
    scheduler = Scheduler(cluster.context)
    scheduler.start()
    cluster.settle()
    return cluster, scheduler


def pod_yaml(
    name: str,
    cpu: str = "100m",
    memory: str = "64Mi",
    extra_spec: str = "",
    labels: str = "",
) -> str:
    """A one-container pod; `extra_spec` is YAML indented by two spaces under spec."""
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels: {{{labels}}}
spec:
{extra_spec}
  containers:
  - name: app
    image: nginx:1.27
    resources:
      requests: {{cpu: "{cpu}", memory: "{memory}"}}
"""


def apply(cluster: Cluster, manifest: str) -> None:
    result = cluster.kubectl("apply -f -", manifest)
    assert result.exit_code == 0, result.text


def get_pod(cluster: Cluster, name: str) -> dict[str, Any]:
    result = cluster.kubectl(f"get pod {name} -o json")
    assert result.exit_code == 0, result.text
    pod: dict[str, Any] = json.loads(result.stdout)
    return pod


def node_of(cluster: Cluster, name: str) -> str | None:
    node: str | None = get_pod(cluster, name)["spec"].get("nodeName")
    return node


def pod_scheduled(cluster: Cluster, name: str) -> dict[str, Any] | None:
    for condition in get_pod(cluster, name)["status"].get("conditions") or []:
        if condition["type"] == "PodScheduled":
            return dict(condition)
    return None


def events(cluster: Cluster, reason: str | None = None) -> list[dict[str, Any]]:
    result = cluster.kubectl("get events -o json")
    assert result.exit_code == 0, result.text
    items: list[dict[str, Any]] = json.loads(result.stdout)["items"]
    return [e for e in items if reason is None or e["reason"] == reason]


def add_node(cluster: Cluster, spec: NodeSpec, index: int) -> None:
    body = nodes.node_object(spec, index, cluster.rng, cluster.now)
    response = cluster.call(Request("POST", "/api/v1/nodes", body=body))
    assert response.ok, response.body


def patch_node(cluster: Cluster, name: str, patch: dict[str, Any]) -> None:
    """What `kubectl label node` / `kubectl cordon` send: a merge patch."""
    response = cluster.call(
        Request(
            "PATCH",
            f"/api/v1/nodes/{name}",
            headers={"content-type": "application/merge-patch+json"},
            body=patch,
        )
    )
    assert response.ok, response.body


def cycles(cluster: Cluster, pod: str | None = None) -> list[Any]:
    return [
        e
        for e in cluster.trace
        if e.kind == "scheduling-cycle" and (pod is None or (e.object and e.object.name == pod))
    ]
