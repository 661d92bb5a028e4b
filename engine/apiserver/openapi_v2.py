"""The OpenAPI v2 (Swagger 2.0) document: `/openapi/v2`, the same API as the v3 documents
(openapi.py), in the older form.

kubectl reads the v3 documents, and falls back to this one for a group-version they do not
list: its schema validation looks the object's kind up by `x-kubernetes-group-version-kind`
and, finding none, leaves the object to the server (kubectl pkg/validation/schema.go
validateResource: "resource is not present, let's just skip validation"). So a file mixing
served kinds with one the server does not have gets each object's own answer (created, or
`no matches for kind`), as on a real cluster, instead of kubectl's "error validating data" for
the whole file. `kubectl explain --output=plaintext-openapiv2` reads it too.

client-go asks for it in protobuf (discovery_client.go OpenAPISchema, Accept
`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): gnostic's openapi_v2.Document
(github.com/google/gnostic openapiv2/OpenAPIv2.proto, proto3), which `protobuf()` writes; any
other Accept gets JSON, as kube-openapi's handler answers.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from engine.apiserver import openapi
from engine.apiserver.schema import STRING_FORMATS
from engine.apiserver.version import SERVER_VERSION

Doc = dict[str, Any]
# The media type of the answer: the one kube-openapi's handler writes (pkg/handler/handler.go
# subTypeProtobuf), without the `@` of the one client-go asks for, which Go's mime parser
# refuses in a Content-Type.
MEDIA_TYPE_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
DEFINITIONS = "#/definitions/"
# What every operation answers in (kube-apiserver's serializers).
PRODUCES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]


def wants_protobuf(accept: str) -> bool:
    return "application/com.github.proto-openapi.spec.v2" in accept


@cache
def document_text() -> str:
    paths: Doc = {}
    definitions: Doc = {}
    for gv_path in openapi.group_version_paths():
        v3 = openapi.group_version_document(gv_path) or {}
        for path, item in v3["paths"].items():
            paths[path] = _path_item(item)
        for name, schema in v3["components"]["schemas"].items():
            # v2 has no oneOf: IntOrString and Quantity are strings with a format there.
            definitions[name] = (
                dict(STRING_FORMATS[name]) if name in STRING_FORMATS else _schema(schema)
            )
    document = {
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": SERVER_VERSION["gitVersion"]},
        "paths": dict(sorted(paths.items())),
        "definitions": dict(sorted(definitions.items())),
        "securityDefinitions": {
            "BearerToken": {
                "description": "Bearer Token authentication",
                "type": "apiKey",
                "name": "authorization",
                "in": "header",
            }
        },
        "security": [{"BearerToken": []}],
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def document() -> Doc:
    result: Doc = json.loads(document_text())
    return result


# ---- from the v3 form ------------------------------------------------------------------------


def _schema(schema: Doc) -> Doc:
    out: Doc = {}
    for key, value in schema.items():
        if key == "$ref":
            out["$ref"] = DEFINITIONS + value.removeprefix(openapi.SCHEMAS)
        elif key == "allOf":
            # v3 wraps a described reference in allOf (siblings of $ref are ignored there);
            # v2 writes the reference with its description beside it, and no default.
            out.update(_schema(value[0]))
        elif key == "properties":
            out[key] = {name: _schema(inner) for name, inner in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = _schema(value)
        elif not (key == "default" and "allOf" in schema):
            out[key] = value
    return out


def _path_item(item: Doc) -> Doc:
    out: Doc = {}
    for key, value in item.items():
        if key == "parameters":
            out[key] = [_parameter(p) for p in value]
        else:
            out[key] = _operation(value)
    return out


def _operation(operation: Doc) -> Doc:
    parameters = [_parameter(p) for p in operation.get("parameters", [])]
    out: Doc = {
        "description": operation["description"],
        "operationId": operation["operationId"],
        "tags": operation["tags"],
        "produces": PRODUCES,
        "schemes": ["https"],
    }
    body = operation.get("requestBody")
    if body:
        media = body["content"]
        out["consumes"] = list(media)
        schema = _schema(next(iter(media.values()))["schema"])
        parameters.insert(0, {"name": "body", "in": "body", "required": True, "schema": schema})
    out["parameters"] = parameters
    out["responses"] = {
        code: {"description": answer["description"]}
        | (
            # a connect's answer (pods/exec) is a stream: its one media type is */*
            {"schema": _schema(next(iter(answer["content"].values()))["schema"])}
            if "content" in answer
            else {}
        )
        for code, answer in operation["responses"].items()
    }
    for key, value in operation.items():
        if key.startswith("x-"):
            out[key] = value
    return out


def _parameter(parameter: Doc) -> Doc:
    out = {key: value for key, value in parameter.items() if key != "schema"}
    out.update(parameter.get("schema", {}))  # v2 types a non-body parameter in place
    return out


# ---- gnostic's protobuf form -----------------------------------------------------------------


@cache
def protobuf() -> bytes:
    doc = document()
    paths = b"".join(
        _field(2, _text(1, path) + _field(2, _path_item_pb(item)))
        for path, item in doc["paths"].items()
    )
    definitions = b"".join(
        _field(1, _text(1, name) + _field(2, _schema_pb(schema)))
        for name, schema in doc["definitions"].items()
    )
    security_definitions = b"".join(
        _field(1, _text(1, name) + _field(2, _field(2, _api_key_pb(item))))
        for name, item in doc["securityDefinitions"].items()
    )
    security = b"".join(
        _field(
            12,
            b"".join(
                _field(1, _text(1, name) + _field(2, _texts(1, scopes)))
                for name, scopes in requirement.items()
            ),
        )
        for requirement in doc["security"]
    )
    info = _text(1, doc["info"]["title"]) + _text(2, doc["info"]["version"])
    return (
        _text(1, doc["swagger"])
        + _field(2, info)
        + _field(8, paths)
        + _field(9, definitions)
        + security
        + _field(13, security_definitions)
    )


def _path_item_pb(item: Doc) -> bytes:
    out = b""
    for number, method in ((2, "get"), (3, "put"), (4, "post"), (5, "delete"), (8, "patch")):
        if method in item:
            out += _field(number, _operation_pb(item[method]))
    return out + b"".join(_field(9, _parameter_pb(p)) for p in item.get("parameters", []))


def _operation_pb(operation: Doc) -> bytes:
    responses = b"".join(
        _field(1, _text(1, code) + _field(2, _field(1, _response_pb(answer))))
        for code, answer in operation["responses"].items()
    )
    return (
        _texts(1, operation["tags"])
        + _text(3, operation["description"])
        + _text(5, operation["operationId"])
        + _texts(6, operation["produces"])
        + _texts(7, operation.get("consumes", []))
        + b"".join(_field(8, _parameter_pb(p)) for p in operation["parameters"])
        + _field(9, responses)
        + _texts(10, operation["schemes"])
        + _extensions_pb(13, operation)
    )


def _response_pb(answer: Doc) -> bytes:
    schema = _field(2, _field(1, _schema_pb(answer["schema"]))) if "schema" in answer else b""
    return _text(1, answer["description"]) + schema


def _parameter_pb(parameter: Doc) -> bytes:
    """ParametersItem > Parameter: a BodyParameter, or a NonBodyParameter's query or path
    sub-schema (their fields are numbered alike up to `type`, which the path one has at 5)."""
    common = (
        _bool(1, parameter.get("required", False))
        + _text(2, parameter["in"])
        + _text(3, parameter.get("description", ""))
        + _text(4, parameter["name"])
    )
    if parameter["in"] == "body":
        body = (
            _text(1, parameter.get("description", ""))
            + _text(2, parameter["name"])
            + _text(3, "body")
            + _bool(4, parameter["required"])
            + _field(5, _schema_pb(parameter["schema"]))
        )
        return _field(1, _field(1, body))
    if parameter["in"] == "path":
        sub = common + _text(5, parameter["type"]) + _bool(19, parameter.get("uniqueItems", False))
        return _field(1, _field(2, _field(4, sub)))
    sub = common + _text(6, parameter["type"]) + _bool(20, parameter.get("uniqueItems", False))
    return _field(1, _field(2, _field(3, sub)))


def _api_key_pb(item: Doc) -> bytes:
    return (
        _text(1, item["type"])
        + _text(2, item["name"])
        + _text(3, item["in"])
        + _text(4, item["description"])
    )


def _schema_pb(schema: Doc) -> bytes:
    out = _text(1, schema.get("$ref", "")) + _text(2, schema.get("format", ""))
    out += _text(4, schema.get("description", ""))
    if "default" in schema:
        out += _field(5, _any(schema["default"]))
    out += _texts(19, schema.get("required", []))
    out += b"".join(_field(20, _any(value)) for value in schema.get("enum", []))
    if isinstance(schema.get("additionalProperties"), dict):
        out += _field(21, _field(1, _schema_pb(schema["additionalProperties"])))
    if "type" in schema:
        out += _field(22, _text(1, schema["type"]))
    if "items" in schema:
        out += _field(23, _field(1, _schema_pb(schema["items"])))
    if "properties" in schema:
        named = b"".join(
            _field(1, _text(1, name) + _field(2, _schema_pb(inner)))
            for name, inner in schema["properties"].items()
        )
        out += _field(25, named)
    return out + _extensions_pb(31, schema)


def _extensions_pb(number: int, obj: Doc) -> bytes:
    return b"".join(
        _field(number, _text(1, key) + _field(2, _any(value)))
        for key, value in obj.items()
        if key.startswith("x-")
    )


def _any(value: Any) -> bytes:
    # gnostic's Any keeps a value as YAML text (its `yaml` field); JSON is YAML.
    return _text(2, json.dumps(value, separators=(",", ":"), sort_keys=True) + "\n")


def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _text(number: int, value: str) -> bytes:
    # proto3: a field at its zero value is not written.
    return _field(number, value.encode()) if value else b""


def _texts(number: int, values: list[str]) -> bytes:
    return b"".join(_field(number, value.encode()) for value in values)


def _bool(number: int, value: bool) -> bytes:
    return _varint(number << 3) + b"\x01" if value else b""
