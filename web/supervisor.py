"""`podlife --processes N`: Podlife as N processes on this machine, as docs/scale-out.md sets
them up, with everything they need:

- a redis-server of its own on a free loopback port, writing nothing to disk;
- N workers (`app.py --message-queue …`) on free loopback ports, sharing it and one data folder;
- deploy/nginx.conf as shipped in front, on the address the class uses: only its listen line,
  its upstream servers and the paths an unprivileged process may write are changed, so what
  runs (and what tests and benchmarks measure) is the shipped routing.

It supervises them: a worker that dies is started again after a short wait (meanwhile nginx
sends its routing keys to the others, which restore its clusters from the database); Ctrl+C or
SIGTERM stops the workers (which keep their rooms, as one process does), then nginx, then
Redis. Tests start Redis and nginx with the same classes, in folders of their own."""

from __future__ import annotations

import ctypes
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from web.addresses import (
    LOOPBACK_NAMES,
    WILDCARD_ADDRESSES,
    bracketed,
    kubeconfig_base_url,
    unreachable_warning,
)
from web.config import Settings

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("podlife.processes")

# The most workers a core (docs/limits.md): more only take turns on the cores, and each holds
# its own interpreter, spare clusters and copy of every room's messages.
PER_CORE = 2
# A dead worker is started again after FIRST_WAIT, doubling while it keeps dying within
# STEADY_SECONDS of its start (a worker that cannot start is not restarted in a tight loop),
# up to LAST_WAIT.
FIRST_WAIT, LAST_WAIT, STEADY_SECONDS = 1.0, 30.0, 30.0
STOP_SECONDS = 30.0  # the workers' time to write their sessions and stop, before a SIGKILL
INSTALL = "apt-get install redis-server nginx"


class SetupError(RuntimeError):
    """What is wrong with the command line or the machine, said in one line."""


class Stopped(Exception):
    """A signal to stop came while starting."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(
    condition: Callable[[], Any],
    what: str,
    timeout: float = 20.0,
    stop: threading.Event | None = None,
) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if stop is not None and stop.is_set():
            raise Stopped
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


def fetch(url: str, headers: dict[str, str] | None = None, timeout: float = 30) -> bytes:
    """The body of a GET (urllib's errors for anything else)."""
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: bytes = response.read()
        return body


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except OSError:
        return False


def find(binary: str) -> str | None:
    """On PATH, else in the sbin folders a user's PATH often lacks (Debian's nginx is there)."""
    return shutil.which(binary) or shutil.which(binary, path="/usr/local/sbin:/usr/sbin")


# Linux's prctl (elsewhere, e.g. macOS, children outlive a supervisor that is killed)
_prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)
_PR_SET_PDEATHSIG = 1


def _own_group_dying_with_parent() -> None:
    """Run in each child before its program: a process group of its own, so that a Ctrl+C in
    the terminal reaches the supervisor alone, which stops the children in order; and SIGTERM
    when the thread that started it is gone without stopping it (a SIGKILL, a test that
    crashed), so that none is left behind. (Only a C call: the child is a copy of a process
    with threads.)"""
    os.setpgid(0, 0)
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start(command: Sequence[str], **options: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, preexec_fn=_own_group_dying_with_parent, **options)


class Redis:
    """A redis-server on a free loopback port, nothing written to disk, its log in `folder`."""

    def __init__(self, folder: Path) -> None:
        binary = find("redis-server")
        if not binary:
            raise SetupError(f"redis-server is not installed ({INSTALL})")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = folder / "redis.log"
        flags = ["--port", str(self.port), "--bind", "127.0.0.1"]
        flags += ["--save", "", "--appendonly", "no"]  # nothing on disk
        self.process = start(
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
        self.process.terminate()  # with nothing to save, it exits at once
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def listen_address(host: str, port: int) -> str:
    """nginx's `listen` for what --host and --port mean to one Podlife process."""
    if host == "":
        return str(port)
    if host == "::":  # every address, IPv4 too, as one process listening on :: takes both
        return f"[::]:{port} ipv6only=off"
    return f"{bracketed(host)}:{port}"


class Nginx:
    """deploy/nginx.conf, as shipped, in front of the processes on `backends` (loopback ports),
    listening on `host`:`port`; its configuration, temporary files and logs in `folder`."""

    def __init__(
        self, folder: Path, port: int, backends: Sequence[int], host: str = "127.0.0.1"
    ) -> None:
        binary = find("nginx")
        if not binary:
            raise SetupError(f"nginx is not installed ({INSTALL})")
        near = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
        self.url = f"http://{bracketed(near)}:{port}"  # where this machine reaches it
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
        text = text.replace("listen 8080;", f"listen {listen_address(host, port)};")
        paths = "".join(
            f"    {name}_temp_path {folder}/{name};\n"
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        text = text.replace("http {\n", f"http {{\n    access_log off;\n{paths}", 1)
        text = f"pid {folder}/nginx.pid;\nerror_log {folder}/nginx-error.log;\n" + text
        config = folder / "nginx.conf"
        config.write_text(text)
        self.errors = folder / "nginx-error.log"
        self.process = start(
            [binary, "-p", str(folder), "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        wait_for(self._up, "nginx to come up")

    def _up(self) -> bool:
        if self.process.poll() is not None:
            said = self.errors.read_text() if self.errors.exists() else ""
            raise RuntimeError(f"nginx stopped:\n{said}")
        return answers(f"{self.url}/healthz")

    def pids(self) -> list[int]:
        """The master's and its workers' (which do the proxying)."""
        return [self.process.pid, *children_of(self.process.pid)]

    def get(self, path: str, **headers: str) -> bytes:
        return fetch(f"{self.url}{path}", headers)

    def stop(self) -> None:
        # SIGTERM: the master stops its workers (a SIGKILL would leave them running)
        self.process.terminate()
        self.process.wait(10)


def children_of(pid: int) -> list[int]:
    """A process's children, from /proc (those of every one of its threads)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += map(int, (task / "children").read_text().split())
        except OSError:  # the thread ended meanwhile
            continue
    return found


def family(pid: int) -> dict[str, list[int]]:
    """What a `podlife --processes` (process `pid`) runs, from /proc: its workers ("app.py",
    by pid: in the order started), nginx's processes (the master, then its workers) and
    redis-server's. For benchmarks' CPU figures and tests."""
    found: dict[str, list[int]] = {"app.py": [], "nginx": [], "redis-server": []}
    for child in children_of(pid):
        try:
            words = Path(f"/proc/{child}/cmdline").read_bytes().decode().split("\0")
        except OSError:  # gone meanwhile
            continue
        # nginx and redis-server rewrite theirs ("nginx: master process …")
        name = next((n for n in found if any(n in word for word in words)), None)
        if name is not None:
            found[name] += [child, *(children_of(child) if name == "nginx" else [])]
    found["app.py"].sort()
    return found


def _forward(stream: IO[bytes], to: IO[bytes], prefix: bytes) -> None:
    """A worker's output, each line saying which worker wrote it."""
    with stream:
        for line in stream:
            to.write(prefix + line)
            to.flush()


class Worker:
    """One `app.py` process on a loopback port of its own, started again when it dies."""

    def __init__(self, number: int, port: int, command: list[str]) -> None:
        self.number, self.port, self.command = number, port, command
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self.quick_deaths = 0  # in a row, each within STEADY_SECONDS of its start
        self.again_at = 0.0  # when to start it again, while process is None
        self.forwarders: list[threading.Thread] = []

    def start(self) -> None:
        self.started = time.monotonic()
        self.process = start(
            self.command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        prefix = f"[worker {self.number}] ".encode()
        outputs = ((self.process.stdout, sys.stdout), (self.process.stderr, sys.stderr))
        self.forwarders = [
            threading.Thread(target=_forward, args=(stream, to.buffer, prefix), daemon=True)
            for stream, to in outputs
        ]
        for forwarder in self.forwarders:
            forwarder.start()

    def up(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"worker {self.number} did not start (its output is above)")
        return answers(f"http://127.0.0.1:{self.port}/healthz")

    def check(self) -> None:
        """Start it again if it died and its wait is over."""
        now = time.monotonic()
        if self.process is None:
            if now >= self.again_at:
                self.start()
                log.info("worker %d started again (pid %d)", self.number, self._pid())
            return
        status = self.process.poll()
        if status is None:
            return
        ran = now - self.started
        self.quick_deaths = self.quick_deaths + 1 if ran < STEADY_SECONDS else 0
        wait = min(LAST_WAIT, FIRST_WAIT * 2 ** max(0, self.quick_deaths - 1))
        how = f"was killed by {signal.Signals(-status).name}" if status < 0 else f"exited {status}"
        log.warning(
            "worker %d (pid %d) %s after %.0f s; starting it again in %.0f s (its clusters are "
            "restored by the others meanwhile)",
            *(self.number, self.process.pid, how, ran, wait),
        )
        self.process, self.again_at = None, now + wait

    def _pid(self) -> int:
        return self.process.pid if self.process is not None else 0


class Supervisor:
    """The workers, Redis and nginx of one `podlife --processes N` (`settings`: the front's
    host and port, and what the workers share)."""

    def __init__(
        self,
        count: int,
        settings: Settings,
        python: Callable[[int], list[str]] = lambda number: [],
    ) -> None:
        self.count, self.settings, self.python = count, settings, python
        self.workers: list[Worker] = []
        self.nginx: Nginx | None = None
        self.stop = threading.Event()

    def worker_command(self, number: int, port: int, queue: str) -> list[str]:
        """`app.py` as docs/scale-out.md runs each process, behind this machine's nginx."""
        front = self.settings
        # The names the class uses for nginx, as one process answers to them on its port
        names = [f"{name}:{front.port}" for name in LOOPBACK_NAMES]
        if front.host not in WILDCARD_ADDRESSES:
            names.append(f"{bracketed(front.host)}:{front.port}")
        names += front.allowed_hosts
        return [
            sys.executable, *self.python(number), str(ROOT / "app.py"),
            "--host", "127.0.0.1", "--port", str(port), "--api-port", "0",
            "--message-queue", queue, "--data-dir", str(front.data_dir),
            "--public-url", kubeconfig_base_url(front),
            "--allowed-hosts", ",".join(dict.fromkeys(names)),
            # nginx, and whichever proxies are in front of it
            "--trusted-proxies", str(1 + front.trusted_proxies), "--seed", str(front.seed),
        ]  # fmt: skip

    def run(self) -> int:
        """Until SIGINT or SIGTERM; the exit status for the command line."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self.stop.set())
        with tempfile.TemporaryDirectory(prefix="podlife-") as runtime, ExitStack() as stack:
            try:
                redis = Redis(Path(runtime))
                stack.callback(redis.stop)  # last: the workers talk to it while they stop
                stack.callback(self._stop_nginx)
                stack.callback(self._stop_workers)  # first
                for number in range(1, self.count + 1):
                    port = free_port()
                    command = self.worker_command(number, port, redis.url)
                    self.workers.append(Worker(number, port, command))
                    self.workers[-1].start()
                for worker in self.workers:
                    wait_for(worker.up, f"worker {worker.number} to come up", 120, self.stop)
                self.nginx = Nginx(
                    Path(runtime), self.settings.port, [w.port for w in self.workers],
                    self.settings.host,
                )  # fmt: skip
            except Stopped:
                return 0
            except (RuntimeError, TimeoutError) as error:
                log.error("%s", error)
                return 1
            log.info(
                "Podlife is running at %s/ as %d processes behind nginx (press Ctrl+C to stop)",
                *(kubeconfig_base_url(self.settings), self.count),
            )
            unreachable = unreachable_warning(self.settings)
            if unreachable:
                log.warning("%s", unreachable)
            return self._supervise(redis, self.nginx)

    def _supervise(self, redis: Redis, nginx: Nginx) -> int:
        while not self.stop.wait(0.2):
            for worker in self.workers:
                worker.check()
            for name, helper in (("redis-server", redis.process), ("nginx", nginx.process)):
                if helper.poll() is not None:
                    log.error("%s stopped (status %s): stopping Podlife", name, helper.returncode)
                    return 1
        log.info("stopping")
        return 0

    def _stop_workers(self) -> None:
        running = [w.process for w in self.workers if w.process and w.process.poll() is None]
        for process in running:
            process.terminate()  # as for one process: sessions written, rooms kept
        deadline = time.monotonic() + STOP_SECONDS
        for process in running:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for worker in self.workers:  # their last lines ("stopping") written before we exit
            for forwarder in worker.forwarders:
                forwarder.join(5)

    def _stop_nginx(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()


def check(count: int, settings: Settings, api_port: int | None) -> None:
    """SetupError when `--processes count` cannot run here as asked."""
    most = PER_CORE * (os.cpu_count() or 1)
    if not 1 <= count <= most:
        raise SetupError(
            f"--processes {count}: give 1 to {most} ({PER_CORE} a core, this machine has "
            f"{os.cpu_count()}; more would only take turns on them)"
        )
    if settings.message_queue:
        raise SetupError(
            "--processes starts a Redis of its own: leave out --message-queue "
            "(PODLIFE_MESSAGE_QUEUE), or start the processes yourself (docs/scale-out.md)"
        )
    if api_port:
        raise SetupError(
            "--processes serves the Kubernetes API on the web port only (kubeconfigs point "
            "at its /clusters/… paths, which nginx routes): leave out --api-port, or give 0"
        )
    missing = [name for name in ("redis-server", "nginx") if not find(name)]
    if missing:
        raise SetupError(
            f"--processes needs redis-server and nginx, and {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not installed: {INSTALL}"
        )
    address_family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    with socket.socket(address_family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx does
        try:
            probe.bind((settings.host, settings.port))
        except OSError as error:
            where = f"{bracketed(settings.host)}:{settings.port}"
            raise SetupError(f"cannot listen on {where}: {error.strerror or error}") from None
