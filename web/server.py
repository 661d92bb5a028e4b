"""Running the web server: gevent's WSGI server (production grade, WebSocket through
simple-websocket), clean start-up and shutdown messages, no tracebacks for ordinary events."""

from __future__ import annotations

import logging
import signal

import gevent
from gevent.event import Event
from gevent.pywsgi import WSGIServer

from web.config import Settings
from web.factory import create_app, registry_of
from web.kube_api import announce_default_cluster

log = logging.getLogger("podlife")


def serve(host: str, port: int, settings: Settings) -> int:
    """Serve until SIGINT or SIGTERM; the exit status for the command line."""
    app = create_app(settings)
    # log=None: no access log line per long-polling request; errors still go to the log.
    server = WSGIServer((host, port), app, log=None, error_log=logging.getLogger("podlife.http"))
    try:
        server.start()
    except OSError as error:
        log.error("cannot listen on %s:%d: %s", host, port, error.strerror or error)
        return 1
    # A cluster a terminal can use at once; its kubeconfig path is logged (docs/kube-api.md).
    announce_default_cluster(app, host, port, settings.seed)
    stop = Event()
    gevent.signal_handler(signal.SIGINT, stop.set)
    gevent.signal_handler(signal.SIGTERM, stop.set)
    address = f"[{host}]" if ":" in host else host
    log.info("Podlife is running at http://%s:%d/ (press Ctrl+C to stop)", address, port)
    stop.wait()
    log.info("stopping")
    server.stop(timeout=2)
    registry_of(app).shutdown()
    return 0
