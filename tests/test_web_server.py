"""The real server process: `python app.py --port N` serves, speaks Socket.IO over WebSocket
(gevent + simple-websocket), survives a client that vanishes, and stops cleanly."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web.supervisor import free_port

ROOT = Path(__file__).resolve().parent.parent


class WebSocket:
    """Just enough of RFC 6455 for a test: text frames, masked from the client."""

    def __init__(self, port: int, path: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(4096)
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        self.status = head.split(b"\r\n")[0].decode()

    def _need(self, size: int) -> None:
        while len(self.buffer) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk

    def receive(self) -> str:
        self._need(2)
        length, offset = self.buffer[1] & 0x7F, 2
        if length == 126:
            self._need(4)
            length, offset = struct.unpack(">H", self.buffer[2:4])[0], 4
        elif length == 127:
            self._need(10)
            length, offset = struct.unpack(">Q", self.buffer[2:10])[0], 10
        self._need(offset + length)
        data = self.buffer[offset : offset + length]
        self.buffer = self.buffer[offset + length :]
        return data.decode()

    def send(self, text: str) -> None:
        data, mask = text.encode(), os.urandom(4)
        size = len(data)
        header = (
            bytes([0x81, 0x80 | size])
            if size < 126
            else bytes([0x81, 0xFE]) + struct.pack(">H", size)
        )
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(data))
        self.sock.sendall(header + mask + masked)

    def reply_to(self, ack_id: int) -> Any:
        """Socket.IO: read until the acknowledgement `43<id>[...]` arrives."""
        prefix = f"43{ack_id}"
        while True:
            frame = self.receive()
            if frame.startswith(prefix):
                return json.loads(frame[len(prefix) :])[0]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[bytes], Path]]:
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", str(port)],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.1)
        yield port, process, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_server_serves_healthz_and_socketio_and_stops_cleanly(
    server: tuple[int, subprocess.Popen[bytes], Path],
) -> None:
    port, process, log = server
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        assert response.status == 200
        health = json.loads(response.read())
        assert health["status"] == "ok"
        before = health["sessions"]  # the default cluster for a terminal's kubectl counts too

    ws = WebSocket(port, "/socket.io/?EIO=4&transport=websocket")
    assert ws.status == "HTTP/1.1 101 Switching Protocols"
    assert ws.receive().startswith("0{")  # Engine.IO open
    ws.send("40")
    assert ws.receive().startswith("40{")  # Socket.IO connect
    ws.send('421["hello",{"session":null}]')
    hello = ws.reply_to(1)
    assert hello["ok"] and hello["nodes"][0]["name"] == "node-1"
    ws.send('422["kubectl",{"line":"get nodes"}]')
    nodes = ws.reply_to(2)
    assert nodes["output"][0][1].startswith("NAME     STATUS   ROLES    AGE   VERSION\n")
    # A command that waits (the clock holds: this page never acknowledges), then vanish
    # without a goodbye, as a closed laptop does.
    ws.send('423["kubectl",{"line":"get pods -w --request-timeout=60s"}]')
    time.sleep(0.3)
    ws.sock.close()

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        assert json.loads(response.read())["sessions"] == before + 1  # kept for a reload

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    output = log.read_text()
    assert f"Podlife is running at http://127.0.0.1:{port}/" in output
    assert "Traceback" not in output and "WARNING" not in output and "ERROR" not in output


def test_a_busy_port_is_a_clear_error(
    server: tuple[int, subprocess.Popen[bytes], Path],
) -> None:
    port = server[0]
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "--port", str(port)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
