"""Podlife's web server: a thin shell that lets a browser drive engine clusters over
Socket.IO (docs/protocol.md). The engine never imports anything from here."""

from web.config import Settings
from web.factory import create_app, registry_of, socketio_of

__all__ = ["Settings", "create_app", "registry_of", "socketio_of"]
