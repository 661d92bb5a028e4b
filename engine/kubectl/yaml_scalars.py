"""Scalar-level rules of go-yaml v2 (sigs.k8s.io/yaml/goyaml.v2), which decide how
`kubectl -o yaml` writes each key and value: would a plain scalar read back as a string
(resolve.go), how keys sort (sorter.go keyList.Less), what the emitter may write unquoted
(emitterc.go yaml_emitter_analyze_scalar / select_scalar_style), escapes and float text.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import cmp_to_key
from typing import Any

BEST_WIDTH = 80  # emitter best_width: plain and quoted scalars fold past this column

PLAIN, SINGLE, DOUBLE, LITERAL = "plain", "single", "double", "literal"

BREAKS = "\r\n\x85\u2028\u2029"

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


def resolves_to_string(text: str) -> bool:
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


def _compare_keys(a: str, b: str) -> int:
    return -1 if _key_less(a, b) else 1


def sorted_keys(mapping: dict[str, Any]) -> list[str]:
    """Keys in go-yaml's order (sort.Sort with keyList.Less)."""
    return sorted(mapping, key=cmp_to_key(_compare_keys))


def printable(ch: str) -> bool:
    code = ord(ch)
    return (
        code == 0x0A
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
    )


class Analysis:
    """yaml_emitter_analyze_scalar, for block context only (kubectl never emits flow
    collections other than `{}`/`[]`, so flow indicators do not matter)."""

    def __init__(self, value: str) -> None:
        self.multiline = False
        self.block_plain = True
        self.single_quoted = True
        self.block = True
        if not value:
            self.block = False
            return
        indicators = value.startswith(("---", "..."))
        line_breaks = special = False
        leading_space = leading_break = trailing_space = trailing_break = False
        break_space = space_break = previous_space = previous_break = False
        preceded_by_ws = True
        last = len(value) - 1
        for i, ch in enumerate(value):
            followed_by_ws = i == last or value[i + 1] in " \t"
            if i == 0:
                if ch in "#,[]{}&*!|>'\"%@`" or (ch in "?:-" and followed_by_ws):
                    indicators = True
            elif (ch == ":" and followed_by_ws) or (ch == "#" and preceded_by_ws):
                indicators = True
            if not printable(ch):
                special = True
            if ch == " ":
                leading_space = leading_space or i == 0
                trailing_space = trailing_space or i == last
                break_space = break_space or previous_break
                previous_space, previous_break = True, False
            elif ch in BREAKS:
                line_breaks = True
                leading_break = leading_break or i == 0
                trailing_break = trailing_break or i == last
                space_break = space_break or previous_space
                previous_space, previous_break = False, True
            else:
                previous_space = previous_break = False
            preceded_by_ws = ch in " \t" or ch in BREAKS
        self.multiline = line_breaks
        if leading_space or leading_break or trailing_space or trailing_break:
            self.block_plain = False
        if trailing_space:
            self.block = False
        if break_space:
            self.block_plain = self.single_quoted = False
        if space_break or special:
            self.block_plain = self.single_quoted = self.block = False
        if line_breaks or indicators:
            self.block_plain = False


def choose_style(value: str, analysis: Analysis, simple_key: bool) -> str:
    """encode.go stringv, then emitterc.go yaml_emitter_select_scalar_style."""
    if "\n" in value:
        style = LITERAL
    elif value and resolves_to_string(value):
        style = PLAIN
    else:
        style = DOUBLE
    if simple_key and analysis.multiline:
        return DOUBLE
    if style == PLAIN and (not analysis.block_plain or (not value and simple_key)):
        style = SINGLE
    if style == SINGLE and not analysis.single_quoted:
        style = DOUBLE
    if style == LITERAL and (not analysis.block or simple_key):
        style = DOUBLE
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


def escape(ch: str) -> str:
    if ch in _ESCAPES:
        return "\\" + _ESCAPES[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def go_float(value: float) -> str:
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
