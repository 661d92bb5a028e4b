"""The HTTP routes: the Kubernetes API of every cluster under /clusters/<cluster-id>/, and the
kubeconfig that lets a real kubectl use it. docs/kube-api.md describes them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from flask import Blueprint, request
from flask import Response as HttpResponse

from engine import errors
from web.kube_api import exec as remote_exec
from web.kube_api import wallclock, wire
from web.kube_api.calls import outlets
from web.kube_api.hosts import Busy
from web.kube_api.streams import DEFAULT_WATCH_SECONDS, stream
from web.logs import redact

if TYPE_CHECKING:
    from web.kube_api import KubeAPI

log = logging.getLogger("podlife.kube_api")

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
REQUEST_LIMIT = 60.0  # virtual seconds a request may take before the client is told 504
SESSION_HEADER = "X-Podlife-Session"


def make_blueprint(api: KubeAPI) -> Blueprint:
    blueprint = Blueprint("kube_api", __name__)

    @blueprint.get("/clusters")
    def mine() -> HttpResponse | dict[str, Any]:
        """For the page: its cluster's id and where to get the kubeconfig."""
        cluster_id = api.directory.cluster_id_of(_proof())
        if cluster_id is None:
            return wire.status(errors.forbidden("clusters", "", "no session of yours found"))
        return {"cluster": cluster_id, "kubeconfig": f"/clusters/{cluster_id}/kubeconfig"}

    @blueprint.get("/clusters/<cluster_id>/kubeconfig")
    def kubeconfig_of(cluster_id: str) -> HttpResponse:
        host = api.directory.find(cluster_id)
        if host is None or not host.owned_by(_proof()):
            # The same answer whether or not the cluster exists: ids are not to be guessed.
            return wire.status(
                errors.forbidden("clusters", cluster_id, "only the page that owns it may ask")
            )
        text = api.kubeconfig(cluster_id)
        return HttpResponse(
            text,
            content_type="application/yaml",
            headers={
                "Content-Disposition": f'attachment; filename="podlife-{cluster_id}.kubeconfig"',
                "Cache-Control": "no-store",
            },
        )

    @blueprint.route("/clusters/<cluster_id>/", defaults={"path": ""}, methods=METHODS)
    @blueprint.route("/clusters/<cluster_id>/<path:path>", methods=METHODS)
    @blueprint.route(
        "/clusters/<cluster_id>/token/<token>/", defaults={"path": ""}, methods=METHODS
    )
    @blueprint.route("/clusters/<cluster_id>/token/<token>/<path:path>", methods=METHODS)
    # A WebSocket upgrade (pods/exec, web/kube_api/exec.py) matches only rules that say so
    # (werkzeug refuses it 400 otherwise).
    @blueprint.route("/clusters/<cluster_id>/<path:path>", websocket=True)
    @blueprint.route("/clusters/<cluster_id>/token/<token>/<path:path>", websocket=True)
    def kubernetes_api(cluster_id: str, path: str, token: str = "") -> HttpResponse:
        try:
            return _serve(api, cluster_id, path, token)
        except Exception as error:  # the server stays up, whatever the engine did
            # The path may hold the cluster's token (/token/<token>/): never logged.
            log.exception("%s %s failed", request.method, redact(request.path))
            return wire.status(errors.internal(f"{type(error).__name__}: {error}"))

    return blueprint


def _serve(api: KubeAPI, cluster_id: str, path: str, token: str) -> HttpResponse:
    host = api.directory.find(cluster_id)
    if host is None:
        return wire.status(errors.not_found_path("/" + path))
    host.keep_time()
    offset = wallclock.offset(host.cluster.env.now)
    try:
        call = wire.remote_call(request, path, api.tokens.accepted(cluster_id), token, offset)
    except errors.StatusError as refused:  # a body that does not decode
        return wire.status(refused)
    if remote_exec.is_exec(call):
        return remote_exec.serve(api, host, request, call, REQUEST_LIMIT)
    if call.watch_key and len(outlets(host.cluster)) >= api.max_watches:
        # kube-apiserver's answer when it takes no more (filters/maxinflight.go tooManyRequests);
        # client-go retries after Retry-After by itself.
        error = errors.StatusError(
            429, "TooManyRequests", "Too many requests, please try again later."
        )
        return wire.status(error, {"Retry-After": "1"})
    try:
        process = host.start(call)
    except Busy as busy:
        # client-go retries a 429 after Retry-After by itself.
        error = errors.StatusError(429, "TooManyRequests", f"Too many requests: {busy}")
        return wire.status(error, {"Retry-After": "1"})
    cluster = host.cluster
    if not host.run(lambda: process.triggered, REQUEST_LIMIT):
        return wire.status(
            errors.StatusError(504, "Timeout", "Timeout: request did not complete in time")
        )
    response = process.value
    offset = wallclock.offset(cluster.env.now)  # the clocks' distance as the answer leaves
    if not call.watch_key:
        stamps = request.args.get("timestamps") in ("true", "1")
        return wire.to_http(response, offset, log_stamps=stamps)
    if response.code == 410:
        # A watch from a compacted revision: the stream opens, then says why it ends
        # (the watch cache's error watcher sends one ERROR event carrying the Status).
        return HttpResponse(
            wire.watch_line("ERROR", response.body), 200, content_type="application/json"
        )
    if not response.ok:
        return wire.to_http(response, offset)
    outlet = outlets(cluster).get(call.watch_key)
    if outlet is None:
        return HttpResponse(b"", 200, content_type="application/json")
    # The API server has parsed it already: a watch with a bad value was refused above.
    seconds = float(request.args.get("timeoutSeconds") or DEFAULT_WATCH_SECONDS)
    return HttpResponse(
        stream(host, cluster, outlet, call.watch_key, seconds),
        200,
        content_type="application/json",
        headers={"Cache-Control": "no-cache, private"},
        direct_passthrough=True,
    )


def _proof() -> str:
    """The page proves it owns a cluster with its session id: a query parameter, or a header
    (which keeps it out of server logs)."""
    return request.headers.get(SESSION_HEADER) or request.args.get("session", "")


def server_path(cluster_id: str, token: str) -> str:
    """The API's path in a kubeconfig. The token is in it because kubectl sends no credential
    to an http:// server: client-go reads a kubeconfig's user only for TLS connections
    (staging/src/k8s.io/client-go/tools/clientcmd/client_config.go, "only try to read the
    auth information if we are secure"). The web layer turns it back into the
    `Authorization: Bearer` header the API server checks."""
    return f"/clusters/{cluster_id}/token/{token}"
