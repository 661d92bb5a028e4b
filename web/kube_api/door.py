"""The Kubernetes API on a TLS port of its own, as kube-apiserver serves it (6443 by default):
paths from the root (`/version`, `/api/v1/pods`, `/apis/apps/v1/...`), the cluster named by
the bearer token a client sends, as it sends it to any real cluster.

On the web port the API lives under /clusters/<id>/ and, over plain http, its token rides in
the path (client-go sends no credential to an http:// server). Through this door the same
routes answer: a request with a known token is passed on as /clusters/<id>/<path>, where the
API server checks the token again; one without is refused here as kube-apiserver's
authentication filter refuses it (401, a Status). So `kubectl proxy`, k9s, Headlamp, Lens and
the official clients connect unchanged with the kubeconfig the page hands out.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Flask
from gevent import ssl
from gevent.pywsgi import WSGIHandler, WSGIServer

from web.addresses import WILDCARD_ADDRESSES, bracketed, kubeconfig_base_url, parse_host
from web.config import Settings
from web.kube_api import kube_api_of, tls, wire
from web.security import API_DOOR

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from web.kube_api.kubeconfig import Tokens

log = logging.getLogger("podlife.kube_api")

UNAUTHORIZED = {
    "kind": "Status",
    "apiVersion": "v1",
    "metadata": {},
    "status": "Failure",
    "message": "Unauthorized",
    "reason": "Unauthorized",
    "code": 401,
}


class APIDoor:
    def __init__(self, app: WSGIApplication, tokens: Tokens) -> None:
        self.app = app
        self.tokens = tokens

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        cluster_id = self.tokens.cluster_of(token) if scheme.lower() == "bearer" else None
        if cluster_id is None:
            body = wire.json_text(UNAUTHORIZED).encode()
            headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            start_response("401 Unauthorized", headers)
            return [body]
        path: Any = environ.get("PATH_INFO") or "/"
        environ["PATH_INFO"] = f"/clusters/{cluster_id}{path}"
        environ[API_DOOR] = True  # the web port's Host allow-list does not apply here
        return self.app(environ, start_response)


def names_of(settings: Settings) -> list[str]:
    """The names clients may reach the TLS port by, for its certificate: where it listens,
    the public URL's host, the allowed hosts, this machine's name."""
    hosts = [settings.host, urlsplit(settings.public_url).hostname or "", socket.gethostname()]
    hosts += [parse_host(entry)[0] for entry in settings.allowed_hosts if entry != "*"]
    return [h.strip("[]") for h in hosts if h and h not in WILDCARD_ADDRESSES]


def open_door(app: Flask, settings: Settings, handler: type[WSGIHandler]) -> WSGIServer | None:
    """Serve the app's Kubernetes API on settings.api_port over TLS; None when it is off or
    the port is taken (kubeconfigs then point at the web port, as before)."""
    if not settings.api_port:
        return None
    host = urlsplit(kubeconfig_base_url(settings)).hostname or "127.0.0.1"
    try:
        server = serve_tls(
            app,
            (settings.host, settings.api_port),
            host,
            settings.data_dir,
            names_of(settings),
            handler,
        )
    except OSError as error:
        log.warning(
            "the Kubernetes API's TLS port %d is not served (%s): kubeconfigs point at the web "
            "port instead (--api-port chooses another, 0 turns it off)",
            settings.api_port,
            error.strerror or error,
        )
        return None
    log.info("the Kubernetes API is also at https://%s:%d", bracketed(host), server.server_port)
    return server


def serve_tls(
    app: Flask,
    address: tuple[str, int],
    public_host: str,
    data_dir: Path,
    names: list[str],
    handler: type[WSGIHandler] = WSGIHandler,
) -> WSGIServer:
    """Start the door at `address` (port 0: any free one) with the CA in `data_dir`, and
    point the app's kubeconfigs at https://<public_host>:<port>. Raises OSError if it
    cannot listen."""
    api = kube_api_of(app)
    certificates = tls.ensure(data_dir, [*names, public_host])
    # gevent's SSLContext, not the standard library's (which create_default_context makes,
    # even gevent's): its sockets wait cooperatively, where a standard SSLSocket's read would
    # stop every session while a client keeps a connection open.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certificates.cert_file, certificates.key_file)
    server = WSGIServer(
        address,
        APIDoor(app, api.tokens),
        log=None,
        error_log=logging.getLogger("podlife.http"),
        handler_class=handler,
        ssl_context=context,
    )
    server.start()
    api.open_door(f"https://{bracketed(public_host)}:{server.server_port}", certificates.ca_pem)
    return server
