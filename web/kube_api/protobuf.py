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
    # ---- core/v1 pod template: Pod, PodTemplateSpec, PodSpec, Container and what they hold
    # (k8s.io/api/core/v1/generated.proto). Every field kubectl's typed clients write (`kubectl
    # create deployment`, `kubectl debug`), and the volume, probe and scheduling basics.
    "Pod": {1: ("metadata", "msg", "ObjectMeta"), 2: ("spec", "msg", "PodSpec")},
    "PodTemplateSpec": {1: ("metadata", "msg", "ObjectMeta"), 2: ("spec", "msg", "PodSpec")},
    "PodSpec": {
        1: ("volumes", "msgs", "Volume"),
        2: ("containers", "msgs", "Container"),
        3: ("restartPolicy", "str", ""),
        4: ("terminationGracePeriodSeconds", "int", ""),
        5: ("activeDeadlineSeconds", "int", ""),
        6: ("dnsPolicy", "str", ""),
        7: ("nodeSelector", "map", ""),
        8: ("serviceAccountName", "str", ""),
        9: ("serviceAccount", "str", ""),
        10: ("nodeName", "str", ""),
        11: ("hostNetwork", "bool0", ""),
        12: ("hostPID", "bool0", ""),
        13: ("hostIPC", "bool0", ""),
        14: ("securityContext", "msg", "PodSecurityContext"),
        15: ("imagePullSecrets", "msgs", "LocalObjectReference"),
        16: ("hostname", "str", ""),
        17: ("subdomain", "str", ""),
        19: ("schedulerName", "str", ""),
        20: ("initContainers", "msgs", "Container"),
        21: ("automountServiceAccountToken", "bool", ""),
        22: ("tolerations", "msgs", "Toleration"),
        24: ("priorityClassName", "str", ""),
        25: ("priority", "int", ""),
        30: ("enableServiceLinks", "bool", ""),
        31: ("preemptionPolicy", "str", ""),
        35: ("setHostnameAsFQDN", "bool", ""),
        37: ("hostUsers", "bool", ""),
    },
    "Container": {
        1: ("name", "str", ""),
        2: ("image", "str", ""),
        3: ("command", "strs", ""),
        4: ("args", "strs", ""),
        5: ("workingDir", "str", ""),
        6: ("ports", "msgs", "ContainerPort"),
        7: ("env", "msgs", "EnvVar"),
        8: ("resources", "msg", "ResourceRequirements"),
        9: ("volumeMounts", "msgs", "VolumeMount"),
        10: ("livenessProbe", "msg", "Probe"),
        11: ("readinessProbe", "msg", "Probe"),
        13: ("terminationMessagePath", "str", ""),
        14: ("imagePullPolicy", "str", ""),
        15: ("securityContext", "msg", "SecurityContext"),
        16: ("stdin", "bool0", ""),
        17: ("stdinOnce", "bool0", ""),
        18: ("tty", "bool0", ""),
        19: ("envFrom", "msgs", "EnvFromSource"),
        20: ("terminationMessagePolicy", "str", ""),
        22: ("startupProbe", "msg", "Probe"),
        24: ("restartPolicy", "str", ""),
    },
    "ContainerPort": {
        1: ("name", "str", ""),
        2: ("hostPort", "int0", ""),
        3: ("containerPort", "int", ""),
        4: ("protocol", "str", ""),
        5: ("hostIP", "str", ""),
    },
    "EnvVar": {
        1: ("name", "str", ""),
        2: ("value", "str", ""),
        3: ("valueFrom", "msg", "EnvVarSource"),
    },
    "EnvVarSource": {
        1: ("fieldRef", "msg", "ObjectFieldSelector"),
        2: ("resourceFieldRef", "msg", "ResourceFieldSelector"),
        3: ("configMapKeyRef", "msg", "KeySelector"),
        4: ("secretKeyRef", "msg", "KeySelector"),
    },
    "ObjectFieldSelector": {1: ("apiVersion", "str", ""), 2: ("fieldPath", "str", "")},
    "ResourceFieldSelector": {
        1: ("containerName", "str", ""),
        2: ("resource", "str", ""),
        3: ("divisor", "quantity", ""),
    },
    # ConfigMapKeySelector and SecretKeySelector: the same fields, the name inlined from an
    # embedded LocalObjectReference (`json:",inline"`).
    "KeySelector": {
        1: ("", "inline", "LocalObjectReference"),
        2: ("key", "str", ""),
        3: ("optional", "bool", ""),
    },
    "LocalObjectReference": {1: ("name", "str", "")},
    "EnvFromSource": {
        1: ("prefix", "str", ""),
        2: ("configMapRef", "msg", "EnvSource"),
        3: ("secretRef", "msg", "EnvSource"),
    },
    # ConfigMapEnvSource and SecretEnvSource, alike.
    "EnvSource": {1: ("", "inline", "LocalObjectReference"), 2: ("optional", "bool", "")},
    "ResourceRequirements": {1: ("limits", "qmap", ""), 2: ("requests", "qmap", "")},
    "VolumeMount": {
        1: ("name", "str", ""),
        2: ("readOnly", "bool0", ""),
        3: ("mountPath", "str", ""),
        4: ("subPath", "str", ""),
        5: ("mountPropagation", "str", ""),
        6: ("subPathExpr", "str", ""),
    },
    "Volume": {1: ("name", "str", ""), 2: ("", "inline", "VolumeSource")},
    "VolumeSource": {
        1: ("hostPath", "msg", "HostPathVolumeSource"),
        2: ("emptyDir", "msg", "EmptyDirVolumeSource"),
        6: ("secret", "msg", "SecretVolumeSource"),
        10: ("persistentVolumeClaim", "msg", "PersistentVolumeClaimVolumeSource"),
        16: ("downwardAPI", "msg", "DownwardAPIVolumeSource"),
        19: ("configMap", "msg", "ConfigMapVolumeSource"),
        26: ("projected", "msg", "ProjectedVolumeSource"),
    },
    "HostPathVolumeSource": {1: ("path", "str", ""), 2: ("type", "str", "")},
    "EmptyDirVolumeSource": {1: ("medium", "str", ""), 2: ("sizeLimit", "quantity", "")},
    "SecretVolumeSource": {
        1: ("secretName", "str", ""),
        2: ("items", "msgs", "KeyToPath"),
        3: ("defaultMode", "int", ""),
        4: ("optional", "bool", ""),
    },
    "ConfigMapVolumeSource": {
        1: ("", "inline", "LocalObjectReference"),
        2: ("items", "msgs", "KeyToPath"),
        3: ("defaultMode", "int", ""),
        4: ("optional", "bool", ""),
    },
    "KeyToPath": {1: ("key", "str", ""), 2: ("path", "str", ""), 3: ("mode", "int", "")},
    "DownwardAPIVolumeSource": {
        1: ("items", "msgs", "DownwardAPIVolumeFile"),
        2: ("defaultMode", "int", ""),
    },
    "DownwardAPIVolumeFile": {
        1: ("path", "str", ""),
        2: ("fieldRef", "msg", "ObjectFieldSelector"),
        3: ("resourceFieldRef", "msg", "ResourceFieldSelector"),
        4: ("mode", "int", ""),
    },
    # The kube-api-access-* volume the ServiceAccount admission plugin adds to every pod,
    # which `kubectl debug --copy-to` sends back.
    "ProjectedVolumeSource": {
        1: ("sources", "msgs", "VolumeProjection"),
        2: ("defaultMode", "int", ""),
    },
    "VolumeProjection": {
        1: ("secret", "msg", "ProjectionSource"),
        2: ("downwardAPI", "msg", "DownwardAPIVolumeSource"),
        3: ("configMap", "msg", "ProjectionSource"),
        4: ("serviceAccountToken", "msg", "ServiceAccountTokenProjection"),
    },
    # SecretProjection and ConfigMapProjection, alike.
    "ProjectionSource": {
        1: ("", "inline", "LocalObjectReference"),
        2: ("items", "msgs", "KeyToPath"),
        4: ("optional", "bool", ""),
    },
    "ServiceAccountTokenProjection": {
        1: ("audience", "str", ""),
        2: ("expirationSeconds", "int", ""),
        3: ("path", "str", ""),
    },
    "PersistentVolumeClaimVolumeSource": {
        1: ("claimName", "str", ""),
        2: ("readOnly", "bool0", ""),
    },
    "Probe": {
        1: ("", "inline", "ProbeHandler"),
        2: ("initialDelaySeconds", "int0", ""),
        3: ("timeoutSeconds", "int0", ""),
        4: ("periodSeconds", "int0", ""),
        5: ("successThreshold", "int0", ""),
        6: ("failureThreshold", "int0", ""),
        7: ("terminationGracePeriodSeconds", "int", ""),
    },
    "ProbeHandler": {
        1: ("exec", "msg", "ExecAction"),
        2: ("httpGet", "msg", "HTTPGetAction"),
        3: ("tcpSocket", "msg", "TCPSocketAction"),
    },
    "ExecAction": {1: ("command", "strs", "")},
    "HTTPGetAction": {
        1: ("path", "str", ""),
        2: ("port", "intstr", ""),
        3: ("host", "str", ""),
        4: ("scheme", "str", ""),
    },
    "TCPSocketAction": {1: ("port", "intstr", ""), 2: ("host", "str", "")},
    "SecurityContext": {
        1: ("capabilities", "msg", "Capabilities"),
        2: ("privileged", "bool", ""),
        4: ("runAsUser", "int", ""),
        5: ("runAsNonRoot", "bool", ""),
        6: ("readOnlyRootFilesystem", "bool", ""),
        7: ("allowPrivilegeEscalation", "bool", ""),
        10: ("runAsGroup", "int", ""),
    },
    "Capabilities": {1: ("add", "strs", ""), 2: ("drop", "strs", "")},
    "PodSecurityContext": {
        2: ("runAsUser", "int", ""),
        3: ("runAsNonRoot", "bool", ""),
        5: ("fsGroup", "int", ""),
        6: ("runAsGroup", "int", ""),
    },
    "Toleration": {
        1: ("key", "str", ""),
        2: ("operator", "str", ""),
        3: ("value", "str", ""),
        4: ("effect", "str", ""),
        5: ("tolerationSeconds", "int", ""),
    },
    # ---- apps/v1 (k8s.io/api/apps/v1/generated.proto) and the LabelSelector of meta/v1
    "Deployment": {1: ("metadata", "msg", "ObjectMeta"), 2: ("spec", "msg", "DeploymentSpec")},
    "DeploymentSpec": {
        1: ("replicas", "int", ""),
        2: ("selector", "msg", "LabelSelector"),
        3: ("template", "msg", "PodTemplateSpec"),
        4: ("strategy", "msg", "DeploymentStrategy"),
        5: ("minReadySeconds", "int0", ""),
        6: ("revisionHistoryLimit", "int", ""),
        7: ("paused", "bool0", ""),
        9: ("progressDeadlineSeconds", "int", ""),
    },
    "DeploymentStrategy": {
        1: ("type", "str", ""),
        2: ("rollingUpdate", "msg", "RollingUpdateDeployment"),
    },
    "RollingUpdateDeployment": {1: ("maxUnavailable", "intstr", ""), 2: ("maxSurge", "intstr", "")},
    "LabelSelector": {
        1: ("matchLabels", "map", ""),
        2: ("matchExpressions", "msgs", "LabelSelectorRequirement"),
    },
    "LabelSelectorRequirement": {
        1: ("key", "str", ""),
        2: ("operator", "str", ""),
        3: ("values", "strs", ""),
    },
}
KINDS = {
    ("policy/v1", "Eviction"),
    ("v1", "Namespace"),
    ("v1", "DeleteOptions"),
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "Service"),
    ("v1", "ServiceAccount"),
    # the pod template block
    ("v1", "Pod"),
    ("apps/v1", "Deployment"),
}


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
