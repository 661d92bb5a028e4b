"""The app factory: a Flask app with its Socket.IO server and its own session registry.

Everything lives on the app (no module-level state), so tests can build as many independent
servers in one process as they like.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_socketio import SocketIO
from werkzeug.middleware.proxy_fix import ProxyFix

from web import assets, kube_api, routes, security
from web.addresses import AllowedHosts
from web.config import MIB, ROOT, Settings
from web.driver import drive, let_others_run
from web.keeper import Keeper
from web.logs import CheckedPacket, ClientErrors, library_logger
from web.peers import Peers
from web.rooms import Rooms
from web.sessions import Session, SessionRegistry
from web.socket import PodlifeNamespace
from web.spares import Spares

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
    # With several processes, what goes to a room goes through the queue (docs/scale-out.md)
    queue = {"message_queue": settings.message_queue, "channel": "podlife"}
    socketio = SocketIO(
        app,
        async_mode="gevent",
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        # The handshake's Origin, when there is one, must name an allowed host (web/security.py)
        cors_allowed_origins=security.origin_check(hosts),
        serializer=CheckedPacket,  # every malformed packet is a ValueError (web/logs.py)
        logger=library_logger("podlife.socketio", client_errors),
        engineio_logger=library_logger("podlife.engineio", client_errors),
        **(queue if settings.message_queue else {}),
    )

    def send(message: str, payload: dict[str, Any], sid: str) -> None:
        # A session's own tab is connected here: not through the queue
        socketio.emit(message, payload, to=sid, ignore_queue=True)

    def spawn(session: Session) -> None:
        socketio.start_background_task(drive, session, registry, socketio.sleep)

    registry = SessionRegistry(settings, send, spawn)
    if settings.spare_clusters:
        registry.spares = Spares(settings)
        socketio.start_background_task(registry.spares.run, socketio.sleep, let_others_run)
    keeper = Keeper.open(registry) if settings.keep_days else None  # docs/persistence.md
    if keeper is not None:
        socketio.start_background_task(keeper.run, socketio.sleep)
    peers = Peers(settings.message_queue, settings) if settings.message_queue else None
    rooms = Rooms(settings, socketio, keeper, peers)
    registry.on_free.append(rooms.session_freed)
    if keeper is not None:
        keeper.on_restore.append(rooms.restored)  # a kept session's room opens again
    if peers is not None:
        _take_over(peers, registry, rooms, socketio, keeper)
        app.extensions["podlife.peers"] = peers
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
    if settings.trusted_proxies:  # outermost: every layer sees the client's address
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=0, x_host=0, x_port=0
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


def rooms_of(app: Flask) -> Rooms:
    rooms: Rooms = app.extensions["podlife.rooms"]
    return rooms


def peers_of(app: Flask) -> Peers | None:
    peers: Peers | None = app.extensions.get("podlife.peers")
    return peers


def registry_of(app: Flask) -> SessionRegistry:
    registry: SessionRegistry = app.extensions["podlife"]
    return registry


def client_errors_of(app: Flask) -> ClientErrors:
    errors: ClientErrors = app.extensions[CLIENT_ERRORS]
    return errors


def _take_over(
    peers: Peers, registry: SessionRegistry, rooms: Rooms, socketio: SocketIO, keeper: Keeper | None
) -> None:
    """A session restored here (its process died, or the proxy sends its requests here now)
    is dropped by whichever process still holds a copy (docs/scale-out.md)."""

    def restored(session: Session, _saved: Any) -> None:
        peers.tell_all("release", session=session.id)

    def release(args: dict[str, Any]) -> dict[str, Any]:
        session = registry.get(args["session"])
        if session is not None:
            rooms.release(session, args["from"])
            tab = session.sid
            registry.release(session)
            if tab is not None:  # its page connects again, and the proxy sends it there
                eio_sid = socketio.server.manager.eio_sid_from_sid(tab, "/")
                if eio_sid is not None:
                    socketio.server.eio.disconnect(eio_sid)
        return {}

    if keeper is not None:
        keeper.on_restore.append(restored)
    peers.serve("release", release)
