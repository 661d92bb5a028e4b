"""Reading YAML that strangers paste: safe loading only, in time linear in the text, with limits
that hold after aliases expand.

Every YAML input goes through here: the page's editor, kubectl's `-f` and `-p`, request bodies
over HTTP, scenario files. What it guards against:

- size: the text itself (`limit` bytes of UTF-8);
- documents: at most `max_documents` in one text (empty ones count: `"---\\n"` repeated is
  cheap to send and not free to read);
- aliases: `yaml.safe_load` keeps an alias as a shared reference, so a "billion laughs" text
  is small in memory until something walks it (JSON encoding does) and it explodes. The size
  the document would have with every alias expanded is counted on the composed node graph,
  before anything is constructed;
- depth: at most MAX_DEPTH levels of nesting (libyaml stops at 1,000 by itself, but JSON
  encoding, patching and validation recurse per level).

One loader reads the whole text, so n documents cost O(n), not O(n²). libyaml's C parser is
used when PyYAML has it (about seven times faster); PyYAML's own parser otherwise, with the
same results.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 100
MAX_DOCUMENTS = 1000

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):  # type: ignore[misc, valid-type]
    """Plain scalars read as kubectl reads them (sigs.k8s.io/yaml on go-yaml v2, resolve.go,
    then JSON): a date stays a string (JSON has no dates; PyYAML would make a
    `datetime.date`); `1e3` is a number (go-yaml's float needs no dot; PyYAML's does); and a
    float with no fraction is the integer JSON prints for it (`3.0` reaches the API server as
    `3`, which an int32 field takes)."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int | str:
        try:
            value: int = super().construct_yaml_int(node)
        except ValueError:
            # More digits than Python converts (sys.get_int_max_str_digits). go-yaml's
            # resolve.go tries ParseInt, ParseUint and ParseFloat, all out of range for such a
            # number, and leaves the scalar a string (yaml.v2 resolve.go).
            return str(self.construct_scalar(node))
        return value

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float | int:
        value = super().construct_yaml_float(node)
        if value.is_integer() and abs(value) < 2**53:  # exact as an integer: Go prints it so
            return int(value)
        return value


Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9]+[eE][-+]?[0-9]+$"), list("-+0123456789")
)
Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
Loader.add_constructor("tag:yaml.org,2002:float", Loader.construct_yaml_float)


class YAMLTooLargeError(ValueError):
    """The text is over one of the limits."""


class YAMLUnicodeError(yaml.YAMLError):
    """Text that has no UTF-8 form (a lone surrogate from a JSON string): go-yaml's reader
    refuses such a code point (yaml.v2 readerc.go: "invalid Unicode character")."""

    problem = "invalid Unicode character"
    problem_mark = None

    def __str__(self) -> str:
        return self.problem


def load_all(text: str, limit: int = MAX_BYTES, max_documents: int = MAX_DOCUMENTS) -> list[Any]:
    """The documents of `text` (None for an empty one). Raises YAMLTooLargeError over a limit,
    yaml.YAMLError for text that is not YAML."""
    loader = _loader(text, limit)
    try:
        documents = []
        for node in _nodes(loader, limit, max_documents):
            documents.append(None if node is None else loader.construct_document(node))
        return documents
    finally:
        loader.dispose()


def compose_all(
    text: str, limit: int = MAX_BYTES, max_documents: int = MAX_DOCUMENTS
) -> list[yaml.Node | None]:
    """The node graphs of the documents (with their line marks), under the same limits."""
    loader = _loader(text, limit)
    try:
        return list(_nodes(loader, limit, max_documents))
    finally:
        loader.dispose()


def load_one(text: str, limit: int = MAX_BYTES) -> Any:
    """The single document of a request body or a patch: None when empty; a text with more
    than one document is refused as the Go decoders refuse trailing data."""
    documents = load_all(text, limit, max_documents=2)
    if len(documents) > 1:
        raise yaml.YAMLError("expected a single YAML document, found more")
    return documents[0] if documents else None


def _loader(text: str, limit: int) -> yaml.SafeLoader:
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise YAMLUnicodeError() from None
    if size > limit:
        raise YAMLTooLargeError(f"the document is larger than {limit} bytes")
    return Loader(text)


def _nodes(loader: yaml.SafeLoader, limit: int, max_documents: int) -> Any:
    count = 0
    while _parsed(loader.check_node):
        count += 1
        if count > max_documents:
            raise YAMLTooLargeError(f"more than {max_documents} YAML documents in one text")
        node = _parsed(loader.get_node)
        if _is_empty(node):
            yield None
            continue
        _check_expansion(node, limit)
        yield node


def _parsed(step: Any) -> Any:
    """One step of the parser, with nesting too deep for it reported as our limit."""
    try:
        return step()
    except RecursionError:  # PyYAML's own composer recurses per level
        raise _too_deep() from None
    except yaml.MarkedYAMLError as error:
        if error.problem == "exceeded maximum nesting depth":  # libyaml's own limit
            raise _too_deep() from None
        raise


def _too_deep() -> YAMLTooLargeError:
    return YAMLTooLargeError(f"YAML nests deeper than {MAX_DEPTH} levels")


def _is_empty(node: yaml.Node | None) -> bool:
    return node is None or (
        isinstance(node, yaml.ScalarNode)
        and node.tag == "tag:yaml.org,2002:null"
        and node.value in ("", "~", "null", "Null", "NULL")
        and node.style is None
    )


def _check_expansion(root: yaml.Node, limit: int) -> None:
    """Refuse a document deeper than MAX_DEPTH, or larger than `limit` bytes once its aliases
    are expanded (an estimate that only errs upward). Iterative: a deep document must not
    exhaust Python's own stack while being measured."""
    # Per node (aliases share nodes, so each is measured once): its expanded size in bytes
    # and its height, the levels it spans once expanded.
    measured: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()  # on the current path: an alias back to one is a cycle
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            measured[key] = (len(node.value) + 2, 1)
            continue
        children = _children(node)
        if not children_done:
            if key in measured:
                continue
            open_nodes.add(key)
            stack.append((node, True))
            for child in children:
                if id(child) in open_nodes:
                    raise YAMLTooLargeError("YAML aliases refer to themselves (endless)")
                if id(child) not in measured:
                    stack.append((child, False))
            continue
        open_nodes.discard(key)
        size = 2 + sum(measured[id(child)][0] for child in children)
        height = 1 + max((measured[id(child)][1] for child in children), default=0)
        if height > MAX_DEPTH:
            raise _too_deep()
        if size > limit:
            raise YAMLTooLargeError(f"YAML aliases expand to more than {limit} bytes")
        measured[key] = (size, height)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return [part for pair in node.value for part in pair]
