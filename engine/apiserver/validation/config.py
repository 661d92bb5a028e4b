"""ConfigMaps and Secrets: ValidateConfigMap / ValidateConfigMapUpdate and ValidateSecret /
ValidateSecretUpdate of pkg/apis/core/validation/validation.go.

A Secret's data values arrive here as the canonical base64 the decoder stored (their sizes
are those of the bytes); a ConfigMap's data values are plain strings, counted in UTF-8 bytes.
"""

from __future__ import annotations

from typing import Any

from engine.apimachinery import field
from engine.apiserver.body import BodyError, decode_json
from engine.apiserver.schema import gobytes
from engine.apiserver.schema.typecheck import json_kind
from engine.apiserver.validation.common import FIELD_IMMUTABLE, Errors, Obj, _d, _s
from engine.apiserver.validation.meta import validate_meta, validate_object_meta
from engine.apiserver.validation.names import is_config_map_key, name_is_dns_subdomain

MAX_SECRET_SIZE = 1024 * 1024  # core.MaxSecretSize: a ConfigMap's limit too
IMMUTABLE_SET = "field is immutable when `immutable` is set"
# The keys the typed Secrets must hold (core.DockerConfigJSONKey, BasicAuthUsernameKey…).
DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson"
DOCKER_CONFIG_KEY = ".dockercfg"
SERVICE_ACCOUNT_NAME_KEY = "kubernetes.io/service-account.name"
REDACTED = "<secret contents redacted>"


def validate_config_map(obj: Obj, old: Obj | None) -> Errors:
    """ValidateConfigMap (old is None) or ValidateConfigMapUpdate."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    if old is not None:
        errs += _immutable_bags(obj, old, ("data", "binaryData"))
        # ValidateConfigMapUpdate runs the whole create validation again, metadata included.
        errs += validate_object_meta(_d(obj.get("metadata")), True, name_is_dns_subdomain)
    data, binary = _d(obj.get("data")), _d(obj.get("binaryData"))
    total = 0
    for key, value in data.items():
        path = field.key("data", key)
        errs += [field.invalid(path, key, msg) for msg in is_config_map_key(key)]
        if key in binary:  # a key may live in only one of the two bags
            errs.append(field.invalid(path, key, "duplicate of key present in binaryData"))
        total += len(_s(value).encode())
    for key, value in binary.items():
        path = field.key("binaryData", key)
        errs += [field.invalid(path, key, msg) for msg in is_config_map_key(key)]
        total += gobytes.size(_s(value))
    if total > MAX_SECRET_SIZE:
        # field.NewPath(""): the whole object, which field.Path prints as "[]".
        errs.append(field.too_long("[]", "", MAX_SECRET_SIZE))
    return errs


def validate_secret(obj: Obj, old: Obj | None) -> Errors:
    """ValidateSecret (old is None) or ValidateSecretUpdate."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    if old is not None:
        if obj.get("type") != old.get("type"):
            errs.append(field.invalid("type", obj.get("type"), FIELD_IMMUTABLE))
        errs += _immutable_bags(obj, old, ("data",))
        errs += validate_object_meta(_d(obj.get("metadata")), True, name_is_dns_subdomain)
    data = _d(obj.get("data"))
    total = 0
    for key, value in data.items():
        errs += [field.invalid(field.key("data", key), key, m) for m in is_config_map_key(key)]
        total += gobytes.size(_s(value))
    if total > MAX_SECRET_SIZE:
        errs.append(field.too_long("data", "", MAX_SECRET_SIZE))
    return errs + _type_requirements(obj, data)


def _immutable_bags(obj: Obj, old: Obj, bags: tuple[str, ...]) -> Errors:
    """Once `immutable` is true, it stays true and the data stays as it is."""
    if old.get("immutable") is not True:
        return []
    errs: Errors = []
    if obj.get("immutable") is not True:
        errs.append(field.forbidden("immutable", IMMUTABLE_SET))
    for bag in bags:
        # reflect.DeepEqual: an absent map and an empty one differ.
        if obj.get(bag) != old.get(bag):
            errs.append(field.forbidden(bag, IMMUTABLE_SET))
    return errs


def _type_requirements(obj: Obj, data: dict[str, Any]) -> Errors:
    """The keys (or annotation) each built-in Secret type requires (ValidateSecret's switch)."""
    secret_type = obj.get("type")
    if secret_type == "kubernetes.io/service-account-token":
        annotations = _d(_d(obj.get("metadata")).get("annotations"))
        if not _s(annotations.get(SERVICE_ACCOUNT_NAME_KEY)):
            path = field.key("metadata.annotations", SERVICE_ACCOUNT_NAME_KEY)
            return [field.required(path, "")]
    elif secret_type in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        key = DOCKER_CONFIG_KEY if secret_type.endswith("dockercfg") else DOCKER_CONFIG_JSON_KEY
        path = field.key("data", key)
        if key not in data:
            return [field.required(path, "")]
        problem = _json_object_error(gobytes.decode(_s(data[key])))
        if problem:
            return [field.invalid(path, REDACTED, problem)]
    elif secret_type == "kubernetes.io/basic-auth":
        # Either may be empty, but one of the two must be there.
        if "username" not in data and "password" not in data:
            return [field.required("data[username]", ""), field.required("data[password]", "")]
    elif secret_type == "kubernetes.io/ssh-auth":
        if not data.get("ssh-privatekey"):
            return [field.required("data[ssh-privatekey]", "")]
    elif secret_type == "kubernetes.io/tls":
        return [
            field.required(field.key("data", key), "")
            for key in ("tls.crt", "tls.key")
            if key not in data
        ]
    return []


def _json_object_error(raw: bytes) -> str:
    """json.Unmarshal into a map[string]interface{}: its error, or "" for an object (or null)."""
    try:
        value = decode_json(raw.decode("utf-8", errors="replace"))
    except BodyError as error:
        return str(error)
    if value is None or isinstance(value, dict):
        return ""
    kind = "array" if isinstance(value, list) else json_kind(value)
    return f"json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
