"""How objects are stored: compact JSON in etcd, resourceVersion taken from the key's revision.

Like the real API server's codec (staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go
decode, and the versioner that fills in metadata.resourceVersion), the version is never part of
the stored bytes: it is the etcd mod revision, filled in on every read.
"""

from __future__ import annotations

import json
from typing import Any

# json.dumps(value, separators=(",", ":")) with the encoder built once, not per call.
_compact_json = json.JSONEncoder(separators=(",", ":")).encode


def encode(obj: dict[str, Any]) -> str:
    """The value stored for `obj`, whose metadata must no longer carry a resourceVersion."""
    return _compact_json(obj)


def decode(value: str, revision: int) -> dict[str, Any]:
    """A stored value as the API server serves it: resourceVersion is the etcd mod revision."""
    obj: dict[str, Any] = json.loads(value)
    obj["metadata"]["resourceVersion"] = str(revision)
    return obj
