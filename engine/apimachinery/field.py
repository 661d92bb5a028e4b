"""Field errors, worded exactly as the API server words them.

Mirrors staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go (Error,
ErrorBody, the constructors) and path.go (`spec.containers[0].image`). Values are printed the
way Go's fmt prints them in ErrorBody: strings with %q, numbers and bools with %v, nil as
`null`, types with a String() method through it, anything else with %#v.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

NOT_FOUND = "Not found"
REQUIRED = "Required value"
DUPLICATE = "Duplicate value"
INVALID = "Invalid value"
NOT_SUPPORTED = "Unsupported value"
FORBIDDEN = "Forbidden"
TOO_LONG = "Too long"
TOO_MANY = "Too many"
INTERNAL = "Internal error"

# ErrorType constants: the machine-readable cause.reason for each display string.
_REASONS = {
    NOT_FOUND: "FieldValueNotFound",
    REQUIRED: "FieldValueRequired",
    DUPLICATE: "FieldValueDuplicate",
    INVALID: "FieldValueInvalid",
    NOT_SUPPORTED: "FieldValueNotSupported",
    FORBIDDEN: "FieldValueForbidden",
    TOO_LONG: "FieldValueTooLong",
    TOO_MANY: "FieldValueTooMany",
    INTERNAL: "InternalError",
}
TYPE_INVALID_REASON = "FieldValueTypeInvalid"  # prints as "Invalid value" too

# ErrorBody prints only the type for these, never the value.
_VALUELESS = {REQUIRED, FORBIDDEN, TOO_LONG, INTERNAL}


class GoLiteral(str):
    """A value already rendered as Go would print it (a Stringer's output, or %#v text)."""


class _Omit:
    """field.omitValue: TooMany with an unknown count prints no value."""

    def __repr__(self) -> str:
        return "<omitted>"


OMIT = _Omit()


def go_quote(text: str) -> str:
    """strconv.Quote: double-quoted, Go escapes, printable Unicode kept as is."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable() and ch != "\u00ad":
            out.append(ch)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def go_string_map(mapping: Mapping[str, Any] | None) -> GoLiteral:
    """%#v of a map[string]string: keys sorted, `map[string]string{"a":"b", "c":"d"}`."""
    if mapping is None:
        return GoLiteral("map[string]string(nil)")
    items = ", ".join(f"{go_quote(str(k))}:{go_quote(str(v))}" for k, v in sorted(mapping.items()))
    return GoLiteral("map[string]string{" + items + "}")


def go_format(value: Any) -> str:
    """How ErrorBody renders a bad value."""
    if value is None:
        return "null"
    if isinstance(value, GoLiteral):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, Mapping):
        if all(isinstance(v, str) for v in value.values()):
            return str(go_string_map(value))
        inner = ", ".join(f"{go_quote(str(k))}:{_go_any(v)}" for k, v in sorted(value.items()))
        return "map[string]interface {}{" + inner + "}"
    if isinstance(value, Sequence):
        if all(isinstance(v, str) for v in value):
            return "[]string{" + ", ".join(go_quote(v) for v in value) + "}"
        return "[]interface {}{" + ", ".join(_go_any(v) for v in value) + "}"
    return repr(value)


def _go_any(value: Any) -> str:
    # Inside an interface{} container %#v shows strings quoted and numbers typed.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value}"
    if isinstance(value, float):
        return _go_float(value)
    return go_format(value)


def _go_float(value: float) -> str:
    # %v of a float64 is strconv 'g' with the shortest representation.
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        sign = "-" if exponent.startswith("-") else "+"
        digits = exponent.lstrip("+-").rjust(2, "0")
        return f"{mantissa}e{sign}{digits}"
    return text[:-2] if text.endswith(".0") else text


@dataclass
class FieldError:
    """field.Error: one problem with one field of an object."""

    type: str
    field: str
    value: Any = ""
    detail: str = ""
    reason_override: str = ""  # FieldValueTypeInvalid shares "Invalid value" with Invalid

    @property
    def type_reason(self) -> str:
        return self.reason_override or _REASONS[self.type]

    def body(self) -> str:
        """ErrorBody(): the message without the field path."""
        if self.type in _VALUELESS or self.value is OMIT:
            text = self.type
        else:
            text = f"{self.type}: {go_format(self.value)}"
        if self.detail:
            text += f": {self.detail}"
        return text

    def error(self) -> str:
        return f"{self.field}: {self.body()}"

    def __str__(self) -> str:
        return self.error()


# Constructors, named after field.NotFound, field.Required, ...


def not_found(field: str, value: Any) -> FieldError:
    return FieldError(NOT_FOUND, field, value)


def required(field: str, detail: str = "") -> FieldError:
    return FieldError(REQUIRED, field, "", detail)


def duplicate(field: str, value: Any) -> FieldError:
    return FieldError(DUPLICATE, field, value)


def invalid(field: str, value: Any, detail: str) -> FieldError:
    return FieldError(INVALID, field, value, detail)


def type_invalid(field: str, value: Any, detail: str) -> FieldError:
    return FieldError(INVALID, field, value, detail, TYPE_INVALID_REASON)


def not_supported(field: str, value: Any, supported: Sequence[str]) -> FieldError:
    # Each valid value strconv.Quote'd, joined by ", ".
    detail = ""
    if supported:
        detail = "supported values: " + ", ".join(go_quote(v) for v in supported)
    return FieldError(NOT_SUPPORTED, field, value, detail)


def forbidden(field: str, detail: str) -> FieldError:
    return FieldError(FORBIDDEN, field, "", detail)


def too_long(field: str, value: Any, max_length: int) -> FieldError:
    # Wording per shared/reference/kubernetes-facts.md §4. Upstream releases from 1.32 on say
    # "may not be more than %d bytes" instead; change it here if the facts file is updated.
    return FieldError(TOO_LONG, field, value, f"must have at most {max_length} bytes")


def too_many(field: str, actual: int, max_quantity: int) -> FieldError:
    detail = (
        f"must have at most {max_quantity} items" if max_quantity >= 0 else "has too many items"
    )
    return FieldError(TOO_MANY, field, actual if actual >= 0 else OMIT, detail)


def internal_error(field: str, detail: str) -> FieldError:
    return FieldError(INTERNAL, field, None, detail)


# field.Path, kept as plain strings: child() joins with ".", index() and key() use brackets.


def child(path: str, *names: str) -> str:
    parts = [path] if path else []
    parts.extend(names)
    return ".".join(parts)


def index(path: str, i: int) -> str:
    return f"{path}[{i}]"


def key(path: str, k: str) -> str:
    return f"{path}[{k}]"
