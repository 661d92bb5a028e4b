"""The in-engine REST client: how every component (and kubectl) talks to the API server.

Each request is a message on the stage: it travels to the API server, is handled there stage by
stage, and the response travels back. client-go's RESTClient plays this part in Kubernetes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator
from dataclasses import replace
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from engine.apiserver.request import Request, Response, parse_resource_path
from engine.trace import ObjectRef, Step, story_length

if TYPE_CHECKING:
    from engine.context import Context

Gen = Generator[Any, Any, Any]

_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


class RestClient:
    def __init__(
        self,
        context: Context,
        component: str,
        user: str,
        groups: tuple[str, ...] = ("system:authenticated",),
        step: Step = Step.OTHER,
    ) -> None:
        self.context = context
        self.component = component
        self.user = user
        self.groups = groups
        self.step = step
        self.headers: dict[str, str] = {}  # sent with every request (kubectl's --as)

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
            {**self.headers, **(headers or {})},
            body,
            self.user,
            self.groups,
            self.component,
            step,
        )
        response: Response = yield from self.send(req)
        return response

    def send(self, req: Request) -> Gen:
        """Carry a prepared request to the API server and its response back. Stopping the
        client meanwhile (Ctrl+C on kubectl) does not cut the request on its way: the API
        server answers what it was sent, and a watch it opened for the client is closed."""
        return self.context.env.shielded(send_request(self.context, req), _close_watch)


def send_request(
    context: Context,
    req: Request,
    *,
    remote: bool = False,
    on_response: Callable[[Response], None] | None = None,
) -> Gen:
    """Carry a prepared request to the API server and its response back, as every client's
    request travels: a `request` trace event from `req.source` to the API server, the API
    server's handling, a `response` trace event back, each leg taking the API latency. The
    generator returns the Response.

    `remote`: the request came from a client outside the engine, over HTTP (a real kubectl).
    Its body is still bytes: a JSON body is parsed here only to name the object in the trace,
    and the trace marks the request `remote` with the client's user agent. `on_response` is
    called with the response once it is traced, before it travels back (a remote watch's
    consumer registered then misses nothing the watch sends meanwhile).
    """
    trace, latency = context.trace, context.timings.api_latency
    shown = _with_parsed_body(req) if remote else req
    ref = shown.object_ref
    if isinstance(shown.body, dict):
        trace.link(ref, shown.body)  # a create's owner: its story is the owner's from the start
    data: dict[str, Any] = {"method": req.method, "url": req.url}
    if remote:
        data["remote"] = True
        agent = req.headers.get("user-agent", "")
        if agent:
            data["userAgent"] = agent
    summary = _summary(shown, ref)
    connect = req.path.endswith("/exec")  # pods/exec writes nothing: no step of a story
    if (
        req.step is Step.SEND
        and req.method in _WRITES
        and ref is not None
        and ref.name
        and not connect
    ):
        length = story_length(ref.kind)  # step 1 of the learner's own objects' stories
        if length is not None:
            trace.milestone(req.source, f"kubectl asks the API server to {summary}", ref, 1, length)
    trace.emit(
        req.source,
        "api-server",
        "request",
        summary,
        step=req.step,
        obj=ref,
        duration=latency,
        data=data,
    )
    yield latency
    response: Response = yield from context.handle(req)
    trace.emit(
        "api-server",
        req.source,
        "response",
        _outcome(response),
        step=req.stage_step,
        obj=ref,
        duration=latency,
        data={"code": response.code},
    )
    if on_response is not None:
        on_response(response)
    yield latency
    return response


_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _close_watch(response: Response) -> None:
    if response.watch is not None:
        response.watch.stop()


def _with_parsed_body(req: Request) -> Request:
    """The request with its JSON body parsed, so the trace can name the object it creates."""
    if isinstance(req.body, bytes) and req.content_type == "application/json":
        try:
            return replace(req, body=json.loads(req.body))
        except (ValueError, RecursionError):  # the API server says what is wrong with it
            pass
    return req


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
    if target.subresource == "exec":
        command: str | list[str] = req.query.get("command") or []
        words = [command] if isinstance(command, str) else command
        return f"exec {' '.join(words)[:60]} in pod {ref.namespace}/{ref.name}"
    if target.subresource == "eviction":
        return f"evict pod {ref.namespace}/{ref.name}"
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
