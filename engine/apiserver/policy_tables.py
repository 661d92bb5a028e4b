"""The server-side Tables of the policy kinds: printLimitRange, printResourceQuota,
printPriorityClass and printPodDisruptionBudget of pkg/printers/internalversion/printers.go
(see tables.py)."""

from __future__ import annotations

from engine.apimachinery.quantity import canonical_quantity
from engine.apiserver.table_cells import Obj, since
from engine.apiserver.table_columns import (
    DEFAULT_COLUMNS,
    POD_DISRUPTION_BUDGET_COLUMNS,
    PRIORITY_CLASS_COLUMNS,
    RESOURCE_QUOTA_COLUMNS,
)
from engine.apiserver.tables import DEFAULT, Printer, Row


def quantity_text(value: object) -> str:
    """Quantity.String(): the canonical form; a missing quantity is the zero Quantity, "0"."""
    if value is None:
        return "0"
    try:
        return canonical_quantity(value)  # type: ignore[arg-type]
    except ValueError:
        return str(value)


def _resource_quota_row(quota: Obj, now: float) -> Row:
    """Each hard limit as `name: used/hard`: limits.* in the LIMIT column, the rest in
    REQUEST, in name order."""
    status = quota.get("status") or {}
    hard, used = status.get("hard") or {}, status.get("used") or {}
    request: list[str] = []
    limit: list[str] = []
    for name in sorted(hard):  # SortableResourceNames: by name
        column = limit if name.split(".")[0] == "limits" and "." in name else request
        column.append(f"{name}: {quantity_text(used.get(name))}/{quantity_text(hard[name])}")
    meta = quota.get("metadata", {})
    return [
        meta.get("name", ""),
        since(meta.get("creationTimestamp"), now),
        ", ".join(request),
        ", ".join(limit),
    ]


def _priority_class_row(pc: Obj, now: float) -> Row:
    meta = pc.get("metadata", {})
    return [
        meta.get("name", ""),
        pc.get("value", 0),
        bool(pc.get("globalDefault")),
        since(meta.get("creationTimestamp"), now),
        pc.get("preemptionPolicy") or "",
    ]


def _pdb_row(pdb: Obj, now: float) -> Row:
    meta, spec = pdb.get("metadata", {}), pdb.get("spec") or {}

    def budget(key: str) -> str:
        value = spec.get(key)
        return "N/A" if value is None else str(value)

    return [
        meta.get("name", ""),
        budget("minAvailable"),
        budget("maxUnavailable"),
        (pdb.get("status") or {}).get("disruptionsAllowed", 0),
        since(meta.get("creationTimestamp"), now),
    ]


LIMIT_RANGE = Printer(DEFAULT_COLUMNS, DEFAULT.row)
RESOURCE_QUOTA = Printer(RESOURCE_QUOTA_COLUMNS, _resource_quota_row)
PRIORITY_CLASS = Printer(PRIORITY_CLASS_COLUMNS, _priority_class_row)
POD_DISRUPTION_BUDGET = Printer(POD_DISRUPTION_BUDGET_COLUMNS, _pdb_row)
