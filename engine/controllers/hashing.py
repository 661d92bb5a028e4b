"""pod-template-hash: controller.ComputeHash (pkg/controller/controller_utils.go).

Upstream feeds FNV-32a a go-spew dump (`%#v`, sorted keys, methods disabled) of the
PodTemplateSpec Go struct, then, if status.collisionCount is set, its value as 8 bytes (a
little-endian uint32 in the first four). The Sum32 is printed in decimal and
rand.SafeEncodeString maps every character c to alphanums[c % 27], so the digits 0-9 become
`456789bcdf` and a hash looks like `7c5ddbdf54`.

A Go struct dump cannot be reproduced byte for byte from JSON (it prints every zero-valued
field, Go type names and pointers), so Podlife hashes its own canonical dump of the template
as stored, defaults included, documented in docs/controllers.md ("canonical dump v1"):

    dict   {key:value, key:value}   keys sorted
    list   [value, value]
    string Go-quoted, "like this"
    number decimal; true / false; null is nil

The same template always gives the same hash, a changed template (nearly always) a different
one, and the alphabet and length are upstream's.
"""

from __future__ import annotations

import json
from typing import Any

from engine.names import ALPHANUMS

_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193


def canonical_dump(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}:{canonical_dump(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(canonical_dump(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fnv32a(data: bytes, seed: int = _FNV_OFFSET) -> int:
    h = seed
    for byte in data:
        h = ((h ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
    return h


def safe_encode_string(text: str) -> str:
    """rand.SafeEncodeString (staging/src/k8s.io/apimachinery/pkg/util/rand/rand.go)."""
    return "".join(ALPHANUMS[ord(c) % len(ALPHANUMS)] for c in text)


def compute_hash(template: dict[str, Any], collision_count: int | None) -> str:
    h = fnv32a(canonical_dump(template).encode())
    if collision_count is not None:
        h = fnv32a((collision_count & 0xFFFFFFFF).to_bytes(4, "little") + bytes(4), h)
    return safe_encode_string(str(h))
