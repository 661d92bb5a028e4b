"""ConfigMap and Secret (core/v1): configuration and credentials kept apart from the images
that use them (staging/src/k8s.io/api/core/v1/types.go)."""

from __future__ import annotations

from engine.apiserver.schema.cluster import CORE, kind, list_kind
from engine.apiserver.schema.model import Prop, boolean, string, string_map

# map[string][]byte: each value travels as base64 (encoding/json's []byte).
BYTES = Prop("string", format="byte")


def byte_map(description: str) -> Prop:
    return Prop("object", values=BYTES, description=description)


_IMMUTABLE = boolean(
    "If true, the data can no longer be changed (only the object's metadata can): the "
    "kubelets stop watching it for changes. It cannot be set back to false."
)

CONFIG_MAP = kind(
    CORE + "ConfigMap",
    ("", "v1", "ConfigMap"),
    "A ConfigMap holds configuration data, as key-value pairs, for pods to read as "
    "environment variables, command-line arguments or files in a volume.",
    binaryData=byte_map(
        "Binary values, base64-encoded on the wire. Its keys may not also be in data."
    ),
    data=string_map(
        "The configuration values. Each key must consist of alphanumeric characters, '-', "
        "'_' or '.'; values that are not UTF-8 text belong in binaryData."
    ),
    immutable=_IMMUTABLE,
)
SECRET = kind(
    CORE + "Secret",
    ("", "v1", "Secret"),
    "A Secret holds a small amount of sensitive data, such as a password, a token or a key. "
    "Its values are base64-encoded, which is an encoding, not encryption.",
    data=byte_map(
        "The secret values, each base64-encoded. Each key must consist of alphanumeric "
        "characters, '-', '_' or '.'."
    ),
    immutable=_IMMUTABLE,
    stringData=string_map(
        "Write-only convenience: plain-text values merged into data (overriding its keys) "
        "when the Secret is written. It is never returned by reads."
    ),
    type=string(
        "How the data is used, e.g. Opaque (the default), kubernetes.io/tls or "
        "kubernetes.io/dockerconfigjson; some types require certain keys."
    ),
)

STRUCTS = (CONFIG_MAP, list_kind(CONFIG_MAP), SECRET, list_kind(SECRET))
