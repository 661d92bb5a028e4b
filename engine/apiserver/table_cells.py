"""Cell values shared by the server-side Tables and `kubectl describe`: ages, label
selectors, node roles and status, event times. Each mirrors a helper of
kubernetes/kubernetes pkg/printers/internalversion/printers.go (or the apimachinery function
it calls), and kubectl's describe.go uses the same helpers, so both print alike.
"""

from __future__ import annotations

from typing import Any

from engine.timeutil import human_duration, parse_rfc3339

Obj = dict[str, Any]


def since(timestamp: str | None, now: float) -> str:
    """translateTimestampSince: HumanDuration of now - timestamp, `<unknown>` if unset."""
    if not timestamp:
        return "<unknown>"
    return human_duration(now - parse_rfc3339(timestamp))


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


def containers_and_images(template: Obj) -> tuple[str, str]:
    """layoutContainerCells: container names and images, comma-joined."""
    containers = template.get("spec", {}).get("containers") or []
    return (
        ",".join(c.get("name", "") for c in containers),
        ",".join(c.get("image", "") for c in containers),
    )


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


def node_address(node: Obj, kind: str) -> str:
    for address in node.get("status", {}).get("addresses") or []:
        if address.get("type") == kind:
            return address.get("address", "")
    return "<none>"


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
