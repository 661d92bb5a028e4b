"""PUT (handlers/update.go UpdateResource): the body replaces the stored object, guarded by
its resourceVersion when it has one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.apimachinery import errors
from engine.apiserver import decoding
from engine.apiserver.registry import store
from engine.apiserver.request import Request, ResourcePath

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

    Gen = store.Gen


def update(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    resource = target.resource
    connect = api.strategy(resource).subresources.get((target.subresource, "update"))
    if connect is not None:
        given = decoding.decode_body(req, None)
        return (yield from connect(api, req, target, lambda _current: given))
    body = decoding.decode_body(req, resource)
    name = body.get("metadata", {}).get("name", "")
    if name != target.name:
        raise errors.bad_request(
            f"the name of the object ({name}) does not match the name on the URL ({target.name})"
        )
    precondition = body["metadata"].get("resourceVersion", "")
    return (
        yield from store.guaranteed_update(
            api, req, target, lambda _old: decoding.copy_body(body), precondition
        )
    )
