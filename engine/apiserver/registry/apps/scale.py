"""deployments/scale, replicasets/scale and replicationcontrollers/scale: an autoscaling/v1
Scale read from and written to spec.replicas (pkg/registry/apps/deployment/storage/storage.go
ScaleREST, scaleFromDeployment; replicaset/storage/storage.go and
pkg/registry/core/replicationcontroller/storage/storage.go likewise)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from engine.apimachinery import labels
from engine.apiserver.registry import store
from engine.apiserver.registry.strategy import SubresourceHandler
from engine.apiserver.request import Request, ResourcePath, Response
from engine.apiserver.resources import ResourceType

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

    Gen = store.Gen


def scale_of(resource: ResourceType, obj: dict[str, Any]) -> dict[str, Any]:
    """The Scale view of a Deployment, ReplicaSet or ReplicationController (whose selector is
    a map: scaleFromRC's labels.SelectorFromSet)."""
    meta = obj["metadata"]
    selector = obj.get("spec", {}).get("selector") or {}
    if resource.kind == "ReplicationController":
        selector = {"matchLabels": selector}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: meta[k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in meta
        },
        "spec": {"replicas": obj.get("spec", {}).get("replicas", 0)},
        "status": {
            "replicas": obj.get("status", {}).get("replicas", 0),
            "selector": labels.selector_from_match(selector).string(),
        },
    }


def get(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    obj = yield from store.read(api, req, target)
    return Response(200, scale_of(target.resource, obj))


def update(
    api: APIServer, req: Request, target: ResourcePath, compute: Callable[[dict[str, Any]], Any]
) -> Gen:
    """A Scale in (`compute` makes it from the current one), spec.replicas changed."""

    def rescale(old: dict[str, Any]) -> dict[str, Any]:
        scale = compute(scale_of(target.resource, old))
        replicas = (scale.get("spec") or {}).get("replicas", 0)
        new = dict(old)  # shares all but spec with `old` (see store.guaranteed_update)
        new["spec"] = dict(old["spec"])
        new["spec"]["replicas"] = replicas
        return new

    whole = ResourcePath(target.resource, target.namespace, target.name, "")
    response: Response = yield from store.guaranteed_update(api, req, whole, rescale, "")
    if response.ok:
        response.body = scale_of(target.resource, response.body)
    return response


SUBRESOURCES: Mapping[tuple[str, str], SubresourceHandler] = {
    ("scale", "get"): get,
    ("scale", "update"): update,
    ("scale", "patch"): update,
}
