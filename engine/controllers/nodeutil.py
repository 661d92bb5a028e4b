"""Node helpers the node controllers share: taints (pkg/util/taints and
pkg/controller/controller_utils.go AddOrUpdateTaintOnNode / RemoveTaintOffNode /
PatchNodeTaints), tolerations
(k8s.io/api/core/v1/toleration.go) and the node events and pod marking of
pkg/controller/util/node/controller_utils.go.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine import timeutil
from engine.apiserver.request import Response
from engine.controllers.base import STRATEGIC_MERGE, SyncError, error_message, path_of
from engine.controllers.podutil import get_condition

if TYPE_CHECKING:
    from engine.controllers.base import Controller

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
UPDATE_TAINT_RETRIES = 5  # UpdateTaintBackoff.Steps


def taint(key: str, effect: str) -> Obj:
    return {"key": key, "effect": effect}


def matches(a: Obj, b: Obj) -> bool:
    """Taint.MatchTaint: same key and effect."""
    return bool(a.get("key") == b.get("key") and a.get("effect") == b.get("effect"))


def taint_exists(taints: list[Obj], wanted: Obj) -> bool:
    return any(matches(t, wanted) for t in taints)


def taints_of(node: Obj) -> list[Obj]:
    taints: list[Obj] = (node.get("spec") or {}).get("taints") or []
    return taints


def no_execute_taints(node: Obj) -> list[Obj]:
    return [t for t in taints_of(node) if t.get("effect") == "NoExecute"]


def tolerates(toleration: Obj, taint: Obj) -> bool:
    """Toleration.ToleratesTaint."""
    if toleration.get("effect") and toleration["effect"] != taint.get("effect"):
        return False
    if toleration.get("key") and toleration["key"] != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    if operator == "Equal":
        return bool((toleration.get("value") or "") == (taint.get("value") or ""))
    return False


def matching_tolerations(taints: list[Obj], tolerations: list[Obj]) -> list[Obj] | None:
    """GetMatchingTolerations: the toleration used for each taint, or None if one is not
    tolerated at all."""
    used = []
    for t in taints:
        found = next((tol for tol in tolerations if tolerates(tol, t)), None)
        if found is None:
            return None
        used.append(found)
    return used


def min_toleration_seconds(tolerations: list[Obj]) -> float:
    """getMinTolerationTime: 0 for none (evict now), -1 for forever."""
    if not tolerations:
        return 0
    seconds = [
        t["tolerationSeconds"] for t in tolerations if t.get("tolerationSeconds") is not None
    ]
    if not seconds:
        return -1
    shortest = min(seconds)
    return 0 if shortest <= 0 else float(shortest)


def _patch_node_taints(controller: Controller, node: Obj, taints: list[Obj]) -> Gen:
    """PatchNodeTaints: the whole taint list, guarded by the resourceVersion it was made from
    (spec.taints has no merge key, so a strategic merge patch replaces it)."""
    patch = {
        "metadata": {"resourceVersion": node["metadata"]["resourceVersion"]},
        "spec": {"taints": taints or None},
    }
    response: Response = yield from controller.request(
        "PATCH", path_of("nodes", "", node["metadata"]["name"]), patch, headers=STRATEGIC_MERGE
    )
    return response


def _update_taints(controller: Controller, name: str, change: Any) -> Gen:
    """Retry on conflict: GET the node, apply `change` to its taints, patch if changed."""
    for _ in range(UPDATE_TAINT_RETRIES):
        response: Response = yield from controller.request("GET", path_of("nodes", "", name))
        if response.code == 404:
            return
        node = controller.must(response)
        old = taints_of(node)
        new = change(copy.deepcopy(old))
        if new == old:
            return
        patched = yield from _patch_node_taints(controller, node, new)
        if patched.ok:
            return
        if patched.code != 409:
            raise SyncError(error_message(patched))
    raise SyncError(f"failed to update taints of node {name}")


def add_or_update_taints(controller: Controller, name: str, taints: list[Obj]) -> Gen:
    """AddOrUpdateTaintOnNode: each taint replaces the one with its key and effect."""
    if not taints:
        return

    def change(current: list[Obj]) -> list[Obj]:
        for t in taints:
            if any(c == t for c in current):
                continue
            if taint_exists(current, t):
                current = [t if matches(c, t) else c for c in current]
            else:
                current.append(t)
        return current

    yield from _update_taints(controller, name, change)


def remove_taints(controller: Controller, node: Obj | None, name: str, taints: list[Obj]) -> Gen:
    """RemoveTaintOffNode: no call at all if the (cached) node has none of them."""
    if not taints:
        return
    if node is not None and not any(taint_exists(taints_of(node), t) for t in taints):
        return

    def change(current: list[Obj]) -> list[Obj]:
        return [c for c in current if not any(matches(c, t) for t in taints)]

    yield from _update_taints(controller, name, change)


def swap_taints(
    controller: Controller, name: str, to_add: list[Obj], to_remove: list[Obj], node: Obj
) -> Gen:
    """SwapNodeControllerTaint: add (stamped with timeAdded now), then remove."""
    stamp = timeutil.rfc3339(controller.now)
    yield from add_or_update_taints(controller, name, [{**t, "timeAdded": stamp} for t in to_add])
    yield from remove_taints(controller, node, name, to_remove)


def record_node_event(controller: Controller, node: Obj, reason: str, event: str) -> None:
    """RecordNodeEvent: `Node %s event: %s`."""
    controller.recorder.event(
        _node_ref(node), "Normal", reason, f"Node {node['metadata']['name']} event: {event}"
    )


def record_node_status_change(controller: Controller, node: Obj, new_status: str) -> None:
    """RecordNodeStatusChange: `Node %s status is now: %s`."""
    name = node["metadata"]["name"]
    controller.recorder.event(
        _node_ref(node), "Normal", new_status, f"Node {name} status is now: {new_status}"
    )


def _node_ref(node: Obj) -> Obj:
    """The ObjectReference these events name: Kind Node, the name and uid, no namespace."""
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": node["metadata"]["name"], "uid": node["metadata"].get("uid", "")},
    }


def mark_pods_not_ready(controller: Controller, pods: list[Obj], node_name: str) -> Gen:
    """MarkPodsNotReady: Ready=False on each pod of the node that has a Ready condition, and a
    Warning NodeNotReady `Node is not ready` event on it."""
    errors = []
    for pod in pods:
        if pod.get("spec", {}).get("nodeName") != node_name:
            continue
        ready = get_condition(pod, "Ready")
        if ready is None or ready.get("status") == "False":
            continue
        updated = copy.deepcopy(pod)
        for condition in updated["status"]["conditions"]:
            if condition.get("type") == "Ready":
                condition["status"] = "False"
                condition["lastTransitionTime"] = timeutil.rfc3339(controller.now)
        meta = pod["metadata"]
        response: Response = yield from controller.request(
            "PUT", path_of("pods", meta.get("namespace", ""), meta["name"], "status"), updated
        )
        if response.code == 404:
            continue
        if not response.ok:
            errors.append(error_message(response))
            continue
        controller.recorder.event(response.body, "Warning", "NodeNotReady", "Node is not ready")
    if errors:
        raise SyncError("; ".join(errors))


def zone_key(node: Obj) -> str:
    """nodetopology.GetZoneKey: region and zone labels, "" when neither is set."""
    labels = node["metadata"].get("labels") or {}
    region = labels.get("topology.kubernetes.io/region") or labels.get(
        "failure-domain.beta.kubernetes.io/region", ""
    )
    zone = labels.get("topology.kubernetes.io/zone") or labels.get(
        "failure-domain.beta.kubernetes.io/zone", ""
    )
    if not region and not zone:
        return ""
    return f"{region}:\x00:{zone}"
