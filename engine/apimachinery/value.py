"""JSON values as json.loads returns them, compared and copied the way Go's decoded values are.

Go decodes JSON into map[string]interface{}, []interface{}, string, float64/int64, bool and nil
and compares them with reflect.DeepEqual (sigs.k8s.io/structured-merge-diff/value treats the
same six kinds). Python's bool is an int, so equality and kinds need care; these helpers are
shared by the patch algorithms and by server-side apply.
"""

from __future__ import annotations

from typing import Any

# A JSON value as json.loads returns it.
JSON = Any


def copy_json(value: JSON) -> JSON:
    """Deep copy of a JSON value (dicts, lists and immutable scalars only)."""
    # Exact-type checks first: this runs for every node of every object the API server
    # patches, and `type(x) is dict` is much cheaper than isinstance on the common case.
    kind = type(value)
    if kind is dict:
        return {key: copy_json(item) for key, item in value.items()}
    if kind is list:
        return [copy_json(item) for item in value]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value


# The JSON kind of the exact Python types json.loads produces (the hot path of json_kind).
_KIND_OF_TYPE: dict[type, str] = {
    type(None): "null",
    bool: "bool",
    int: "number",
    float: "number",
    str: "string",
    list: "list",
    dict: "map",
}


def json_kind(value: JSON) -> str:
    """The Go type a decoded JSON value has: Go compares types with reflect.TypeOf, and in
    Python bool is an int, so `type(a) is type(b)` would be wrong for numbers."""
    kind = _KIND_OF_TYPE.get(type(value))
    if kind is not None:
        return kind
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "map"


def json_equal(left: JSON, right: JSON) -> bool:
    """reflect.DeepEqual over decoded JSON: like ==, but True never equals 1."""
    kind = type(left)
    if kind is type(right) and (kind is str or kind is int or kind is float or kind is bool):
        return bool(left == right)  # the common case: two scalars of one exact type
    if json_kind(left) != json_kind(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(json_equal(v, right[k]) for k, v in left.items())
    if isinstance(left, list):
        return len(left) == len(right) and all(
            json_equal(a, b) for a, b in zip(left, right, strict=True)
        )
    return bool(left == right)


def go_value(value: JSON) -> str:
    """Go's %v of a decoded JSON value, for error messages that print maps and lists."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_value(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_value(item) for item in value) + "]"
    return str(value)
