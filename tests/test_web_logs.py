"""The real server's log (`python app.py`, as tests/test_web_server.py starts it): a session's
whole life, a kubeconfig, failing requests, disconnects and garbage leave no secret (session
id, token) and no alarm (traceback, `Invalid HTTP method`) in it, and malformed packets leave
one line. And the start-up lines for a server that listens on every address."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import socketio
import yaml

from tests import test_web_server
from tests.test_web_server import ROOT, WebSocket
from web.supervisor import free_port

server = test_web_server.server  # the same fixture: a real server process and its log

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: logged
spec:
  containers:
    - name: app
      image: nginx:1.27
"""
PODS = "/api/v1/namespaces/default/pods"


def request(port: int, method: str, path: str, body: str = "", **headers: str) -> tuple[int, bytes]:
    """An HTTP request to the server with these headers (a forged Host too, if given)."""
    connection = HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host="Host" in headers)
        for name, value in headers.items():
            connection.putheader(name, value)
        data = body.encode()
        if data:
            connection.putheader("Content-Type", "application/json")
            connection.putheader("Content-Length", str(len(data)))
        connection.endheaders(data or None)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def a_session_lives_and_dies(port: int) -> tuple[str, str]:
    """A real Socket.IO client: a session, a pod, the kubeconfig, failing requests, goodbye.
    Returns the secrets it saw: the session id and the cluster token."""
    client = socketio.Client()
    client.connect(f"http://127.0.0.1:{port}", transports=["websocket"])
    hello = client.call("hello", {"session": None}, timeout=20)
    session = hello["session"]
    applied = client.call("apply", {"yaml": POD}, timeout=20)
    assert applied["ok"] and "pod/logged created" in applied["output"][0][1]

    status, body = request(port, "GET", "/clusters", **{"X-Podlife-Session": session})
    assert status == 200
    cluster = json.loads(body)["cluster"]
    # The query-parameter proof too (kept out of the log like the header)
    status, body = request(port, "GET", f"/clusters/{cluster}/kubeconfig?session={session}")
    assert status == 200
    token = yaml.safe_load(body)["users"][0]["user"]["token"]
    api = f"/clusters/{cluster}/token/{token}"
    assert request(port, "GET", api + PODS)[0] == 200
    # Error paths: a wrong token, an unknown resource, a body that is not JSON
    assert request(port, "GET", f"/clusters/{cluster}/token/{token}x{PODS}")[0] == 401
    assert request(port, "GET", api + "/api/v1/namespaces/default/gizmos")[0] == 404
    assert request(port, "POST", api + PODS, body="{not json")[0] == 400
    client.disconnect()

    # A long-polling client that says goodbye, and a WebSocket that vanishes
    polling = socketio.Client()
    polling.connect(f"http://127.0.0.1:{port}", transports=["polling"])
    assert polling.call("hello", {"session": session}, timeout=20)["ok"]
    polling.disconnect()
    ws = WebSocket(port, "/socket.io/?EIO=4&transport=websocket")
    ws.receive()
    ws.send("40")
    ws.receive()
    ws.sock.close()
    return session, token


def malformed_packets(port: int) -> None:
    # Socket.IO packets that do not decode, or are not what their type says
    ws = WebSocket(port, "/socket.io/?EIO=4&transport=websocket")
    ws.receive()
    ws.send("40")
    ws.receive()
    for packet in ("42[", "42{}", "4", "44", "42", "4{{{"):
        ws.send(packet)
    ws.send('421["ack",{"seq":0}]')  # the connection still works
    assert "ok" in ws.reply_to(1)
    ws.sock.close()
    # An Engine.IO packet that does not decode ends its WebSocket; over long polling, it is
    # answered and ignored
    ws = WebSocket(port, "/socket.io/?EIO=4&transport=websocket")
    ws.receive()
    ws.send("xxxx")
    time.sleep(0.2)
    ws.sock.close()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling") as r:
        sid = json.loads(r.read()[1:])["sid"]
    assert (
        request(port, "POST", f"/socket.io/?EIO=4&transport=polling&sid={sid}", body="xx")[0] == 200
    )


def test_the_log_holds_no_secret_no_traceback_and_one_line_for_garbage(
    server: tuple[int, subprocess.Popen[bytes], Path],
) -> None:
    port, process, log = server
    session, token = a_session_lives_and_dies(port)
    malformed_packets(port)
    # DNS rebinding: another name for this server, twice; and another site's page
    for _ in range(2):
        assert request(port, "GET", "/", Host=f"rebound.example:{port}")[0] == 421
    foreign = WebSocket(port, "/socket.io/?EIO=4&transport=websocket")  # Host: 127.0.0.1
    assert foreign.status == "HTTP/1.1 101 Switching Protocols"  # no Origin: not a browser
    foreign.sock.close()
    status, _ = request(
        port, "GET", "/socket.io/?EIO=4&transport=polling", Origin="http://rebound.example"
    )
    assert status == 400

    time.sleep(0.5)  # the server notices the last disconnects
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    output = log.read_text()
    assert session not in output
    assert token not in output
    assert "Invalid HTTP method" not in output
    assert "Traceback" not in output
    malformed = [line for line in output.splitlines() if "malformed" in line]
    assert len(malformed) == 1, malformed
    assert "from 127.0.0.1 ignored" in malformed[0]
    refused = [line for line in output.splitlines() if "refused a request for Host" in line]
    assert len(refused) == 1 and f"'rebound.example:{port}'" in refused[0]
    # Sessions are named in the log by a label that does not give the id away
    assert re.search(r"INFO podlife\.sessions: session s\d+ created", output)


def _start(tmp_path: Path, *flags: str) -> tuple[int, subprocess.Popen[bytes], Path, Path]:
    port = free_port()
    log, kubeconfig = tmp_path / f"server-{port}.log", tmp_path / f"{port}.kubeconfig"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", str(port), *flags],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PODLIFE_KUBECONFIG": str(kubeconfig)},
        )
    deadline = time.monotonic() + 20
    while "Podlife is running" not in log.read_text():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the server did not come up"
        time.sleep(0.1)
    return port, process, log, kubeconfig


def _stop(process: subprocess.Popen[Any]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


def test_on_every_address_the_server_says_what_a_class_needs(tmp_path: Path) -> None:
    port, process, log, kubeconfig = _start(tmp_path, "--host", "0.0.0.0")
    try:
        assert request(port, "GET", "/healthz")[0] == 200  # Host: 127.0.0.1:<port>
        output = log.read_text()
        assert f"Podlife is running at http://127.0.0.1:{port}/" in output
        assert "WARNING podlife: listening on every address" in output
        assert f"--public-url http://192.168.1.20:{port}" in output
        server_url = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
        assert server_url.startswith(f"http://127.0.0.1:{port}/clusters/default/token/")
    finally:
        _stop(process)

    public = "http://192.168.1.20:8080"
    port, process, log, kubeconfig = _start(tmp_path, "--host", "0.0.0.0", "--public-url", public)
    try:
        assert request(port, "GET", "/healthz", Host="192.168.1.20:8080")[0] == 200
        output = log.read_text()
        assert f"Podlife is running at {public}/" in output
        assert "listening on every address" not in output
        server_url = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
        assert server_url.startswith(f"{public}/clusters/default/token/")
    finally:
        _stop(process)
