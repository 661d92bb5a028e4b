"""Request bodies in Kubernetes' protobuf encoding, turned into JSON at the door.

kubectl's typed clients (`kubectl create namespace`, `create configmap`, `create secret`,
`create service`, the evictions of `kubectl drain`) send
`application/vnd.kubernetes.protobuf`: the magic `k8s\\x00`, then a runtime.Unknown holding the
object's apiVersion/kind and its protobuf bytes (staging/src/k8s.io/apimachinery/pkg/runtime/
serializer/protobuf/protobuf.go). The engine reads JSON, so the few kinds such clients write
are decoded here, with the field numbers of their generated.proto files. Anything else is
passed on as it came, and the API server answers 415 as it does for any unreadable body.
"""

from __future__ import annotations

import base64
import json
from typing import Any

MAGIC = b"k8s\x00"
MEDIA_TYPE = "application/vnd.kubernetes.protobuf"

# message -> {field number: (json name, kind, message of the value)}; kinds: str, int, bool,
# msg, map (string -> string), bmap (string -> bytes, base64 in JSON), strs (repeated string),
# msgs (repeated message).
Fields = dict[int, tuple[str, str, str]]
MESSAGES: dict[str, Fields] = {
    "Unknown": {1: ("typeMeta", "msg", "TypeMeta"), 2: ("raw", "bytes", "")},
    "TypeMeta": {1: ("apiVersion", "str", ""), 2: ("kind", "str", "")},
    # k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto
    "ObjectMeta": {
        1: ("name", "str", ""),
        2: ("generateName", "str", ""),
        3: ("namespace", "str", ""),
        5: ("uid", "str", ""),
        6: ("resourceVersion", "str", ""),
        11: ("labels", "map", ""),
        12: ("annotations", "map", ""),
        14: ("finalizers", "strs", ""),
    },
    "DeleteOptions": {
        1: ("gracePeriodSeconds", "int", ""),
        2: ("preconditions", "msg", "Preconditions"),
        3: ("orphanDependents", "bool", ""),
        4: ("propagationPolicy", "str", ""),
        5: ("dryRun", "strs", ""),
    },
    "Preconditions": {1: ("uid", "str", ""), 2: ("resourceVersion", "str", "")},
    # k8s.io/api/policy/v1/generated.proto
    "Eviction": {
        1: ("metadata", "msg", "ObjectMeta"),
        2: ("deleteOptions", "msg", "DeleteOptions"),
    },
    # k8s.io/api/core/v1/generated.proto
    "Namespace": {1: ("metadata", "msg", "ObjectMeta"), 2: ("spec", "msg", "NamespaceSpec")},
    "NamespaceSpec": {1: ("finalizers", "strs", "")},
    "ConfigMap": {
        1: ("metadata", "msg", "ObjectMeta"),
        2: ("data", "map", ""),
        3: ("binaryData", "bmap", ""),
        4: ("immutable", "bool", ""),
    },
    "Secret": {
        1: ("metadata", "msg", "ObjectMeta"),
        2: ("data", "bmap", ""),
        3: ("type", "str", ""),
        4: ("stringData", "map", ""),
        5: ("immutable", "bool", ""),
    },
    "Service": {
        1: ("metadata", "msg", "ObjectMeta"),
        2: ("spec", "msg", "ServiceSpec"),
    },
    "ServiceSpec": {
        1: ("ports", "msgs", "ServicePort"),
        2: ("selector", "map", ""),
        3: ("clusterIP", "str", ""),
        4: ("type", "str", ""),
        5: ("externalIPs", "strs", ""),
        7: ("sessionAffinity", "str", ""),
        10: ("externalName", "str", ""),
        18: ("clusterIPs", "strs", ""),
    },
    "ServicePort": {
        1: ("name", "str", ""),
        2: ("protocol", "str", ""),
        3: ("port", "int", ""),
        4: ("targetPort", "intstr", ""),
        5: ("nodePort", "int0", ""),
    },
    # kubectl create serviceaccount
    "ServiceAccount": {
        1: ("metadata", "msg", "ObjectMeta"),
        2: ("secrets", "msgs", "ObjectReference"),
        3: ("imagePullSecrets", "msgs", "LocalObjectReference"),
        4: ("automountServiceAccountToken", "bool", ""),
    },
    "ObjectReference": {
        1: ("kind", "str", ""),
        2: ("namespace", "str", ""),
        3: ("name", "str", ""),
        4: ("uid", "str", ""),
        5: ("apiVersion", "str", ""),
        6: ("resourceVersion", "str", ""),
        7: ("fieldPath", "str", ""),
    },
    "LocalObjectReference": {1: ("name", "str", "")},
    # kubectl create role|clusterrole|rolebinding|clusterrolebinding, kubectl auth can-i:
    # k8s.io/api/rbac/v1 and authorization/v1 generated.proto (LabelSelector: meta/v1's)
    "Role": {1: ("metadata", "msg", "ObjectMeta"), 2: ("rules", "msgs", "PolicyRule")},
    "ClusterRole": {
        1: ("metadata", "msg", "ObjectMeta"),
        2: ("rules", "msgs", "PolicyRule"),
        3: ("aggregationRule", "msg", "AggregationRule"),
    },
    "AggregationRule": {1: ("clusterRoleSelectors", "msgs", "LabelSelector")},
    "LabelSelector": {
        1: ("matchLabels", "map", ""),
        2: ("matchExpressions", "msgs", "LabelSelectorRequirement"),
    },
    "LabelSelectorRequirement": {
        1: ("key", "str", ""),
        2: ("operator", "str", ""),
        3: ("values", "strs", ""),
    },
    "PolicyRule": {
        1: ("verbs", "strs", ""),
        2: ("apiGroups", "strs", ""),
        3: ("resources", "strs", ""),
        4: ("resourceNames", "strs", ""),
        5: ("nonResourceURLs", "strs", ""),
    },
    "RoleBinding": {
        1: ("metadata", "msg", "ObjectMeta"),
        2: ("subjects", "msgs", "Subject"),
        3: ("roleRef", "msg", "RoleRef"),
    },
    "ClusterRoleBinding": {
        1: ("metadata", "msg", "ObjectMeta"),
        2: ("subjects", "msgs", "Subject"),
        3: ("roleRef", "msg", "RoleRef"),
    },
    "Subject": {
        1: ("kind", "str", ""),
        2: ("apiGroup", "str", ""),
        3: ("name", "str", ""),
        4: ("namespace", "str", ""),
    },
    "RoleRef": {1: ("apiGroup", "str", ""), 2: ("kind", "str", ""), 3: ("name", "str", "")},
    "SelfSubjectAccessReview": {
        1: ("metadata", "msg", "ObjectMeta"),
        2: ("spec", "msg", "SelfSubjectAccessReviewSpec"),
    },
    "SelfSubjectAccessReviewSpec": {
        1: ("resourceAttributes", "msg", "ResourceAttributes"),
        2: ("nonResourceAttributes", "msg", "NonResourceAttributes"),
    },
    "ResourceAttributes": {
        1: ("namespace", "str", ""),
        2: ("verb", "str", ""),
        3: ("group", "str", ""),
        4: ("version", "str", ""),
        5: ("resource", "str", ""),
        6: ("subresource", "str", ""),
        7: ("name", "str", ""),
    },
    "NonResourceAttributes": {1: ("path", "str", ""), 2: ("verb", "str", "")},
    "SelfSubjectRulesReview": {
        1: ("metadata", "msg", "ObjectMeta"),
        2: ("spec", "msg", "SelfSubjectRulesReviewSpec"),
    },
    "SelfSubjectRulesReviewSpec": {1: ("namespace", "str", "")},
}
KINDS = {
    ("policy/v1", "Eviction"),
    ("v1", "Namespace"),
    ("v1", "DeleteOptions"),
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "Service"),
    ("v1", "ServiceAccount"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("authorization.k8s.io/v1", "SelfSubjectAccessReview"),
    ("authorization.k8s.io/v1", "SelfSubjectRulesReview"),
}


class ProtobufError(ValueError):
    pass


def to_json(body: bytes) -> bytes | None:
    """The body as JSON bytes, or None if it is not a kind decoded here."""
    if not body.startswith(MAGIC):
        return None
    try:
        unknown = _message(body[len(MAGIC) :], "Unknown")
        type_meta = unknown.get("typeMeta") or {}
        kind = (type_meta.get("apiVersion", ""), type_meta.get("kind", ""))
        if kind not in KINDS:
            return None
        obj = {"apiVersion": kind[0], "kind": kind[1]}
        obj.update(_message(unknown.get("raw", b""), kind[1]))
    except (ProtobufError, IndexError, UnicodeDecodeError):
        return None
    return json.dumps(obj).encode()


def _message(data: bytes, name: str) -> dict[str, Any]:
    fields = MESSAGES[name]
    out: dict[str, Any] = {}
    for number, value in _fields(data):
        if number not in fields:
            continue  # a field this table does not cover: left out
        key, kind, inner = fields[number]
        if kind == "str":
            # Go writes every non-pointer string, empty or not; JSON's omitempty leaves
            # an empty one out, and so does the object the API server decodes.
            if value:
                out[key] = bytes(value).decode()
        elif kind == "bytes":
            out[key] = bytes(value)
        elif kind == "int0" and not value:
            pass  # an int32 with `omitempty`: zero is left out of the JSON
        elif kind in ("int", "int0"):
            out[key] = value - (1 << 64) if value >= 1 << 63 else value
        elif kind == "bool":
            out[key] = bool(value)
        elif kind == "msg":
            out[key] = _message(value, inner)
        elif kind == "msgs":
            out.setdefault(key, []).append(_message(value, inner))
        elif kind == "intstr":
            # intstr.IntOrString: type (0 int, 1 string), intVal, strVal
            parts = dict(_fields(value))
            if parts.get(1):
                out[key] = bytes(parts.get(3, b"")).decode()
            elif parts.get(2):
                out[key] = parts[2]
        elif kind == "strs":
            out.setdefault(key, []).append(bytes(value).decode())
        elif kind in ("map", "bmap"):
            entry = dict(_fields(value))
            raw = bytes(entry.get(2, b""))
            text = base64.b64encode(raw).decode() if kind == "bmap" else raw.decode()
            out.setdefault(key, {})[bytes(entry.get(1, b"")).decode()] = text
    return out


def _fields(data: bytes) -> list[tuple[int, Any]]:
    """(field number, value) pairs of a protobuf message: varints as ints, length-delimited
    values as bytes."""
    found: list[tuple[int, Any]] = []
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, position = _varint(data, position)
        elif wire == 2:
            length, position = _varint(data, position)
            value, position = data[position : position + length], position + length
        elif wire == 1:
            value, position = int.from_bytes(data[position : position + 8], "little"), position + 8
        elif wire == 5:
            value, position = int.from_bytes(data[position : position + 4], "little"), position + 4
        else:
            raise ProtobufError(f"wire type {wire}")
        found.append((number, value))
    return found


def _varint(data: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7
