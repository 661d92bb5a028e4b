"""Non-resource URLs: /version, API discovery and the OpenAPI documents (v3, and v2).

Discovery comes in two forms. The legacy one (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/
types.go APIVersions, APIGroupList, APIResourceList) needs a request per group-version; the
aggregated one (staging/src/k8s.io/api/apidiscovery/v2/types.go APIGroupDiscoveryList) answers
`/api` and `/apis` with everything at once. Clients ask for the aggregated form in the Accept
header, and client-go trusts the response's Content-Type, not the body, to tell which it got
(discovery_client.go ContentTypeIsGVK), so the aggregated answer must carry its exact media type.
"""

from __future__ import annotations

from typing import Any

from engine.apimachinery import errors
from engine.apiserver import openapi, openapi_v2
from engine.apiserver.request import Request, Response
from engine.apiserver.resources import GROUPS, SERVED, ResourceType
from engine.apiserver.version import SERVER_VERSION

AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def non_resource(req: Request) -> Response:
    path = "/" + "/".join(p for p in req.path.split("/") if p)
    if req.method.upper() != "GET":
        raise errors.not_found_path(path)
    if path in ("/api", "/apis") and wants_aggregated(req.headers.get("accept", "")):
        return Response(200, aggregated(core=path == "/api"), content_type=AGGREGATED)
    if path.startswith("/openapi/v3"):
        return _openapi(path)
    if path == "/openapi/v2":
        if openapi_v2.wants_protobuf(req.headers.get("accept", "")):
            return Response(200, openapi_v2.protobuf(), openapi_v2.MEDIA_TYPE_PROTOBUF)
        return Response(200, openapi_v2.document())
    return Response(200, _legacy(path))


def _openapi(path: str) -> Response:
    rest = path.removeprefix("/openapi/v3").strip("/")
    if not rest:
        return Response(200, openapi.root_document())
    document = openapi.group_version_document(rest)
    if document is None:
        raise errors.not_found_path(path)
    return Response(200, document)


def wants_aggregated(accept: str) -> bool:
    """Whether an Accept header lists the v2 APIGroupDiscoveryList media type (parameters in
    any order). Clients list it first and fall back to plain JSON, so it wins when present."""
    for media in accept.split(","):
        base, *params = (part.strip() for part in media.split(";"))
        values = dict(p.partition("=")[::2] for p in params)
        if base == "application/json" and values == {
            "g": "apidiscovery.k8s.io",
            "v": "v2",
            "as": "APIGroupDiscoveryList",
        }:
            return True
    return False


def _legacy(path: str) -> dict[str, Any]:
    if path == "/version":
        return dict(SERVER_VERSION)
    if path == "/api":
        return {
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}
            ],
        }
    if path == "/apis":
        return {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [_group(name, versions) for name, versions in GROUPS.items() if name],
        }
    for group, versions in GROUPS.items():
        for version in versions:
            base = f"/apis/{group}/{version}" if group else f"/api/{version}"
            if path == base:
                return resource_list(group, version)
        if group and path == f"/apis/{group}":
            return {"kind": "APIGroup", "apiVersion": "v1", **_group(group, versions)}
    raise errors.not_found_path(path)


def _group(name: str, versions: tuple[str, ...]) -> dict[str, Any]:
    listed = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": listed, "preferredVersion": listed[0]}


def resource_list(group: str, version: str) -> dict[str, Any]:
    resources: list[dict[str, Any]] = []
    for r in SERVED:
        if r.group == group and r.version == version:
            resources.append(_resource_entry(r))
            for sub in r.subresources:
                entry: dict[str, Any] = {
                    "name": f"{r.name}/{sub.name}",
                    "singularName": "",
                    "namespaced": r.namespaced,
                    "kind": sub.kind,
                    "verbs": list(sub.verbs),
                }
                if sub.group and sub.group != r.group:
                    entry.update(group=sub.group, version=sub.version)
                resources.append(entry)
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": resources,
    }


def _resource_entry(r: ResourceType) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": r.name,
        "singularName": r.singular,
        "namespaced": r.namespaced,
        "kind": r.kind,
        "verbs": list(r.verbs),
    }
    if r.short_names:
        entry["shortNames"] = list(r.short_names)
    if r.categories:
        entry["categories"] = list(r.categories)
    return entry


def aggregated(*, core: bool) -> dict[str, Any]:
    """APIGroupDiscoveryList for `/api` (the core group, named "") or `/apis` (the others)."""
    items = [
        {
            "metadata": {"name": group},
            "versions": [
                {
                    "version": version,
                    "resources": [
                        _aggregated_resource(r)
                        for r in SERVED
                        if r.group == group and r.version == version
                    ],
                    "freshness": "Current",
                }
                for version in versions
            ],
        }
        for group, versions in GROUPS.items()
        if (group == "") == core
    ]
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    }


def _aggregated_resource(r: ResourceType) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "resource": r.name,
        "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
        "scope": "Namespaced" if r.namespaced else "Cluster",
        "singularResource": r.singular,
        "verbs": list(r.verbs),
    }
    if r.short_names:
        entry["shortNames"] = list(r.short_names)
    if r.categories:
        entry["categories"] = list(r.categories)
    if r.subresources:
        entry["subresources"] = [
            {
                "subresource": sub.name,
                "responseKind": {
                    "group": sub.group or r.group,
                    "version": sub.version,
                    "kind": sub.kind,
                },
                "verbs": list(sub.verbs),
            }
            for sub in r.subresources
        ]
    return entry
