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

from web.addresses import kubeconfig_base_url
from web.config import Settings
from web.driver import let_others_run
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

    def __init__(
        self,
        *others: Directory,
        base_url: str,
        tokens: Tokens | None = None,
        max_watches: int = Settings.max_watches,
        max_exec_sessions: int = Settings.max_exec_sessions,
        exec_idle_seconds: float = Settings.exec_idle_seconds,
    ) -> None:
        self.local = LocalDirectory()
        self.max_watches = max_watches  # open watches over HTTP, per cluster (docs/limits.md)
        self.max_exec_sessions = max_exec_sessions  # … and exec sessions, and their idle time
        self.exec_idle_seconds = exec_idle_seconds
        self.directory = Directories(self.local, *others)
        self.tokens = tokens or Tokens()
        # Where kubeconfigs point (http://host:port): from the settings, never from a
        # request's Host header, which the client chooses (web/addresses.py).
        self.base_url = base_url
        # The TLS port's URL and its CA, once it is open (web/kube_api/door.py).
        self.tls: tuple[str, bytes] | None = None

    def blueprint(self) -> Blueprint:
        return make_blueprint(self)

    def open_door(self, url: str, ca_pem: bytes) -> None:
        """The API's TLS port is serving at `url` (https://host:port) with this CA: from now
        on kubeconfigs point there."""
        self.tls = (url, ca_pem)

    def kubeconfig(self, cluster_id: str, base_url: str | None = None) -> str:
        """A kubeconfig for `cluster_id`: the TLS port's when it is open, else the web port's
        at `base_url` (http://host:port; default: this API's own), token in the path."""
        token = self.tokens.issue(cluster_id)
        if self.tls is not None and base_url is None:
            url, ca_pem = self.tls
            return kubeconfig(cluster_id, url, token, ca_pem)
        base = (base_url or self.base_url).rstrip("/")
        return kubeconfig(cluster_id, base + server_path(cluster_id, token), token)


def install(app: Flask, registry: SessionRegistry) -> KubeAPI:
    """Serve the API of the app's sessions (and of clusters added to `.local` by hand)."""
    # The server's key (web/keeper.py): kept in the data folder when sessions are kept, so
    # that cluster ids and kubeconfig tokens outlive a restart.
    key = registry.keeper.key if registry.keeper is not None else None
    directory = SessionDirectory(registry, key or secrets.token_bytes(32))
    settings = registry.settings
    api = KubeAPI(
        directory,
        base_url=kubeconfig_base_url(settings),
        tokens=Tokens(key),
        max_watches=settings.max_watches,
        max_exec_sessions=settings.max_exec_sessions,
        exec_idle_seconds=settings.exec_idle_seconds,
    )
    app.register_blueprint(api.blueprint())
    app.extensions[EXTENSION] = api
    return api


def kube_api_of(app: Flask) -> KubeAPI:
    api: KubeAPI = app.extensions[EXTENSION]
    return api


def announce_default_cluster(app: Flask, seed: int = 0) -> Path:
    """Create the `default` cluster (a session no page owns) and write its kubeconfig, so a
    terminal can use it at once: `KUBECONFIG=<path> kubectl get nodes`. Returns the path.
    When sessions are kept, it is the one from before the restart, replayed."""
    api = kube_api_of(app)
    registry: SessionRegistry = app.extensions["podlife"]
    keeper = registry.keeper
    # One per port, as its kubeconfig's path is: two servers on one data folder keep theirs.
    name = f"{DEFAULT_CLUSTER}:{registry.settings.port}"
    kept = keeper.meta(name) if keeper is not None else None
    session = registry.find(kept, let_others_run)
    if session is None:
        session = registry.create(seed, pinned=True)  # lives as long as the server
        if keeper is not None:
            keeper.set_meta(name, session.id)
    sessions = next(d for d in api.directory.directories if isinstance(d, SessionDirectory))
    sessions.alias(DEFAULT_CLUSTER, session.id)
    path = default_path(registry.settings.port)
    write_private(path, api.kubeconfig(DEFAULT_CLUSTER))
    log.info("a cluster for your own kubectl: export KUBECONFIG=%s", path)
    return path
