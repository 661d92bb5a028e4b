"""The Kubernetes API over HTTP (web/kube_api): discovery, OpenAPI, authentication, field
validation, watch streams, bad requests, and remote requests as replayable inputs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.apimachinery import patchmeta
from engine.apiserver import openapi, openapi_v2
from engine.apiserver.resources import RESOURCES
from engine.apiserver.schema import REGISTRY, kind_struct
from engine.cluster import Cluster
from engine.timeline import Timeline
from web import create_app
from web.kube_api import LocalHost, RemoteCall, RemoteStop, kube_api_of, protobuf

PODS = "/api/v1/namespaces/default/pods"
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]},
}


class Api:
    """A test client for one cluster's API, with its token."""

    def __init__(self, client: FlaskClient, base: str, token: str, cluster: Cluster) -> None:
        self.client, self.base, self.token, self.cluster = client, base, token, cluster

    def __call__(self, method: str, path: str, body: Any = None, **given: str) -> Any:
        headers = {name.replace("_", "-"): value for name, value in given.items()}
        headers.setdefault("Authorization", f"Bearer {self.token}")
        data = body if isinstance(body, bytes | str) or body is None else json.dumps(body)
        if data is not None:
            headers.setdefault("Content-Type", "application/json")
        return self.client.open(self.base + path, method=method, data=data, headers=headers)


@pytest.fixture
def app() -> Flask:
    return create_app({"testing": True})


@pytest.fixture
def api(app: Flask) -> Api:
    cluster = Cluster(seed=3)
    kube = kube_api_of(app)
    kube.local.add("c1", LocalHost(cluster, owner="the-page", speed=None))
    token = kube.tokens.issue("c1")
    return Api(app.test_client(), "/clusters/c1", token, cluster)


def watch_events(response: Any, count: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    buffer = b""
    for chunk in response.response:
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            events.append(json.loads(line))
        if len(events) >= count:
            break
    response.close()
    return events


# ---- discovery and OpenAPI -------------------------------------------------------------------


def test_aggregated_discovery_is_served_with_its_media_type(api: Api) -> None:
    response = api("GET", "/apis", Accept=f"{AGGREGATED},application/json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == AGGREGATED
    groups = {item["metadata"]["name"]: item for item in response.get_json()["items"]}
    apps = groups["apps"]["versions"][0]["resources"]
    assert [r["resource"] for r in apps] == [
        "controllerrevisions",
        "daemonsets",
        "deployments",
        "replicasets",
        "statefulsets",
    ]
    deployments = apps[2]
    assert deployments["shortNames"] == ["deploy"]
    scale = next(s for s in deployments["subresources"] if s["subresource"] == "scale")
    assert scale["responseKind"] == {"group": "autoscaling", "version": "v1", "kind": "Scale"}
    core = api("GET", "/api", Accept=AGGREGATED).get_json()
    assert core["items"][0]["metadata"]["name"] == ""
    legacy = api("GET", "/api", Accept="application/json")
    assert legacy.get_json()["kind"] == "APIVersions"
    assert legacy.headers["Content-Type"] == "application/json"


def test_legacy_resource_list_names_the_eviction_group(api: Api) -> None:
    """kubectl drain looks for pods/eviction with a group and version (drain.go)."""
    resources = api("GET", "/api/v1").get_json()["resources"]
    eviction = next(r for r in resources if r["name"] == "pods/eviction")
    assert (eviction["group"], eviction["version"], eviction["kind"]) == (
        "policy",
        "v1",
        "Eviction",
    )


def test_every_kind_has_a_patch_operation_that_takes_field_validation(api: Api) -> None:
    root = api("GET", "/openapi/v3").get_json()
    for resource in RESOURCES:
        if "patch" not in resource.verbs:
            continue  # the access reviews: create only
        gv = f"apis/{resource.group}/{resource.version}" if resource.group else "api/v1"
        url = root["paths"][gv]["serverRelativeURL"]
        assert "?hash=" in url
        document = api("GET", url.removeprefix("/openapi/v3") and url).get_json()
        gvk = {"group": resource.group, "kind": resource.kind, "version": resource.version}
        patches = [
            path["patch"]
            for path in document["paths"].values()
            if "patch" in path and path["patch"]["x-kubernetes-group-version-kind"] == gvk
        ]
        assert patches, resource.name
        for operation in patches:
            names = {(p["name"], p["in"]) for p in operation["parameters"]}
            assert ("fieldValidation", "query") in names
            assert "application/strategic-merge-patch+json" in operation["requestBody"]["content"]
        schemas = document["components"]["schemas"]
        assert any(gvk in s.get("x-kubernetes-group-version-kind", []) for s in schemas.values())


def test_schema_patch_markers_agree_with_the_strategic_merge_table() -> None:
    """The OpenAPI markers kubectl computes apply patches from are the ones the API server
    merges with (engine/apimachinery/patchmeta.py PATCH_META)."""

    def walk(kind: str, struct_name: str, path: tuple[str, ...], depth: int = 0) -> None:
        struct = REGISTRY.get(struct_name)
        if struct is None or depth > 8:
            return
        for name, prop in struct.fields.items():
            here = (*path, name)
            markers = dict(prop.extensions)
            meta = patchmeta.field_meta(kind, here)
            if prop.items is not None:
                assert markers.get("x-kubernetes-patch-merge-key", "") == meta.merge_key, here
                strategy = markers.get("x-kubernetes-patch-strategy", "")
                assert ("merge" in strategy) == (meta.strategy == "merge"), here
            inner = prop.items or prop
            if inner.ref:
                walk(kind, inner.ref, here, depth + 1)

    for kind in ("Pod", "Deployment", "ReplicaSet"):
        struct = kind_struct("apps" if kind != "Pod" else "", "v1", kind)
        assert struct is not None
        walk(kind, struct.name, ())


def test_openapi_documents_resolve_every_reference() -> None:
    for path in openapi.group_version_paths():
        document = openapi.group_version_document(path)
        assert document is not None
        text = json.dumps(document)
        schemas = document["components"]["schemas"]
        for ref in set(part.split('"')[0] for part in text.split('"#/components/schemas/')[1:]):
            assert ref in schemas, (path, ref)


def test_openapi_v2_is_served_in_protobuf_to_client_go_and_in_json_to_others(api: Api) -> None:
    pb = api(
        "GET", "/openapi/v2", Accept="application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
    )
    assert pb.status_code == 200
    assert pb.content_type == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    assert pb.data == openapi_v2.protobuf()
    plain = api("GET", "/openapi/v2", Accept="application/json")
    assert plain.get_json()["swagger"] == "2.0"


# ---- authentication and kubeconfig -------------------------------------------------------------


def test_requests_without_the_token_are_unauthorized(api: Api) -> None:
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer wrong"}):
        response = api("GET", PODS, **headers)
        assert response.status_code == 401
        assert response.get_json() == {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "Unauthorized",
            "reason": "Unauthorized",
            "code": 401,
        }
    in_path = api.client.get(f"{api.base}/token/{api.token}{PODS}")
    assert in_path.status_code == 200
    assert in_path.get_json()["kind"] == "PodList"
    trace = [e for e in api.cluster.trace if e.kind == "authentication"]
    assert trace[0].summary == "Authentication failed: no credentials"
    assert trace[-1].summary == "Authenticated kubernetes-admin by a bearer token"


def test_the_kubeconfig_goes_to_the_page_that_owns_the_cluster(api: Api) -> None:
    refused = api.client.get("/clusters/c1/kubeconfig?session=someone-else")
    assert refused.status_code == 403
    assert api.client.get("/clusters/nowhere/kubeconfig?session=the-page").status_code == 403
    mine = api.client.get("/clusters", headers={"X-Podlife-Session": "the-page"})
    assert mine.get_json() == {"cluster": "c1", "kubeconfig": "/clusters/c1/kubeconfig"}
    given = api.client.get("/clusters/c1/kubeconfig", headers={"X-Podlife-Session": "the-page"})
    assert given.status_code == 200
    config = given.get_data(as_text=True)
    assert f"server: http://localhost/clusters/c1/token/{api.token}" in config
    assert f"token: {api.token}" in config


# ---- writes: field validation and bad requests -------------------------------------------------


def test_strict_field_validation_names_the_unknown_fields(api: Api) -> None:
    typo = json.loads(json.dumps(POD))
    typo["spec"]["containers"][0]["imagee"] = "x"
    typo["spec"]["bogus"] = 1
    refused = api("POST", PODS + "?fieldValidation=Strict", typo)
    assert refused.status_code == 400
    assert refused.get_json()["message"] == (
        'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field '
        '"spec.containers[0].imagee", unknown field "spec.bogus"'
    )
    warned = api("POST", PODS, typo)  # no directive over HTTP: Warn, the fields are dropped
    assert warned.status_code == 201
    assert "bogus" not in warned.get_json()["spec"]
    patch = api(
        "PATCH",
        PODS + "/web?fieldValidation=Strict",
        {"metadata": {"labelz": {}}},
        Content_Type="application/merge-patch+json",
    )
    assert (patch.status_code, patch.get_json()["message"]) == (
        400,
        'strict decoding error: unknown field "metadata.labelz"',
    )


def test_bad_requests_get_a_status_and_the_server_stays_up(api: Api) -> None:
    malformed = api("POST", PODS, "{not json")
    assert (malformed.status_code, malformed.get_json()["reason"]) == (400, "BadRequest")
    wrong_type = api("POST", PODS, json.dumps(POD), Content_Type="text/plain")
    assert (wrong_type.status_code, wrong_type.get_json()["reason"]) == (
        415,
        "UnsupportedMediaType",
    )
    huge = api("POST", PODS, b"x" * (5 * 1024 * 1024))
    assert huge.status_code == 413
    assert huge.get_json()["message"] == "Request entity too large: limit is 3145728"
    unknown = api("GET", "/api/v1/namespaces/default/widgets")
    assert (unknown.status_code, unknown.get_json()["message"]) == (
        404,
        "the server could not find the requested resource",
    )
    bad_patch = api("PATCH", PODS + "/web", "{}", Content_Type="application/xml")
    assert bad_patch.status_code == 415
    assert api("GET", PODS).status_code == 200


def test_protobuf_bodies_of_typed_clients_are_read(api: Api) -> None:
    def field(number: int, payload: bytes) -> bytes:
        return bytes([number << 3 | 2, len(payload)]) + payload

    namespace = field(1, field(1, b"team"))
    unknown = field(1, field(1, b"v1") + field(2, b"Namespace")) + field(2, namespace)
    response = api(
        "POST",
        "/api/v1/namespaces",
        protobuf.MAGIC + unknown,
        Content_Type=protobuf.MEDIA_TYPE,
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["metadata"]["name"] == "team"


# ---- watch streams ---------------------------------------------------------------------------


def test_a_table_watch_sends_column_definitions_once(api: Api) -> None:
    api("POST", PODS, POD)
    second = json.loads(json.dumps(POD))
    second["metadata"]["name"] = "two"
    response = api("GET", PODS + "?watch=true&resourceVersion=0", Accept=TABLE)
    assert response.status_code == 200
    api("POST", PODS, second)
    first, later = watch_events(response, 2)
    assert first["type"] == "ADDED" and first["object"]["kind"] == "Table"
    assert first["object"]["columnDefinitions"][0]["name"] == "Name"
    assert later["object"]["columnDefinitions"] is None
    assert later["object"]["rows"][0]["cells"][0] == "two"


def test_a_watch_list_ends_its_initial_events_with_a_bookmark(api: Api) -> None:
    api("POST", PODS, POD)
    query = "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true"
    response = api("GET", PODS + query + "&resourceVersionMatch=NotOlderThan&timeoutSeconds=5")
    added, bookmark = watch_events(response, 2)
    assert (added["type"], added["object"]["metadata"]["name"]) == ("ADDED", "web")
    assert bookmark["type"] == "BOOKMARK"
    assert bookmark["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}


def test_a_watch_from_a_compacted_revision_is_an_error_event(api: Api) -> None:
    api("POST", PODS, POD)
    api.cluster.apiserver.compact()
    response = api("GET", PODS + "?watch=true&resourceVersion=1")
    assert response.status_code == 200
    (event,) = watch_events(response, 1)
    assert event["type"] == "ERROR"
    assert (event["object"]["code"], event["object"]["reason"]) == (410, "Expired")
    assert event["object"]["message"].startswith("too old resource version: 1 (")


# ---- the trace and replay --------------------------------------------------------------------


def test_remote_requests_are_traced_at_the_kubectl_position(api: Api) -> None:
    api("POST", PODS, POD, User_Agent="kubectl/v1.37.1 (linux/amd64) kubernetes/f78e722")
    request = next(e for e in api.cluster.trace if e.kind == "request")
    assert (request.source, request.target) == ("kubectl", "api-server")
    assert request.summary == "create pod default/web"
    assert request.data["userAgent"].startswith("kubectl/v1.37.1")
    assert request.data["remote"] is True
    response = next(e for e in api.cluster.trace if e.kind == "response")
    assert (response.source, response.target, response.data) == (
        "api-server",
        "kubectl",
        {"code": 201},
    )


def test_a_fork_replays_remote_requests_and_watches() -> None:
    timeline = Timeline(seed=5, nodes=[])
    token = (("secret", "kubernetes-admin"),)
    auth = (("authorization", "Bearer secret"),)
    body = json.dumps(POD).encode()
    watch = RemoteCall("GET", PODS, (("watch", "true"),), auth, None, token, "w1")
    timeline.apply(watch)
    timeline.cluster.settle()
    timeline.apply(RemoteCall("POST", PODS, (), auth, body, token))
    timeline.cluster.settle()
    timeline.apply(RemoteStop("w1"))
    timeline.apply(RemoteCall("DELETE", PODS + "/web", (), auth, None, token))
    timeline.cluster.settle()
    assert any(e.kind == "watch-event" for e in timeline.events)
    fresh = timeline.rebuilt(len(timeline.events), lambda: None)
    assert fresh.events == timeline.events
