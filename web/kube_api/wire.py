"""Between HTTP and the engine: a Flask request becomes a RemoteCall, an engine Response
becomes a Flask response (JSON, text or a Status)."""

from __future__ import annotations

import itertools
import json
import secrets
from typing import Any

from flask import Request as HttpRequest
from flask import Response as HttpResponse

from engine import MAX_REQUEST_BODY_BYTES, Response, StatusError, errors, lookup
from web.kube_api import protobuf, wallclock
from web.kube_api.calls import RemoteCall

# The headers the API server looks at; the others are not worth recording as inputs.
KEPT_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "user-agent",
    "impersonate-user",
    "impersonate-group",
)
_watch_keys = itertools.count(1)
# Watch and exec keys are inputs, kept across restarts (web/keeper.py): this process's own
# prefix keeps a new one from meeting one a replay brought back.
_PROCESS = secrets.token_hex(3)
# The subresources whose bodies are a kind of their own (handlers/rest.go's subresource
# storage: pods/binding, pods/eviction, */scale, serviceaccounts/token).
SUBRESOURCE_KINDS = {
    "binding": "Binding",
    "eviction": "Eviction",
    "scale": "Scale",
    "token": "TokenRequest",
}
_exec_keys = itertools.count(1)


def is_watch(http: HttpRequest) -> bool:
    return http.method == "GET" and http.args.get("watch") in ("true", "1")


def remote_call(
    http: HttpRequest,
    path: str,
    credentials: tuple[tuple[str, str], ...],
    token: str = "",
    clock_offset: int = 0,
) -> RemoteCall:
    """`token` is the bearer token from the URL (see routes.server_path), if any;
    `clock_offset` how far the client's clock is ahead of the cluster's (wallclock.py)."""
    # Read one byte past the limit, no more: the API server refuses the body as too large
    # (413), and a huge upload never sits in memory.
    body = http.stream.read(MAX_REQUEST_BODY_BYTES + 1) if _has_body(http) else b""
    headers = {
        name.lower(): value for name, value in http.headers.items() if name.lower() in KEPT_HEADERS
    }
    if "impersonate-group" in headers:  # one header per group (kubectl --as-group, repeated)
        headers["impersonate-group"] = ",".join(http.headers.getlist("Impersonate-Group"))
    if token and "authorization" not in headers:
        headers["authorization"] = f"Bearer {token}"
    into = _body_kind(http.method, path)
    if (
        body
        and into
        and len(body) <= MAX_REQUEST_BODY_BYTES  # a longer one is the API server's 413
        and headers.get("content-type", "").startswith(protobuf.MEDIA_TYPE)
    ):
        try:
            decoded = protobuf.to_json(body, into)
        except protobuf.ProtobufError as error:
            # Refused here, at the door, where the bytes are read: so before authentication,
            # which a real API server checks first.
            raise errors.bad_request(str(error)) from None
        if decoded is not None:
            body, headers["content-type"] = decoded, "application/json"
    body = wallclock.unshift_body(body, headers.get("content-type", ""), clock_offset)
    query = tuple(
        (name, wallclock.unshift_text(value, clock_offset) if name == "sinceTime" else value)
        for name, value in http.args.items(multi=True)  # exec's `command` repeats
    )
    return RemoteCall(
        method=http.method,
        path="/" + path,
        query=query,
        headers=tuple(sorted(headers.items())),
        body=body or None,
        credentials=credentials,
        watch_key=f"w{_PROCESS}-{next(_watch_keys)}" if is_watch(http) else "",
        exec_key=f"x{_PROCESS}-{next(_exec_keys)}" if path.endswith("/exec") else "",
    )


def _body_kind(method: str, path: str) -> str:
    """The kind a request's body is decoded into (DeleteOptions for a DELETE, a subresource's
    own kind, else the resource's), or "" for a path naming no resource."""
    if method == "DELETE":
        return "DeleteOptions"
    parts = path.strip("/").split("/")
    if parts[0] == "api":
        group, rest = "", parts[2:]
    else:  # apis/<group>/<version>/...
        group, rest = (parts[1] if len(parts) > 1 else ""), parts[3:]
    if rest[:1] == ["namespaces"] and len(rest) > 2:
        rest = rest[2:]
    if len(rest) > 2 and rest[2] in SUBRESOURCE_KINDS:
        return SUBRESOURCE_KINDS[rest[2]]
    resource = lookup(f"{rest[0]}.{group}" if group else rest[0]) if rest else None
    return resource.kind if resource else ""


def _has_body(http: HttpRequest) -> bool:
    return bool(http.content_length) or http.headers.get("transfer-encoding") == "chunked"


def to_http(response: Response, clock_offset: int = 0, log_stamps: bool = False) -> HttpResponse:
    """`clock_offset`: see remote_call; `log_stamps`: a text body is a log read with
    timestamps, each line's first word a time."""
    body = response.body
    # warning.go: `299 - "text"`, one header each
    headers = [("Warning", f"299 - {json.dumps(w)}") for w in response.warnings]
    if isinstance(body, str | bytes):
        if log_stamps and isinstance(body, str):
            body = wallclock.shift_log_stamps(body, clock_offset)
        return HttpResponse(
            body, response.code, headers=headers, content_type=response.content_type
        )
    text = "" if body is None else json_text(wallclock.shift(body, clock_offset))
    return HttpResponse(text, response.code, headers=headers, content_type=response.content_type)


def json_text(body: Any) -> str:
    # The API server's encoder: compact JSON, one newline after it (encoding/json Encoder).
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False) + "\n"


def status(error: StatusError, headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(
        json_text(error.status), error.code, headers=headers, content_type="application/json"
    )


def watch_line(kind: str, obj: dict[str, Any], clock_offset: int = 0) -> bytes:
    """One watch event on the wire: a metav1.WatchEvent, newline-delimited JSON."""
    event = {"type": kind, "object": wallclock.shift(obj, clock_offset)}
    return (json.dumps(event, separators=(",", ":")) + "\n").encode()
