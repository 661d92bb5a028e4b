"""Non-resource URLs: /version and API discovery (legacy form).

Shapes from staging/src/k8s.io/client-go/discovery/discovery_client.go and
staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go (APIVersions, APIGroupList,
APIResourceList).
"""

from __future__ import annotations

from typing import Any

from engine.apiserver import errors
from engine.apiserver.request import Request
from engine.apiserver.resources import GROUPS, RESOURCES, ResourceType

# What `kubectl version` shows for the server: the Kubernetes release Podlife mimics.
SERVER_VERSION = {
    "major": "1",
    "minor": "37",
    "emulationMajor": "1",
    "emulationMinor": "37",
    "minCompatibilityMajor": "1",
    "minCompatibilityMinor": "36",
    "gitVersion": "v1.37.0-podlife",
    "gitCommit": "0" * 40,
    "gitTreeState": "clean",
    "buildDate": "2026-01-01T00:00:00Z",
    "goVersion": "go1.25.0",
    "compiler": "gc",
    "platform": "linux/amd64",
}


def non_resource(req: Request) -> dict[str, Any]:
    path = "/" + "/".join(p for p in req.path.split("/") if p)
    if req.method.upper() != "GET":
        raise errors.not_found_path(path)
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
    for r in RESOURCES:
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
