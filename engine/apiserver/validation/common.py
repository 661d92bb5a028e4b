"""What every validation module shares: type aliases, tolerant accessors, generic messages.

The one-letter accessors keep their leading underscore: they are package-internal plumbing,
read at every call site as "this field, or empty if it has the wrong JSON type".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.apimachinery import field
from engine.apimachinery.field import FieldError

Obj = dict[str, Any]
Errors = list[FieldError]
NameFn = Callable[[str, bool], list[str]]

MAX_INT32 = 2**31 - 1

# apimachinery/pkg/api/validation IsNegativeErrorMsg, FieldImmutableErrorMsg
IS_NEGATIVE = "must be greater than or equal to 0"
FIELD_IMMUTABLE = "field is immutable"

# ---------------------------------------------------------------------------------------------
# Tolerant accessors: a field of the wrong JSON type reads as absent instead of crashing.


def _d(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _i(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def semantic_equal(a: Any, b: Any) -> bool:
    """apiequality.Semantic.DeepEqual: nil and empty lists/maps are the same thing."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = set(a) | set(b)
        return all(semantic_equal(a.get(k), b.get(k)) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(semantic_equal(x, y) for x, y in zip(a, b, strict=True))
    if a in (None, [], {}) and b in (None, [], {}):
        return True
    return bool(a == b) and type(a) is type(b)


def validate_nonnegative(value: Any, path: str) -> Errors:
    """ValidateNonnegativeField: an integer below 0 is invalid; absent or non-integer is not."""
    number = _i(value)
    if number is not None and number < 0:
        return [field.invalid(path, number, IS_NEGATIVE)]
    return []
