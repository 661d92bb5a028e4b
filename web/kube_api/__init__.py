"""Bring your own kubectl: the Kubernetes REST API of every simulated cluster over HTTP.

`http://<host>:<port>/clusters/<cluster-id>/…` speaks what kube-apiserver speaks, and every
request goes through the engine's one request path (APIServer.handle), so a real kubectl's
calls appear in the trace the page animates, at the kubectl position. docs/kube-api.md has the
routes, the ownership rule for kubeconfigs and the contract with the web sessions.

Use: `KubeAPI(directory)`, register `api.blueprint()`; `install(app, registry)` does both for
the web server's app, and `announce_default_cluster` makes the cluster a terminal can use
straight away.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Blueprint, Flask

from web.kube_api.calls import RemoteCall, RemoteStop
from web.kube_api.hosts import (
    Busy,
    ClusterHost,
    Directories,
    Directory,
    LocalDirectory,
    LocalHost,
    SessionDirectory,
    SessionHost,
)
from web.kube_api.kubeconfig import Tokens, default_path, kubeconfig, write_private
from web.kube_api.routes import make_blueprint, server_path

if TYPE_CHECKING:
    from web.sessions import SessionRegistry

log = logging.getLogger("podlife.kube_api")

EXTENSION = "podlife.kube_api"
DEFAULT_CLUSTER = "default"

__all__ = [
    "Busy",
    "ClusterHost",
    "Directories",
    "Directory",
    "KubeAPI",
    "LocalDirectory",
    "LocalHost",
    "RemoteCall",
    "RemoteStop",
    "SessionDirectory",
    "SessionHost",
    "announce_default_cluster",
    "install",
    "kube_api_of",
]


class KubeAPI:
    """The API of a set of clusters: where they are, their tokens, the routes.

    `local` holds clusters added by hand (tests, tools); `others` are asked after it (the web
    server's sessions)."""

    def __init__(self, *others: Directory, tokens: Tokens | None = None) -> None:
        self.local = LocalDirectory()
        self.directory = Directories(self.local, *others)
        self.tokens = tokens or Tokens()

    def blueprint(self) -> Blueprint:
        return make_blueprint(self)

    def kubeconfig(self, cluster_id: str, base_url: str) -> str:
        """A kubeconfig for `cluster_id` on the server at `base_url` (http://host:port)."""
        token = self.tokens.issue(cluster_id)
        return kubeconfig(cluster_id, base_url.rstrip("/") + server_path(cluster_id, token), token)


def install(app: Flask, registry: SessionRegistry) -> KubeAPI:
    """Serve the API of the app's sessions (and of clusters added to `.local` by hand)."""
    api = KubeAPI(SessionDirectory(registry, secrets.token_bytes(32)))
    app.register_blueprint(api.blueprint())
    app.extensions[EXTENSION] = api
    return api


def kube_api_of(app: Flask) -> KubeAPI:
    api: KubeAPI = app.extensions[EXTENSION]
    return api


def announce_default_cluster(app: Flask, host: str, port: int, seed: int = 0) -> Path:
    """Create the `default` cluster (a session no page owns) and write its kubeconfig, so a
    terminal can use it at once: `KUBECONFIG=<path> kubectl get nodes`. Returns the path."""
    api = kube_api_of(app)
    registry: SessionRegistry = app.extensions["podlife"]
    session = registry.create(seed)
    sessions = next(d for d in api.directory.directories if isinstance(d, SessionDirectory))
    sessions.alias(DEFAULT_CLUSTER, session.id)
    address = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    if ":" in address:
        address = f"[{address}]"
    path = default_path(port)
    write_private(path, api.kubeconfig(DEFAULT_CLUSTER, f"http://{address}:{port}"))
    log.info("a cluster for your own kubectl: export KUBECONFIG=%s", path)
    return path
