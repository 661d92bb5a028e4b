"""POST to a collection (handlers/create.go createHandler): decode the body as the URL's kind,
deal with unknown fields, hand it to the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.apimachinery import errors
from engine.apiserver import decoding
from engine.apiserver.registry import store
from engine.apiserver.request import Request, ResourcePath

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

    Gen = store.Gen


def create(api: APIServer, req: Request, target: ResourcePath, fields_managed: bool = False) -> Gen:
    """`fields_managed`: server-side apply creating the object has set its managedFields."""
    strategy = api.strategy(target.resource)
    connect = strategy.subresources.get((target.subresource, "create"))
    if connect is None and not target.subresource:
        connect = strategy.answer_create
    if connect is not None:
        return (yield from connect(api, req, target))
    resource = target.resource
    if target.name:
        raise errors.method_not_supported(resource.name, "create", resource.group)
    obj = decoding.decode_body(req, resource)
    if not fields_managed:
        decoding.check_fields(req, resource, obj, None)
    return (yield from store.create(api, req, target, obj, fields_managed))
