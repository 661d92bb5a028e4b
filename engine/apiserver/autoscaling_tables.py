"""The server-side Table of HorizontalPodAutoscalers: printHorizontalPodAutoscaler and
formatHPAMetrics of pkg/printers/internalversion/printers.go (see tables.py)."""

from __future__ import annotations

from typing import Any

from engine.apimachinery.quantity import canonical_quantity
from engine.apiserver.table_cells import Obj, since
from engine.apiserver.table_columns import HORIZONTAL_POD_AUTOSCALER_COLUMNS
from engine.apiserver.tables import Printer, Row

UNKNOWN = "<unknown>"


def quantity(value: Any) -> str:
    """resource.Quantity's String(); "0" for an unset one."""
    if value is None:
        return "0"
    try:
        return canonical_quantity(value)
    except ValueError:
        return str(value)


def _current(statuses: list[Obj], index: int, key: str) -> Obj | None:
    """statuses[i].<Key> when the autoscaler reported it (a failed metric's status is empty)."""
    if index < len(statuses):
        found = (statuses[index] or {}).get(key)
        return found if isinstance(found, dict) else None
    return None


def _resource_cell(spec: Obj, status: Obj | None) -> str:
    name, target = spec.get("name", ""), spec.get("target") or {}
    current_value = (status or {}).get("current") or {}
    if target.get("averageValue") is not None:
        current = quantity(current_value.get("averageValue")) if status else UNKNOWN
        return f"{name}: {current}/{quantity(target['averageValue'])}"
    current = UNKNOWN
    if status and current_value.get("averageUtilization") is not None:
        current = f"{current_value['averageUtilization']}%"
    wanted = target.get("averageUtilization")
    return f"{name}: {current}/{'<auto>' if wanted is None else f'{wanted}%'}"


def _value_cell(spec: Obj, status: Obj | None) -> str:
    """External and Object metrics: per pod (avg) or in total."""
    target, current_value = spec.get("target") or {}, (status or {}).get("current") or {}
    if target.get("averageValue") is not None:
        current = UNKNOWN
        if status and current_value.get("averageValue") is not None:
            current = quantity(current_value["averageValue"])
        return f"{current}/{quantity(target['averageValue'])} (avg)"
    current = quantity(current_value.get("value")) if status else UNKNOWN
    return f"{current}/{quantity(target.get('value'))}"


def format_metrics(specs: list[Obj], statuses: list[Obj]) -> str:
    """formatHPAMetrics: the first two metrics as current/target, then `+ N more...`."""
    if not specs:
        return "<none>"
    cells = []
    for index, spec in enumerate(specs):
        kind = spec.get("type")
        key = {
            "Resource": "resource",
            "ContainerResource": "containerResource",
            "Pods": "pods",
            "Object": "object",
            "External": "external",
        }.get(kind or "", "")
        source, status = spec.get(key) or {}, _current(statuses, index, key)
        if kind in ("Resource", "ContainerResource"):
            cells.append(_resource_cell(source, status))
        elif kind in ("External", "Object"):
            cells.append(_value_cell(source, status))
        elif kind == "Pods":
            current = quantity(((status or {}).get("current") or {}).get("averageValue"))
            average = (source.get("target") or {}).get("averageValue")
            cells.append(f"{current if status else UNKNOWN}/{quantity(average)}")
        else:
            cells.append("<unknown type>")
    text = ", ".join(cells[:2])
    return f"{text} + {len(cells) - 2} more..." if len(cells) > 2 else text


def _hpa_row(hpa: Obj, now: float) -> Row:
    meta, spec = hpa.get("metadata", {}), hpa.get("spec") or {}
    status = hpa.get("status") or {}
    target = spec.get("scaleTargetRef") or {}
    low = spec.get("minReplicas")
    return [
        meta.get("name", ""),
        f"{target.get('kind', '')}/{target.get('name', '')}",
        format_metrics(spec.get("metrics") or [], status.get("currentMetrics") or []),
        "<unset>" if low is None else str(low),
        spec.get("maxReplicas", 0),
        status.get("currentReplicas", 0),
        since(meta.get("creationTimestamp"), now),
    ]


HORIZONTAL_POD_AUTOSCALER = Printer(HORIZONTAL_POD_AUTOSCALER_COLUMNS, _hpa_row)
