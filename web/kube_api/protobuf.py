"""Request bodies in Kubernetes' protobuf encoding, turned into JSON at the door.

kubectl's typed clients (`kubectl create deployment`, `create namespace`, `create configmap`,
`create secret`, `create service`, `kubectl debug`'s pods, the evictions of `kubectl drain`)
send `application/vnd.kubernetes.protobuf`: the magic `k8s\\x00`, then a runtime.Unknown
holding the object's apiVersion/kind and its protobuf bytes (staging/src/k8s.io/apimachinery/
pkg/runtime/serializer/protobuf/protobuf.go). The engine reads JSON, so the kinds such clients
write are decoded here, with the field numbers of their generated.proto files, into the JSON
the same Go object would marshal to (a zero non-pointer field with `omitempty` left out). A
kind not in KINDS is passed on as it came, and the API server answers 415 as it does for any
unreadable body; bytes that do not decode are refused with the API server's 400.

(kubectl's other commands send JSON: `run`, `expose`, `apply`, and the patches of `scale`,
`label`, `annotate`, `set`, `rollout`.)
"""

from __future__ import annotations

import base64
import json
from typing import Any

from web.kube_api.protobuf_messages import KINDS, MESSAGES

MAGIC = b"k8s\x00"
MEDIA_TYPE = "application/vnd.kubernetes.protobuf"


class ProtobufError(ValueError):
    """Bytes that are not the message they claim to be, in the Go decoder's words."""


def to_json(body: bytes, into: str) -> bytes | None:
    """The body as JSON bytes, or None if its kind is not one decoded here. `into` is the kind
    the handler decodes into. Bytes that do not decode raise ProtobufError, with the message
    the API server's 400 gives (protobuf.go Serializer.Decode, then handlers/create.go
    transformDecodeError; a DELETE's DeleteOptions error goes out as it is, delete.go)."""
    try:
        if not body.startswith(MAGIC):
            # Serializer.Decode, before it reads anything.
            raise ProtobufError(
                "provided data does not appear to be a protobuf message, expected prefix "
                f"[{' '.join(str(b) for b in MAGIC)}]"
            )
        if len(body) == len(MAGIC):
            raise ProtobufError("empty body")
        unknown = _message(memoryview(body)[len(MAGIC) :], "Unknown")
    except ProtobufError as error:
        if into == "DeleteOptions":
            raise
        summary = body[:30].hex() + (" ..." if len(body) > 30 else "")  # summarizeData
        raise ProtobufError(
            f"the object provided is unrecognized (must be of type {into}): {error} ({summary})"
        ) from None
    type_meta = unknown.get("typeMeta") or {}
    api_version, kind = type_meta.get("apiVersion", ""), type_meta.get("kind", "")
    if (api_version, kind) not in KINDS:
        return None
    obj = {"apiVersion": api_version, "kind": kind}
    try:
        obj.update(_message(unknown.get("raw", b""), kind))
    except ProtobufError as error:
        if into == "DeleteOptions":
            raise
        version = api_version.rpartition("/")[2]
        raise ProtobufError(
            f'{kind} in version "{version}" cannot be handled as a {into}: {error}'
        ) from None
    return json.dumps(obj).encode()


def _message(data: bytes | memoryview, name: str) -> dict[str, Any]:
    """A message read with its table. A field number the table does not hold is skipped, as
    the generated Unmarshal skips a number it does not know (skipGenerated): the tables hold
    every field kubectl's typed clients write."""
    fields = MESSAGES[name]
    out: dict[str, Any] = {}
    for number, wire, value in _fields(data, name):
        if number not in fields:
            continue
        key, kind, inner = fields[number]
        if wire != _WIRE_OF.get(kind, 2):
            # generated.pb.go: the field's Go name, its JSON name's first letter raised.
            raise ProtobufError(
                f"proto: wrong wireType = {wire} for field {(key or inner)[:1].upper()}"
                f"{(key or inner)[1:]}"
            )
        if kind == "str":
            # Go writes every non-pointer string, empty or not; JSON's omitempty leaves
            # an empty one out, and so does the object the API server decodes.
            if value:
                out[key] = _text(value)
        elif kind == "bytes":
            out[key] = bytes(value)
        elif kind in ("int0", "bool0") and not value:
            pass  # a non-pointer field with `omitempty`: its zero is left out of the JSON
        elif kind in ("int", "int0"):
            out[key] = value - (1 << 64) if value >= 1 << 63 else value
        elif kind in ("bool", "bool0"):
            out[key] = bool(value)
        elif kind == "msg":
            out[key] = _message(value, inner)
        elif kind == "inline":
            out.update(_message(value, inner))  # an embedded struct, `json:",inline"`
        elif kind == "msgs":
            out.setdefault(key, []).append(_message(value, inner))
        elif kind == "intstr":
            out[key] = _int_or_string(value)
        elif kind == "quantity":
            out[key] = _quantity(value)
        elif kind == "strs":
            out.setdefault(key, []).append(_text(value))
        else:  # map, bmap, qmap: repeated entries of key 1, value 2
            entry = {number: value for number, _, value in _fields(value, name)}
            raw = _bytes(entry.get(2, b""), "Value")
            if kind == "qmap":
                text = _quantity(raw)
            else:
                text = base64.b64encode(raw).decode() if kind == "bmap" else _text(raw)
            out.setdefault(key, {})[_text(entry.get(1, b""), "Key")] = text
    return out


# The wire type each kind of field is written with: 0 varint, 2 length-delimited.
_WIRE_OF = {"int": 0, "int0": 0, "bool": 0, "bool0": 0}


def _bytes(value: Any, field: str) -> bytes:
    """A length-delimited value; `field` names it (its Go name) where its wire type was not
    checked against a table: a map entry's key or value, an IntOrString's or a Quantity's
    string."""
    if not isinstance(value, bytes | memoryview):
        raise ProtobufError(f"proto: wrong wireType = 0 for field {field}")
    return bytes(value)


def _text(value: Any, field: str = "") -> str:
    # A Go string holds any bytes; the JSON the API server writes replaces what is not UTF-8.
    return _bytes(value, field).decode("utf-8", "replace")


def _int_or_string(data: bytes | memoryview) -> int | str:
    """intstr.IntOrString: type (0 int, 1 string), intVal, strVal."""
    parts = {number: value for number, _, value in _fields(data, "IntOrString")}
    if parts.get(1):
        return _text(parts.get(3, b""), "StrVal")
    value = parts.get(2, 0)
    if not isinstance(value, int):
        raise ProtobufError("proto: wrong wireType = 2 for field IntVal")
    return value - (1 << 64) if value >= 1 << 63 else value


def _quantity(data: bytes | memoryview) -> str:
    """resource.Quantity travels as its string (apimachinery/pkg/api/resource/generated.proto)."""
    parts = {number: value for number, _, value in _fields(data, "Quantity")}
    return _text(parts.get(1, b""), "String")


def _fields(data: bytes | memoryview, name: str) -> list[tuple[int, int, Any]]:
    """(field number, wire type, value) of a message's fields: varints as ints,
    length-delimited values as bytes. The errors are the generated Unmarshal's."""
    found: list[tuple[int, int, Any]] = []
    position, end = 0, len(data)
    while position < end:
        key, position = _varint(data, position)
        number, wire = key >> 3, key & 7
        if wire == 4:
            raise ProtobufError(f"proto: {name}: wiretype end group for non-group")
        if number <= 0:
            raise ProtobufError(f"proto: {name}: illegal tag {number} (wire type {wire})")
        value: Any
        if wire == 0:
            value, position = _varint(data, position)
        elif wire == 2:
            length, position = _varint(data, position)
            if length >= 1 << 63:
                raise ProtobufError("proto: negative length found during unmarshaling")
            if position + length > end:
                raise ProtobufError("unexpected EOF")
            value, position = data[position : position + length], position + length
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            if position + size > end:
                raise ProtobufError("unexpected EOF")
            value = int.from_bytes(data[position : position + size], "little")
            position += size
        else:
            raise ProtobufError(f"proto: illegal wireType {wire}")
        found.append((number, wire, value))
    return found


def _varint(data: bytes | memoryview, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if shift >= 64:
            raise ProtobufError("proto: integer overflow")
        if position >= len(data):
            raise ProtobufError("unexpected EOF")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result & ((1 << 64) - 1), position
        shift += 7
