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

Ported from go-yaml v2: encode.go (stringv, floatv), resolve.go (resolve, isBase60Float),
sorter.go (keyList.Less), emitterc.go (yaml_emitter_analyze_scalar, select_scalar_style,
write_plain/single_quoted/double_quoted/literal_scalar, write_indent).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import cmp_to_key
from typing import Any

BEST_WIDTH = 80
BEST_INDENT = 2
MAX_SIMPLE_KEY_BYTES = 128  # emitterc.go yaml_emitter_check_simple_key

_PLAIN, _SINGLE, _DOUBLE, _LITERAL = "plain", "single", "double", "literal"

_BREAKS = "\r\n\x85\u2028\u2029"


def dump(obj: Any) -> str:
    """YAML document for a JSON-like value, exactly as `kubectl -o yaml` writes it."""
    emitter = _Emitter()
    emitter.node(obj, indent=-1, in_mapping=False)
    emitter.end_document()
    return "".join(emitter.out)


# --- resolving: would this plain scalar read back as a string? (resolve.go) ----------------

# strconv.ParseInt(s, 0, 64) / ParseUint syntax (after go-yaml removed underscores)
_GO_INT = re.compile(r"[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?")
_BINARY = re.compile(r"-?0b[01]+")
_BASE60_FLOAT = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?"
)
# resolve.go resolveMapList: YAML 1.1 booleans, nulls and float specials
_RESOLVE_MAP = {
    *("y", "Y", "yes", "Yes", "YES", "on", "On", "ON"),
    *("n", "N", "no", "No", "NO", "off", "Off", "OFF"),
    *("true", "True", "TRUE", "false", "False", "FALSE"),
    *("", "~", "null", "Null", "NULL"),
    *(".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF"),
    *("+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"),
}
_MAP_HINTS = "yYnNtTfFoO~"


def _resolves_to_string(text: str) -> bool:
    """resolve("", s) == !!str (hint table by first character), plus encode.go's extra
    isBase60Float check ("1:20" would be a float to a YAML 1.1 reader)."""
    first = text[:1]
    if first in _MAP_HINTS or first in "+-.0123456789":
        if text in _RESOLVE_MAP:
            return False
        if first == ".":
            return not _DOT_FLOAT.fullmatch(text)
        if first in "+-0123456789":
            if _TIMESTAMP.fullmatch(text):
                return False
            plain = text.replace("_", "")
            if (
                _GO_INT.fullmatch(plain)
                or _YAML_STYLE_FLOAT.fullmatch(plain)
                or _BINARY.fullmatch(plain)
            ):
                return False
    return not _BASE60_FLOAT.fullmatch(text)


# --- key order (sorter.go keyList.Less) ------------------------------------------------------


def _key_less(a: str, b: str) -> bool:
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            continue
        a_letter, b_letter = a[i].isalpha(), b[i].isalpha()
        if a_letter and b_letter:
            return a[i] < b[i]
        if a_letter or b_letter:
            return b_letter
        a_num = b_num = 0
        if a[i] == "0" or b[i] == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    a_num = b_num = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdigit():
            a_num = a_num * 10 + int(a[ai])
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdigit():
            b_num = b_num * 10 + int(b[bi])
            bi += 1
        if a_num != b_num:
            return a_num < b_num
        if ai != bi:
            return ai < bi
        return a[i] < b[i]
    return len(a) < len(b)


def _sorted_keys(mapping: dict[str, Any]) -> list[str]:
    return sorted(mapping, key=cmp_to_key(lambda a, b: -1 if _key_less(a, b) else 1))


# --- scalar analysis (emitterc.go yaml_emitter_analyze_scalar) -------------------------------


def _printable(ch: str) -> bool:
    code = ord(ch)
    return (
        code == 0x0A
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
    )


class _Analysis:
    def __init__(self, value: str) -> None:
        self.multiline = False
        self.block_plain = True
        self.single_quoted = True
        self.block = True
        if not value:
            self.block = False
            return
        block_ind = flow_ind = value.startswith(("---", "..."))
        line_breaks = special = False
        leading_space = leading_break = trailing_space = trailing_break = False
        break_space = space_break = previous_space = previous_break = False
        preceded_by_ws = True
        last = len(value) - 1
        for i, ch in enumerate(value):
            followed_by_ws = i == last or value[i + 1] in " \t"
            if i == 0:
                if ch in "#,[]{}&*!|>'\"%@`":
                    flow_ind = block_ind = True
                elif ch in "?:":
                    flow_ind = True
                    block_ind = block_ind or followed_by_ws
                elif ch == "-" and followed_by_ws:
                    flow_ind = block_ind = True
            elif ch in ",?[]{}":
                flow_ind = True
            elif ch == ":":
                flow_ind = True
                block_ind = block_ind or followed_by_ws
            elif ch == "#" and preceded_by_ws:
                flow_ind = block_ind = True
            if not _printable(ch):
                special = True
            if ch == " ":
                leading_space = leading_space or i == 0
                trailing_space = trailing_space or i == last
                break_space = break_space or previous_break
                previous_space, previous_break = True, False
            elif ch in _BREAKS:
                line_breaks = True
                leading_break = leading_break or i == 0
                trailing_break = trailing_break or i == last
                space_break = space_break or previous_space
                previous_space, previous_break = False, True
            else:
                previous_space = previous_break = False
            preceded_by_ws = ch in " \t" or ch in _BREAKS
        self.multiline = line_breaks
        if leading_space or leading_break or trailing_space or trailing_break:
            self.block_plain = False
        if trailing_space:
            self.block = False
        if break_space:
            self.block_plain = self.single_quoted = False
        if space_break or special:
            self.block_plain = self.single_quoted = self.block = False
        if line_breaks or block_ind:
            self.block_plain = False
        del flow_ind  # only matters inside flow collections, which kubectl never emits


def _style(value: str, analysis: _Analysis, simple_key: bool) -> str:
    """encode.go stringv, then emitterc.go yaml_emitter_select_scalar_style."""
    if "\n" in value:
        style = _LITERAL
    elif value and _resolves_to_string(value):
        style = _PLAIN
    else:
        style = _DOUBLE
    if simple_key and analysis.multiline:
        return _DOUBLE
    if style == _PLAIN and (not analysis.block_plain or (not value and simple_key)):
        style = _SINGLE
    if style == _SINGLE and not analysis.single_quoted:
        style = _DOUBLE
    if style == _LITERAL and (not analysis.block or simple_key):
        style = _DOUBLE
    return style


_ESCAPES = {
    "\x00": "0",
    "\x07": "a",
    "\x08": "b",
    "\t": "t",
    "\n": "n",
    "\x0b": "v",
    "\x0c": "f",
    "\r": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\xa0": "_",
    "\u2028": "L",
    "\u2029": "P",
}


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return "\\" + _ESCAPES[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def _go_float(value: float) -> str:
    """encode.go floatv: strconv.FormatFloat(f, 'g', -1, 64) with YAML's inf/nan spellings."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    # repr is the shortest round-trip form, as Go's shortest formatting is.
    _, digit_tuple, exp = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    exponent = len(digits) + int(exp) - 1
    if exponent < -4 or exponent >= 6:  # 'g' with shortest precision uses eprec 6
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if exponent < 0:
        return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
    if exponent + 1 >= len(digits):
        return sign + digits + "0" * (exponent + 1 - len(digits))
    return f"{sign}{digits[: exponent + 1]}.{digits[exponent + 1 :]}"


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
        for key in _sorted_keys(value):
            self.write_indent()
            simple = len(str(key).encode()) <= MAX_SIMPLE_KEY_BYTES
            if simple and not any(ch in _BREAKS for ch in str(key)):
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
            self.plain(_go_float(value), False)
        else:
            text = str(value)
            analysis = _Analysis(text)
            style = _style(text, analysis, simple_key)
            allow_breaks = not simple_key
            if style == _PLAIN:
                self.plain(text, allow_breaks)
            elif style == _SINGLE:
                self.single_quoted(text, allow_breaks)
            elif style == _DOUBLE:
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
            elif ch in _BREAKS:
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
            if not _printable(ch) or ch == "\ufeff" or ch in _BREAKS or ch in '"\\':
                self.put(_escape(ch))
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
        if text[0] == " " or text[0] in _BREAKS:
            self.indicator(str(BEST_INDENT), False, False, False)
        if text[-1] not in _BREAKS:
            self.indicator("-", False, False, False)
        elif len(text) == 1 or text[-2] in _BREAKS:
            self.indicator("+", False, False, False)
        self.newline()
        self.indention = self.whitespace = True
        breaks = True
        for ch in text:
            if ch in _BREAKS:
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
