"""DELETE of one object, and of a collection (handlers/delete.go DeleteResource,
DeleteCollection)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.apiserver import decoding
from engine.apiserver.handlers import response
from engine.apiserver.registry import store
from engine.apiserver.request import Request, ResourcePath

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

    Gen = store.Gen


def delete(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    options = decoding.delete_options(req)
    api.lifecycle.admit_delete(target.resource, target.name)
    api.strategy(target.resource).admit_delete(target.name)
    return (yield from store.delete(api, req, target, options))


def delete_collection(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    items = yield from store.delete_collection(api, req, target)
    # The list of what was deleted, as a Table when the client asks for one: upstream's
    # deletecollection handler answers through transformResponseObject, as a list does.
    return response.list_response(api, req, target.resource, items)
