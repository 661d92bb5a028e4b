"""Helpers for the node tests: a cluster with a kubelet on node-1 and pods bound to it.

There is no scheduler here: pods are created with spec.nodeName already set, which the API
server accepts (as in real Kubernetes), and the kubelet picks them up from its watch.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from engine.apiserver.request import Request
from engine.cluster import Cluster
from engine.node import Kubelet

Obj = dict[str, Any]


def cluster(seed: int = 1) -> tuple[Cluster, Kubelet]:
    c = Cluster(seed=seed, control_plane=False)
    k = Kubelet(c.context, "node-1")
    k.start()
    return c, k


def pod(
    name: str = "web",
    image: str = "nginx:1.27",
    *,
    restart: str | None = None,
    grace: int | None = None,
    node: str = "node-1",
    **container: Any,
) -> Obj:
    spec: Obj = {"nodeName": node, "containers": [{"name": "app", "image": image, **container}]}
    if restart:
        spec["restartPolicy"] = restart
    if grace is not None:
        spec["terminationGracePeriodSeconds"] = grace
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def create(c: Cluster, obj: Obj) -> None:
    result = c.kubectl("apply -f -", yaml.safe_dump(obj))
    assert result.exit_code == 0, result.text


def get(c: Cluster, name: str = "web") -> Obj:
    result = c.kubectl(f"get pod {name} -o json")
    assert result.exit_code == 0, result.text
    loaded: Obj = json.loads(result.stdout)
    return loaded


def container_status(c: Cluster, name: str = "web") -> Obj:
    status: Obj = get(c, name)["status"]["containerStatuses"][0]
    return status


def row(c: Cluster, name: str = "web") -> list[str]:
    """The pod's `kubectl get pods` row, split on runs of spaces."""
    lines = c.kubectl(f"get pod {name}").stdout.splitlines()
    return [cell for cell in lines[1].split("  ") if cell.strip()] if len(lines) > 1 else []


def status_column(c: Cluster, name: str = "web") -> str:
    cells = row(c, name)
    return cells[2].strip() if cells else ""


def events(c: Cluster, name: str = "web") -> list[Obj]:
    """The pod's events, oldest first, as stored (core/v1)."""
    response = c.call(Request("GET", "/api/v1/namespaces/default/events"))
    found = [e for e in response.body["items"] if e["involvedObject"]["name"] == name]
    return sorted(found, key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))


def reasons(c: Cluster, name: str = "web") -> list[str]:
    return [e["reason"] for e in events(c, name)]


def watch_statuses(c: Cluster, seconds: float, name: str = "web", step: float = 0.25) -> list[str]:
    """The STATUS column each time it changes over `seconds` of virtual time (a poor man's
    `kubectl get -w`, sampling the stored pod)."""
    seen: list[str] = []
    end = c.now + seconds
    while c.now < end:
        c.advance(step)
        obj = c.call(Request("GET", f"/api/v1/namespaces/default/pods/{name}"))
        if obj.code != 200:
            value = "<gone>"
        else:
            from engine.apiserver.tables import pod_status_reason

            value = pod_status_reason(obj.body)
        if not seen or seen[-1] != value:
            seen.append(value)
    return seen


def logs(c: Cluster, name: str = "web", **query: str) -> tuple[int, str]:
    response = c.call(
        Request("GET", f"/api/v1/namespaces/default/pods/{name}/log", query=dict(query))
    )
    body = response.body if isinstance(response.body, str) else response.body.get("message", "")
    return response.code, body
