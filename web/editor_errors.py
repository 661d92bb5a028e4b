"""Put kubectl's complaints about the editor's YAML on the lines they are about.

kubectl prints an API validation failure as
`The Pod "web" is invalid: spec.containers[0].image: Required value` (one cause) or a `* `
list (several); a field path names a node in the YAML the learner typed, and PyYAML knows
every node's line. A missing field (Required) is shown on its parent, the deepest part of the
path that exists. YAML syntax errors carry their line in kubectl's text (`yaml: line 5: …`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from engine import yamlsafe

_YAML_LINE = re.compile(r"yaml: line (\d+): ")
_INVALID = re.compile(r'^The (\S+) "([^"]*)" is invalid: ?(.*)$')
_CAUSE = re.compile(r"^\* (.+)$")
_UNKNOWN_FIELD = re.compile(r'unknown field "([^"]+)"')
# encoding/json's UnmarshalTypeError: `Go struct field <Struct>.<json path> of type <type>`
_TYPE_ERROR = re.compile(r"Go struct field \w+\.(\S+) of type ")
_PATH_PART = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")
_FIELD = re.compile(r"^([A-Za-z][\w\-]*(?:\.[\w\-]+|\[[^\]]*\])*): (.*)$")

EditorError = dict[str, Any]  # {line, message}


def locate(text: str, stderr: str) -> list[EditorError]:
    """The errors in kubectl's stderr that can be placed on a line of `text`."""
    found = _YAML_LINE.search(stderr)
    if found:
        message = next(line for line in stderr.splitlines() if _YAML_LINE.search(line))
        return [{"line": int(found.group(1)), "message": message}]
    try:
        documents = [d for d in yamlsafe.compose_all(text) if d is not None]
    except (yaml.YAMLError, yamlsafe.YAMLTooLargeError):
        return []
    errors: list[EditorError] = []
    for kind, name, prefix, cause in _invalid_causes(stderr):
        match = _FIELD.match(cause)
        node = _object_node(documents, kind, name)
        line = _line_of(node, _path(match.group(1))) if match else _start_line(node)
        errors.append({"line": line, "message": f"{prefix}: {cause}"})
    for line_text in stderr.splitlines():
        for field in _UNKNOWN_FIELD.findall(line_text) + _TYPE_ERROR.findall(line_text):
            line = max((_line_of(d, _path(field)) for d in documents), default=1)
            errors.append({"line": line, "message": line_text})
    return errors


def _invalid_causes(stderr: str) -> Iterator[tuple[str, str, str, str]]:
    """(kind, name, `The Kind "name" is invalid`, cause) for every cause kubectl printed."""
    current: tuple[str, str, str] | None = None
    for line in stderr.splitlines():
        head = _INVALID.match(line)
        if head:
            kind, name, rest = head.groups()
            current = (kind, name, f'The {kind} "{name}" is invalid')
            if rest.strip():
                yield (*current, rest)
                current = None
            continue
        item = _CAUSE.match(line)
        if item and current is not None:
            yield (*current, item.group(1))
        else:
            current = None


def _object_node(documents: list[yaml.Node], kind: str, name: str) -> yaml.Node | None:
    """The document (or List item) that is the named object; else the first of that kind."""
    candidates = [node for document in documents for node in _objects(document)]
    for node in candidates:
        if _scalar(node, ["kind"]) == kind and _scalar(node, ["metadata", "name"]) == name:
            return node
    for node in candidates:
        if _scalar(node, ["kind"]) == kind:
            return node
    return candidates[0] if candidates else None


def _objects(document: yaml.Node) -> Iterator[yaml.Node]:
    items = _child(document, "items")
    if str(_scalar(document, ["kind"]) or "").endswith("List") and isinstance(
        items, yaml.SequenceNode
    ):
        yield from items.value
    else:
        yield document


def _path(field: str) -> list[str | int]:
    """`spec.containers[0].image` -> ["spec", "containers", 0, "image"]; a bracketed map key
    may hold dots: `metadata.labels[app.kubernetes.io/name]`."""
    parts: list[str | int] = []
    for match in _PATH_PART.finditer(field):
        name, bracketed = match.groups()
        if name is not None:
            parts.append(name)
        else:
            parts.append(int(bracketed) if bracketed.isdigit() else bracketed)
    return parts


def _line_of(node: yaml.Node | None, path: list[str | int]) -> int:
    """1-based line of the deepest node on `path` that exists (a mapping key's own line)."""
    line = _start_line(node)
    for part in path:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if pair is None:
                break
            line = pair[0].start_mark.line + 1
            node = pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _start_line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == key), None)
    return None


def _scalar(node: yaml.Node | None, path: list[str]) -> str | None:
    for key in path:
        node = _child(node, key)
    return node.value if isinstance(node, yaml.ScalarNode) else None
