"""`kubectl exec` over the wire: pods/exec upgraded to a WebSocket speaking the Kubernetes
stream protocol (staging/src/k8s.io/apimachinery/pkg/util/httpstream/wsstream,
remotecommand's v4 and v5 channel protocols).

Every binary frame's first byte is its channel: 0 stdin (client → server), 1 stdout, 2 stderr,
3 the error channel (one metav1.Status when the process ends), 4 a terminal resize; v5 adds
255, the client's "this channel is closed" (its byte after: the channel; 0 is stdin's EOF).
kubectl 1.37 asks for v5.channel.k8s.io (it falls back to SPDY when the upgrade fails; Podlife
speaks no SPDY, so it answers that attempt with the same error), the official Python client
for v4.channel.k8s.io.

The exec request itself is a RemoteCall (the API server's path, the trace); each piece of
stdin is a RemoteStdin, an input of the cluster like any request, so a replay runs the same
commands. Bounded (docs/limits.md): sessions per cluster, frame size, idle time.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import TYPE_CHECKING, Any

import simple_websocket
from engineio.async_drivers.gevent import Thread
from flask import Request as HttpRequest
from flask import Response as HttpResponse
from gevent.event import Event
from gevent.selectors import DefaultSelector

from engine import StatusError
from web.kube_api import wire
from web.kube_api.calls import RemoteCall, RemoteStdin, exec_sessions
from web.kube_api.hosts import Busy

if TYPE_CHECKING:
    from engine import ExecSession
    from web.kube_api import KubeAPI
    from web.kube_api.hosts import ClusterHost

log = logging.getLogger("podlife.kube_api")

SUBPROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"]
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
MAX_FRAME = 64 * 1024  # bytes of one client frame (larger: the WebSocket is closed, 1009)
POLL = 1.0  # real seconds between looks at an idle session
_EXEC_PATH = re.compile(r"^/api/v1/namespaces/[^/]+/pods/[^/]+/exec$")


def is_exec(call: RemoteCall) -> bool:
    return call.method in ("GET", "POST") and bool(_EXEC_PATH.match(call.path))


def _wants_websocket(http: HttpRequest) -> bool:
    return http.headers.get("Upgrade", "").lower() == "websocket"


def serve(
    api: KubeAPI, host: ClusterHost, http: HttpRequest, call: RemoteCall, limit: float
) -> HttpResponse:
    """Run the exec request through the API server, then stream the process."""
    most = api.max_exec_sessions
    if len(exec_sessions(host.cluster)) >= most:
        error = StatusError(
            429,
            "TooManyRequests",
            f"Too many requests: at most {most} exec sessions are open on one cluster",
        )
        return wire.status(error, {"Retry-After": "1"})
    try:
        process = host.start(call)
    except Busy as busy:
        return wire.status(StatusError(429, "TooManyRequests", f"Too many requests: {busy}"))
    if not host.run(lambda: process.triggered, limit):
        return wire.status(StatusError(504, "Timeout", "Timeout: request did not complete in time"))
    response = process.value
    session: ExecSession | None = response.stream
    if response.code != 101 or session is None:
        return wire.to_http(response)  # the API server's Status, or the kubelet's plain text
    offered = [p.strip() for p in http.headers.get("Sec-WebSocket-Protocol", "").split(",")]
    if not _wants_websocket(http) or not set(offered) & set(SUBPROTOCOLS):
        _end(host, call.exec_key)
        return wire.status(
            StatusError(
                400,
                "BadRequest",
                "Upgrade request required: Podlife serves exec over WebSocket only "
                f"(subprotocols {', '.join(SUBPROTOCOLS)})",
            )
        )
    ws = simple_websocket.Server(
        http.environ,
        subprotocols=SUBPROTOCOLS,
        max_message_size=MAX_FRAME,
        thread_class=Thread,
        event_class=Event,
        selector_class=DefaultSelector,
    )
    try:
        _stream(host, ws, session, call.exec_key, api.exec_idle_seconds)
    except simple_websocket.ConnectionClosed:
        pass  # the client went away: its process ends below
    finally:
        _end(host, call.exec_key)
        if ws.connected:
            ws.close()
    return _Upgraded()


def _stream(
    host: ClusterHost, ws: simple_websocket.Server, session: ExecSession, key: str, idle: float
) -> None:
    v5 = ws.subprotocol == SUBPROTOCOLS[0]
    last = time.monotonic()
    cluster = host.cluster
    _flush(ws, session)
    while session.code is None and not session.error:
        if not host.serves(cluster):  # reset or forked: the process went with its cluster
            ws.send(bytes([STDERR]) + b"\r\nPodlife: the cluster was reset or forked\r\n")
            break
        frame = ws.receive(timeout=POLL)
        if frame is None:
            if not ws.connected:
                return
            if time.monotonic() - last > idle:
                ws.send(
                    bytes([STDERR])
                    + f"\r\nPodlife: exec session idle for {idle:g}s, closed\r\n".encode()
                )
                break
            continue
        last = time.monotonic()
        if isinstance(frame, str):  # wsstream reads text and binary frames alike
            frame = frame.encode("utf-8", "replace")
        if not frame:
            continue
        channel, payload = frame[0], frame[1:]
        try:
            if channel == STDIN and payload:
                host.start(RemoteStdin(key, payload.decode("utf-8", "replace")))
            elif channel == CLOSE and v5 and payload[:1] == bytes([STDIN]):
                host.start(RemoteStdin(key, "", eof=True))
        except Busy:
            continue  # being rebuilt: the next look at host.serves ends the session
        # RESIZE and anything else: nothing to do for a simulated terminal
        _flush(ws, session)
    _flush(ws, session)
    ws.send(bytes([ERROR]) + json.dumps(_status(session)).encode())


def _flush(ws: simple_websocket.Server, session: ExecSession) -> None:
    for stream, text in session.take():
        ws.send(bytes([STDOUT if stream == "stdout" else STDERR]) + text.encode())


def _status(session: ExecSession) -> dict[str, Any]:
    """What the kubelet's streaming server writes on the error channel
    (pkg/kubelet/cri/streaming/remotecommand/exec.go ServeExec)."""
    if session.error:
        return {
            "metadata": {},
            "status": "Failure",
            "message": f"Internal error occurred: {session.error}",
            "reason": "InternalError",
            "details": {"causes": [{"message": session.error}]},
            "code": 500,
        }
    if not session.code:
        return {"metadata": {}, "status": "Success"}
    return {
        "metadata": {},
        "status": "Failure",
        "message": (
            f"command terminated with non-zero exit code: error executing command "
            f"[{' '.join(session.argv)}], exit code {session.code}"
        ),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(session.code)}]},
    }


def _end(host: ClusterHost, key: str) -> None:
    """The client is gone (or the process ended): stdin closes, the session is forgotten."""
    if key in exec_sessions(host.cluster):
        try:
            host.start(RemoteStdin(key, "", eof=True, forget=True))
        except Busy:
            log.info("exec %s left open: its cluster is being rebuilt", key)


class _Upgraded(HttpResponse):
    """The WebSocket has answered on the socket itself: nothing more goes out over HTTP
    (gevent's handler writes nothing when start_response was never called)."""

    def __call__(self, environ: Any, start_response: Any) -> list[bytes]:
        return []
