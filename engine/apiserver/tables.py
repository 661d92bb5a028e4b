"""Server-side printing: what the API server returns for `Accept: application/json;as=Table`.

`kubectl get` never formats kinds itself; it asks the API server for a meta.k8s.io/v1 Table
and only aligns its cells (engine/kubectl/printers.py). The per-kind columns and cell values
come from kubernetes/kubernetes pkg/printers/internalversion/printers.go (AddHandlers,
printPod, printReplicaSet, printDeployment, printNode, printEvent, printNamespace,
printConfigMap, printSecret, printService), which the apiserver runs with Wide=true, so
priority-1 columns are always filled and kubectl hides them unless `-o wide`. Kinds without a
printer get the default table convertor of
staging/src/k8s.io/apiserver/pkg/registry/rest/table.go: `Name`, `Created At`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.apimachinery.labels import format_labels
from engine.apiserver.table_cells import (
    Obj,
    containers_and_images,
    event_times,
    format_label_selector,
    node_address,
    node_roles,
    node_status,
    selector_string,
    since,
)
from engine.apiserver.table_columns import (
    CONFIG_MAP_COLUMNS,
    CONTROLLER_REVISION_COLUMNS,
    DAEMON_SET_COLUMNS,
    DEFAULT_COLUMNS,
    DEPLOYMENT_COLUMNS,
    ENDPOINT_SLICE_COLUMNS,
    ENDPOINTS_COLUMNS,
    EVENT_COLUMNS,
    NAMESPACE_COLUMNS,
    NODE_COLUMNS,
    POD_COLUMNS,
    REPLICA_SET_COLUMNS,
    REPLICATION_CONTROLLER_COLUMNS,
    ROLE_BINDING_COLUMNS,
    SECRET_COLUMNS,
    SERVICE_ACCOUNT_COLUMNS,
    SERVICE_COLUMNS,
    STATEFUL_SET_COLUMNS,
)
from engine.timeutil import parse_rfc3339, rfc3339

Row = list[Any]


@dataclass(frozen=True)
class Printer:
    """One kind's table: its column definitions, the cells of an object's row, and the
    conditions of its row (printers.go: a handler registered with AddHandlers)."""

    columns: list[dict[str, Any]]
    row: Callable[[Obj, float], Row]
    conditions: Callable[[Obj], list[Obj]] = lambda _obj: []


def to_table(
    printer: Printer,
    objects: list[Obj],
    now: float,
    include_object: str = "Metadata",
    *,
    resource_version: str | None = None,
) -> Obj:
    """The Table the API server sends listing `objects` (a resource's strategy has its printer).

    `include_object` is the `includeObject` query parameter: "Metadata" (kubectl's default:
    each row carries a PartialObjectMetadata, used for `-A`, `--show-labels`, `-L`), "Object"
    (`--sort-by`) or "None". `resource_version` is the list's; by default a single object's.
    """
    if resource_version is None:
        only = objects[0]["metadata"].get("resourceVersion", "") if len(objects) == 1 else ""
        resource_version = only
    rows = []
    for obj in objects:
        row: Obj = {"cells": printer.row(obj, now)}
        conditions = printer.conditions(obj)
        if conditions:
            row["conditions"] = conditions
        row["object"] = _row_object(obj, include_object)
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": [dict(c) for c in printer.columns],
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


def _pod_conditions(obj: Obj) -> list[Obj]:
    """printPod marks finished pods' rows Completed (podSuccessConditions/podFailedConditions)."""
    phase = obj.get("status", {}).get("phase")
    if phase == "Succeeded":
        message = "The pod has completed successfully."
    elif phase == "Failed":
        message = "The pod failed."
    else:
        return []
    return [{"type": "Completed", "status": "True", "reason": phase, "message": message}]


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


# --- the other kinds -------------------------------------------------------------------------


def _replica_set_row(rs: Obj, now: float) -> Row:
    return _replicas_row(rs, now, format_label_selector(rs.get("spec", {}).get("selector")))


def _replication_controller_row(rc: Obj, now: float) -> Row:
    """printReplicationController: the selector is a map (labels.FormatLabels)."""
    return _replicas_row(rc, now, format_labels(rc.get("spec", {}).get("selector")))


def _replicas_row(obj: Obj, now: float, selector: str) -> Row:
    """printReplicaSet and printReplicationController: the same columns."""
    spec, status, meta = obj.get("spec", {}), obj.get("status", {}), obj.get("metadata", {})
    names, images = containers_and_images(spec.get("template") or {})
    return [
        meta.get("name", ""),
        spec.get("replicas", 1),
        status.get("replicas", 0),
        status.get("readyReplicas", 0),
        since(meta.get("creationTimestamp"), now),
        names,
        images,
        selector,
    ]


def _daemon_set_row(ds: Obj, now: float) -> Row:
    """printDaemonSet."""
    spec, status, meta = ds.get("spec", {}), ds.get("status", {}), ds.get("metadata", {})
    template = spec.get("template") or {}
    names, images = containers_and_images(template)
    return [
        meta.get("name", ""),
        status.get("desiredNumberScheduled", 0),
        status.get("currentNumberScheduled", 0),
        status.get("numberReady", 0),
        status.get("updatedNumberScheduled", 0),
        status.get("numberAvailable", 0),
        format_labels((template.get("spec") or {}).get("nodeSelector")),
        since(meta.get("creationTimestamp"), now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


def _stateful_set_row(sts: Obj, now: float) -> Row:
    """printStatefulSet: READY is ready/desired."""
    spec, status, meta = sts.get("spec", {}), sts.get("status", {}), sts.get("metadata", {})
    names, images = containers_and_images(spec.get("template") or {})
    ready = f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}"
    return [meta.get("name", ""), ready, since(meta.get("creationTimestamp"), now), names, images]


def _controller_revision_row(revision: Obj, now: float) -> Row:
    """printControllerRevision: the controller as formatResourceName prints it
    (`daemonset.apps/fluentd`)."""
    meta = revision.get("metadata", {})
    controller = "<none>"
    for ref in meta.get("ownerReferences") or []:
        if ref.get("controller"):
            group = str(ref.get("apiVersion", "")).rpartition("/")[0]
            kind = str(ref.get("kind", "")) + (f".{group}" if group else "")
            controller = f"{kind.lower()}/{ref.get('name', '')}"
            break
    return [
        meta.get("name", ""),
        controller,
        revision.get("revision", 0),
        since(meta.get("creationTimestamp"), now),
    ]


def _deployment_row(deploy: Obj, now: float) -> Row:
    spec, status, meta = (
        deploy.get("spec", {}),
        deploy.get("status", {}),
        deploy.get("metadata", {}),
    )
    names, images = containers_and_images(spec.get("template") or {})
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


def _node_row(node: Obj, now: float) -> Row:
    meta, info = node.get("metadata", {}), node.get("status", {}).get("nodeInfo") or {}
    return [
        meta.get("name", ""),
        node_status(node),
        ",".join(node_roles(node)) or "<none>",
        since(meta.get("creationTimestamp"), now),
        info.get("kubeletVersion", ""),
        node_address(node, "InternalIP"),
        node_address(node, "ExternalIP"),
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


def _config_map_row(cm: Obj, now: float) -> Row:
    """printConfigMap: both bags count."""
    meta = cm.get("metadata", {})
    count = len(cm.get("data") or {}) + len(cm.get("binaryData") or {})
    return [meta.get("name", ""), count, since(meta.get("creationTimestamp"), now)]


def _service_account_row(sa: Obj, now: float) -> Row:
    """printServiceAccount."""
    meta = sa.get("metadata", {})
    return [
        meta.get("name", ""),
        len(sa.get("secrets") or []),
        since(meta.get("creationTimestamp"), now),
    ]


def _role_binding_row(binding: Obj, now: float) -> Row:
    """printRoleBinding / printClusterRoleBinding, with rbac.SubjectsStrings for the wide
    columns (a ServiceAccount as namespace/name)."""
    meta, ref = binding.get("metadata", {}), binding.get("roleRef") or {}
    users: list[str] = []
    groups: list[str] = []
    accounts: list[str] = []
    for subject in binding.get("subjects") or []:
        kind, name = subject.get("kind"), subject.get("name", "")
        if kind == "User":
            users.append(name)
        elif kind == "Group":
            groups.append(name)
        elif kind == "ServiceAccount":
            accounts.append(f"{subject.get('namespace', '')}/{name}")
    return [
        meta.get("name", ""),
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        since(meta.get("creationTimestamp"), now),
        ", ".join(users),
        ", ".join(groups),
        ", ".join(accounts),
    ]


def _secret_row(secret: Obj, now: float) -> Row:
    """printSecret."""
    meta = secret.get("metadata", {})
    return [
        meta.get("name", ""),
        secret.get("type", ""),
        len(secret.get("data") or {}),
        since(meta.get("creationTimestamp"), now),
    ]


def _endpoints_row(endpoints: Obj, now: float) -> Row:
    """printEndpoints: formatEndpoints(endpoints, nil), every port of every subset with its
    ready addresses, `<none>` without subsets."""
    meta = endpoints.get("metadata", {})
    listed: list[str] = []
    for subset in endpoints.get("subsets") or []:
        addresses = [a.get("ip", "") for a in subset.get("addresses") or []]
        if not subset.get("ports"):
            listed += addresses  # headless Services may have no ports
        for port in subset.get("ports") or []:
            listed += [
                f"[{ip}]:{port.get('port')}" if ":" in ip else f"{ip}:{port.get('port')}"
                for ip in addresses
            ]
    cell = ",".join(listed[:3]) + (f" + {len(listed) - 3} more..." if len(listed) > 3 else "")
    if not endpoints.get("subsets"):
        cell = "<none>"
    return [meta.get("name", ""), cell, since(meta.get("creationTimestamp"), now)]


def _endpoint_slice_row(slice_: Obj, now: float) -> Row:
    """printEndpointSlice, formatDiscoveryPorts, formatDiscoveryEndpoints."""
    meta = slice_.get("metadata", {})
    ports = [
        str(p["port"]) if p.get("port") is not None else p.get("name") or "*"
        for p in slice_.get("ports") or []
    ]
    addresses = [a for e in slice_.get("endpoints") or [] for a in e.get("addresses") or []]
    return [
        meta.get("name", ""),
        slice_.get("addressType", ""),
        _list_with_more(ports),
        _list_with_more(addresses),
        since(meta.get("creationTimestamp"), now),
    ]


def _list_with_more(items: list[str], most: int = 3) -> str:
    """listWithMoreString: the first three, how many more, or <unset> for none."""
    if len(items) > most:
        return f"{','.join(items[:most])} + {len(items) - most} more..."
    return ",".join(items) or "<unset>"


def _service_row(svc: Obj, now: float) -> Row:
    """printService."""
    meta, spec = svc.get("metadata", {}), svc.get("spec") or {}
    ports = ",".join(
        f"{p.get('port')}:{p['nodePort']}/{p.get('protocol', '')}"
        if p.get("nodePort")
        else f"{p.get('port')}/{p.get('protocol', '')}"
        for p in spec.get("ports") or []
    )
    return [
        meta.get("name", ""),
        spec.get("type", ""),
        (spec.get("clusterIPs") or ["<none>"])[0],
        _service_external_ip(svc),
        ports or "<none>",
        since(meta.get("creationTimestamp"), now),
        format_labels(spec.get("selector")),
    ]


def _service_external_ip(svc: Obj) -> str:
    """getServiceExternalIP: a LoadBalancer no cloud controller has served is <pending>."""
    spec = svc.get("spec") or {}
    external = list(spec.get("externalIPs") or [])
    kind = spec.get("type")
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) or "<none>"
    if kind == "LoadBalancer":
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        addresses = [i.get("ip") or i.get("hostname") for i in ingress]
        return ",".join([a for a in addresses if a] + external) or "<pending>"
    if kind == "ExternalName":
        return str(spec.get("externalName", ""))
    return "<unknown>"


def _default_row(obj: Obj, now: float) -> Row:
    meta = obj.get("metadata", {})
    created = meta.get("creationTimestamp")
    # Time.UTC().Format(time.RFC3339); an unset time prints as Go's zero time.
    stamp = rfc3339(parse_rfc3339(created)) if created else "0001-01-01T00:00:00Z"
    return [meta.get("name", ""), stamp]


POD = Printer(POD_COLUMNS, _pod_row, _pod_conditions)
REPLICA_SET = Printer(REPLICA_SET_COLUMNS, _replica_set_row)
REPLICATION_CONTROLLER = Printer(REPLICATION_CONTROLLER_COLUMNS, _replication_controller_row)
DEPLOYMENT = Printer(DEPLOYMENT_COLUMNS, _deployment_row)
DAEMON_SET = Printer(DAEMON_SET_COLUMNS, _daemon_set_row)
STATEFUL_SET = Printer(STATEFUL_SET_COLUMNS, _stateful_set_row)
CONTROLLER_REVISION = Printer(CONTROLLER_REVISION_COLUMNS, _controller_revision_row)
NODE = Printer(NODE_COLUMNS, _node_row)
EVENT = Printer(EVENT_COLUMNS, _event_row)
NAMESPACE = Printer(NAMESPACE_COLUMNS, _namespace_row)
CONFIG_MAP = Printer(CONFIG_MAP_COLUMNS, _config_map_row)
SECRET = Printer(SECRET_COLUMNS, _secret_row)
ROLE_BINDING = Printer(ROLE_BINDING_COLUMNS, _role_binding_row)
SERVICE_ACCOUNT = Printer(SERVICE_ACCOUNT_COLUMNS, _service_account_row)
SERVICE = Printer(SERVICE_COLUMNS, _service_row)
ENDPOINT_SLICE = Printer(ENDPOINT_SLICE_COLUMNS, _endpoint_slice_row)
ENDPOINTS = Printer(ENDPOINTS_COLUMNS, _endpoints_row)
# Kinds without a printer: rest/table.go's default convertor.
DEFAULT = Printer(DEFAULT_COLUMNS, _default_row)
