"""The part of kubectl's JSONPath (staging/src/k8s.io/client-go/util/jsonpath) that
`kubectl wait --for=jsonpath=...` needs: field names, `['quoted']` names, `[N]` indexes
(negative from the end) and `[*]` wildcards, with missing keys allowed (AllowMissingKeys).
"""

from __future__ import annotations

import re
from typing import Any

# cmd/get/customcolumn.go jsonRegexp, used by RelaxedJSONPathExpression
_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$")
_STEP = re.compile(r"\.([A-Za-z0-9_\-/]+)|\[\s*'([^']*)'\s*\]|\[\s*(-?\d+)\s*\]|\[\s*\*\s*\]|\.\*")


class JSONPathError(Exception):
    """An expression Podlife cannot evaluate; the text is kubectl's where it has one."""


def relaxed(expression: str) -> str:
    """RelaxedJSONPathExpression: `a.b`, `.a.b`, `{a.b}` all become `{.a.b}`."""
    if not expression:
        return expression
    match = _RELAXED.match(expression)
    if match is None:
        raise JSONPathError(
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' "
            "or '{name1.name2}' or '{.name1.name2}'"
        )
    return "{." + (match.group(1) or match.group(2)) + "}"


def find(expression: str, document: Any) -> list[Any]:
    """Every value `{.path}` selects in `document` (none when a key is missing)."""
    body = expression.strip()
    if not (body.startswith("{") and body.endswith("}")):
        raise JSONPathError(f"unrecognized jsonpath expression {expression!r}")
    path = body[1:-1].strip()
    values = [document]
    at = 0
    while at < len(path):
        match = _STEP.match(path, at)
        if match is None:
            raise JSONPathError(f"unrecognized character in action: {path[at:]!r}")
        at = match.end()
        values = _step(values, match)
    return values


def _step(values: list[Any], match: re.Match[str]) -> list[Any]:
    name = match.group(1) if match.group(1) is not None else match.group(2)
    out: list[Any] = []
    for value in values:
        if name is not None:
            if isinstance(value, dict) and name in value:
                out.append(value[name])
        elif match.group(3) is not None:
            index = int(match.group(3))
            if isinstance(value, list) and -len(value) <= index < len(value):
                out.append(value[index])
        elif isinstance(value, list):
            out.extend(value)
        elif isinstance(value, dict):
            out.extend(value.values())
    return out


def go_value(value: Any) -> str:
    """fmt.Sprintf("%v") of a decoded JSON scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return "<nil>"
    return str(value)
