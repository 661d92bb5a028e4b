"""Clicks on the picture, as inputs to the cluster.

Where kubectl has a command for it, the click *is* that command (the page shows it in the
terminal, and the learner sees the same requests they would cause by typing it). The rest are
things that happen to machines, not API requests: the Cluster simulates them.
"""

from __future__ import annotations

import re
from typing import Any

from engine import BY_NAME, Cluster, ClusterCall, Kubectl, NodeSpec, Op, parse_quantity
from web.payloads import AddNodeIn, BadRequest, parse

POD_ACTIONS = ("delete-pod", "force-delete-pod", "crash-container")
NODE_ACTIONS = ("cordon", "uncordon", "drain", "fail-node", "recover-node", "remove-node")
KINDS = (*POD_ACTIONS, *NODE_ACTIONS, "add-node")

# DNS-1123 subdomain: also keeps a target from reading as a flag ("--all") on the command line
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_CONTAINER = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def op_for(kind: str, target: str | dict[str, Any], cluster: Cluster) -> Op:
    if kind not in KINDS:
        raise BadRequest(f"unknown action {kind!r}; the actions are {', '.join(KINDS)}")
    if kind == "add-node":
        return _add_node(target, cluster)
    if not isinstance(target, str):
        raise BadRequest(f"{kind}: the target is a name, not {type(target).__name__}")
    if kind in POD_ACTIONS:
        namespace, pod, container = _pod_target(kind, target)
        if kind == "delete-pod":
            return Kubectl(("delete", "pod", pod, "-n", namespace))
        if kind == "force-delete-pod":
            return Kubectl(("delete", "pod", pod, "-n", namespace, "--force", "--grace-period=0"))
        return _cluster_call(cluster, kind, "crash_container", namespace, pod, container)
    node = _checked(kind, "node", target, _NAME)
    if kind in ("cordon", "uncordon"):
        return Kubectl((kind, node))
    if kind == "drain":
        return Kubectl(("drain", node, "--ignore-daemonsets", "--delete-emptydir-data"))
    return _cluster_call(cluster, kind, kind.replace("-", "_"), node)


def _pod_target(kind: str, target: str) -> tuple[str, str, str | None]:
    parts = target.split("/")
    if len(parts) not in (2, 3):
        raise BadRequest(f"{kind}: the target is namespace/pod[/container], not {target!r}")
    namespace = _checked(kind, "namespace", parts[0], _NAME)
    pod = _checked(kind, "pod", parts[1], _NAME)
    container = _checked(kind, "container", parts[2], _CONTAINER) if len(parts) == 3 else None
    return namespace, pod, container


def _checked(kind: str, what: str, name: str, pattern: re.Pattern[str]) -> str:
    if not pattern.match(name):
        raise BadRequest(f"{kind}: {name!r} is not a valid {what} name")
    return name


def _cluster_call(cluster: Cluster, kind: str, method: str, *args: Any) -> ClusterCall:
    if not callable(getattr(cluster, method, None)):
        raise BadRequest(f"{kind} is not available in this version of Podlife yet")
    return ClusterCall(method, args)


def _add_node(target: str | dict[str, Any], cluster: Cluster) -> Op:
    spec = parse(AddNodeIn, target if isinstance(target, dict) else {}, "add-node")
    # Stored Nodes, and the machines still registering theirs (a second quick click must not
    # pick the name the first one is about to register).
    existing = {kv.key.rsplit("/", 1)[-1] for kv in cluster.etcd.range(BY_NAME["nodes"].prefix())}
    existing |= {spec.name for spec in cluster.node_specs}
    name = spec.name or next(
        f"node-{i}" for i in range(1, len(existing) + 2) if f"node-{i}" not in existing
    )
    _checked("add-node", "node", name, _NAME)
    if name in existing:
        raise BadRequest(f'add-node: a node named "{name}" already exists')
    capacity = {"cpu": str(spec.cpu or "4"), "memory": spec.memory or "8Gi", "pods": "110"}
    for resource in ("cpu", "memory"):
        try:
            if parse_quantity(capacity[resource]) <= 0:
                raise ValueError("must be more than zero")
        except ValueError as error:
            raise BadRequest(f"add-node: {resource} {capacity[resource]!r}: {error}") from None
    return _cluster_call(
        cluster, "add-node", "add_node", NodeSpec(name=name, capacity=capacity, labels=spec.labels)
    )
