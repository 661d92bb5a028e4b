"""Running the web server: gevent's WSGI server (production grade, WebSocket through
simple-websocket), clean start-up and shutdown messages, no tracebacks for ordinary events."""

from __future__ import annotations

import gc
import logging
import signal
from typing import Any

import gevent
from gevent.event import Event
from gevent.pywsgi import WSGIHandler, WSGIServer

from engine import load_kubectl_commands
from web.addresses import kubeconfig_base_url, unreachable_warning
from web.config import Settings
from web.factory import client_errors_of, create_app, peers_of, registry_of, rooms_of
from web.kube_api import announce_default_cluster
from web.kube_api.door import open_door
from web.logs import ClientErrors, redact_handlers

log = logging.getLogger("podlife")

SOCKETIO_PATH = "/socket.io/"


class QuietHandler(WSGIHandler):
    """gevent's request handler, minus two sources of alarming log lines that are ordinary
    client behaviour."""

    client_errors: ClientErrors  # set on the subclass `serve` makes

    def handle_one_response(self) -> None:
        super().handle_one_response()
        if self.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
            # simple-websocket writes the 101 answer on the socket itself, so gevent does not
            # know the connection stopped being HTTP, and once the WebSocket ends it reads the
            # client's last frames as the next request: "Invalid HTTP method: '\x81\x82...'"
            # at every disconnect (miguelgrinberg/flask-sock#104). Nothing follows a WebSocket.
            self.close_connection = True

    def handle_error(self, t: Any, v: Any, tb: Any) -> None:
        # Errors outside Flask come from Engine.IO; a ValueError there is a client's packet
        # it could not read (python-engineio's WebSocket loop does not catch it).
        if isinstance(v, ValueError) and self.environ.get("PATH_INFO", "").startswith(
            SOCKETIO_PATH
        ):
            address = self.environ.get("REMOTE_ADDR")
            self.client_errors.report("a malformed Engine.IO packet", v, address)
            self.close_connection = True
            return
        super().handle_error(t, v, tb)


def tune_collector() -> None:
    """A server holds hundreds of clusters, millions of long-lived objects that hold almost no
    reference cycles, and makes short-lived dicts by the million: with the collector's default
    thresholds it spent as long collecting as building a class's clusters (web/classbench.py,
    docs/performance.md "A class of 300"). What start-up made is frozen out of its way, and the
    young generation is collected after 50,000 allocations instead of 700, as engine/bench.py
    does."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def serve(settings: Settings) -> int:
    """Serve on settings.host:settings.port until SIGINT or SIGTERM; the exit status for the
    command line."""
    host, port = settings.host, settings.port
    redact_handlers()  # no session id or token in any line, whoever writes it (web/logs.py)
    app = create_app(settings)
    load_kubectl_commands()  # now rather than on the first learner's first command
    handler = type("Handler", (QuietHandler,), {"client_errors": client_errors_of(app)})
    # log=None: no access log line per long-polling request; errors still go to the log.
    server = WSGIServer(
        (host, port),
        app,
        log=None,
        error_log=logging.getLogger("podlife.http"),
        handler_class=handler,
    )
    try:
        server.start()
    except OSError as error:
        log.error("cannot listen on %s:%d: %s", host, port, error.strerror or error)
        return 1
    # The API on its own TLS port too, as a real API server has; kubeconfigs then point there.
    door = open_door(app, settings, handler)
    stop = Event()
    gevent.signal_handler(signal.SIGINT, stop.set)
    gevent.signal_handler(signal.SIGTERM, stop.set)
    peers = peers_of(app)
    if peers is not None:
        peers.start()
    else:
        # A cluster a terminal can use at once; its kubeconfig path is logged (docs/kube-api.md).
        # After the signal handlers: it may be a kept one, replayed (docs/persistence.md). Not
        # with several processes: each would hold its own copy (docs/scale-out.md).
        announce_default_cluster(app, settings.seed)
    tune_collector()  # after start-up's objects are made: they are frozen out of its way
    if peers is None:  # the public URL, else where this machine finds it
        log.info("Podlife is running at %s/ (press Ctrl+C to stop)", kubeconfig_base_url(settings))
    else:  # one of several: the class opens the proxy in front, not this port
        log.info("serving at http://%s:%d/ as one of several processes behind a proxy", host, port)
    unreachable = unreachable_warning(settings)
    if unreachable:
        log.warning("%s", unreachable)
    stop.wait()
    log.info("stopping")
    server.stop(timeout=2)
    if door is not None:
        door.stop(timeout=2)
    rooms_of(app).stop()
    registry_of(app).shutdown()
    if peers is not None:
        peers.close()
    return 0
