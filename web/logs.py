"""Quiet logs without secrets.

Secrets: a session id (the page's only secret: it takes the session over and fetches its
kubeconfig) and a cluster token never reach a log. Podlife's own lines name a session by its
label (`s7`); `RedactSecrets`, on the server's log handlers, rewrites whatever else would
carry one (a path with `/token/<token>/`, a `session=` query parameter), whoever logs it.

Noise: input a client got wrong is the client's business. A malformed Socket.IO or Engine.IO
packet is one warning line per client address per `log_repeat_seconds`, with no traceback;
python-socketio and python-engineio log through adapters that know which of their errors
are a client's malformed input (`library_logger`).
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from socketio import packet

log = logging.getLogger("podlife.clients")

REDACTED = "REDACTED"
_SECRETS = re.compile(r"(/token/)[^/\s?#'\"]+|(\bsession=)[^&\s'\"]+")
# python-engineio's log messages when reading a client's input raised, and what that input was:
# a Socket.IO packet (its message handler is python-socketio's decoder) or the Engine.IO
# payload of a long-polling request.
_ENGINEIO_FAILURES = {
    "message handler error": "a malformed Socket.IO packet",
    "post request handler error": "a malformed Engine.IO packet",
}

# The address of the client whose request this greenlet serves (set by web/security.Guard).
# python-engineio reads a connection's packets in the greenlet of its HTTP request (Socket.IO
# runs without async handlers), so its errors can be put down to a client.
client_address: ContextVar[str] = ContextVar("client_address", default="an unknown address")


def redact(text: str) -> str:
    """`text` with every token in a /token/<token>/ path and every session= value replaced."""
    return _SECRETS.sub(lambda match: (match.group(1) or match.group(2)) + REDACTED, text)


class RedactSecrets(logging.Filter):
    """A handler filter: redacts the message and the traceback of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set: format it once, redacted.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def redact_handlers(logger: logging.Logger | None = None) -> None:
    """Put RedactSecrets on the handlers of `logger` (the root logger: every record)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets())


class Throttle:
    """At most one event per key per `seconds`, counting the ones held back meanwhile. Keeps
    at most `max_keys` keys: a flood of new keys forgets the old ones."""

    def __init__(
        self, seconds: float, max_keys: int = 1000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.max_keys = max_keys
        self._clock = clock
        self._keys: dict[str, list[float]] = {}  # key -> [admitted at, held back since]

    def admit(self, key: str) -> int | None:
        """None: hold this one back. A number: let it through; that many were held back since
        the last one let through."""
        now = self._clock()
        entry = self._keys.get(key)
        if entry is not None and now - entry[0] < self.seconds:
            entry[1] += 1
            return None
        if entry is None and len(self._keys) >= self.max_keys:
            self._keys = {k: e for k, e in self._keys.items() if now - e[0] < self.seconds}
            if len(self._keys) >= self.max_keys:
                self._keys.clear()
        self._keys[key] = [now, 0]
        return int(entry[1]) if entry else 0


class ClientErrors:
    """Input a client got wrong: one line per client address per `seconds`."""

    def __init__(self, seconds: float) -> None:
        self._throttle = Throttle(seconds)
        self.seconds = seconds

    def report(self, what: str, error: BaseException, address: str | None = None) -> None:
        address = address or client_address.get()
        held = self._throttle.admit(address)
        if held is None:
            return
        detail = redact(f"{type(error).__name__}: {error}").replace("\n", " ")[:200]
        more = f" ({held} more were not logged)" if held else ""
        log.warning(
            "%s from %s ignored: %s%s; more from it within %.0f s are not logged",
            what,
            address,
            detail,
            more,
            self.seconds,
        )


class MalformedPacket(ValueError):
    """A Socket.IO packet that decodes but is not what its type promises."""


class CheckedPacket(packet.Packet):
    """python-socketio's packet (its `serializer` option), refusing events it would fail on
    later with a KeyError or TypeError, so that every malformed packet is a ValueError."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        encoded = kwargs.get("encoded_packet")
        # python-socketio reads an empty message as an event without data; a binary message
        # that no binary packet announced is no packet at all.
        if encoded is not None and (not encoded or not isinstance(encoded, str)):
            raise MalformedPacket("an empty or binary message where a packet belongs")
        super().__init__(*args, **kwargs)

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        """Whether a packet the server sends carries bytes: never (docs/protocol.md: JSON
        only). python-socketio would walk every payload to find out, every event of every
        `events` message: a quarter of what sending cost a class (docs/performance.md)."""
        return False

    def decode(self, encoded_packet: Any) -> Any:
        attachments = super().decode(encoded_packet)
        if self.packet_type in (packet.EVENT, packet.BINARY_EVENT):
            data = self.data
            if not (isinstance(data, list) and data and isinstance(data[0], str)):
                raise MalformedPacket("an event that is not a list starting with its name")
        elif self.packet_type not in (
            packet.CONNECT,
            packet.DISCONNECT,
            packet.ACK,
            packet.BINARY_ACK,
        ):
            raise MalformedPacket(f"a packet of type {self.packet_type} from a client")
        return attachments


class LibraryLog(logging.LoggerAdapter):
    """The logger python-socketio and python-engineio are given. Their errors about a
    client's malformed input (a ValueError raised while reading its packets) become
    ClientErrors lines; everything else goes to the logger as they wrote it."""

    def __init__(self, logger: logging.Logger, errors: ClientErrors) -> None:
        super().__init__(logger, {})
        self.errors = errors

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        if level < logging.ERROR and not self.logger.isEnabledFor(level):
            return  # they narrate every packet at INFO: dropped before any work (5-10 µs)
        error = sys.exc_info()[1]
        what = _ENGINEIO_FAILURES.get(msg) if isinstance(msg, str) else None
        if what and isinstance(error, ValueError):
            self.errors.report(what, error)
            return
        super().log(level, msg, *args, **kwargs)


def library_logger(name: str, errors: ClientErrors) -> LibraryLog:
    """At ERROR unless configured otherwise, as the libraries set their own: their INFO and
    WARNING lines narrate ordinary comings and goings of clients. Given a logger, they add no
    handler of their own (with `logger=False` they do, and every error was printed twice)."""
    logger = logging.getLogger(name)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.ERROR)
    return LibraryLog(logger, errors)
