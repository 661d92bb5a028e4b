"""`kubectl -o yaml`: the exact YAML that sigs.k8s.io/yaml produces.

kubectl's YAMLPrinter (cli-runtime pkg/printers/yaml.go) calls sigs.k8s.io/yaml.Marshal, which
turns the object into JSON and re-encodes that with go-yaml v2 (sigs.k8s.io/yaml/goyaml.v2).
So the output follows go-yaml v2's encoder and libyaml-derived emitter, not PyYAML:

- map keys sorted by go-yaml's "natural" order (sorter.go keyList.Less: digit runs compare as
  numbers, letters sort after other characters);
- a string is quoted only if, unquoted, it would read back as something else (`"true"`,
  `"123"`, `"2026-01-01T00:00:00Z"`, `""`) or it contains YAML syntax (`'a: b'`);
- lines are folded at spaces once past column 80 (emitter best_width);
- strings with newlines become literal blocks (`|`, `|-`, `|+`);
- sequences are not indented under their key.

The emitter here follows go-yaml v2's emitterc.go (block mapping/sequence states,
yaml_emitter_write_indent, write_plain/single_quoted/double_quoted/literal_scalar); the
per-scalar rules are in yaml_scalars.py.
"""

from __future__ import annotations

from typing import Any

from engine.kubectl.yaml_scalars import (
    BEST_WIDTH,
    BREAKS,
    DOUBLE,
    PLAIN,
    SINGLE,
    Analysis,
    choose_style,
    escape,
    go_float,
    printable,
    sorted_keys,
)

BEST_INDENT = 2
MAX_SIMPLE_KEY_BYTES = 128  # emitterc.go yaml_emitter_check_simple_key


def dump(obj: Any) -> str:
    """YAML document for a JSON-like value, exactly as `kubectl -o yaml` writes it."""
    emitter = _Emitter()
    emitter.node(obj, indent=-1, in_mapping=False)
    emitter.end_document()
    return "".join(emitter.out)


class _Emitter:
    """Just enough of libyaml's block emitter for JSON-shaped data: column/indent bookkeeping
    decides where folded lines break, so it is tracked exactly as emitterc.go does."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.column = 0
        self.indent = -1
        self.whitespace = True
        self.indention = True

    def end_document(self) -> None:
        self.indent = -1
        self.write_indent()

    # low-level writes ---------------------------------------------------------------------
    def put(self, text: str) -> None:
        self.out.append(text)
        self.column += len(text)

    def newline(self) -> None:
        self.out.append("\n")
        self.column = 0

    def write_indent(self) -> None:
        indent = max(self.indent, 0)
        if (
            not self.indention
            or self.column > indent
            or (self.column == indent and not self.whitespace)
        ):
            self.newline()
        if self.column < indent:
            self.put(" " * (indent - self.column))
        self.whitespace = self.indention = True

    def indicator(self, text: str, need_ws: bool, is_ws: bool, is_indention: bool) -> None:
        if need_ws and not self.whitespace:
            self.put(" ")
        self.put(text)
        self.whitespace = is_ws
        self.indention = self.indention and is_indention

    # nodes --------------------------------------------------------------------------------
    def node(self, value: Any, *, indent: int, in_mapping: bool) -> None:
        """Emit `value` as a node whose parent collection has indentation `indent`."""
        if isinstance(value, dict) and value:
            self.mapping(value, indent)
        elif isinstance(value, list) and value:
            self.sequence(value, indent, indentless=in_mapping and not self.indention)
        elif isinstance(value, dict):
            self.indicator("{", True, True, False)
            self.indicator("}", False, False, False)
        elif isinstance(value, list):
            self.indicator("[", True, True, False)
            self.indicator("]", False, False, False)
        else:
            self.scalar(value, indent, simple_key=False)

    def mapping(self, value: dict[str, Any], parent_indent: int) -> None:
        saved = self.indent
        self.indent = 0 if parent_indent < 0 else parent_indent + BEST_INDENT
        for key in sorted_keys(value):
            self.write_indent()
            simple = len(str(key).encode()) <= MAX_SIMPLE_KEY_BYTES
            if simple and not any(ch in BREAKS for ch in str(key)):
                self.scalar(str(key), self.indent, simple_key=True)
                self.indicator(":", False, False, False)
            else:
                self.indicator("?", True, False, True)
                self.node(str(key), indent=self.indent, in_mapping=False)
                self.write_indent()
                self.indicator(":", True, False, True)
            self.node(value[key], indent=self.indent, in_mapping=True)
        self.indent = saved

    def sequence(self, value: list[Any], parent_indent: int, *, indentless: bool) -> None:
        saved = self.indent
        if parent_indent < 0:
            self.indent = 0
        elif not indentless:
            self.indent = parent_indent + BEST_INDENT
        for item in value:
            self.write_indent()
            self.indicator("-", True, False, True)
            self.node(item, indent=self.indent, in_mapping=False)
        self.indent = saved

    def scalar(self, value: Any, parent_indent: int, *, simple_key: bool) -> None:
        saved = self.indent
        self.indent = BEST_INDENT if parent_indent < 0 else parent_indent + BEST_INDENT
        if value is None:
            self.plain("null", False)
        elif isinstance(value, bool):
            self.plain("true" if value else "false", False)
        elif isinstance(value, int):
            self.plain(str(value), False)
        elif isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
            # The value travels as JSON first: Go writes 3.0 as `3`, which YAML reads as an int.
            self.plain(str(int(value)), False)
        elif isinstance(value, float):
            self.plain(go_float(value), False)
        else:
            text = str(value)
            analysis = Analysis(text)
            style = choose_style(text, analysis, simple_key)
            allow_breaks = not simple_key
            if style == PLAIN:
                self.plain(text, allow_breaks)
            elif style == SINGLE:
                self.single_quoted(text, allow_breaks)
            elif style == DOUBLE:
                self.double_quoted(text, allow_breaks)
            else:
                self.literal(text)
        self.indent = saved

    # scalar writers -----------------------------------------------------------------------
    def plain(self, text: str, allow_breaks: bool) -> None:
        if not self.whitespace:
            self.put(" ")
        spaces = False
        for i, ch in enumerate(text):
            if ch == " ":
                nxt = text[i + 1] if i + 1 < len(text) else ""
                if allow_breaks and not spaces and self.column > BEST_WIDTH and nxt != " ":
                    self.write_indent()
                else:
                    self.put(ch)
                spaces = True
            else:
                self.put(ch)
                self.indention = False
                spaces = False
        self.whitespace = self.indention = False

    def single_quoted(self, text: str, allow_breaks: bool) -> None:
        self.indicator("'", True, False, False)
        spaces = breaks = False
        last = len(text) - 1
        for i, ch in enumerate(text):
            if ch == " ":
                nxt = text[i + 1] if i < last else ""
                if (
                    allow_breaks
                    and not spaces
                    and self.column > BEST_WIDTH
                    and 0 < i < last
                    and nxt != " "
                ):
                    self.write_indent()
                else:
                    self.put(ch)
                spaces = True
            elif ch in BREAKS:
                if not breaks and ch == "\n":
                    self.newline()
                self._write_break(ch)
                self.indention = breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put("''" if ch == "'" else ch)
                self.indention = spaces = breaks = False
        self.indicator("'", False, False, False)
        self.whitespace = self.indention = False

    def double_quoted(self, text: str, allow_breaks: bool) -> None:
        self.indicator('"', True, False, False)
        spaces = False
        last = len(text) - 1
        for i, ch in enumerate(text):
            if not printable(ch) or ch == "\ufeff" or ch in BREAKS or ch in '"\\':
                self.put(escape(ch))
                spaces = False
            elif ch == " ":
                if allow_breaks and not spaces and self.column > BEST_WIDTH and 0 < i < last:
                    self.write_indent()
                    if text[i + 1] == " ":
                        self.put("\\")
                else:
                    self.put(ch)
                spaces = True
            else:
                self.put(ch)
                spaces = False
        self.indicator('"', False, False, False)
        self.whitespace = self.indention = False

    def literal(self, text: str) -> None:
        self.indicator("|", True, False, False)
        if text[0] == " " or text[0] in BREAKS:
            self.indicator(str(BEST_INDENT), False, False, False)
        if text[-1] not in BREAKS:
            self.indicator("-", False, False, False)
        elif len(text) == 1 or text[-2] in BREAKS:
            self.indicator("+", False, False, False)
        self.newline()
        self.indention = self.whitespace = True
        breaks = True
        for ch in text:
            if ch in BREAKS:
                self._write_break(ch)
                self.indention = breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(ch)
                self.indention = breaks = False

    def _write_break(self, ch: str) -> None:
        if ch == "\n":
            self.newline()
        else:
            self.out.append(ch)
            self.column = 0
