"""/openapi/v2 (engine/apiserver/openapi_v2.py): the Swagger 2.0 document, in JSON and in
gnostic's protobuf form. The real kubectl's reading of it is in
tests/kubectl_real/test_typed_clients.py."""

from __future__ import annotations

import json
from typing import Any

from engine.apiserver import openapi, openapi_v2
from web.kube_api import protobuf


def test_the_v2_document_is_swagger_2_with_every_reference_resolved() -> None:
    document = openapi_v2.document()
    assert document["swagger"] == "2.0"
    text = openapi_v2.document_text()
    assert "#/components/" not in text and '"allOf"' not in text and '"oneOf"' not in text
    definitions = document["definitions"]
    for ref in {part.split('"')[0] for part in text.split('"#/definitions/')[1:]}:
        assert ref in definitions, ref
    assert definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] == {
        "description": definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"][
            "description"
        ],
        "format": "int-or-string",
        "type": "string",
    }


def test_every_served_kind_is_found_by_its_group_version_kind() -> None:
    """What kubectl's validation looks a kind up by (x-kubernetes-group-version-kind)."""
    found = {
        (gvk["group"], gvk["version"], gvk["kind"])
        for schema in openapi_v2.document()["definitions"].values()
        for gvk in schema.get("x-kubernetes-group-version-kind", [])
    }
    for path in openapi.group_version_paths():
        v3 = openapi.group_version_document(path) or {}
        for item in v3["paths"].values():
            for operation in item.values():
                if (
                    isinstance(operation, dict)
                    and "x-kubernetes-group-version-kind" in operation
                    # A connect (pods/exec) names its options kind, a set of query parameters
                    # with no definition of its own upstream either.
                    and operation.get("x-kubernetes-action") != "connect"
                ):
                    gvk = operation["x-kubernetes-group-version-kind"]
                    assert (gvk["group"], gvk["version"], gvk["kind"]) in found


def test_operations_take_a_body_parameter_and_answer_in_every_serializer() -> None:
    paths = openapi_v2.document()["paths"]
    create = paths["/apis/apps/v1/namespaces/{namespace}/deployments"]["post"]
    assert create["parameters"][0] == {
        "in": "body",
        "name": "body",
        "required": True,
        "schema": {"$ref": "#/definitions/io.k8s.api.apps.v1.Deployment"},
    }
    assert "application/vnd.kubernetes.protobuf" in create["produces"]
    assert create["x-kubernetes-group-version-kind"] == {
        "group": "apps",
        "kind": "Deployment",
        "version": "v1",
    }
    patch = paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert "application/strategic-merge-patch+json" in patch["consumes"]
    assert any(p["name"] == "fieldValidation" and p["in"] == "query" for p in patch["parameters"])


def named(data: Any, name: str) -> dict[int, list[Any]]:
    """A protobuf message's fields, by number (repeated ones as lists)."""
    out: dict[int, list[Any]] = {}
    for number, _, value in protobuf._fields(data, name):
        out.setdefault(number, []).append(value)
    return out


def test_the_protobuf_form_holds_the_same_document() -> None:
    """Read back with the generated.proto reader of web/kube_api/protobuf.py: gnostic's
    Document (swagger 1, info 2, paths 8, definitions 9) around the same content."""
    document = named(openapi_v2.protobuf(), "Document")
    assert bytes(document[1][0]) == b"2.0"
    definitions = named(document[9][0], "Definitions")[1]
    names = [bytes(named(entry, "NamedSchema")[1][0]).decode() for entry in definitions]
    assert names == list(openapi_v2.document()["definitions"])
    deployment = named(definitions[names.index("io.k8s.api.apps.v1.Deployment")], "NamedSchema")
    schema = named(deployment[2][0], "Schema")
    extension = named(schema[31][0], "NamedAny")
    assert bytes(extension[1][0]) == b"x-kubernetes-group-version-kind"
    yaml_text = bytes(named(extension[2][0], "Any")[2][0])
    assert json.loads(yaml_text) == [{"group": "apps", "kind": "Deployment", "version": "v1"}]
    paths = named(document[8][0], "Paths")[2]
    assert len(paths) == len(openapi_v2.document()["paths"])
