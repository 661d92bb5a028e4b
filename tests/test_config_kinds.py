"""ConfigMaps and Secrets through the API server: the decoder's base64, stringData, defaults,
validation word for word (pkg/apis/core/validation/validation.go), printing and describe."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.apiserver.request import Request, Response
from engine.apiserver.schema import gobytes
from engine.cluster import Cluster
from engine.kubectl.describe_config import describe_configmap, describe_secret

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"
SECRETS = "/api/v1/namespaces/default/secrets"
KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
    "'[-._a-zA-Z0-9]+')"
)
IMMUTABLE = "Forbidden: field is immutable when `immutable` is set"


def send(cluster: Cluster, method: str, path: str, body: Any, content_type: str = "") -> Response:
    headers = {"content-type": content_type or "application/json"}
    text = body if isinstance(body, str) else json.dumps(body)
    return cluster.call(Request.from_url(method, path, body=text, headers=headers))


def config_map(**fields: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, **fields}


def secret(**fields: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, **fields}


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=3)


@pytest.mark.parametrize(
    ("text", "offset"),
    [("abc", 0), ("not base64!", 3), ("YQ=", 3), ("YQ==x", 4), ("Y===", 1), ("YWJj\r\nZA=", 9)],
)
def test_base64_errors_name_the_byte_go_stops_at(text: str, offset: int) -> None:
    with pytest.raises(gobytes.CorruptInputError) as caught:
        gobytes.decode(text)
    assert str(caught.value) == f"illegal base64 data at input byte {offset}"


def test_valid_base64_is_stored_canonical(cluster: Cluster) -> None:
    assert gobytes.decode("YWJj\nZA==\n") == b"abcd"
    created = send(cluster, "POST", SECRETS, secret(data={"k": "YWJj\nZA=="}))
    assert created.code == 201
    assert created.body["data"] == {"k": "YWJjZA=="}
    assert gobytes.size("YWJjZA==") == 4


def test_the_decoder_refuses_data_that_is_not_base64(cluster: Cluster) -> None:
    handled = 'Secret in version "v1" cannot be handled as a Secret: '
    bad = send(cluster, "POST", SECRETS, secret(data={"password": "s3cr3t!"}))
    assert (bad.code, bad.body["message"]) == (400, handled + "illegal base64 data at input byte 6")
    wrong_type = send(cluster, "POST", SECRETS, secret(data={"password": 12}))
    assert wrong_type.body["message"] == handled + (
        "json: cannot unmarshal number into Go struct field Secret.data of type []uint8"
    )
    binary = send(cluster, "POST", CONFIGMAPS, config_map(binaryData={"b": "%%%"}))
    assert binary.body["message"] == (
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: '
        "illegal base64 data at input byte 0"
    )
    assert send(cluster, "POST", SECRETS, secret(data={"k": "YQ=="})).code == 201
    patched = send(
        cluster,
        "PATCH",
        SECRETS + "/s",
        {"data": {"k": "no!"}},
        "application/strategic-merge-patch+json",
    )
    assert patched.code == 422
    assert patched.body["message"].endswith(
        "error decoding from json: illegal base64 data at input byte 2"
    )
    assert cluster.etcd.get("/registry/secrets/default/bad") is None


def test_string_data_is_merged_into_data_and_type_defaults_to_opaque(cluster: Cluster) -> None:
    created = send(
        cluster,
        "POST",
        SECRETS,
        secret(data={"user": "b2xk", "keep": "YQ=="}, stringData={"user": "admin", "pw": "x"}),
    )
    assert created.code == 201, created.body
    assert created.body["type"] == "Opaque"
    assert "stringData" not in created.body
    assert created.body["data"] == {"keep": "YQ==", "pw": "eA==", "user": "YWRtaW4="}
    fields = [entry.get("fieldsV1") for entry in created.body["metadata"]["managedFields"]]
    assert "f:stringData" not in json.dumps(fields)
    by_type = cluster.call(Request.from_url("GET", SECRETS + "?fieldSelector=type%3DOpaque"))
    assert [item["metadata"]["name"] for item in by_type.body["items"]] == ["s"]
    bad_field = cluster.call(Request.from_url("GET", SECRETS + "?fieldSelector=data%3Dx"))
    assert bad_field.body["message"] == "field label not supported: data"


def invalid(cluster: Cluster, path: str, body: dict[str, Any], method: str = "POST") -> str:
    response = send(cluster, method, path, body)
    assert response.code == 422, response.body
    return response.body["message"]


def test_config_map_keys_and_size(cluster: Cluster) -> None:
    message = invalid(
        cluster, CONFIGMAPS, config_map(data={"a b": "1", "x": "2"}, binaryData={"x": "AA=="})
    )
    assert message == (
        'ConfigMap "cfg" is invalid: [data[a b]: Invalid value: "a b": ' + KEY_MSG + ", "
        'data[x]: Invalid value: "x": duplicate of key present in binaryData]'
    )
    big = "x" * (1024 * 1024)
    assert invalid(cluster, CONFIGMAPS, config_map(data={"a": big, "..": "!"})) == (
        'ConfigMap "cfg" is invalid: [data[..]: Invalid value: "..": must not be \'..\', '
        "[]: Too long: must have at most 1048576 bytes]"
    )
    assert send(cluster, "POST", CONFIGMAPS, config_map(data={"a": big[1:]})).code == 201


def test_secret_size_counts_bytes_not_base64(cluster: Cluster) -> None:
    raw = "QUFB" * (1024 * 1024 // 3)  # 1048575 bytes once decoded
    assert send(cluster, "POST", SECRETS, secret(data={"a": raw})).code == 201
    over = secret(data={"a": raw, "b": "QUE="})
    over["metadata"]["name"] = "t"
    assert invalid(cluster, SECRETS, over) == (
        'Secret "t" is invalid: data: Too long: must have at most 1048576 bytes'
    )


@pytest.mark.parametrize(
    ("secret_type", "data", "message"),
    [
        (
            "kubernetes.io/tls",
            {"tls.crt": "YQ=="},
            "data[tls.key]: Required value",
        ),
        (
            "kubernetes.io/basic-auth",
            {},
            "[data[username]: Required value, data[password]: Required value]",
        ),
        ("kubernetes.io/ssh-auth", {"ssh-privatekey": ""}, "data[ssh-privatekey]: Required value"),
        (
            "kubernetes.io/dockerconfigjson",
            {},
            "data[.dockerconfigjson]: Required value",
        ),
        (
            "kubernetes.io/dockerconfigjson",
            {".dockerconfigjson": "eyJhdXRocyI6"},  # {"auths":
            'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": '
            "unexpected end of JSON input",
        ),
        (
            "kubernetes.io/service-account-token",
            {},
            "metadata.annotations[kubernetes.io/service-account.name]: Required value",
        ),
    ],
)
def test_typed_secrets_need_their_keys(
    cluster: Cluster, secret_type: str, data: dict[str, str], message: str
) -> None:
    body = secret(type=secret_type, data=data)
    assert invalid(cluster, SECRETS, body) == f'Secret "s" is invalid: {message}'


def test_basic_auth_needs_only_one_of_its_keys(cluster: Cluster) -> None:
    body = secret(type="kubernetes.io/basic-auth", stringData={"username": "ana"})
    assert send(cluster, "POST", SECRETS, body).code == 201


def test_immutable_config_maps_and_secrets_stay_as_they_are(cluster: Cluster) -> None:
    frozen = config_map(immutable=True, data={"a": "1"})
    assert send(cluster, "POST", CONFIGMAPS, frozen).code == 201
    changed = config_map(immutable=False, data={"a": "2"}, binaryData={"b": "AA=="})
    assert invalid(cluster, CONFIGMAPS + "/cfg", changed, "PUT") == (
        f'ConfigMap "cfg" is invalid: [immutable: {IMMUTABLE}, data: {IMMUTABLE}, '
        f"binaryData: {IMMUTABLE}]"
    )
    relabelled = config_map(immutable=True, data={"a": "1"})
    relabelled["metadata"]["labels"] = {"tier": "back"}
    assert send(cluster, "PUT", CONFIGMAPS + "/cfg", relabelled).code == 200
    assert send(cluster, "POST", SECRETS, secret(immutable=True, data={"a": "YQ=="})).code == 201
    retyped = secret(immutable=True, type="kubernetes.io/tls", stringData={"a": "b"})
    assert invalid(cluster, SECRETS + "/s", retyped, "PUT") == (
        'Secret "s" is invalid: [type: Invalid value: "kubernetes.io/tls": field is immutable, '
        f"data: {IMMUTABLE}, data[tls.crt]: Required value, data[tls.key]: Required value]"
    )


def test_kubectl_get_tables(cluster: Cluster) -> None:
    cluster.kubectl("create configmap game --from-literal=a=1 --from-literal=b=2")
    send(cluster, "POST", CONFIGMAPS, config_map(binaryData={"logo": "AA=="}))
    cluster.kubectl("create secret generic db --from-literal=pw=x")
    assert cluster.kubectl("get cm").stdout == (  # every namespace has the cluster's CA bundle
        "NAME               DATA   AGE\n"
        "cfg                1      0s\n"
        "game               2      0s\n"
        "kube-root-ca.crt   1      20s\n"
    )
    assert cluster.kubectl("get secrets").stdout == (
        "NAME   TYPE     DATA   AGE\ndb     Opaque   1      0s\n"
    )


def test_describe_lists_sorted_keys_and_hides_secret_values() -> None:
    meta = {"name": "cfg", "namespace": "default"}
    text = describe_configmap(
        {"metadata": meta, "data": {"b": "two", "a": "one"}, "binaryData": {"bin": "AAAA"}},
        [],
        0,
    )
    assert text == (
        "Name:         cfg\nNamespace:    default\nLabels:       <none>\n"
        "Annotations:  <none>\n\nData\n====\na:\n----\none\n\nb:\n----\ntwo\n\n\n"
        "BinaryData\n====\nbin: 3 bytes\n\nEvents:  <none>\n"
    )
    shown = describe_secret(
        {
            "metadata": meta,
            "type": "kubernetes.io/service-account-token",
            "data": {"token": "dG9r", "ca.crt": "YWJj"},
        }
    )
    assert shown.endswith("Data\n====\nca.crt:  3 bytes\ntoken:   tok\n")
    hidden = describe_secret({"metadata": meta, "type": "Opaque", "data": {"token": "dG9r"}})
    assert hidden.endswith("Type:  Opaque\n\nData\n====\ntoken:  3 bytes\n")


def test_create_secret_without_a_known_subcommand(cluster: Cluster) -> None:
    unknown = cluster.kubectl("create secret opaque x")
    assert (unknown.stderr, unknown.exit_code) == (
        "error: unknown command \"opaque x\"\nSee 'kubectl create secret -h' for help and "
        "examples\n",
        1,
    )
    assert "Available Commands:" in cluster.kubectl("create secret").stderr
    assert "does not offer" in cluster.kubectl("create secret tls site").stderr
