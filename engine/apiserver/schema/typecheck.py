"""Does a decoded body fit the Go types it is decoded into? Three decoders, three wordings.

The real API server never stores a value its Go struct cannot hold: decoding fails first. Which
decoder runs, and so what it says, depends on the request:

- create, update and the result of a JSON or merge patch go through sigs.k8s.io/json, a fork
  of encoding/json (internal/golang/encoding/json/decode.go): a value of the wrong JSON type is
  an UnmarshalTypeError, `json: cannot unmarshal string into Go struct field
  DeploymentSpec.spec.replicas of type int32`, naming the innermost struct and the path of
  struct fields (no map keys, no list indices). The first such error is kept and decoding goes
  on (saveError); null leaves the zero value. Types with their own UnmarshalJSON end decoding
  at once with their own error: resource.Quantity, intstr.IntOrString (which unmarshals a
  non-string into an int32), metav1.Time and MicroTime (a string, then time.Parse).
- the result of a strategic merge patch goes through runtime.DefaultUnstructuredConverter
  (apimachinery/pkg/runtime/converter.go fromUnstructured): `unrecognized type: int32`,
  `cannot convert float64 to int32`, `cannot restore struct from: string`; the first error
  ends it. Integers are converted as Go converts them, wrapping on overflow.
- a server-side apply body is first made a typed value by structured-merge-diff
  (typed/validate.go validateScalar, helpers.go listValue/mapValue), which collects every
  problem: `.spec.replicas: expected numeric (int or float), got string`.

Walks follow the schema, so they cost what the changed part of an object costs: on an update,
values the new object still shares with the stored one (the same Python object) were checked
when they were stored and are skipped.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from engine.apiserver import gotime, memo
from engine.apiserver.schema import REGISTRY, gobytes
from engine.apiserver.schema.gotypes import SPECIAL, element, go_type
from engine.apiserver.schema.model import (
    FIELDS_V1,
    INT_OR_STRING,
    MICRO_TIME,
    QUANTITY,
    TIME,
    Prop,
    Struct,
)

PRESERVE = "x-kubernetes-preserve-unknown-fields"
_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_TIME_LAYOUTS = {TIME: gotime.RFC3339, MICRO_TIME: gotime.RFC3339_MICRO}


class GoFloat(float):
    """A JSON number with a fraction or an exponent, keeping its text: Go's errors quote the
    literal (`number 2.50`), and a Quantity parses it."""

    __slots__ = ("literal",)
    literal: str

    def __new__(cls, literal: str) -> GoFloat:
        number = super().__new__(cls, literal)
        number.literal = literal
        return number

    def __repr__(self) -> str:
        return self.literal

    def __reduce__(self) -> tuple[Any, ...]:
        return (GoFloat, (self.literal,))


def json_kind(value: Any) -> str:
    """The JSON type encoding/json names in an UnmarshalTypeError."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def go_json_number(value: int | float) -> str:
    """The number's text on the wire. A JSON body keeps its literal; anything else (YAML, an
    in-engine client's dict) reaches the real decoder through json.Marshal, which writes a
    float64 without exponent between 1e-6 and 1e21 (encoding/json encode.go floatEncoder):
    so a YAML `2.0` arrives as `2`."""
    if isinstance(value, GoFloat):
        return value.literal
    if not isinstance(value, float):
        return str(value)
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
    size = abs(value)
    if size == 0 or 1e-6 <= size < 1e21:
        text = format(Decimal(repr(value)), "f")
        return text.removesuffix(".0") if "." in text else text
    mantissa, exponent = repr(value).split("e")
    power = int(exponent)
    return f"{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}".replace("e-0", "e-")


def _integer(value: Any) -> int | None:
    """The integer a JSON number holds when Go's strconv.ParseInt reads it, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        text = go_json_number(value)
        # (thousands of digits are out of any range; Python will not even convert them)
        if text.lstrip("-").isdigit() and len(text) < 1000:
            return int(text)
    return None


class _Fatal(Exception):
    """An error that ends decoding at once (an UnmarshalJSON's, or the converter's)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---- encoding/json (sigs.k8s.io/json) ----------------------------------------------------------


def json_error(struct: Struct, obj: dict[str, Any], old: Any = None) -> str | None:
    """What decoding `obj` into the Go type `struct` fails with, or None. Whole numbers given
    as floats outside a JSON text are set as the ints Go decodes them to."""
    walk = _JSONWalk()
    try:
        walk.struct(struct, obj, old, "")
    except _Fatal as fatal:
        return fatal.message
    return walk.saved


class _JSONWalk:
    def __init__(self) -> None:
        self.saved: str | None = None

    def fail(self, kind: str, where: tuple[str, str], go: str) -> None:
        """saveError: the first type error is the one reported, decoding goes on."""
        if self.saved is None:
            self.saved = _unmarshal_error(kind, where, go)

    def struct(self, struct: Struct, value: dict[str, Any], old: Any, path: str) -> None:
        if dict(struct.extensions).get(PRESERVE):
            return
        old_map = old if isinstance(old, dict) else None
        name = struct.short_name
        for key, item in list(value.items()):
            prop = struct.fields.get(key)
            if prop is None:
                continue
            if item is None:
                if _zero_is_absent(prop):
                    del value[key]  # null leaves the zero value, which encodes as absent
                continue
            before = old_map.get(key) if old_map is not None else None
            if item is before:
                continue
            where = (name, f"{path}.{key}" if path else key)
            self.value(prop, item, before, where, go_type(name, key, prop), value, key)

    def value(
        self,
        prop: Prop,
        value: Any,
        old: Any,
        where: tuple[str, str],
        go: str,
        parent: Any,
        slot: Any,
    ) -> None:
        if value is None:
            return
        if prop.ref:
            if prop.ref in SPECIAL:
                _special(prop.ref, value, where, parent, slot)
                return
            struct = REGISTRY.get(prop.ref)
            if struct is None:
                return
            if not isinstance(value, dict):
                self.fail(json_kind(value), where, go)
            else:
                self.struct(struct, value, old, where[1])
        elif prop.items is not None:
            if not isinstance(value, list):
                self.fail(json_kind(value), where, go)
                return
            inner = element(go, prop.items)
            before = old if isinstance(old, list) else []
            for index, item in enumerate(value):
                previous = before[index] if index < len(before) else None
                if item is None:
                    value[index] = zero(prop.items)
                elif item is not previous:
                    self.value(prop.items, item, previous, where, inner, value, index)
        elif prop.values is not None:
            if not isinstance(value, dict):
                self.fail(json_kind(value), where, go)
                return
            inner = element(go, prop.values)
            before_map = old if isinstance(old, dict) else {}
            for key, item in value.items():
                previous = before_map.get(key)
                if item is None:
                    value[key] = zero(prop.values)
                elif item is not previous:
                    self.value(prop.values, item, previous, where, inner, value, key)
        elif prop.type == "string":
            if not isinstance(value, str):
                self.fail(json_kind(value), where, go)
            elif prop.format == "byte":
                try:  # literalStore: a []byte is base64 text; its error is saved as it is
                    parent[slot] = gobytes.canonical(value)
                except gobytes.CorruptInputError as error:
                    if self.saved is None:
                        self.saved = str(error)
        elif prop.type == "boolean":
            if not isinstance(value, bool):
                self.fail(json_kind(value), where, go)
        elif prop.type == "integer":
            problem = _int_problem(value, go, parent, slot)
            if problem:
                self.fail(problem, where, go)
        elif prop.type == "number" and (isinstance(value, bool) or not _is_number(value)):
            self.fail(json_kind(value), where, go)


_NULLABLE = (TIME, MICRO_TIME, FIELDS_V1)  # their zero value encodes as null, or as is


def _zero_is_absent(prop: Prop) -> bool:
    """Whether a field set to null ends up absent from the object (its zero value omitted)."""
    return not (prop.ref in _NULLABLE or prop.free_form)


def zero(prop: Prop) -> Any:
    """The zero value a null list element or map value decodes to, as it encodes."""
    if prop.ref:
        if prop.ref == QUANTITY:
            return "0"
        if prop.ref == INT_OR_STRING:
            return 0
        return None if prop.ref in _NULLABLE else {}
    if prop.items is not None or prop.values is not None or prop.free_form:
        return None
    if prop.format == "byte":
        return None  # a nil []byte encodes as null
    return {"string": "", "integer": 0, "boolean": False, "number": 0}.get(prop.type)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _int_problem(value: Any, go: str, parent: Any, slot: Any) -> str:
    """The UnmarshalTypeError value text for an integer field, or "" when it fits (literalStore:
    strconv.ParseInt of the literal, then OverflowInt)."""
    if not _is_number(value):
        return json_kind(value)
    number = _integer(value)
    low, high = _RANGES.get(go, _RANGES["int64"])
    if number is None or not low <= number <= high:
        return "number " + go_json_number(value)
    if type(value) is float:
        parent[slot] = number  # what Go stores for a YAML `2.0`
    return ""


def _special(ref: str, value: Any, where: tuple[str, str], parent: Any, slot: Any) -> None:
    """The value types with their own UnmarshalJSON; their errors end decoding."""
    message = ""
    if ref == QUANTITY:
        try:
            memo.parse_quantity(value)
        except ValueError as error:
            message = str(error)
    elif ref == INT_OR_STRING:
        # intstr.go UnmarshalJSON: a string, else json.Unmarshal into the int32 IntVal.
        if not isinstance(value, str):
            problem = _int_problem(value, "int32", parent, slot)
            if problem:
                message = _unmarshal_error(problem, where, "int32")
    elif ref in _TIME_LAYOUTS:
        # time.go / micro_time.go UnmarshalJSON: json.Unmarshal into a string, then time.Parse.
        if not isinstance(value, str):
            message = _unmarshal_error(json_kind(value), where, "string")
        else:
            message = gotime.parse_error(_TIME_LAYOUTS[ref], value) or ""
    if message:
        raise _Fatal(message)


def _unmarshal_error(kind: str, where: tuple[str, str], go: str) -> str:
    """UnmarshalTypeError.Error() with the decoder's context (addErrorContext)."""
    struct, path = where
    if not struct and not path:
        return f"json: cannot unmarshal {kind} into Go value of type {go}"
    return f"json: cannot unmarshal {kind} into Go struct field {struct}.{path} of type {go}"


# ---- runtime.DefaultUnstructuredConverter -------------------------------------------------------

_GO_KINDS = {bool: "bool", int: "int64", float: "float64", str: "string", list: "slice"}


def _go_kind(value: Any) -> str:
    """reflect.Kind of an unstructured value (kjson keeps integers as int64)."""
    for python, kind in _GO_KINDS.items():
        if isinstance(value, python):
            return kind
    return "map"


def converter_error(struct: Struct, obj: dict[str, Any], old: Any = None) -> str | None:
    """What FromUnstructured says converting `obj` to the Go type, or None. Integers are set to
    what Go's conversion makes of them (wrapped to the field's size)."""
    try:
        _convert_struct(struct, obj, old)
    except _Fatal as fatal:
        return fatal.message
    return None


def _convert_struct(struct: Struct, value: Any, old: Any) -> None:
    if not isinstance(value, dict):
        raise _Fatal(f"cannot restore struct from: {_go_kind(value)}")
    if dict(struct.extensions).get(PRESERVE):
        return
    old_map = old if isinstance(old, dict) else {}
    for key, item in list(value.items()):
        prop = struct.fields.get(key)
        if prop is None:
            continue
        if item is None:
            if _zero_is_absent(prop):
                del value[key]
        elif item is not old_map.get(key):
            go = go_type(struct.short_name, key, prop)
            _convert(prop, item, old_map.get(key), go, value, key)


def _convert(prop: Prop, value: Any, old: Any, go: str, parent: Any, slot: Any) -> None:
    if value is None:
        return
    if prop.ref:
        if prop.ref == FIELDS_V1:
            return
        if prop.ref in SPECIAL:
            # A type with UnmarshalJSON gets the value's JSON, with no decoder context
            # (structured-merge-diff value/reflectcache.go FromUnstructured).
            _special(prop.ref, value, ("", ""), parent, slot)
            return
        struct = REGISTRY.get(prop.ref)
        if struct is not None:
            _convert_struct(struct, value, old)
    elif prop.items is not None:
        if not isinstance(value, list):
            raise _Fatal(f"cannot restore slice from {_go_kind(value)}")
        inner = element(go, prop.items)
        before = old if isinstance(old, list) else []
        for index, item in enumerate(value):
            previous = before[index] if index < len(before) else None
            if item is None:
                value[index] = zero(prop.items)
            elif item is not previous:
                _convert(prop.items, item, previous, inner, value, index)
    elif prop.values is not None:
        if not isinstance(value, dict):
            raise _Fatal(f"cannot restore map from {_go_kind(value)}")
        inner = element(go, prop.values)
        before_map = old if isinstance(old, dict) else {}
        for key, item in value.items():
            if item is None:
                value[key] = zero(prop.values)
            elif item is not before_map.get(key):
                _convert(prop.values, item, before_map.get(key), inner, value, key)
    elif prop.format == "byte":
        _convert_bytes(value, parent, slot)
    elif prop.type in ("string", "boolean", "integer", "number"):
        _convert_simple(prop.type, value, go, parent, slot)


def _convert_bytes(value: Any, parent: Any, slot: Any) -> None:
    """sliceFromUnstructured: a string into a []byte goes through json.Unmarshal (base64)."""
    if not isinstance(value, str):
        raise _Fatal(f"cannot restore slice from {_go_kind(value)}")
    try:
        parent[slot] = gobytes.canonical(value)
    except gobytes.CorruptInputError as error:
        raise _Fatal(f"error decoding from json: {error}") from None


def _convert_simple(kind: str, value: Any, go: str, parent: Any, slot: Any) -> None:
    """fromUnstructured's simple types: the same kind, or a conversion Go allows that JSON
    would too (an int into a string is one: `cannot convert int64 to string`)."""
    if kind == "string":
        if isinstance(value, str):
            return
        if isinstance(value, int) and not isinstance(value, bool):
            raise _Fatal(f"cannot convert int64 to {go}")
        raise _Fatal("unrecognized type: string")
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _Fatal("unrecognized type: bool")
        return
    if not _is_number(value):
        raise _Fatal(f"unrecognized type: {go if kind == 'integer' else 'float64'}")
    if kind == "number":
        return
    if isinstance(value, float):
        if not value.is_integer():
            raise _Fatal(f"cannot convert float64 to {go}")
        number = int(value)
    else:
        number = value
    low, high = _RANGES.get(go, _RANGES["int64"])
    wrapped = (number - low) % (high - low + 1) + low  # Go's integer conversion truncates
    if type(value) is not int or wrapped != value:
        parent[slot] = wrapped


# ---- structured-merge-diff (server-side apply) --------------------------------------------------


def apply_type_errors(struct: Struct, obj: Any) -> list[str]:
    """Every type problem structured-merge-diff finds in an applied configuration, as
    `<path>: <problem>` lines (its paths: `.spec.containers[name="app"].image`)."""
    found: list[str] = []
    _typed_struct(struct, obj, "", found)
    return found


def _typed_struct(struct: Struct, value: Any, path: str, found: list[str]) -> None:
    if not isinstance(value, dict):
        found.append(f"{path}: expected map, got &{{{go_v(value)}}}")
        return
    if dict(struct.extensions).get(PRESERVE):
        return
    for key, item in value.items():
        prop = struct.fields.get(key)
        if prop is not None and item is not None:
            _typed(prop, item, f"{path}.{key}", found)


def _typed(prop: Prop, value: Any, path: str, found: list[str]) -> None:
    if prop.ref:
        if prop.ref in (INT_OR_STRING, QUANTITY, FIELDS_V1):
            return  # untyped in structured-merge-diff's schema: any value
        if prop.ref in _TIME_LAYOUTS:
            if not isinstance(value, str):
                found.append(f"{path}: expected string, got {_go_sharp_v(value)}")
            return
        struct = REGISTRY.get(prop.ref)
        if struct is not None:
            _typed_struct(struct, value, path, found)
    elif prop.items is not None:
        if not isinstance(value, list):
            found.append(f"{path}: expected list, got &{{{go_v(value)}}}")
            return
        markers = dict(prop.extensions)
        keys = markers.get("x-kubernetes-list-map-keys") or []
        for index, item in enumerate(value):
            if keys and not isinstance(item, dict):
                what = "a null element" if item is None else "non-map elements"
                found.append(
                    f"{path}: element {index}: associative list with keys may not have {what}"
                )
                return
            if item is not None:
                _typed(prop.items, item, path + _path_element(item, index, keys, markers), found)
    elif prop.values is not None:
        if not isinstance(value, dict):
            found.append(f"{path}: expected map, got &{{{go_v(value)}}}")
            return
        for key, item in value.items():
            if item is not None:
                _typed(prop.values, item, f"{path}.{key}", found)
    elif prop.type == "string" and not isinstance(value, str):
        found.append(f"{path}: expected string, got {_go_sharp_v(value)}")
    elif prop.type in ("integer", "number") and not _is_number(value):
        found.append(f"{path}: expected numeric (int or float), got {_go_type_name(value)}")
    elif prop.type == "boolean" and not isinstance(value, bool):
        found.append(f"{path}: expected boolean, got &{{{go_v(value)}}}")


def _path_element(item: Any, index: int, keys: list[str], markers: dict[str, Any]) -> str:
    """fieldpath.PathElement.String(): `[name="app"]`, `[="value"]` or `[3]`."""
    if keys and isinstance(item, dict):
        pairs = (f"{k}={json.dumps(item.get(k), separators=(',', ':'))}" for k in keys if k in item)
        return "[" + ",".join(pairs) + "]"
    if markers.get("x-kubernetes-list-type") == "set":
        return f"[={json.dumps(item, separators=(',', ':'))}]"
    return f"[{index}]"


def _go_type_name(value: Any) -> str:
    """%T of an unstructured value."""
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    return _go_kind(value)


def go_v(value: Any) -> str:
    """%v (and %+v) of an unstructured value: maps with sorted keys, `map[a:1 b:[x y]]`."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_g(value)
    if isinstance(value, list):
        return "[" + " ".join(go_v(item) for item in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_v(v)}" for k, v in sorted(value.items())) + "]"
    return str(value)


def _go_sharp_v(value: Any) -> str:
    """%#v of the *valueUnstructured structured-merge-diff wraps a value in."""
    return f"&value.valueUnstructured{{Value:{_sharp(value)}}}"


def _sharp(value: Any) -> str:
    if isinstance(value, dict):
        items = ", ".join(f"{json.dumps(k)}:{_sharp(v)}" for k, v in sorted(value.items()))
        return "map[string]interface {}{" + items + "}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(_sharp(item) for item in value) + "}"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "interface {}(nil)"
    return go_v(value)


def go_g(value: float) -> str:
    """%v of a float64: strconv 'g' with the shortest digits, in exponent form when the
    exponent is below -4 or from 6 on (fmt's rule for the shortest precision)."""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    number = Decimal(repr(float(value))).normalize()
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    power = exponent + len(digits) - 1
    if -4 <= power < 6:
        return format(number, "f")
    text = "".join(map(str, digits))
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    return f"{'-' if sign else ''}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
