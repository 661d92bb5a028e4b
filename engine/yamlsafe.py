"""Reading YAML that strangers paste: safe_load only, with size limits that hold after aliases.

`yaml.safe_load` keeps aliases as shared references, so a "billion laughs" document is small in
memory until something walks it (JSON encoding does) and it explodes. We count the size the
document would have with every alias expanded, on the composed node graph, before loading it.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 100  # PyYAML recurses per level: thousands of `[` would stall or overflow it


class YAMLTooLargeError(ValueError):
    pass


def load_all(text: str, limit: int = MAX_BYTES) -> list[Any]:
    if len(text.encode()) > limit:
        raise YAMLTooLargeError(f"the document is larger than {limit} bytes")
    if _flow_depth(text) > MAX_DEPTH:
        raise YAMLTooLargeError(f"YAML nests deeper than {MAX_DEPTH} levels")
    documents = []
    for node in yaml.compose_all(text, Loader=yaml.SafeLoader):
        if node is None:
            continue
        if _expanded_size(node, limit, {}) > limit:
            raise YAMLTooLargeError(f"YAML aliases expand to more than {limit} bytes")
        documents.append(yaml.SafeLoader(text).construct_document(node))
    return documents


def _expanded_size(node: yaml.Node, limit: int, memo: dict[int, int]) -> int:
    """Bytes of the node with aliases expanded (an estimate that only errs upward)."""
    key = id(node)
    if key in memo:
        return memo[key]
    if isinstance(node, yaml.ScalarNode):
        size = len(str(node.value)) + 2
    elif isinstance(node, yaml.SequenceNode):
        size = 2
        for child in node.value:
            size += _expanded_size(child, limit, memo)
            if size > limit:
                break
    else:
        size = 2
        for k, v in node.value:
            size += _expanded_size(k, limit, memo) + _expanded_size(v, limit, memo)
            if size > limit:
                break
    memo[key] = size
    return size


def _flow_depth(text: str) -> int:
    """The deepest nesting of [ and { (an upper bound: brackets in strings count too)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest
