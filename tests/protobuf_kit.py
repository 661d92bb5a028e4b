"""A test-only protobuf encoder, written from the decoder's own tables
(web/kube_api/protobuf.py MESSAGES): JSON in, the bytes a typed client-go client would send
out. It writes fields as gogo-protobuf does (in field-number order, a length-delimited field
wire type 2, a varint wire type 0, negative ints as ten-byte two's complement)."""

from __future__ import annotations

import base64
from typing import Any

from web.kube_api import protobuf


def varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number: int, payload: bytes | int) -> bytes:
    if isinstance(payload, int):
        return varint(number << 3) + varint(payload)
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def text(number: int, value: str) -> bytes:
    return field(number, value.encode())


def body(obj: dict[str, Any]) -> bytes:
    """A whole request body: the magic, then runtime.Unknown around the object."""
    type_meta = text(1, obj["apiVersion"]) + text(2, obj["kind"])
    raw = message(obj, obj["kind"])
    return protobuf.MAGIC + field(1, type_meta) + field(2, raw)


def message(obj: dict[str, Any], name: str) -> bytes:
    out = b""
    for number, (key, kind, inner) in sorted(protobuf.MESSAGES[name].items()):
        if kind == "inline":
            out += field(number, message(obj, inner))
            continue
        if key not in obj:
            continue
        value = obj[key]
        if kind in ("str", "bytes"):
            out += field(number, value.encode() if isinstance(value, str) else value)
        elif kind in ("int", "int0"):
            out += field(number, value)
        elif kind in ("bool", "bool0"):
            out += field(number, int(value))
        elif kind == "msg":
            out += field(number, message(value, inner))
        elif kind == "msgs":
            out += b"".join(field(number, message(item, inner)) for item in value)
        elif kind == "strs":
            out += b"".join(text(number, item) for item in value)
        elif kind == "intstr":
            parts = text(3, value) if isinstance(value, str) else field(2, value)
            out += field(number, field(1, int(isinstance(value, str))) + parts)
        elif kind == "quantity":
            out += field(number, text(1, value))
        else:  # map, bmap, qmap
            for entry_key, entry_value in value.items():
                if kind == "bmap":
                    payload = field(2, base64.b64decode(entry_value))
                elif kind == "qmap":
                    payload = field(2, text(1, entry_value))
                else:
                    payload = text(2, entry_value)
                out += field(number, text(1, entry_key) + payload)
    return out
