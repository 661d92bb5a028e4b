"""Helpers for the web tests (no tests here): a browser tab as the protocol sees it.

`Page` is Flask-SocketIO's real test client plus the bookkeeping a page does: it keeps the
events it was sent (dropping them on `reset` and after a fork point on `forked`), and gives
the server's background greenlets (resync, clock driver) a chance to run when asked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask

from engine.cluster import Cluster
from web import create_app, registry_of, socketio_of
from web.bench import DEPLOYMENT as BENCH_DEPLOYMENT
from web.kube_api import kube_api_of
from web.kube_api.calls import RemoteCall
from web.kube_api.kubeconfig import USER
from web.sessions import Session

# A Deployment of two nginx pods, as the web tests apply it: the benchmarks' one, two replicas
DEPLOYMENT = BENCH_DEPLOYMENT.replace("replicas: 1", "replicas: 2")

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
  - name: web
    image: nginx:1.27
"""


def pod(name: str = "web") -> str:
    return POD.format(name=name)


def make_app(**overrides: Any) -> Flask:
    return create_app({"testing": True, **overrides})


class Page:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.io = socketio_of(app)
        self.client = self.io.test_client(app)
        self.messages: list[tuple[str, dict[str, Any]]] = []
        self.events: list[dict[str, Any]] = []
        self.session_id: str | None = None

    # ---- talking -----------------------------------------------------------------------------
    def request(self, name: str, payload: Any = None) -> dict[str, Any]:
        reply = self.client.emit(name, {} if payload is None else payload, callback=True)
        self.collect()
        assert isinstance(reply, dict), reply
        return reply

    def hello(
        self, session: str | None = None, paused: bool = False, **fields: Any
    ) -> dict[str, Any]:
        """`paused`: stop the clock before it ever runs, so virtual time stays at 0 and the
        trace can be compared with a plain Cluster's."""
        reply = self.request("hello", {"session": session, **fields})
        if reply["ok"]:
            self.session_id = reply["session"]
            if paused:
                assert self.request("pause")["ok"]
        self.pump()  # the reset and the history come after the reply
        return reply

    def ack(self) -> None:
        self.client.emit("ack", {"seq": self.last_seq})

    # ---- receiving ---------------------------------------------------------------------------
    def collect(self) -> None:
        if not self.client.is_connected():
            return
        for packet in self.client.get_received():
            name, payload = packet["name"], packet["args"][0]
            self.messages.append((name, payload))
            if name == "reset":
                self.events = []
            elif name == "forked":
                self.events = [e for e in self.events if e["seq"] <= payload["at_seq"]]
            elif name == "events":
                seqs = [e["seq"] for e in payload["events"]]
                assert seqs == sorted(seqs), "events out of order"
                assert not self.events or seqs[0] == self.events[-1]["seq"] + 1, "a gap"
                self.events += payload["events"]

    def pump(self, seconds: float = 0.02) -> None:
        """Let the server's greenlets run for a moment, then read what arrived."""
        self.io.sleep(seconds)
        self.collect()

    def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "timed out waiting"
            self.pump(0.005)

    def named(self, name: str) -> list[dict[str, Any]]:
        return [payload for message, payload in self.messages if message == name]

    @property
    def last_seq(self) -> int:
        return self.events[-1]["seq"] if self.events else 0

    # ---- the server side, for assertions -------------------------------------------------------
    @property
    def session(self) -> Session:
        assert self.session_id is not None
        return registry_of(self.app).sessions[self.session_id]

    @property
    def cluster(self) -> Cluster:
        return self.session.timeline.cluster


def dumps(events: list[Any]) -> list[str]:
    return [event.model_dump_json() for event in events]


def configmap_over_http(app: Flask) -> RemoteCall:
    """A real kubectl's request (web/kube_api), as the page's session records it: a ConfigMap
    `over-http` created with a bearer token of the app's; applied with `timeline.apply`."""
    token = kube_api_of(app).tokens.issue("c")
    return RemoteCall(
        "POST",
        "/api/v1/namespaces/default/configmaps",
        headers=(("authorization", f"Bearer {token}"), ("content-type", "application/json")),
        body=b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"over-http"}}',
        credentials=((token, USER),),
    )
