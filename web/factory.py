"""The app factory: a Flask app with its Socket.IO server and its own session registry.

Everything lives on the app (no module-level state), so tests can build as many independent
servers in one process as they like.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

from web import assets, kube_api, routes, security
from web.addresses import AllowedHosts
from web.config import MIB, ROOT, Settings
from web.driver import drive
from web.keeper import Keeper
from web.logs import CheckedPacket, ClientErrors, library_logger
from web.rooms import Rooms
from web.sessions import Session, SessionRegistry
from web.socket import PodlifeNamespace

# Engine.IO's message limit: above the 1 MiB paste limit, JSON escaping included, so that a
# paste slightly too large gets our clear refusal instead of a dropped connection.
MAX_MESSAGE_BYTES = 4 * MIB
CLIENT_ERRORS = "podlife.client_errors"


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """`config` is a Settings, or overrides of its fields (`{"testing": True}` starts from
    the testing defaults: fast ticks)."""
    settings = _settings(config)
    app = Flask(
        "podlife",
        root_path=str(ROOT),
        template_folder=str(ROOT / "templates"),
        static_folder=None,  # the page's bundle is served by web/assets.py, nothing else
    )
    app.config["TESTING"] = settings.testing
    hosts = AllowedHosts.from_settings(settings)
    client_errors = ClientErrors(settings.log_repeat_seconds)
    socketio = SocketIO(
        app,
        async_mode="gevent",
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        # The handshake's Origin, when there is one, must name an allowed host (web/security.py)
        cors_allowed_origins=security.origin_check(hosts),
        serializer=CheckedPacket,  # every malformed packet is a ValueError (web/logs.py)
        logger=library_logger("podlife.socketio", client_errors),
        engineio_logger=library_logger("podlife.engineio", client_errors),
    )

    def send(message: str, payload: dict[str, Any], sid: str) -> None:
        socketio.emit(message, payload, to=sid)

    def spawn(session: Session) -> None:
        socketio.start_background_task(drive, session, registry, socketio.sleep)

    registry = SessionRegistry(settings, send, spawn)
    keeper = Keeper.open(registry) if settings.keep_days else None  # docs/persistence.md
    if keeper is not None:
        socketio.start_background_task(keeper.run, socketio.sleep)
    rooms = Rooms(settings, socketio, keeper)
    registry.on_free.append(rooms.session_freed)
    if keeper is not None:
        keeper.on_restore.append(rooms.restored)  # a kept session's room opens again
    socketio.on_namespace(PodlifeNamespace(socketio, registry, rooms, settings))
    app.register_blueprint(routes.blueprint)
    app.register_blueprint(assets.blueprint)
    app.extensions["podlife.manifest"] = assets.Manifest()
    kube_api.install(app, registry)  # real kubectl: /clusters/<id>/... (docs/kube-api.md)
    app.extensions["podlife"] = registry
    app.extensions["podlife.rooms"] = rooms
    app.extensions[CLIENT_ERRORS] = client_errors
    # Around everything, Engine.IO's middleware (installed by SocketIO above) included.
    app.wsgi_app = security.Guard(  # type: ignore[method-assign]
        app.wsgi_app, hosts, settings.log_repeat_seconds
    )
    return app


def _settings(config: Settings | Mapping[str, Any] | None) -> Settings:
    if isinstance(config, Settings):
        return config
    overrides = dict(config or {})
    base = Settings.testing_defaults() if overrides.get("testing") else Settings.from_env()
    return base.merged(overrides)


def socketio_of(app: Flask) -> SocketIO:
    socketio: SocketIO = app.extensions["socketio"]
    return socketio


def registry_of(app: Flask) -> SessionRegistry:
    registry: SessionRegistry = app.extensions["podlife"]
    return registry


def client_errors_of(app: Flask) -> ClientErrors:
    errors: ClientErrors = app.extensions[CLIENT_ERRORS]
    return errors
