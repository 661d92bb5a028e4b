"""The other Podlife processes on the same message queue (docs/scale-out.md).

With `--message-queue redis://…` several processes serve one class. Socket.IO's own queue
(Flask-SocketIO's `message_queue`) carries what is sent to a room to its followers wherever
they are connected. What it cannot carry are questions between processes: a follower connects
to process B, the room lives in process A with the presenter's cluster. This module is that
second channel, Redis pub/sub channels of small JSON messages (`podlife:peers` to all,
`podlife:peers:<host>` to one):

- `call(host, op, **args)` asks one process and waits (at most `peer_timeout` seconds) for
  its answer; `tell` asks without waiting; `tell_all` goes to every process.
- `serve(op, handler)` answers an op; a handler returns a dict (the answer) or raises
  PeerError (its text is the answer's `error`).
- Every `peer_seconds` each process renews two kinds of Redis keys that expire after three
  periods: `podlife:host:<host>` (it is alive) and `podlife:room:<CODE>` (it holds that room),
  so that a process that died is forgotten without anyone having to notice it dying.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable, Iterable
from typing import Any

import gevent
import redis
from gevent.event import AsyncResult

from web.config import Settings

log = logging.getLogger("podlife.peers")
CHANNEL = "podlife:peers"
Handler = Callable[[dict[str, Any]], dict[str, Any]]


class PeerError(Exception):
    """A question to another process that got no answer, or a refusal; str() says which."""


class Peers:
    def __init__(self, url: str, settings: Settings) -> None:
        self.settings = settings
        self.redis = redis.Redis.from_url(url)
        self.host = secrets.token_hex(6)  # this process, for the others
        self.handlers: dict[str, Handler] = {}
        self.waiting: dict[str, AsyncResult] = {}
        # What the heartbeat renews: this process's rooms (a callable, asked each time)
        self.rooms: Callable[[], Iterable[str]] = tuple
        self.on_beat: list[Callable[[], None]] = []  # told after each heartbeat
        self.closed = False
        self._greenlets: list[gevent.Greenlet] = []

    def start(self) -> None:
        self.beat()  # alive before the first question can reach us
        self._greenlets = [gevent.spawn(self._listen), gevent.spawn(self._heartbeat)]
        log.info("process %s shares rooms with the others on the message queue", self.host)

    def close(self) -> None:
        self.closed = True
        try:
            pipe = self.redis.pipeline()
            pipe.delete(f"podlife:host:{self.host}")
            for code in self.rooms():
                pipe.eval(WITHDRAW, 1, room_key(code), self.host)
            pipe.execute()
        except redis.RedisError as error:
            log.warning("could not withdraw from the message queue: %s", error)
        gevent.killall(self._greenlets, block=False)

    # ---- questions -----------------------------------------------------------------------
    def serve(self, op: str, handler: Handler) -> None:
        self.handlers[op] = handler

    def call(self, host: str, op: str, **args: Any) -> dict[str, Any]:
        """Another process's answer; PeerError when it refuses or does not answer in time."""
        ident = secrets.token_hex(8)
        result: AsyncResult = AsyncResult()
        self.waiting[ident] = result
        try:
            self._publish({"op": op, "to": host, "from": self.host, "id": ident, "args": args})
            reply: dict[str, Any] = result.get(timeout=self.settings.peer_timeout)
        except gevent.Timeout:
            raise PeerError(
                f"the server process holding it did not answer within "
                f"{self.settings.peer_timeout:g} s (peer_timeout)"
            ) from None
        finally:
            del self.waiting[ident]
        if "refused" in reply:
            raise PeerError(reply["refused"])
        answer: dict[str, Any] = reply["answer"]
        return answer

    def tell(self, host: str, op: str, **args: Any) -> None:
        self._publish({"op": op, "to": host, "from": self.host, "args": args})

    def tell_all(self, op: str, **args: Any) -> None:
        self.tell("*", op, **args)

    def _publish(self, message: dict[str, Any]) -> None:
        try:
            # To one process, its own channel: the others do not even decode it
            to = message["to"]
            self.redis.publish(CHANNEL if to == "*" else f"{CHANNEL}:{to}", json.dumps(message))
        except redis.RedisError as error:
            raise PeerError(f"the message queue cannot be reached: {error}") from None

    def _listen(self) -> None:
        while not self.closed:
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(CHANNEL, f"{CHANNEL}:{self.host}")
                for item in pubsub.listen():
                    try:
                        self._received(item["data"])
                    except Exception:  # one unreadable message must not deafen the process
                        log.exception("a message from another process could not be read")
            except redis.RedisError as error:
                log.warning("the message queue is unreachable (%s); trying again in 1 s", error)
                gevent.sleep(1.0)

    def _received(self, data: bytes) -> None:
        message = json.loads(data)
        if message["to"] not in (self.host, "*") or message["from"] == self.host:
            return
        if "op" not in message:  # an answer
            waiting = self.waiting.get(message["id"])
            if waiting is not None:
                waiting.set(message)
            return
        gevent.spawn(self._answer, message)

    def _answer(self, message: dict[str, Any]) -> None:
        handler = self.handlers.get(message["op"])
        outcome: dict[str, Any]
        try:
            if handler is None:
                raise PeerError(f"this server does not know {message['op']!r}")
            outcome = {"answer": handler({**message["args"], "from": message["from"]})}
        except PeerError as error:
            outcome = {"refused": str(error)}
        except Exception:
            log.exception("answering %s from process %s failed", message["op"], message["from"])
            outcome = {"refused": f"{message['op']} failed inside the server (see its log)"}
        if "id" in message:  # a `call`, not a `tell`
            reply = {"to": message["from"], "from": self.host, "id": message["id"]}
            try:
                self._publish({**reply, **outcome})
            except PeerError as error:
                log.warning("could not answer process %s: %s", message["from"], error)

    # ---- who is there --------------------------------------------------------------------
    def beat(self) -> None:
        ttl = max(1, round(3 * self.settings.peer_seconds))
        pipe = self.redis.pipeline()
        pipe.set(f"podlife:host:{self.host}", 1, ex=ttl)
        for code in self.rooms():
            pipe.set(room_key(code), self.host, ex=ttl)
        pipe.execute()

    def _heartbeat(self) -> None:
        while not self.closed:
            gevent.sleep(self.settings.peer_seconds)
            try:
                self.beat()
                for hook in self.on_beat:
                    hook()
            except redis.RedisError as error:
                log.warning("the message queue is unreachable: %s", error)
            except Exception:
                log.exception("the heartbeat failed")

    def announce(self, code: str) -> None:
        """This process holds room `code` now (a room opened, or restored here)."""
        ttl = max(1, round(3 * self.settings.peer_seconds))
        self.redis.set(room_key(code), self.host, ex=ttl)

    def withdraw(self, code: str) -> None:
        """Room `code` closed here; not if another process has taken it over meanwhile (one
        step in Redis: no other process's claim can fall between the look and the delete)."""
        self.redis.eval(WITHDRAW, 1, room_key(code), self.host)

    def room_host(self, code: str) -> str | None:
        host = self.redis.get(room_key(code))
        return host.decode() if isinstance(host, bytes) else host

    def alive(self, hosts: Iterable[str]) -> set[str]:
        hosts = list(hosts)
        if not hosts:
            return set()
        found = self.redis.exists(*[f"podlife:host:{h}" for h in hosts])  # counts, so ask each
        if found == len(hosts):
            return set(hosts)
        return {h for h in hosts if self.redis.exists(f"podlife:host:{h}")}


# Delete the key if it still names this process (KEYS[1]: the room's key, ARGV[1]: the host)
WITHDRAW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def room_key(code: str) -> str:
    return f"podlife:room:{code}"
