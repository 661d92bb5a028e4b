"""kubectl's JSONPath (staging/src/k8s.io/client-go/util/jsonpath: parser.go, jsonpath.go), for
`-o jsonpath=…`, `-o custom-columns=…` and `kubectl wait --for=jsonpath=…`.

A template is text with `{…}` actions: a path (`.a.b`, `['a.b']`, `[0]`, `[-1]`, `[1:3]`,
`[*]`, `[0,2]`, `..name`, `.*`, `[?(@.type=="Ready")]`), a string literal (`{"\\n"}`), or
`{range PATH}…{end}`. Missing keys select nothing (kubectl's --allow-missing-template-keys is
true by default). Maps and lists print as compact JSON, scalars as Go prints them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

# cmd/get/customcolumn.go jsonRegexp, used by RelaxedJSONPathExpression
_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$")
# parser.go parseField: a field name runs to the next terminator
_NAME = re.compile(r"[^\s.,\[\]$@{}()]+")
_FILTER = re.compile(r"^\s*(@[^=!<>\s]*)\s*(?:(==|!=|<=|>=|<|>)\s*(.+?))?\s*$")


class JSONPathError(Exception):
    """A template kubectl would refuse; the text is client-go's where it has one."""


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


# ---- parsing ------------------------------------------------------------------------------------
@dataclass
class _Step:
    kind: str  # field, recursive, index, slice, wildcard, union, filter
    names: list[str] = field(default_factory=list)  # field / recursive / union of fields
    numbers: list[int | None] = field(default_factory=list)  # index, union of indexes, slice
    condition: tuple[list[_Step], str, Any] | None = None  # filter: path, operator, literal


@dataclass
class _Node:
    kind: str  # text, path, range
    text: str = ""
    steps: list[_Step] = field(default_factory=list)
    body: list[_Node] = field(default_factory=list)


def parse(template: str) -> list[_Node]:
    """parser.go Parse: the template's nodes, `range … end` nested."""
    root: list[_Node] = []
    stack: list[list[_Node]] = [root]
    at = 0
    while at < len(template):
        start = template.find("{", at)
        if start < 0:
            stack[-1].append(_Node("text", template[at:]))
            break
        if start > at:
            stack[-1].append(_Node("text", template[at:start]))
        end = _closing(template, start + 1, "}", "[]", "unclosed action")
        action = template[start + 1 : end].strip()
        at = end + 1
        if action.startswith("range ") or action == "range":
            node = _Node("range", steps=_path(action[len("range") :].strip()))
            stack[-1].append(node)
            stack.append(node.body)
        elif action == "end":
            if len(stack) == 1:
                raise JSONPathError("not in range, nothing to end")
            stack.pop()
        elif action[:1] in ('"', "'"):
            stack[-1].append(_Node("text", _unquote(action)))
        else:
            stack[-1].append(_Node("path", steps=_path(action)))
    return root


def _closing(text: str, at: int, closer: str, nest: str, error: str) -> int:
    """Where the `closer` that ends what starts at `at` stands: not inside a quoted string,
    nor inside a `nest` pair ("[]" in an action, "()" in a bracket's filter)."""
    quote = ""
    depth = 0
    while at < len(text):
        char = text[at]
        if quote:
            if char == "\\":
                at += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == nest[0]:
            depth += 1
        elif char == nest[1]:
            depth -= 1
        elif char == closer and depth <= 0:
            return at
        at += 1
    raise JSONPathError(error)


def _unquote(text: str) -> str:
    if len(text) < 2 or text[-1] != text[0]:
        raise JSONPathError(f"unterminated string {text}")
    if text[0] == "'":
        return text[1:-1]
    try:
        return str(json.loads(text))
    except ValueError:
        raise JSONPathError(f"invalid string {text}") from None


def _path(text: str) -> list[_Step]:
    steps: list[_Step] = []
    at = 0
    if text.startswith("@") or text.startswith("$"):
        at = 1
    while at < len(text):
        char = text[at]
        if text.startswith("..", at):
            match = _NAME.match(text, at + 2)
            if match is None:
                raise JSONPathError(f"unrecognized character in action: {text[at:]!r}")
            steps.append(_Step("recursive", names=[match.group()]))
            at = match.end()
        elif text.startswith(".*", at):
            steps.append(_Step("wildcard"))
            at += 2
        elif char == ".":
            match = _NAME.match(text, at + 1)
            if match is None:
                if at + 1 == len(text):  # `{.}`: the object itself
                    break
                raise JSONPathError(f"unrecognized character in action: {text[at + 1 :]!r}")
            steps.append(_Step("field", names=[match.group()]))
            at = match.end()
        elif char == "[":
            close = _closing(text, at + 1, "]", "()", "unclosed array expect ]")
            steps.append(_bracket(text[at + 1 : close].strip()))
            at = close + 1
        elif char.isspace():
            at += 1
        else:
            raise JSONPathError(f"unrecognized character in action: U+{ord(char):04X} {char!r}")
    return steps


def _bracket(inner: str) -> _Step:
    if inner == "*":
        return _Step("wildcard")
    if inner.startswith("?"):
        body = inner[1:].strip()
        if not (body.startswith("(") and body.endswith(")")):
            raise JSONPathError(f"invalid filter {inner}")
        match = _FILTER.match(body[1:-1])
        if match is None:
            raise JSONPathError(f"invalid filter {inner}")
        literal = match.group(3)
        value: Any = None
        if literal is not None:
            value = _literal(literal.strip())
        return _Step("filter", condition=(_path(match.group(1)), match.group(2) or "", value))
    parts = [p.strip() for p in inner.split(",")]
    if all(p[:1] in ("'", '"') for p in parts):
        return _Step("union", names=[_unquote(p) for p in parts])
    if len(parts) > 1:
        return _Step("union", numbers=[_int(p) for p in parts])
    if ":" in inner:
        pieces = inner.split(":")
        if len(pieces) > 3:
            raise JSONPathError(f"invalid array index {inner}")
        return _Step("slice", numbers=[_int(p) if p.strip() else None for p in pieces])
    return _Step("index", numbers=[_int(inner)])


def _int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise JSONPathError(f"invalid array index {text}") from None


def _literal(text: str) -> Any:
    if text[:1] in ("'", '"'):
        return _unquote(text)
    if text in ("true", "false"):
        return text == "true"
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        raise JSONPathError(f"unrecognized filter literal {text}") from None


# ---- evaluating ---------------------------------------------------------------------------------
def find(expression: str, document: Any) -> list[Any]:
    """Every value the `{path}` selects in `document` (none when a key is missing)."""
    nodes = parse(expression)
    paths = [n for n in nodes if n.kind == "path"]
    if len(nodes) != 1 or not paths:
        raise JSONPathError(f"unrecognized jsonpath expression {expression!r}")
    return select(paths[0].steps, document)


def execute(template: str, document: Any) -> str:
    """JSONPath.Execute with AllowMissingKeys: the template's text for `document`."""
    return execute_nodes(parse(template), document)


def execute_nodes(nodes: list[_Node], document: Any) -> str:
    out: list[str] = []
    for node in nodes:
        if node.kind == "text":
            out.append(node.text)
        elif node.kind == "path":
            out.append(" ".join(_text(value) for value in select(node.steps, document)))
        else:
            for value in select(node.steps, document):
                out.append(execute_nodes(node.body, value))
    return "".join(out)


def select(steps: list[_Step], document: Any) -> list[Any]:
    values = [document]
    for step in steps:
        values = [found for value in values for found in _step(step, value)]
    return values


def _step(step: _Step, value: Any) -> list[Any]:
    if step.kind == "field":
        name = step.names[0]
        return [value[name]] if isinstance(value, dict) and name in value else []
    if step.kind == "union" and step.names:
        return [value[n] for n in step.names if isinstance(value, dict) and n in value]
    if step.kind == "recursive":
        return _descendants(value, step.names[0])
    if step.kind == "wildcard":
        if isinstance(value, list):
            return list(value)
        return [value[k] for k in sorted(value)] if isinstance(value, dict) else []
    if not isinstance(value, list):
        return []
    if step.kind in ("index", "union"):
        return [value[i] for i in step.numbers if i is not None and -len(value) <= i < len(value)]
    if step.kind == "slice":
        start, stop, *rest = step.numbers + [None] * (3 - len(step.numbers))
        return value[slice(start, stop, rest[0] or None)]
    assert step.condition is not None
    path, operator, literal = step.condition
    return [item for item in value if _holds(select(path, item), operator, literal)]


def _descendants(value: Any, name: str) -> list[Any]:
    found: list[Any] = []
    if isinstance(value, dict):
        if name in value:
            found.append(value[name])
        for key in sorted(value):
            found += _descendants(value[key], name)
    elif isinstance(value, list):
        for item in value:
            found += _descendants(item, name)
    return found


def _holds(values: list[Any], operator: str, literal: Any) -> bool:
    if not operator:
        return bool(values)
    if not values:
        return False
    value = values[0]
    if operator in ("==", "!="):
        same = value == literal and isinstance(value, bool) == isinstance(literal, bool)
        return same if operator == "==" else not same
    numbers = (int, float)
    if not isinstance(value, numbers) or not isinstance(literal, numbers):
        return False
    return {"<": value < literal, ">": value > literal, "<=": value <= literal}.get(
        operator, value >= literal
    )


def _text(value: Any) -> str:
    """PrintResults: maps and lists as json.Marshal writes them, the rest as evalToText."""
    if isinstance(value, (dict, list)):
        return go_json(value)
    return "null" if value is None else go_value(value)


def go_json(value: Any) -> str:
    """encoding/json.Marshal: compact, map keys sorted, <, > and & escaped."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def go_value(value: Any) -> str:
    """fmt.Sprintf("%v") of a decoded JSON value: maps as map[k:v], lists as [a b]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return "<nil>"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_value(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_value(v) for v in value) + "]"
    return str(value)
