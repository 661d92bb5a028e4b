"""Helpers for the controller tests: a cluster with a controller manager, and small stand-ins
for the components these tests run without (a scheduler binding, a kubelet reporting status),
all acting through the API like the real ones.
"""

from __future__ import annotations

import json
from typing import Any

from engine import timeutil
from engine.apiserver.request import Request, Response
from engine.cluster import Cluster
from engine.controllers import ControllerManager

Obj = dict[str, Any]

SMP = {"content-type": "application/strategic-merge-patch+json"}
MERGE = {"content-type": "application/merge-patch+json"}
JSON_PATCH = {"content-type": "application/json-patch+json"}

WORKLOAD_CONTROLLERS = (
    "replicaset-controller",
    "deployment-controller",
    "garbage-collector-controller",
)


def deployment_yaml(
    name: str = "web",
    replicas: int = 3,
    image: str = "nginx:1.25",
    extra_spec: str = "",
) -> str:
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: nginx
        image: {image}
{extra_spec}"""


def cluster_with(controllers: tuple[str, ...] = WORKLOAD_CONTROLLERS, seed: int = 1) -> Cluster:
    cluster = Cluster(seed=seed, control_plane=False)
    ControllerManager(cluster.context, controllers).start()
    cluster.settle()
    return cluster


def call(
    cluster: Cluster,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    user: str = "kubernetes-admin",
    groups: tuple[str, ...] = ("system:masters",),
) -> Response:
    req = Request(method, path, {}, dict(headers or {}), body, user, groups)
    return cluster.call(req)


def get(cluster: Cluster, path: str) -> Obj:
    response = call(cluster, "GET", path)
    assert response.ok, response.body
    body: Obj = response.body
    return body


def items(cluster: Cluster, resource_path: str) -> list[Obj]:
    listed: list[Obj] = get(cluster, resource_path)["items"]
    return listed


def pods(cluster: Cluster, namespace: str = "default") -> list[Obj]:
    return items(cluster, f"/api/v1/namespaces/{namespace}/pods")


def replicasets(cluster: Cluster, namespace: str = "default") -> list[Obj]:
    return items(cluster, f"/apis/apps/v1/namespaces/{namespace}/replicasets")


def deployment(cluster: Cluster, name: str = "web", namespace: str = "default") -> Obj:
    return get(cluster, f"/apis/apps/v1/namespaces/{namespace}/deployments/{name}")


def events(cluster: Cluster, reason: str | None = None, namespace: str = "default") -> list[Obj]:
    found = items(cluster, f"/api/v1/namespaces/{namespace}/events")
    found.sort(key=lambda e: (e["firstTimestamp"] or "", e["metadata"]["name"]))
    return [e for e in found if reason is None or e["reason"] == reason]


def messages(cluster: Cluster, reason: str, namespace: str = "default") -> list[str]:
    """Event messages of one reason in the order they were recorded (event names carry the
    nanosecond they were made)."""
    found = items(cluster, f"/api/v1/namespaces/{namespace}/events")
    found = [e for e in found if e["reason"] == reason]
    found.sort(key=lambda e: int(e["metadata"]["name"].rsplit(".", 1)[1], 16))
    return [e["message"] for e in found]


def bind(cluster: Cluster, pod: Obj, node: str) -> None:
    """What the scheduler does: POST pods/<name>/binding."""
    meta = pod["metadata"]
    body = {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": meta["name"], "namespace": meta["namespace"]},
        "target": {"apiVersion": "v1", "kind": "Node", "name": node},
    }
    response = call(
        cluster,
        "POST",
        f"/api/v1/namespaces/{meta['namespace']}/pods/{meta['name']}/binding",
        body,
        user="system:kube-scheduler",
        groups=("system:authenticated",),
    )
    assert response.ok, response.body


def report_ready(cluster: Cluster, pod: Obj, ready: bool = True) -> None:
    """What a kubelet does once the containers run and the readiness probe passes: patch the
    pod's status to Running with Ready=True (pods/<name>/status)."""
    response = call(cluster, *_ready_request(cluster, pod, ready))
    assert response.ok, response.body


def report_ready_all(cluster: Cluster, found: list[Obj]) -> None:
    """Every pod's kubelet reports Ready at the same virtual instant (the requests run side by
    side), so a controller sees them all in one sync, as in the textbook rollout."""
    processes = []
    for pod in found:
        method, path, body, headers, user, groups = _ready_request(cluster, pod, True)
        req = Request(method, path, {}, headers, body, user, groups)
        processes.append(cluster.env.process(cluster.apiserver.handle(req), "kubelet status"))
    for process in processes:
        assert cluster.env.run_process(process, 10)
        assert process.value.ok, process.value.body


def _ready_request(cluster: Cluster, pod: Obj, ready: bool) -> tuple[Any, ...]:
    meta = pod["metadata"]
    stamp = timeutil.rfc3339(cluster.now)
    value = "True" if ready else "False"
    conditions = [
        {"type": kind, "status": value, "lastProbeTime": None, "lastTransitionTime": stamp}
        for kind in ("Initialized", "Ready", "ContainersReady")
    ]
    node = pod["spec"].get("nodeName") or "node-1"
    return (
        "PATCH",
        f"/api/v1/namespaces/{meta['namespace']}/pods/{meta['name']}/status",
        {"status": {"phase": "Running", "conditions": conditions}},
        SMP,
        f"system:node:{node}",
        ("system:nodes", "system:authenticated"),
    )


def run_kubelets(cluster: Cluster, namespace: str = "default", rounds: int = 50) -> None:
    """Let the controllers work; every time they stop, make every new pod Running and Ready
    (as scheduler and kubelets would), until nothing is left to start."""
    for _ in range(rounds):
        cluster.settle()
        waiting = [
            p
            for p in pods(cluster, namespace)
            if p["status"].get("phase") == "Pending" and not p["metadata"].get("deletionTimestamp")
        ]
        if not waiting:
            return
        report_ready_all(cluster, waiting)
    raise AssertionError("pods kept coming")


def scaling_events(cluster: Cluster) -> list[str]:
    return messages(cluster, "ScalingReplicaSet")


def rs_sizes(cluster: Cluster) -> dict[str, int]:
    """{replica set name: spec.replicas}, in the order they were created (the revision they
    were made for: the first of revision-history when a rollback re-used them)."""

    def first_revision(rs: Obj) -> tuple[int, str]:
        annotations = rs["metadata"].get("annotations") or {}
        history = annotations.get("deployment.kubernetes.io/revision-history", "")
        revision = history.split(",")[0] or annotations.get("deployment.kubernetes.io/revision")
        return int(revision or 0), rs["metadata"]["name"]

    found = sorted(replicasets(cluster), key=first_revision)
    return {rs["metadata"]["name"]: rs["spec"]["replicas"] for rs in found}


def set_image(cluster: Cluster, image: str, name: str = "web", container: str = "nginx") -> None:
    """`kubectl set image deployment/web nginx=<image>`: a strategic merge patch of the
    container's image (staging/src/k8s.io/kubectl/pkg/cmd/set/set_image.go)."""
    patch = {"spec": {"template": {"spec": {"containers": [{"image": image, "name": container}]}}}}
    response = call(
        cluster, "PATCH", f"/apis/apps/v1/namespaces/default/deployments/{name}", patch, SMP
    )
    assert response.ok, response.body


def scale(cluster: Cluster, replicas: int, name: str = "web", kind: str = "deployments") -> None:
    """`kubectl scale`: a merge patch of the scale subresource (pkg/scale/scale.go)."""
    response = call(
        cluster,
        "PATCH",
        f"/apis/apps/v1/namespaces/default/{kind}/{name}/scale",
        {"spec": {"replicas": replicas}},
        MERGE,
    )
    assert response.ok, response.body


def pause(cluster: Cluster, paused: bool, name: str = "web") -> None:
    """`kubectl rollout pause|resume`: a strategic merge patch of spec.paused."""
    response = call(
        cluster,
        "PATCH",
        f"/apis/apps/v1/namespaces/default/deployments/{name}",
        {"spec": {"paused": paused}},
        SMP,
    )
    assert response.ok, response.body


ANNOTATIONS_TO_SKIP = {
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
}


def rollout_undo(cluster: Cluster, name: str = "web", to_revision: int = 0) -> str:
    """`kubectl rollout undo` (polymorphichelpers/rollback.go DeploymentRollbacker): find the
    ReplicaSet of the wanted revision (default: the previous one), and JSON-patch the
    Deployment's template (without pod-template-hash) and annotations back to it."""
    d = deployment(cluster, name)
    owned = [
        rs
        for rs in replicasets(cluster)
        if any(r["uid"] == d["metadata"]["uid"] for r in rs["metadata"].get("ownerReferences", []))
    ]
    by_revision = {
        int(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]): rs for rs in owned
    }
    if not to_revision:
        to_revision = sorted(by_revision)[-2]
    rs = json.loads(json.dumps(by_revision[to_revision]))
    template = rs["spec"]["template"]
    template["metadata"]["labels"].pop("pod-template-hash", None)
    annotations = {
        k: v
        for k, v in (d["metadata"].get("annotations") or {}).items()
        if k in ANNOTATIONS_TO_SKIP
    }
    annotations.update(
        {
            k: v
            for k, v in (rs["metadata"].get("annotations") or {}).items()
            if k not in ANNOTATIONS_TO_SKIP
        }
    )
    patch = [
        {"op": "replace", "path": "/spec/template", "value": template},
        {"op": "replace", "path": "/metadata/annotations", "value": annotations},
    ]
    response = call(
        cluster, "PATCH", f"/apis/apps/v1/namespaces/default/deployments/{name}", patch, JSON_PATCH
    )
    assert response.ok, response.body
    return f"deployment.apps/{name} rolled back"


# ---- node heartbeats --------------------------------------------------------------------------
def lease_path(node: str) -> str:
    return f"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{node}"


def create_lease(cluster: Cluster, node: str) -> None:
    """The kubelet's node Lease (pkg/kubelet/nodelease, component-helpers/apimachinery/lease)."""
    owner = get(cluster, f"/api/v1/nodes/{node}")
    lease = {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {
            "name": node,
            "namespace": "kube-node-lease",
            "ownerReferences": [
                {"apiVersion": "v1", "kind": "Node", "name": node, "uid": owner["metadata"]["uid"]}
            ],
        },
        "spec": {
            "holderIdentity": node,
            "leaseDurationSeconds": 40,
            "renewTime": timeutil.rfc3339_micro(cluster.now),
        },
    }
    response = call(
        cluster,
        "POST",
        "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
        lease,
        user=f"system:node:{node}",
        groups=("system:nodes", "system:authenticated"),
    )
    assert response.ok, response.body


def renew_lease(cluster: Cluster, node: str) -> None:
    response = call(
        cluster,
        "PATCH",
        lease_path(node),
        {"spec": {"renewTime": timeutil.rfc3339_micro(cluster.now)}},
        MERGE,
        user=f"system:node:{node}",
        groups=("system:nodes", "system:authenticated"),
    )
    assert response.ok, response.body


def keep_renewing(cluster: Cluster, nodes: list[str], alive: dict[str, bool]) -> None:
    """Kubelets renewing their Leases every 10 s while `alive[node]` (a background loop)."""
    from engine.apiserver.request import Request as _Request

    def loop() -> Any:
        while True:
            yield cluster.timings.lease_renew_interval
            for node in nodes:
                if alive.get(node, True):
                    req = _Request(
                        "PATCH",
                        lease_path(node),
                        {},
                        dict(MERGE),
                        {"spec": {"renewTime": timeutil.rfc3339_micro(cluster.now)}},
                        f"system:node:{node}",
                        ("system:nodes", "system:authenticated"),
                    )
                    yield from cluster.apiserver.handle(req)

    cluster.env.process(loop(), "kubelet leases", background=True)


def report_node_ready(cluster: Cluster, node: str) -> None:
    """The kubelet's node status update once it is back: Ready=True with a fresh heartbeat."""
    current = get(cluster, f"/api/v1/nodes/{node}")
    stamp = timeutil.rfc3339(cluster.now)
    conditions = []
    for condition in current["status"]["conditions"]:
        fresh = dict(condition, lastHeartbeatTime=stamp)
        if condition["type"] == "Ready" and condition["status"] != "True":
            fresh.update(
                status="True",
                reason="KubeletReady",
                message="kubelet is posting ready status",
                lastTransitionTime=stamp,
            )
        elif condition["type"] != "Ready" and condition["status"] == "Unknown":
            fresh.update(status="False", lastTransitionTime=stamp)
        conditions.append(fresh)
    response = call(
        cluster,
        "PATCH",
        f"/api/v1/nodes/{node}/status",
        {"status": {"conditions": conditions}},
        SMP,
        user=f"system:node:{node}",
        groups=("system:nodes", "system:authenticated"),
    )
    assert response.ok, response.body


def watch(cluster: Cluster, collection: str) -> list[tuple[str, Obj]]:
    """Start a watch on `collection` (from now); the list fills as events arrive."""
    listed = get(cluster, collection)
    req = Request(
        "GET",
        collection,
        {"watch": "true", "resourceVersion": listed["metadata"]["resourceVersion"]},
    )
    response = cluster.call(req)
    assert response.ok, response.body
    seen: list[tuple[str, Obj]] = []
    response.watch.start(lambda kind, obj: seen.append((kind, obj)))
    return seen
