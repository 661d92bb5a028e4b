"""Field selectors (`spec.nodeName=node-1,status.phase!=Running`): parse, print, match.

Follows staging/src/k8s.io/apimachinery/pkg/fields/selector.go. Which fields a kind offers is
the API server's business (its strategies' selectable fields), not this package's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from engine.apimachinery.labels import SelectorError


@dataclass(frozen=True)
class FieldRequirement:
    field: str
    operator: str  # "=" (also written "==") or "!="
    value: str

    def string(self) -> str:
        return f"{self.field}{self.operator}{escape_field_value(self.value)}"


@dataclass(frozen=True)
class FieldSelector:
    requirements: tuple[FieldRequirement, ...] = ()

    def matches(self, fields: Mapping[str, str]) -> bool:
        """A missing field reads as "" (fields.Set.Get)."""
        for r in self.requirements:
            equal = fields.get(r.field, "") == r.value
            if equal != (r.operator == "="):
                return False
        return True

    def empty(self) -> bool:
        return not self.requirements

    def fields(self) -> list[str]:
        return [r.field for r in self.requirements]

    def requires_exact_match(self, field: str) -> str | None:
        for r in self.requirements:
            if r.field == field and r.operator == "=":
                return r.value
        return None

    def string(self) -> str:
        return ",".join(r.string() for r in self.requirements)

    def __str__(self) -> str:
        return self.string()


def escape_field_value(value: str) -> str:
    """fields.EscapeValue: backslash, comma and equals sign are escaped."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def _unescape_field_value(value: str) -> str:
    if not any(c in value for c in "\\,="):
        return value
    out: list[str] = []
    escaping = False
    for char in value:
        if escaping:
            if char not in "\\,=":
                raise SelectorError(f"invalid field selector: invalid escape sequence: \\{char}")
            out.append(char)
            escaping = False
        elif char == "\\":
            escaping = True
        elif char in ",=":
            # UnescapedRune prints the rune with %v, i.e. as its code point.
            raise SelectorError(
                f"invalid field selector: unescaped character in value: {ord(char)}"
            )
        else:
            out.append(char)
    if escaping:
        raise SelectorError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def _split_terms(text: str) -> list[str]:
    """splitTerms: split on commas not escaped by a backslash."""
    terms, start, escaping = [], 0, False
    for i, char in enumerate(text):
        if escaping:
            escaping = False
        elif char == "\\":
            escaping = True
        elif char == ",":
            terms.append(text[start:i])
            start = i + 1
    terms.append(text[start:])
    return terms


def parse_field_selector(text: str) -> FieldSelector:
    """fields.ParseSelector: `a=b`, `a==b`, `a!=b`, comma-joined (terms sorted as text)."""
    requirements = []
    for term in sorted(_split_terms(text)) if text else []:
        if not term:
            continue
        match = re.search("!=|==|=", term)
        if match is None:
            raise SelectorError(f"invalid selector: '{text}'; can't understand '{term}'")
        operator = "!=" if match.group() == "!=" else "="
        value = _unescape_field_value(term[match.end() :])
        requirements.append(FieldRequirement(term[: match.start()], operator, value))
    return FieldSelector(tuple(requirements))
