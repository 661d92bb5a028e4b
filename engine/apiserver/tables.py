"""Server-side printing: what the API server returns for `Accept: application/json;as=Table`.

`kubectl get` never formats kinds itself; it asks the API server for a meta.k8s.io/v1 Table
and only aligns its cells (engine/kubectl/printers.py). The per-kind columns and cell values
come from kubernetes/kubernetes pkg/printers/internalversion/printers.go (AddHandlers,
printPod, printReplicaSet, printDeployment, printNode, printEvent, printNamespace), which the
apiserver runs with Wide=true, so priority-1 columns are always filled and kubectl hides them
unless `-o wide`. Kinds without a printer get the default table convertor of
staging/src/k8s.io/apiserver/pkg/registry/rest/table.go: `Name`, `Created At`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.timeutil import human_duration, parse_rfc3339, rfc3339

Row = list[Any]
Obj = dict[str, Any]

# Descriptions are the Go SwaggerDoc strings the column definitions carry (kubectl never
# prints them; `kubectl get --raw` shows them).
_NAME_DOC = (
    "Name must be unique within a namespace. Is required when creating resources, although "
    "some resources may allow a client to request the generation of an appropriate name "
    "automatically. Name is primarily intended for creation idempotence and configuration "
    "definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
_AGE_DOC = (
    "CreationTimestamp is a timestamp representing the server time when this object was "
    "created. It is not guaranteed to be set in happens-before order across separate "
    "operations. Clients may not set this value. It is represented in RFC3339 form and is in "
    "UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/"
    "api-conventions.md#metadata"
)
_CONTAINERS_DOC = "Names of each container in the template."
_IMAGES_DOC = "Images referenced by each container in the template."


def _column(
    name: str, description: str, *, kind: str = "string", fmt: str = "", priority: int = 0
) -> dict[str, Any]:
    return {
        "name": name,
        "type": kind,
        "format": fmt,
        "description": description,
        "priority": priority,
    }


_NAME = _column("Name", _NAME_DOC, fmt="name")
_AGE = _column("Age", _AGE_DOC)

POD_COLUMNS = [
    _NAME,
    _column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    _column("Status", "The aggregate status of the containers in this pod."),
    _column(
        "Restarts",
        "The number of times the containers in this pod have been restarted "
        "and when the last container in this pod has restarted.",
    ),
    _AGE,
    _column(
        "IP",
        "podIP address allocated to the pod. Routable at least within the cluster. "
        "Empty if not yet allocated.",
        priority=1,
    ),
    _column(
        "Node",
        "NodeName indicates in which node this pod is scheduled. If empty, this "
        "pod is a candidate for scheduling by the scheduler defined in schedulerName. Once "
        "this field is set, the kubelet for this node becomes responsible for the lifecycle "
        "of this pod. This field should not be used to express a desire for the pod to be "
        "scheduled on a specific node. "
        "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
        priority=1,
    ),
    _column(
        "Nominated Node",
        "nominatedNodeName is set only when this pod preempts other "
        "pods on the node, but it cannot be scheduled right away as preemption victims "
        "receive their graceful termination periods. This field does not guarantee that the "
        "pod will be scheduled on this node.",
        priority=1,
    ),
    _column(
        "Readiness Gates",
        "If specified, all readiness gates will be evaluated for pod "
        "readiness. A pod is ready when all its containers are ready AND all conditions "
        'specified in the readiness gates have status equal to "True" More info: '
        "https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates",
        priority=1,
    ),
]

REPLICA_SET_COLUMNS = [
    _NAME,
    _column(
        "Desired",
        "Replicas is the number of desired pods. This is a pointer to "
        "distinguish between explicit zero and unspecified. Defaults to 1.",
        kind="integer",
    ),
    _column(
        "Current",
        "Replicas is the most recently observed number of non-terminating pods.",
        kind="integer",
    ),
    _column(
        "Ready",
        "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.",
        kind="integer",
    ),
    _AGE,
    _column("Containers", _CONTAINERS_DOC, priority=1),
    _column("Images", _IMAGES_DOC, priority=1),
    _column(
        "Selector",
        "Selector is a label query over pods that should match the replica "
        "count. Label keys and values that must match in order to be controlled by this "
        "replica set. It must match the pod template's labels.",
        priority=1,
    ),
]

DEPLOYMENT_COLUMNS = [
    _NAME,
    _column("Ready", "Number of the pod with ready state"),
    _column(
        "Up-to-date",
        "Total number of non-terminating pods targeted by this deployment "
        "that have the desired template spec.",
    ),
    _column(
        "Available",
        "Total number of available non-terminating pods (ready for at least "
        "minReadySeconds) targeted by this deployment.",
    ),
    _AGE,
    _column("Containers", _CONTAINERS_DOC, priority=1),
    _column("Images", _IMAGES_DOC, priority=1),
    _column(
        "Selector",
        "Label selector for pods. Existing ReplicaSets whose pods are selected "
        "by this will be the ones affected by this deployment.",
        priority=1,
    ),
]

NODE_COLUMNS = [
    _NAME,
    _column("Status", "The status of the node"),
    _column("Roles", "The roles of the node"),
    _AGE,
    _column("Version", "Kubelet Version reported by the node."),
    _column("Internal-IP", "List of addresses reachable to the node.", priority=1),
    _column("External-IP", "List of addresses reachable to the node.", priority=1),
    _column(
        "OS-Image",
        "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
        priority=1,
    ),
    _column(
        "Kernel-Version",
        "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
        priority=1,
    ),
    _column(
        "Container-Runtime",
        "ContainerRuntime Version reported by the node through "
        "runtime remote API (e.g. containerd://1.4.2).",
        priority=1,
    ),
]

EVENT_COLUMNS = [
    _column(
        "Last Seen", "The time at which the most recent occurrence of this event was recorded."
    ),
    _column("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
    _column(
        "Reason",
        "This should be a short, machine understandable string that gives the "
        "reason for the transition into the object's current status.",
    ),
    _column("Object", "The object that this event is about."),
    _column(
        "Subobject",
        "If referring to a piece of an object instead of an entire object, "
        "this string should contain a valid JSON/Go field access statement, such as "
        "desiredState.manifest.containers[2].",
        priority=1,
    ),
    _column(
        "Source",
        "The component reporting this event. Should be a short machine understandable string.",
        priority=1,
    ),
    _column("Message", "A human-readable description of the status of this operation."),
    _column(
        "First Seen",
        "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
        priority=1,
    ),
    _column("Count", "The number of times this event has occurred.", priority=1),
    _column("Name", _NAME_DOC, fmt="name", priority=1),
]

NAMESPACE_COLUMNS = [_NAME, _column("Status", "The status of the namespace"), _AGE]

# rest/table.go defaultTableConvertor
DEFAULT_COLUMNS = [_NAME, _column("Created At", _AGE_DOC, kind="date")]


def to_table(
    resource: str,
    objects: list[Obj],
    now: float,
    include_object: str = "Metadata",
    *,
    resource_version: str | None = None,
) -> Obj:
    """The Table the API server sends for `resource` (plural, e.g. "pods") listing `objects`.

    `include_object` is the `includeObject` query parameter: "Metadata" (kubectl's default:
    each row carries a PartialObjectMetadata, used for `-A`, `--show-labels`, `-L`), "Object"
    (`--sort-by`) or "None". `resource_version` is the list's; by default a single object's.
    """
    columns, print_row = _PRINTERS.get(resource, (DEFAULT_COLUMNS, _default_row))
    if resource_version is None:
        only = objects[0]["metadata"].get("resourceVersion", "") if len(objects) == 1 else ""
        resource_version = only
    rows = []
    for obj in objects:
        row: Obj = {"cells": print_row(obj, now)}
        conditions = _row_conditions(resource, obj)
        if conditions:
            row["conditions"] = conditions
        row["object"] = _row_object(obj, include_object)
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": [dict(c) for c in columns],
        "rows": rows,
    }


def _row_object(obj: Obj, include_object: str) -> Obj | None:
    """handlers/response.go transformObject for each row's embedded object."""
    if include_object == "None":
        return None
    if include_object == "Object":
        return obj
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata", {}),
    }


def _row_conditions(resource: str, obj: Obj) -> list[Obj]:
    """printPod marks finished pods' rows Completed (podSuccessConditions/podFailedConditions)."""
    if resource != "pods":
        return []
    phase = obj.get("status", {}).get("phase")
    if phase == "Succeeded":
        message = "The pod has completed successfully."
    elif phase == "Failed":
        message = "The pod failed."
    else:
        return []
    return [{"type": "Completed", "status": "True", "reason": phase, "message": message}]


def since(timestamp: str | None, now: float) -> str:
    """translateTimestampSince: HumanDuration of now - timestamp, `<unknown>` if unset."""
    if not timestamp:
        return "<unknown>"
    return human_duration(now - parse_rfc3339(timestamp))


# --- pods ------------------------------------------------------------------------------------


def pod_status_reason(pod: Obj) -> str:
    """The STATUS column (printPod): phase, overridden by init/container states, then
    Terminating/Unknown for pods being deleted."""
    return _pod_summary(pod)[0]


def _is_sidecar(container: Obj | None) -> bool:
    """isRestartableInitContainer: an init container with restartPolicy Always."""
    return container is not None and container.get("restartPolicy") == "Always"


def _latest(current: str, candidate: str | None) -> str:
    if candidate and (not current or parse_rfc3339(candidate) > parse_rfc3339(current)):
        return candidate
    return current


def _pod_summary(pod: Obj) -> tuple[str, int, int, int, str]:
    """(reason, ready, total, restarts, last restart time) exactly as printPod computes them."""
    spec, status = pod.get("spec", {}), pod.get("status", {})
    meta = pod.get("metadata", {})
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = {c["name"]: c for c in spec.get("initContainers") or []}
    total = len(spec.get("containers") or []) + sum(map(_is_sidecar, init_specs.values()))
    ready = restarts = sidecar_restarts = 0
    last_restart = last_sidecar_restart = ""

    initializing = False
    init_count = len(spec.get("initContainers") or [])
    for index, container in enumerate(status.get("initContainerStatuses") or []):
        restarts += container.get("restartCount", 0)
        finished = _last_finished(container)
        last_restart = _latest(last_restart, finished)
        sidecar = _is_sidecar(init_specs.get(container.get("name", "")))
        if sidecar:
            sidecar_restarts += container.get("restartCount", 0)
            last_sidecar_restart = _latest(last_sidecar_restart, finished)
        state = container.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if sidecar and container.get("started"):
            ready += bool(container.get("ready"))
            continue
        if terminated is not None:
            if terminated.get("reason"):
                reason = "Init:" + terminated["reason"]
            elif terminated.get("signal"):
                reason = f"Init:Signal:{terminated['signal']}"
            else:
                reason = f"Init:ExitCode:{terminated.get('exitCode', 0)}"
        elif waiting is not None and waiting.get("reason") not in (None, "", "PodInitializing"):
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{index}/{init_count}"
        initializing = True
        break

    if not initializing or _condition_true(status, "Initialized"):
        restarts, last_restart = sidecar_restarts, last_sidecar_restart
        has_running = False
        # Backwards, so the first container's state is the one left in `reason`.
        for container in reversed(status.get("containerStatuses") or []):
            restarts += container.get("restartCount", 0)
            last_restart = _latest(last_restart, _last_finished(container))
            state = container.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated is not None:
                if terminated.get("signal"):
                    reason = f"Signal:{terminated['signal']}"
                else:
                    reason = f"ExitCode:{terminated.get('exitCode', 0)}"
            elif container.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(status, "Ready") else "NotReady"

    if meta.get("deletionTimestamp"):
        if status.get("reason") == "NodeLost":  # node.NodeUnreachablePodReason
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):  # 1.29+: terminal pods keep their phase
            reason = "Terminating"
    return reason, ready, total, restarts, last_restart


def _last_finished(container: Obj) -> str | None:
    terminated = (container.get("lastState") or {}).get("terminated")
    return terminated.get("finishedAt") if terminated else None


def _condition_true(status: Obj, kind: str) -> bool:
    return any(
        c.get("type") == kind and c.get("status") == "True" for c in status.get("conditions") or []
    )


def _pod_row(pod: Obj, now: float) -> Row:
    spec, status, meta = pod.get("spec", {}), pod.get("status", {}), pod.get("metadata", {})
    reason, ready, total, restarts, last_restart = _pod_summary(pod)
    restarts_text = str(restarts)
    if restarts and last_restart:
        restarts_text = f"{restarts} ({since(last_restart, now)} ago)"
    pod_ips = status.get("podIPs") or []
    gates = spec.get("readinessGates") or []
    readiness = "<none>"
    if gates:
        conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
        passed = sum(conditions.get(g.get("conditionType")) == "True" for g in gates)
        readiness = f"{passed}/{len(gates)}"
    return [
        meta.get("name", ""),
        f"{ready}/{total}",
        reason,
        restarts_text,
        since(meta.get("creationTimestamp"), now),
        (pod_ips[0].get("ip") if pod_ips else "") or "<none>",
        spec.get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        readiness,
    ]


# --- workloads -------------------------------------------------------------------------------


def selector_string(selector: Obj | None) -> str:
    """labels.Selector.String() of metav1.LabelSelectorAsSelector: requirements sorted by key,
    `k=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`, joined by commas; "" when empty."""
    if not selector:
        return ""
    requirements: list[tuple[str, str]] = []
    for key, value in (selector.get("matchLabels") or {}).items():
        requirements.append((key, f"{key}={value}"))
    for expr in selector.get("matchExpressions") or []:
        key, operator = expr.get("key", ""), expr.get("operator", "")
        values = ",".join(sorted(expr.get("values") or []))
        text = {
            "In": f"{key} in ({values})",
            "NotIn": f"{key} notin ({values})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }.get(operator, key)
        requirements.append((key, text))
    requirements.sort(key=lambda r: r[0])
    return ",".join(text for _, text in requirements)


def format_label_selector(selector: Obj | None) -> str:
    """metav1.FormatLabelSelector: like selector_string, `<none>` when empty."""
    return selector_string(selector) or "<none>"


def _containers_and_images(template: Obj) -> tuple[str, str]:
    """layoutContainerCells: container names and images, comma-joined."""
    containers = template.get("spec", {}).get("containers") or []
    return (
        ",".join(c.get("name", "") for c in containers),
        ",".join(c.get("image", "") for c in containers),
    )


def _replica_set_row(rs: Obj, now: float) -> Row:
    spec, status, meta = rs.get("spec", {}), rs.get("status", {}), rs.get("metadata", {})
    names, images = _containers_and_images(spec.get("template") or {})
    return [
        meta.get("name", ""),
        spec.get("replicas", 1),
        status.get("replicas", 0),
        status.get("readyReplicas", 0),
        since(meta.get("creationTimestamp"), now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


def _deployment_row(deploy: Obj, now: float) -> Row:
    spec, status, meta = (
        deploy.get("spec", {}),
        deploy.get("status", {}),
        deploy.get("metadata", {}),
    )
    names, images = _containers_and_images(spec.get("template") or {})
    return [
        meta.get("name", ""),
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
        status.get("updatedReplicas", 0),
        status.get("availableReplicas", 0),
        since(meta.get("creationTimestamp"), now),
        names,
        images,
        selector_string(spec.get("selector")),
    ]


# --- nodes, namespaces, events ---------------------------------------------------------------

LABEL_NODE_ROLE_PREFIX = "node-role.kubernetes.io/"
NODE_LABEL_ROLE = "kubernetes.io/role"


def node_roles(node: Obj) -> list[str]:
    """findNodeRoles: `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role` values."""
    roles = set()
    for key, value in (node.get("metadata", {}).get("labels") or {}).items():
        if key.startswith(LABEL_NODE_ROLE_PREFIX) and key[len(LABEL_NODE_ROLE_PREFIX) :]:
            roles.add(key[len(LABEL_NODE_ROLE_PREFIX) :])
        elif key == NODE_LABEL_ROLE and value:
            roles.add(value)
    return sorted(roles)


def node_status(node: Obj) -> str:
    """printNode: the Ready condition as `Ready`/`NotReady` (Unknown counts as not ready),
    `Unknown` without one, plus `SchedulingDisabled` when cordoned."""
    status = []
    for condition in node.get("status", {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            status = ["Ready" if condition.get("status") == "True" else "NotReady"]
    if not status:
        status = ["Unknown"]
    if node.get("spec", {}).get("unschedulable"):
        status.append("SchedulingDisabled")
    return ",".join(status)


def _node_address(node: Obj, kind: str) -> str:
    for address in node.get("status", {}).get("addresses") or []:
        if address.get("type") == kind:
            return address.get("address", "")
    return "<none>"


def _node_row(node: Obj, now: float) -> Row:
    meta, info = node.get("metadata", {}), node.get("status", {}).get("nodeInfo") or {}
    return [
        meta.get("name", ""),
        node_status(node),
        ",".join(node_roles(node)) or "<none>",
        since(meta.get("creationTimestamp"), now),
        info.get("kubeletVersion", ""),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


def _namespace_row(ns: Obj, now: float) -> Row:
    meta = ns.get("metadata", {})
    return [
        meta.get("name", ""),
        ns.get("status", {}).get("phase", ""),
        since(meta.get("creationTimestamp"), now),
    ]


def event_times(event: Obj, now: float) -> tuple[str, str, int]:
    """(last seen, first seen, count) as printEvent derives them from either event API:
    core/v1 first/lastTimestamp+count, or events.k8s.io eventTime+series."""
    first = since(event.get("firstTimestamp"), now)
    if not event.get("firstTimestamp"):
        first = since(event.get("eventTime"), now)
    last = since(event.get("lastTimestamp"), now) if event.get("lastTimestamp") else first
    count = event.get("count") or 0
    series = event.get("series")
    if series:
        last = since(series.get("lastObservedTime"), now)
        count = series.get("count", 0)
    elif count == 0:
        count = 1  # "Singleton events don't have a count set in the new API."
    return last, first, count


def _event_row(event: Obj, now: float) -> Row:
    last, first, count = event_times(event, now)
    involved = event.get("involvedObject") or {}
    target = (involved.get("kind") or "").lower()
    if involved.get("name"):
        target = f"{target}/{involved['name']}"
    source = event.get("source") or {}
    component = source.get("component") or event.get("reportingComponent", "")
    host = source.get("host") or event.get("reportingInstance", "")
    return [
        last,
        event.get("type", ""),
        event.get("reason", ""),
        target,
        involved.get("fieldPath", ""),
        f"{component}, {host}" if host else component,  # formatEventSource
        (event.get("message") or "").strip(),
        first,
        count,
        event.get("metadata", {}).get("name", ""),
    ]


def _default_row(obj: Obj, now: float) -> Row:
    meta = obj.get("metadata", {})
    created = meta.get("creationTimestamp")
    # Time.UTC().Format(time.RFC3339); an unset time prints as Go's zero time.
    stamp = rfc3339(parse_rfc3339(created)) if created else "0001-01-01T00:00:00Z"
    return [meta.get("name", ""), stamp]


_PRINTERS: dict[str, tuple[list[dict[str, Any]], Callable[[Obj, float], Row]]] = {
    "pods": (POD_COLUMNS, _pod_row),
    "replicasets": (REPLICA_SET_COLUMNS, _replica_set_row),
    "deployments": (DEPLOYMENT_COLUMNS, _deployment_row),
    "nodes": (NODE_COLUMNS, _node_row),
    "events": (EVENT_COLUMNS, _event_row),
    "namespaces": (NAMESPACE_COLUMNS, _namespace_row),
}
