"""Shared set-up for the kubectl command tests: clusters, objects made through the API (as
another client would make them), and the requests a kubectl command sent."""

from __future__ import annotations

from typing import Any

from engine.apiserver.request import Request
from engine.cluster import Cluster, KubectlResult


def quiet_cluster() -> Cluster:
    """A cluster without scheduler, controllers or kubelets: objects stay as kubectl left
    them (pods Pending with no node, Deployments without ReplicaSets)."""
    return Cluster(seed=1, control_plane=False)


def call(
    cluster: Cluster,
    method: str,
    path: str,
    body: Any = None,
    content_type: str = "application/json",
) -> dict[str, Any]:
    response = cluster.call(
        Request(method, path, body=body, headers={"content-type": content_type})
    )
    assert response.ok, response.body
    result: dict[str, Any] = response.body
    return result


def bound_pod(
    cluster: Cluster, name: str, node: str, *, owner: str = "", empty_dir: bool = False
) -> dict[str, Any]:
    """A pod created with spec.nodeName set (it skips the scheduler), optionally controlled by
    a `owner` kind, optionally with an emptyDir volume."""
    meta: dict[str, Any] = {"name": name}
    if owner:
        meta["ownerReferences"] = [
            {"apiVersion": "apps/v1", "kind": owner, "name": "x", "uid": "1234", "controller": True}
        ]
    spec: dict[str, Any] = {"nodeName": node, "containers": [{"name": "app", "image": "nginx"}]}
    if empty_dir:
        spec["volumes"] = [{"name": "scratch", "emptyDir": {}}]
    return call(
        cluster,
        "POST",
        "/api/v1/namespaces/default/pods",
        {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec},
    )


def sent(cluster: Cluster, line: str) -> tuple[KubectlResult, list[str]]:
    """Run a kubectl line; also return the `METHOD url` of every request it sent."""
    start = len(cluster.trace)
    result = cluster.kubectl(line)
    requests = [
        f"{e.data['method']} {e.data['url']}"
        for e in list(cluster.trace)[start:]
        if e.kind == "request" and e.source == "kubectl"
    ]
    return result, requests


def out(result: KubectlResult) -> tuple[str, str, int]:
    return result.stdout, result.stderr, result.exit_code
