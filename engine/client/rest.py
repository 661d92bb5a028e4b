"""The in-engine REST client: how every component (and kubectl) talks to the API server.

Each request is a message on the stage: it travels to the API server, is handled there stage by
stage, and the response travels back. client-go's RESTClient plays this part in Kubernetes.
"""

from __future__ import annotations

from collections.abc import Generator
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from engine.apiserver.request import Request, Response, parse_resource_path
from engine.trace import ObjectRef, Step, object_ref

if TYPE_CHECKING:
    from engine.cluster import Cluster

Gen = Generator[Any, Any, Any]

_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


class RestClient:
    def __init__(
        self,
        cluster: Cluster,
        component: str,
        user: str,
        groups: tuple[str, ...] = ("system:authenticated",),
        step: Step = Step.OTHER,
    ) -> None:
        self.cluster = cluster
        self.component = component
        self.user = user
        self.groups = groups
        self.step = step

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        step: Step | None = None,
    ) -> Gen:
        step = step or self.step
        req = Request(
            method,
            path,
            dict(query or {}),
            dict(headers or {}),
            body,
            self.user,
            self.groups,
            self.component,
            step,
        )
        response: Response = yield from self.send(req)
        return response

    def send(self, req: Request) -> Gen:
        """Carry a prepared request to the API server and its response back."""
        trace, latency = self.cluster.trace, self.cluster.timings.api_latency
        ref = _ref(req)
        trace.emit(
            req.source,
            "api-server",
            "request",
            _summary(req, ref),
            step=req.step,
            obj=ref,
            duration=latency,
            data={"method": req.method, "url": req.url},
        )
        yield latency
        response: Response = yield from self.cluster.apiserver.handle(req)
        trace.emit(
            "api-server",
            req.source,
            "response",
            _outcome(response),
            step=Step.PERSIST if req.step is Step.SEND else req.step,
            obj=ref,
            duration=latency,
            data={"code": response.code},
        )
        yield latency
        return response


def _ref(req: Request) -> ObjectRef | None:
    target = parse_resource_path(req.path)
    if target is None:
        return None
    name = target.name
    if not name and isinstance(req.body, dict):
        # The body is not decoded yet: anything may be where the name should be.
        meta = req.body.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        name = meta.get("name") or meta.get("generateName", "")
        name = name if isinstance(name, str) else ""
    return object_ref(target.resource.kind, name, target.namespace)


def _summary(req: Request, ref: ObjectRef | None) -> str:
    target = parse_resource_path(req.path)
    if target is None or ref is None:
        return f"{req.method} {req.path}"
    if req.method == "GET":
        verb = (
            "get"
            if target.name
            else ("watch" if req.query.get("watch") in ("true", "1") else "list")
        )
    else:
        verb = _VERBS.get(req.method, req.method.lower())
    what = target.resource.name if not ref.name else target.resource.singular
    if target.subresource:
        what += f"/{target.subresource}"
    where = (
        f"{ref.namespace}/{ref.name}"
        if ref.namespace and ref.name
        else ref.name or (f"in {ref.namespace}" if ref.namespace else "")
    )
    return f"{verb} {what} {where}".rstrip()


# HTTPStatus(code).phrase, looked up once per code rather than through the enum per response.
_PHRASES = {status.value: status.phrase for status in HTTPStatus}


def _outcome(response: Response) -> str:
    phrase = _PHRASES.get(response.code, "")
    if response.ok:
        return f"{response.code} {phrase}"
    message = response.body.get("message", "") if isinstance(response.body, dict) else ""
    return f"{response.code} {phrase}: {message}"
