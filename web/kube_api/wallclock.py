"""The cluster's times as a real client reads them: on its own clock.

The simulation's clock starts at a fixed instant (engine/timeutil.py EPOCH), so traces are the
same on every run; it may also be paused or run at 100×. The page shows ages on that clock,
and so do the API server's tables (the AGE column is worked out by the server). But kubectl
also works out ages itself, from the timestamps it reads (`kubectl describe`'s events, in
staging/src/k8s.io/kubectl/pkg/describe/describe.go DescribeEvents, translateTimestampSince),
against the machine's clock: without this module a pod made a minute ago had events
"338d" old.

So at the HTTP door, and only there, every metav1.Time and MicroTime a real client reads is
moved by the distance between the wall clock and the cluster's clock at that moment, and every
one it sends (and `sinceTime`) is moved back. An age a client works out is then the age on the
cluster's clock, as the page shows it. Inside the engine (and in the trace) nothing changes.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from engine import TIME_FIELDS, to_datetime

# The start of an RFC 3339 timestamp as a JSON string value.
_STAMP = re.compile(rb'"\d{4}-\d\d-\d\dT\d\d:')
# Maps whose keys are the user's own: a key there named like a time field is not one.
FREE_MAPS = frozenset({"annotations", "labels", "data", "binaryData", "stringData"})
JSON_TYPES = (
    "application/json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",  # kubectl sends it as JSON, which is YAML too
)


def offset(now: float) -> int:
    """Whole seconds from the cluster's clock (virtual second `now`) to the wall clock."""
    return round(time.time() - to_datetime(now).timestamp())


def shift(value: Any, seconds: int) -> Any:
    """`value` (a decoded JSON body) with its timestamps moved by `seconds`; a copy where
    anything moved, the value itself otherwise."""
    if not seconds:
        return value
    return _walk(value, lambda text: _moved(text, seconds))


def unshift_body(body: bytes, content_type: str, seconds: int) -> bytes:
    """A request body with the client's timestamps moved back to the cluster's clock. A body
    that does not decode, or holds no timestamp, is passed on byte for byte: the API server
    then answers it as it would have (its error offsets point into the bytes sent)."""
    if not body or not seconds or not content_type.startswith(JSON_TYPES):
        return body
    if not _STAMP.search(body):  # most bodies carry no timestamp: not decoded twice
        return body
    try:
        value = json.loads(body)
        moved = _walk(value, lambda text: _moved(text, -seconds))
    except (ValueError, RecursionError):  # the API server's decoder will say what is wrong
        return body
    if moved is value:
        return body
    return json.dumps(moved, separators=(",", ":"), ensure_ascii=False).encode()


def unshift_text(text: str, seconds: int) -> str:
    """One timestamp (a query's `sinceTime`) moved back; anything else as it came."""
    return _moved(text, -seconds) if seconds else text


def shift_log_stamps(text: str, seconds: int) -> str:
    """Log lines read with `timestamps=true`: each begins with its RFC 3339 time."""
    if not seconds:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        stamp, space, rest = line.partition(" ")
        if space:
            lines[i] = f"{_moved(stamp, seconds)} {rest}"
    return "\n".join(lines)


def _walk(value: Any, move: Callable[[str], str]) -> Any:
    if isinstance(value, list):
        items = [_walk(item, move) for item in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if not isinstance(value, dict):
        return value
    changed = False
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in FREE_MAPS:
            new = item
        elif key in TIME_FIELDS and isinstance(item, str):
            new = move(item)
        else:
            new = _walk(item, move)
        changed = changed or new is not item
        out[key] = new
    return out if changed else value


def _moved(text: str, seconds: int) -> str:
    """An RFC 3339 UTC timestamp (with or without a fraction) `seconds` later, written in the
    same form; anything else unchanged (the API server judges it)."""
    if not text.endswith("Z") or len(text) < 20:
        return text
    head, dot, fraction = text[:-1].partition(".")
    try:
        moment = datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
        moved = (moment + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
    except (ValueError, OverflowError):
        return text
    return f"{moved}{dot}{fraction}Z"
