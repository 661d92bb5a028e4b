"""Podlife as several processes on one machine, as docs/scale-out.md sets it up, for tests and
benchmarks: a redis-server of one's own, `app.py` processes sharing it and one data folder, and
deploy/nginx.conf in front. Everything listens on free loopback ports and writes only under a
folder of the caller's, so it runs unprivileged next to other runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except OSError:
        return False


class Redis:
    """A redis-server on a free loopback port, nothing written to disk (.ci/run installs it
    when the machine lacks it)."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise RuntimeError(
                "redis-server is not installed (.ci/run installs it: apt-get install redis-server)"
            )
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = folder / "redis.log"
        flags = ["--port", str(self.port), "--bind", "127.0.0.1"]
        flags += ["--save", "", "--appendonly", "no"]  # nothing on disk
        self.process = subprocess.Popen(
            [binary, *flags, "--logfile", str(self.log)], cwd=folder, stdout=subprocess.DEVNULL
        )
        wait_for(self._up, "redis-server to come up")

    def _up(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"redis-server stopped:\n{self.log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(10)


class Nginx:
    """deploy/nginx.conf, as shipped, in front of the processes on `backends` (ports), listening
    on `port`: only its listen address, its upstream servers and the paths a process not run as
    root may write are changed, so what is measured or tested is the shipped routing."""

    def __init__(self, folder: Path, port: int, backends: Sequence[int]) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise RuntimeError("nginx is not installed (.ci/run installs it)")
        self.url = f"http://127.0.0.1:{port}"
        text = (ROOT / "deploy" / "nginx.conf").read_text()
        shipped = re.search(r" {8}server 127\.0\.0\.1:500\d([^;\n]*);\n", text)
        if shipped is None:
            raise RuntimeError("deploy/nginx.conf changed: its upstream servers moved")
        upstreams = "".join(  # each with the shipped parameters (max_fails, fail_timeout)
            f"        server 127.0.0.1:{backend}{shipped.group(1)};\n" for backend in backends
        )
        text, count = re.subn(r"( {8}server 127\.0\.0\.1:500\d [^\n]*\n)+", upstreams, text)
        if count != 1 or text.count("listen 8080;") != 1:
            raise RuntimeError("deploy/nginx.conf changed: its upstreams or listen line moved")
        text = text.replace("listen 8080;", f"listen 127.0.0.1:{port};")
        paths = "".join(
            f"    {name}_temp_path {folder}/{name};\n"
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        text = text.replace("http {\n", f"http {{\n    access_log off;\n{paths}", 1)
        text = f"pid {folder}/nginx.pid;\nerror_log {folder}/nginx-error.log;\n" + text
        config = folder / "nginx.conf"
        config.write_text(text)
        self.errors = folder / "nginx-error.log"
        self.process = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        wait_for(self._up, "nginx to come up")

    def _up(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"nginx stopped:\n{self.errors.read_text()}")
        return answers(f"{self.url}/healthz")

    def pids(self) -> list[int]:
        """The master's and its workers' (which do the proxying)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [self.process.pid, *map(int, children.read_text().split())]

    def get(self, path: str, **headers: str) -> bytes:
        request = urllib.request.Request(f"{self.url}{path}", headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            body: bytes = response.read()
            return body

    def stop(self) -> None:
        # SIGTERM: the master stops its workers (a SIGKILL would leave them running)
        self.process.terminate()
        self.process.wait(10)


@dataclass
class ScaleOut:
    """Several processes behind nginx: `url` is where the class connects."""

    url: str
    redis: Redis
    nginx: Nginx
    processes: list[subprocess.Popen[bytes]]
    logs: list[Path]


@contextmanager
def scale_out(
    folder: Path,
    count: int,
    env: dict[str, str] | None = None,
    python: Callable[[int], list[str]] = lambda n: [],
) -> Iterator[ScaleOut]:
    """`count` `app.py` processes as docs/scale-out.md starts them, on `folder`/data, with a
    redis-server and nginx of their own; `python(n)`: options for process n's interpreter (a
    profiler, say). Stopped with SIGINT on the way out (a clean stop: a profiler writes its
    file), then the proxy and Redis."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with ExitStack() as stack:
        redis = Redis(folder)
        stack.callback(redis.stop)
        ports = [free_port() for _ in range(count)]
        processes: list[subprocess.Popen[bytes]] = []
        logs = [folder / f"server-{n}.log" for n in range(count)]
        stack.callback(_stop, processes)
        for n, (backend, log) in enumerate(zip(ports, logs, strict=True)):
            command = [
                sys.executable, *python(n), "app.py", "--port", str(backend), "--api-port", "0",
                "--data-dir", str(data), "--message-queue", redis.url,
                "--public-url", f"http://127.0.0.1:{port}", "--trusted-proxies", "1",
            ]  # fmt: skip
            with log.open("wb") as out:
                processes.append(
                    subprocess.Popen(
                        command,
                        cwd=ROOT,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
                    )
                )
        for backend, process, log in zip(ports, processes, logs, strict=True):

            def up(backend: int = backend, process: Any = process, log: Path = log) -> bool:
                if process.poll() is not None:
                    raise RuntimeError(f"a server did not start:\n{log.read_text()[-2000:]}")
                return answers(f"http://127.0.0.1:{backend}/healthz")

            wait_for(up, "the servers to come up", timeout=60)
        nginx = Nginx(folder, port, ports)
        stack.callback(nginx.stop)
        yield ScaleOut(nginx.url, redis, nginx, processes, logs)


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def page_kubeconfig(base: str, route: str) -> Iterator[str]:
    """A page of one's own at `base` (a tab with routing key `route`), held open while in the
    block, and the kubeconfig its "kubeconfig" link downloads: through a proxy, the session
    header routes that request to the session's process."""
    import socketio

    page = socketio.Client(reconnection=False)
    page.connect(f"{base}?route={route}", transports=["websocket"], wait_timeout=60)
    try:
        session = page.call("hello", {"session": None}, timeout=120)["session"]

        def get(path: str) -> bytes:
            request = urllib.request.Request(base + path, headers={"X-Podlife-Session": session})
            with urllib.request.urlopen(request, timeout=60) as response:
                body: bytes = response.read()
                return body

        yield get(json.loads(get("/clusters"))["kubeconfig"]).decode()
    finally:
        page.disconnect()
