"""Shaping a response: an object, a list, or a server-side Table when the client asks for one
(handlers/response.go transformResponseObject, rest/table.go)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.apiserver.request import Request, Response
from engine.apiserver.resources import ResourceType
from engine.apiserver.tables import to_table

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer


def wants_table(req: Request) -> bool:
    return "as=Table" in req.headers.get("accept", "")


def table(
    api: APIServer,
    resource: ResourceType,
    items: list[dict[str, Any]],
    req: Request,
    revision: str,
) -> dict[str, Any]:
    include = req.query.get("includeObject", "Metadata")
    result = to_table(api.strategy(resource).printer, items, api.env.now, include)
    result["metadata"] = {"resourceVersion": revision}
    return result


def list_response(
    api: APIServer, req: Request, resource: ResourceType, items: list[dict[str, Any]]
) -> Response:
    revision = str(api.etcd.revision)
    if wants_table(req):
        return Response(200, table(api, resource, items, req, revision))
    return Response(
        200,
        {
            "kind": f"{resource.kind}List",
            "apiVersion": resource.api_version,
            "metadata": {"resourceVersion": revision},
            "items": items,
        },
    )
