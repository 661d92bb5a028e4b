"""Real Podlife server processes for tests that restart them (docs/persistence.md): `app.py`
on fixed ports (a kubeconfig names them) with a data folder, stopped with a signal and started
again; `app.py --processes N` and everything it runs; and pages over real Socket.IO
connections."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
import socketio

from web.supervisor import Redis, answers, family, fetch, free_port, wait_for

ROOT = Path(__file__).resolve().parents[1]


class Server:
    """`app.py` on the same ports and data folder at every start; its default cluster's
    kubeconfig written to `default_kubeconfig`."""

    def __init__(self, tmp: Path, data: Path | None = None, flags: tuple[str, ...] = ()) -> None:
        self.tmp = tmp
        tmp.mkdir(parents=True, exist_ok=True)
        self.port, self.api_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data = data or tmp / "data"
        self.flags = flags  # more of app.py's options
        self.default_kubeconfig = tmp / "default.kubeconfig"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        flags = ["--port", str(self.port), "--api-port", str(self.api_port), *self.flags]
        with (self.tmp / f"server-{self.starts}.log").open("wb") as log:
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
        wait_for(self._up, "the server to come up")

    def _up(self) -> bool:
        assert self.process is not None and self.process.poll() is None, self.log()
        return answers(f"{self.url}/healthz")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Its exit status."""
        assert self.process is not None
        self.process.send_signal(sig)
        status = self.process.wait(20)
        self.process = None
        return status

    def log(self) -> str:
        return "".join(p.read_text() for p in sorted(self.tmp.glob("server-*.log")))

    def get(self, path: str, **headers: str) -> bytes:
        return fetch(f"{self.url}{path}", headers, 10)


class Processes:
    """`app.py --processes N` on a free port, its output in `tmp`/processes.log; what it runs
    found in /proc (web/supervisor.py's `family`)."""

    def __init__(self, tmp: Path, count: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output = tmp / "processes.log"
        command = [sys.executable, str(ROOT / "app.py"), "--processes", str(count)]
        command += ["--port", str(self.port), "--data-dir", str(tmp / "data")]
        with self.output.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        # every process it ran (its command line), to stop whatever a failed test left
        self.seen: dict[int, bytes] = {}

    def wait_up(self) -> None:
        def up() -> bool:
            assert self.process.poll() is None, self.log()
            return answers(f"{self.url}/healthz")

        wait_for(up, "podlife --processes to come up", timeout=120)

    def children(self) -> dict[str, list[int]]:
        found = family(self.process.pid)
        for pid in (pid for pids in found.values() for pid in pids):
            self.seen[pid] = command_line(pid)
        return found

    def log(self) -> str:
        return self.output.read_text(errors="replace")

    def get(self, path: str, **headers: str) -> bytes:
        return fetch(f"{self.url}{path}", headers)

    def stop_all(self) -> None:
        """Whatever is still running, at once (a failed test's leftovers): the supervisor,
        then any process it ran that is still there (the same command line: not another
        process that got its pid since)."""
        if self.process.poll() is None:
            self.children()
            self.process.kill()
        self.process.wait(20)
        for pid, line in self.seen.items():
            if command_line(pid) == line:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)


def command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def gone(pid: int) -> bool:
    """Ended (a zombie not yet reaped by whoever adopted it counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path)
    server.start()
    yield server
    if server.process is not None:
        server.stop(signal.SIGKILL)


class Reachable(Protocol):
    url: str  # a server process, or a proxy in front of several


class Client:
    """A page over a real Socket.IO connection, keeping the events it is sent. One that
    `acks` them lets its clock run while it plays (a presenter, a learner); a follower never
    does. A presenter's `room` messages are kept too."""

    def __init__(self, server: Reachable, acks: bool = True, route: str = "") -> None:
        self.events: list[dict[str, Any]] = []
        self.rooms: list[dict[str, Any]] = []
        self.closed: list[dict[str, Any]] = []  # room-closed messages
        self.clocks: list[dict[str, Any]] = []
        self.views: list[dict[str, Any]] = []
        self.batches: list[tuple[int, int, bool]] = []  # (first, last seq, history); resets: 0s
        self.client = socketio.Client()

        @self.client.on("reset")
        def reset(_payload: Any) -> None:
            self.batches.append((0, 0, False))
            self.events = []

        @self.client.on("events")
        def events(payload: dict[str, Any]) -> None:
            got = payload["events"]
            self.batches.append((got[0]["seq"], got[-1]["seq"], bool(payload.get("history"))))
            self.events += got
            if acks:
                # (the test may have disconnected it while this message was being handled)
                with contextlib.suppress(socketio.exceptions.BadNamespaceError):
                    self.client.emit("ack", {"seq": self.events[-1]["seq"]})

        @self.client.on("room")
        def room(payload: dict[str, Any]) -> None:
            self.rooms.append(payload)

        @self.client.on("clock")
        def clock(payload: dict[str, Any]) -> None:
            self.clocks.append(payload)

        @self.client.on("view")
        def view(payload: dict[str, Any]) -> None:
            self.views.append(payload)

        @self.client.on("room-closed")
        def closed(payload: dict[str, Any]) -> None:
            self.closed.append(payload)

        query = f"?route={route}" if route else ""  # the page's routing key (net.js)
        self.client.connect(server.url + query, transports=["websocket"])

    def call(self, name: str, payload: Any = None) -> dict[str, Any]:
        reply = self.client.call(name, payload or {}, timeout=30)
        assert isinstance(reply, dict), reply
        return reply

    def ok(self, name: str, payload: Any = None) -> dict[str, Any]:
        reply = self.call(name, payload)
        assert reply.get("ok"), reply
        return reply

    def pause(self) -> list[dict[str, Any]]:
        """Pauses the clock: every event up to where it stopped, once all have come."""
        seq = self.ok("pause")["seq"]
        wait_for(lambda: not seq or (self.events and self.events[-1]["seq"] >= seq), "the events")
        return list(self.events)

    def settled(self) -> list[dict[str, Any]]:
        """Everything sent so far (nothing more for a while)."""
        seen = -1
        while seen != len(self.events):
            seen = len(self.events)
            time.sleep(0.3)
        return list(self.events)


def seqs(events: list[dict[str, Any]]) -> list[int]:
    return [event["seq"] for event in events]


def in_step(follower: Client, presenter: Client) -> list[dict[str, Any]]:
    """The follower's events once it has what the presenter has, both settled."""
    try:
        return wait_for(
            lambda: follower.settled() == presenter.settled() and follower.events,
            "the follower to have every event the presenter has",
            timeout=60,
        )
    except TimeoutError:
        mine, theirs = seqs(follower.events), seqs(presenter.events)
        first = next(
            (n for n, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b), None
        )
        raise AssertionError(
            f"the follower has {len(mine)} events, the presenter {len(theirs)}; first differing "
            f"at {first}: {mine[max(0, (first or 0) - 3) : (first or 0) + 3]} / "
            f"{theirs[max(0, (first or 0) - 3) : (first or 0) + 3]}; the follower's last "
            f"{mine[-3:]}, the presenter's {theirs[-3:]}; the follower's messages "
            f"{follower.batches}, the presenter's {presenter.batches}"
        ) from None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Redis]:
    redis = Redis(tmp_path)
    yield redis
    redis.stop()
