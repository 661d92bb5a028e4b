"""A server restart keeps sessions and kubeconfigs (docs/persistence.md), with real processes:
`app.py --port P --data-dir D` started, a Deployment applied from a page (a real Socket.IO
client) and objects made by the real kubectl with the kubeconfig the server gave, the server
stopped (SIGTERM) and started again on the same folder: the old session id gives the same
trace, event for event, and the old kubeconfigs (the page's and the default cluster's) still
work. Then a SIGKILL: what was written before it comes back."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.kubectl_real.conftest import ROOT, Kube
from tests.test_web_server import free_port
from web.store import FILE

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
"""


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


class Server:
    """`app.py` on fixed ports (a kubeconfig names them) and a data folder."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port, self.api_port = free_port(), free_port()
        self.data = tmp / "data"
        self.default_kubeconfig = tmp / "default.kubeconfig"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = (self.tmp / f"server-{self.starts}.log").open("wb")
        flags = ["--port", str(self.port), "--api-port", str(self.api_port)]
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), *flags, "--data-dir", str(self.data)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={
                **os.environ,
                "PYTHONUNBUFFERED": "1",
                "PODLIFE_KUBECONFIG": str(self.default_kubeconfig),
            },
        )
        log.close()
        wait_for(self._up, "the server to come up")

    def _up(self) -> bool:
        assert self.process is not None and self.process.poll() is None, self.log()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1):
                return True
        except OSError:
            return False

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        assert self.process is not None
        self.process.send_signal(sig)
        assert self.process.wait(20) is not None
        self.process = None

    def log(self) -> str:
        return "".join(p.read_text() for p in sorted(self.tmp.glob("server-*.log")))

    def get(self, path: str, **headers: str) -> bytes:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            body: bytes = response.read()
            return body


class Tab:
    """A page over a real Socket.IO connection: keeps the events and acknowledges them, so the
    clock runs (at 100×) while it plays."""

    def __init__(self, server: Server, session: str | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.client = socketio.Client()

        @self.client.on("reset")
        def reset(_payload: Any) -> None:
            self.events = []

        @self.client.on("events")
        def events(payload: dict[str, Any]) -> None:
            self.events += payload["events"]
            self.client.emit("ack", {"seq": self.events[-1]["seq"]})

        self.client.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        self.hello = self.call("hello", {"session": session})
        self.session: str = self.hello["session"]

    def call(self, name: str, payload: Any = None) -> dict[str, Any]:
        reply = self.client.call(name, payload or {}, timeout=30)
        assert isinstance(reply, dict) and reply.get("ok"), reply
        return reply

    def settled(self) -> list[dict[str, Any]]:
        """Paused, and everything sent: the events so far."""
        self.call("pause")
        seen = -1
        while seen != len(self.events):
            seen = len(self.events)
            time.sleep(0.3)
        return list(self.events)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path)
    server.start()
    yield server
    if server.process is not None:
        server.stop(signal.SIGKILL)


def kube_for(server: Server, session: str, home: Path) -> Kube:
    """The page's kubeconfig, as the page fetches it (through the API's TLS port)."""
    cluster = json.loads(server.get("/clusters", **{"X-Podlife-Session": session}))["cluster"]
    home.mkdir(exist_ok=True)
    path = home / "kubeconfig"
    path.write_bytes(server.get(f"/clusters/{cluster}/kubeconfig?session={session}"))
    assert f"https://127.0.0.1:{server.api_port}" in path.read_text()
    return Kube(home, path)


def pods_of(kube: Kube) -> list[str]:
    run = kube("get", "pods", "-o", "name")
    assert run.code == 0, run.stderr
    return sorted(run.stdout.split())


def inputs_kept(server: Server, session: str) -> int:
    db = sqlite3.connect(server.data / FILE)
    try:
        count: int = db.execute(
            "SELECT count(*) FROM inputs WHERE session = ?", (session,)
        ).fetchone()[0]
        return count
    finally:
        db.close()


def test_a_restart_keeps_sessions_and_kubeconfigs(server: Server, tmp_path: Path) -> None:
    tab = Tab(server)
    tab.call("speed", {"speed": 100})
    assert tab.call("apply", {"yaml": DEPLOYMENT})["exit_code"] == 0
    kube = kube_for(server, tab.session, tmp_path / "page")
    assert kube("create", "deployment", "api", "--image=nginx:1.27").code == 0
    wait_for(lambda: len(pods_of(kube)) == 3, "three pods (web ×2, api)")
    pods = pods_of(kube)
    default = Kube(tmp_path / "default", tmp_path / "default" / "kubeconfig")
    default.home.mkdir()
    default.kubeconfig.write_bytes(server.default_kubeconfig.read_bytes())  # the old one
    assert default("create", "configmap", "kept", "--from-literal=a=b").code == 0
    before = tab.settled()
    tab.client.disconnect()

    server.stop(signal.SIGTERM)
    server.start()

    again = Tab(server, tab.session)
    assert again.session == tab.session
    after = wait_for(lambda: len(again.events) >= len(before) and again.events, "the history")
    after = again.settled()
    assert len(after) == len(before)
    assert after == before  # every event, byte for byte as JSON
    assert pods_of(kube) == pods  # the old kubeconfig, the same pods
    run = default("get", "configmap", "kept", "-o", "jsonpath={.data.a}")
    assert (run.code, run.stdout) == (0, "b"), run.stderr

    # A change over HTTP, written as it happens; then the server is killed outright.
    written = inputs_kept(server, tab.session)
    assert kube("create", "configmap", "after-restart", "--from-literal=x=y").code == 0
    wait_for(lambda: inputs_kept(server, tab.session) > written, "the input written")
    again.client.disconnect()
    server.stop(signal.SIGKILL)
    server.start()
    run = kube("get", "configmap", "after-restart", "-o", "jsonpath={.data.x}")
    assert (run.code, run.stdout) == (0, "y"), run.stderr
    assert pods_of(kube) == pods
    assert "Traceback" not in server.log()
