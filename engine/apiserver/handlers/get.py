"""GET of one object, and list (handlers/get.go GetResource, ListResource)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.apiserver.handlers import response
from engine.apiserver.registry import store
from engine.apiserver.request import Request, ResourcePath, Response

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

    Gen = store.Gen


def get(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    connect = api.strategy(target.resource).subresources.get((target.subresource, "get"))
    if connect is not None:
        return (yield from connect(api, req, target))
    obj = yield from store.read(api, req, target)
    if response.wants_table(req):
        revision = str(api.etcd.revision)
        return Response(200, response.table(api, target.resource, [obj], req, revision))
    return Response(200, obj)


def list_(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    items = yield from store.matching(api, req, target)
    return response.list_response(api, req, target.resource, items)
