"""`make bench`, a class on one laptop: many students, each with a sandbox of their own.

Starts the real server (`app.py`) on loopback, then real Socket.IO clients (python-socketio's
asyncio client over WebSocket, as the page connects), spread over a few client processes so
the clients are not what limits the figures on a small machine (their CPU is measured and
printed too). Two figures:

- **Class burst.** 270 students open the page (`hello`: a new cluster each) at random moments
  of 60 s; once all have, they and 30 latecomers, who open the page only then, press Apply on
  a 3-replica Deployment at random moments of the same 10 s. Each acknowledges every `events`
  message as soon as it arrives, as the page does once it has played them at high speed
  (docs/protocol.md: the clock is held until the page acks), and plays at the page's default
  speed, 1x. The figure is the time from pressing Apply until the trace has told that all
  three pods are Running (the kubelet's "Pod … is Running and Ready" milestone, one per pod),
  and that time less the *floor*: the virtual seconds the engine itself takes to get there
  (image pulls) at that speed. Meanwhile a bystander asks the `default` cluster for its pods
  through the Kubernetes API (its kubeconfig's server and token) twice a second.
- **Idle sessions.** N students open the page and do nothing (their clusters play on at
  1x: heartbeats, leases): the server's memory per session, how long creating them took, and
  the CPU the server spends holding them.

With `--processes N` (N > 1) the server is `app.py --processes N`: N worker processes on one
data folder sharing a redis-server, behind deploy/nginx.conf (web/supervisor.py): the
students connect to nginx, each with a routing key of its own (`?route=`, as the page's tab
does), and the bystander, there being no `default` cluster then, asks its own session's
cluster, with the kubeconfig its page would download.

Server CPU is its processes' user + system time over the figure's stretch (each, and their
sum); RSS from /proc. Run: `python -m web.classbench` (or `make bench`); `--students`,
`--idle`, `--speed`, `--processes`, `--profile FILE` (the server under cProfile; with several
processes, FILE.1, FILE.2, ...) change what is measured. Figures go in docs/performance.md,
"A class of 300".

It runs past 600 lines because it is one benchmark with two figures: the students' client,
its worker processes and the report are shared by both, and split apart they would each need
most of the other.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import re
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from web.bench import DEPLOYMENT
from web.supervisor import answers, family, fetch, free_port

ROOT = Path(__file__).resolve().parent.parent
APPLY = DEPLOYMENT.replace("replicas: 1", "replicas: 3")
REPLICAS = 3
CLIENT_PROCESSES = 2
RUNNING_LIMIT = 120.0  # seconds a student waits for Running before the figure counts a miss


def running_pod(event: dict[str, Any]) -> str | None:
    """The pod an event says is now Running: the kubelet's milestone (docs/trace.md, step 5)."""
    what = event.get("object") or {}
    running = " is Running" in event.get("summary", "")
    if event.get("kind") == "milestone" and what.get("kind") == "Pod" and running:
        return str(what.get("name"))
    return None


def floor_seconds() -> tuple[float, float]:
    """(virtual seconds from apply until the trace says all pods are Running, the engine's CPU
    seconds for it), the engine alone: no server, no page."""
    from engine import Kubectl, Timeline, default_nodes, run_to

    timeline = Timeline(0, default_nodes())
    env = timeline.cluster.env
    start, cpu = env.now, time.process_time()
    timeline.apply(Kubectl(("apply", "-f", "-"), APPLY))
    running: set[str] = set()
    seen = 0
    while len(running) < REPLICAS and env.now < start + 600:
        run_to(env, env.now + 0.01, 100_000)
        for event in timeline.events[seen:]:
            pod = running_pod(event.model_dump(mode="json"))
            if pod:
                running.add(pod)
        seen = len(timeline.events)
    return env.now - start, time.process_time() - cpu


# ---- the server ----------------------------------------------------------------------------
def cpu_seconds_of(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (every process, every core): what else ran
    during a figure shows in it, on a shared machine."""
    with open("/proc/stat", encoding="ascii") as stat:
        user, nice, system, _idle, _iowait, irq, softirq = map(int, stat.readline().split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def memory_mib_of(pid: int, what: str = "VmRSS") -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(what + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Server:
    """The server's processes, and where the students connect: the one process, or nginx in
    front of several."""

    pids: list[int]
    base: str
    kubeconfig: Path | None  # the default cluster's; several processes open none
    log: Path  # with several processes, each worker's lines begin "[worker N]"
    helpers: dict[str, list[int]] = field(default_factory=dict)  # nginx's, redis's processes

    def cpu_each(self) -> list[float]:
        return [cpu_seconds_of(pid) for pid in self.pids]

    def cpu_seconds(self) -> float:
        return sum(self.cpu_each())

    def cpu_since(self, before: list[float]) -> list[float]:
        return [now - then for then, now in zip(before, self.cpu_each(), strict=True)]

    def helpers_cpu(self) -> dict[str, float]:
        return {name: sum(map(cpu_seconds_of, pids)) for name, pids in self.helpers.items()}

    def memory_each(self, what: str = "VmRSS") -> list[float]:
        return [memory_mib_of(pid, what) for pid in self.pids]

    def memory_mib(self, what: str = "VmRSS") -> float:
        return sum(self.memory_each(what))

    def clusters_each(self) -> list[float]:
        """How the routing keys split the class: the clusters each process made."""
        text = self.log.read_text(errors="replace")
        made = Counter(re.findall(r"^(?:\[worker (\d+)\] )?.* created \(seed ", text, re.M))
        return [made[key] for key in sorted(made, key=lambda key: int(key or 0))]


def _limits(sessions: int) -> dict[str, str]:
    """Room for `sessions` clusters from one address (every student here comes from loopback)."""
    return {
        "PODLIFE_MAX_SESSIONS": str(sessions + 10),
        "PODLIFE_MAX_SESSIONS_PER_ADDRESS": str(sessions + 10),
    }


@contextmanager
def running_server(
    port: int, sessions: int, profile: str | None, processes: int = 1
) -> Iterator[Server]:
    """The real server on 127.0.0.1:`port`, holding up to `sessions` clusters; with
    `profile`, under cProfile. With several `processes`, `app.py --processes N` as a teacher
    starts it, nginx on a free port (it opens no `default` cluster)."""
    folder = Path(tempfile.mkdtemp(prefix="podlife-classbench-"))
    kubeconfig = folder / "kubeconfig"
    env = {**os.environ, **_limits(sessions), "PYTHONUNBUFFERED": "1"}
    env["PODLIFE_KUBECONFIG"] = str(kubeconfig)  # written once the one process listens
    command = [sys.executable, "app.py", "--data-dir", str(folder / "data")]
    if processes > 1:
        port = free_port()
        command += ["--processes", str(processes)]
        command += ["--profile-workers", profile] if profile else []
    else:
        command += ["--api-port", "0"]
        command[1:1] = ["-m", "cProfile", "-o", profile] if profile else []
    command += ["--port", str(port)]
    base, log = f"http://127.0.0.1:{port}", folder / "server.log"
    try:
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env
            )
        try:
            deadline = time.monotonic() + 120
            # (nginx answers once the workers are up; several open no default cluster)
            while not (answers(f"{base}/healthz") and (processes > 1 or kubeconfig.exists())):
                if process.poll() is not None or time.monotonic() > deadline:
                    said = log.read_text(errors="replace")
                    raise RuntimeError(f"the server did not start:\n{said[-2000:]}")
                time.sleep(0.2)
            if processes > 1:
                found = family(process.pid)
                helpers = {"nginx": found["nginx"], "redis": found["redis-server"]}
                yield Server(found["app.py"], base, None, log, helpers)
            else:
                yield Server([process.pid], base, kubeconfig, log)
        finally:
            process.send_signal(signal.SIGINT)  # a clean stop: cProfile writes its file(s)
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


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
            return fetch(base + path, {"X-Podlife-Session": session}, 60)

        yield get(json.loads(get("/clusters"))["kubeconfig"]).decode()
    finally:
        page.disconnect()


def route_of(seed: int, number: int) -> str:
    """A student's routing key, as a tab picks one (static/src/net.js): random, but the same
    for the same seed, so a run's split of the class among the processes can be repeated."""
    pick = random.Random(f"{seed}/route/{number}")
    return "".join(pick.choices(string.ascii_lowercase + string.digits, k=12))


# ---- the bystander -------------------------------------------------------------------------
class Bystander(threading.Thread):
    """Someone at a terminal: `kubectl get pods`, twice a second, over the Kubernetes API with
    a kubeconfig's server and token: the `default` cluster's, or with several processes (no
    default cluster) the bystander's own page's."""

    def __init__(self, text: str) -> None:
        super().__init__(daemon=True)
        server = next(line.split(": ", 1)[1] for line in text.splitlines() if "server:" in line)
        self.token = next(line.split(": ", 1)[1] for line in text.splitlines() if "token:" in line)
        where = urlsplit(server.strip())
        self.host, self.port = where.hostname or "127.0.0.1", where.port or 80
        self.path = where.path.rstrip("/") + "/api/v1/namespaces/default/pods"
        self.seconds: list[float] = []
        self.failures = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            start = time.perf_counter()
            connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                connection.request(
                    "GET", self.path, headers={"Authorization": f"Bearer {self.token}"}
                )
                reply = connection.getresponse()
                json.loads(reply.read())
                if reply.status != 200:
                    self.failures += 1
                    continue
            except (OSError, ValueError):
                self.failures += 1
                continue
            finally:
                connection.close()
            self.seconds.append(time.perf_counter() - start)


# ---- the students (in client processes) ----------------------------------------------------
@dataclass
class Student:
    number: int
    late: bool  # opens the page during the burst (and presses Apply at once)
    hello: float = -1.0  # seconds for hello's reply
    apply: float = -1.0  # seconds for apply's reply
    running: float = -1.0  # seconds from pressing Apply until all pods were Running
    pods: set[str] = field(default_factory=set)


def _report(**figures: Any) -> None:
    print(json.dumps(figures), flush=True)


async def _student(student: Student, args: argparse.Namespace) -> None:
    """Open the page; at the burst press Apply and wait for the pods; stay until told."""
    import socketio

    loop = asyncio.get_running_loop()
    client = socketio.AsyncClient(reconnection=False)
    all_running = asyncio.Event()
    pressed = 0.0
    lost: list[str] = []

    async def on_events(payload: dict[str, Any]) -> None:
        events = payload.get("events") or []
        for event in events:
            pod = running_pod(event)
            if pod and pressed:
                student.pods.add(pod)
        if len(student.pods) >= REPLICAS and not all_running.is_set():
            student.running = loop.time() - pressed
            all_running.set()
        if events and client.connected:  # played at once: the clock may run on
            await client.emit("ack", {"seq": events[-1]["seq"]})

    async def on_disconnect(reason: Any = None) -> None:
        lost.append(str(reason))

    client.on("events", on_events)
    client.on("disconnect", on_disconnect)
    offsets = random.Random(f"{args.seed}/{student.number}")
    arrived = False
    try:
        if student.late:
            await args.burst.wait()
            await asyncio.sleep(
                max(0.0, args.burst_at + offsets.uniform(0, args.window) - time.time())
            )
        else:
            await asyncio.sleep(offsets.uniform(0, args.arrive))
        url = (
            f"{args.base}?route={route_of(args.seed, student.number)}" if args.routes else args.base
        )
        await client.connect(url, transports=["websocket"], wait_timeout=120)
        started = loop.time()
        reply = await client.call("hello", {"session": None}, timeout=300)
        student.hello = loop.time() - started
        if not reply.get("ok"):
            raise RuntimeError(f"hello: {reply}")
        if args.speed != 1:
            await client.call("speed", {"speed": args.speed}, timeout=300)
        _report(arrived=student.number, hello=student.hello, late=student.late)
        arrived = True
        if not args.idle_only:
            if not student.late:
                await args.burst.wait()
                await asyncio.sleep(
                    max(0.0, args.burst_at + offsets.uniform(0, args.window) - time.time())
                )
            pressed = loop.time()
            reply = await client.call("apply", {"yaml": APPLY}, timeout=300)
            student.apply = loop.time() - pressed
            await asyncio.wait_for(all_running.wait(), RUNNING_LIMIT)
    except Exception as error:  # a miss: reported as such, the others go on
        if not arrived:  # counted as arrived (without a hello), so the burst can begin
            _report(arrived=student.number, hello=-1.0, late=student.late)
        print(
            f"student {student.number}: {error!r} (hello {student.hello:.1f} s, "
            f"{len(student.pods)} pods Running, disconnected: {lost})",
            file=sys.stderr,
            flush=True,
        )
    if not args.idle_only or student.hello < 0:
        _report(
            done=student.number,
            hello=student.hello,
            late=student.late,
            apply=student.apply,
            running=student.running,
        )
    await args.leave.wait()
    await client.disconnect()


async def _students(args: argparse.Namespace) -> None:
    """The parent's lines on stdin: `burst <epoch seconds>`, then `leave`."""
    args.burst, args.leave = asyncio.Event(), asyncio.Event()
    numbers = range(args.first, args.first + args.count)
    tasks = [asyncio.create_task(_student(Student(n, n < args.late), args)) for n in numbers]
    loop = asyncio.get_running_loop()
    while not args.leave.is_set():
        line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
        if line[:1] == ["burst"]:
            args.burst_at = float(line[1])
            args.burst.set()
        else:  # `leave`, or the parent is gone
            args.leave.set()
    await asyncio.gather(*tasks, return_exceptions=True)


def worker(args: argparse.Namespace) -> None:
    """A client process: JSON lines as its students arrive and finish; the last one is the
    process's own CPU seconds."""
    asyncio.run(_students(args))
    times = os.times()
    _report(client_cpu=times.user + times.system)


class Class:
    """The client processes of one figure, the students split evenly among them. Students
    numbered below `late` open the page only during the burst."""

    def __init__(self, base: str, students: int, late: int, args: argparse.Namespace) -> None:
        self.size, self.late = students, late
        self.arrived: list[dict[str, Any]] = []
        self.done: list[dict[str, Any]] = []
        self.client_cpu = 0.0
        self.all_arrived, self.all_done = threading.Event(), threading.Event()
        self._lock = threading.Lock()
        share = -(-students // CLIENT_PROCESSES)
        self.processes: list[subprocess.Popen[str]] = []
        self._readers: list[threading.Thread] = []
        for first in range(0, students, share):
            command = [
                sys.executable, "-m", "web.classbench", "--worker", "--base", base,
                "--first", str(first), "--count", str(min(share, students - first)),
                "--late", str(late), "--arrive", str(args.arrive), "--window", str(args.window),
                "--speed", str(args.speed), "--seed", str(args.seed),
            ]  # fmt: skip
            if args.idle_only:
                command.append("--idle-only")
            if args.processes > 1:  # behind nginx, which sends each key to one process
                command.append("--routes")
            process = subprocess.Popen(
                command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
            )
            self.processes.append(process)
            self._readers.append(threading.Thread(target=self._read, args=(process,)))
        for reader in self._readers:
            reader.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            report = json.loads(line)
            with self._lock:
                if "client_cpu" in report:
                    self.client_cpu += report["client_cpu"]
                elif "arrived" in report:
                    self.arrived.append(report)
                    if len([a for a in self.arrived if not a["late"]]) == self.size - self.late:
                        self.all_arrived.set()
                else:
                    self.done.append(report)
                    if len(self.done) == self.size:
                        self.all_done.set()

    def tell(self, line: str) -> None:
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.write(line + "\n")
            process.stdin.flush()

    def finish(self) -> None:
        """Tell every student to leave, and wait until the client processes have ended."""
        self.tell("leave")
        for process in self.processes:
            process.wait(timeout=120)
        for reader in self._readers:
            reader.join()


# ---- the figures ---------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def spread(values: list[float]) -> str:
    if not values:
        return "none"
    return f"p50 {pct(values, 50):.2f} s, p95 {pct(values, 95):.2f} s, max {max(values):.2f} s"


def each(values: list[float], unit: str, digits: int = 1) -> str:
    """With several processes, what each took: " (5.1 + 4.9 CPU s)"."""
    if len(values) < 2:
        return ""
    return " (" + " + ".join(f"{value:.{digits}f}" for value in values) + f" {unit})"


def class_burst(args: argparse.Namespace) -> None:
    virtual, engine_cpu = floor_seconds()
    floor = virtual / args.speed
    late = round(args.students * args.late_share)
    print(
        f"Class burst: {args.students - late} students open the page within {args.arrive:g} s; "
        f"then they and {late} latecomers (who open it then) press Apply on a "
        f"{REPLICAS}-replica Deployment within the same {args.window:g} s, playing at "
        f"{args.speed:g}x"
        + (f"; the server: {args.processes} processes behind nginx" if args.processes > 1 else "")
    )
    print(
        f"  floor: the engine alone gets the pods Running in {virtual:.2f} virtual s "
        f"({floor:.2f} s at {args.speed:g}x), with {engine_cpu * 1000:.0f} ms of CPU"
    )
    with (
        running_server(args.port, args.students, args.profile, args.processes) as server,
        ExitStack() as bystanders_page,
    ):
        started, arrival_cpu = time.monotonic(), server.cpu_each()
        students = Class(server.base, args.students, late, args)
        students.all_arrived.wait(args.arrive + 600)
        arrival = time.monotonic() - started
        arrival_cpu = server.cpu_since(arrival_cpu)
        if server.kubeconfig:
            kubeconfig = server.kubeconfig.read_text(encoding="utf-8")
        else:
            kubeconfig = bystanders_page.enter_context(page_kubeconfig(server.base, "bystander"))
        bystander = Bystander(kubeconfig)
        cpu_before, wall_before = server.cpu_each(), time.monotonic()
        helpers_before, machine_before = server.helpers_cpu(), machine_busy_seconds()
        bystander.start()
        students.tell(f"burst {time.time() + 1.0}")
        students.all_done.wait(1.0 + args.window + RUNNING_LIMIT + 400)
        bystander.stopped.set()
        cpus = server.cpu_since(cpu_before)
        helpers = {n: s - helpers_before[n] for n, s in server.helpers_cpu().items()}
        wall = time.monotonic() - wall_before
        machine = machine_busy_seconds() - machine_before
        rss, peak = server.memory_each(), server.memory_each("VmHWM")
        clusters = server.clusters_each()
        students.finish()
        bystander.join()
    cpu = sum(cpus)
    done = students.done
    running = [s["running"] for s in done if s["running"] >= 0]
    missed = args.students - len(running)
    on_time = [a["hello"] for a in students.arrived if not a["late"]]
    print(
        f"  arrival: all opened within {arrival:.1f} s, the server busy "
        f"{sum(arrival_cpu):.1f} CPU s{each(arrival_cpu, 'CPU s')}; hello {spread(on_time)}"
    )
    note = f"; {missed} not Running (after {RUNNING_LIMIT:.0f} s or failed)" if missed else ""
    print(f"  apply -> all {REPLICAS} pods Running: {spread(running)}{note}")
    print(f"  the same, less the floor:      {spread([r - floor for r in running])}")
    late_hellos = [s["hello"] for s in done if s["late"] and s["hello"] >= 0]
    print(f"  latecomers' hello:             {spread(late_hellos)}")
    print(
        f"  apply's reply:                 {spread([s['apply'] for s in done if s['apply'] >= 0])}"
    )
    print(
        f"  bystander's get pods:          {spread(bystander.seconds)} "
        f"({len(bystander.seconds)} answered, {bystander.failures} failed)"
    )
    print(
        f"  server during the burst: {cpu:.1f} CPU s{each(cpus, 'CPU s')} in {wall:.1f} s "
        f"({100 * cpu / wall:.0f} % of a core), RSS {sum(rss):.0f} MiB{each(rss, 'MiB', 0)} "
        f"(peak {sum(peak):.0f}{each(peak, 'MiB', 0)}); the clients: {students.client_cpu:.1f} "
        f"CPU s in all, in {len(students.processes)} processes"
    )
    print(
        f"  the machine meanwhile: {machine:.1f} CPU s busy of {wall * (os.cpu_count() or 1):.0f} "
        f"({os.cpu_count()} cores), every process on it counted"
    )
    if helpers:
        print(
            f"  clusters made{each(clusters, 'by each process', 0)}; in front: "
            + ", ".join(f"{n} {s:.1f} CPU s" for n, s in helpers.items())
        )


def idle_sessions(args: argparse.Namespace) -> None:
    hold = 10.0
    print(
        f"Idle sessions: {args.idle} pages opened within {args.arrive:g} s, then doing nothing "
        f"(their clusters play on at {args.speed:g}x)"
    )
    args.idle_only = True
    with running_server(args.port, args.idle, args.profile, args.processes) as server:
        time.sleep(1.0)
        rss_before = server.memory_mib()
        started, cpu_start = time.monotonic(), server.cpu_seconds()
        students = Class(server.base, args.idle, 0, args)
        students.all_arrived.wait(args.arrive + 900)
        created, create_cpu = time.monotonic() - started, server.cpu_seconds() - cpu_start
        cpu_before = server.cpu_seconds()
        time.sleep(hold)
        cpu = server.cpu_seconds() - cpu_before
        rss = server.memory_mib()
        students.finish()
    opened = [a["hello"] for a in students.arrived]
    print(
        f"  {len(opened)} opened in {created:.1f} s ({create_cpu:.1f} CPU s: "
        f"{1000 * create_cpu / max(1, len(opened)):.0f} ms a session); hello {spread(opened)}"
    )
    print(
        f"  server RSS {rss_before:.0f} -> {rss:.0f} MiB: "
        f"{(rss - rss_before) * 1024 / max(1, len(opened)):.0f} KiB per idle session"
    )
    print(f"  holding them: {100 * cpu / hold:.0f} % of a core ({cpu:.1f} CPU s in {hold:g} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.classbench", description=__doc__)
    parser.add_argument("--students", type=int, default=300, help="the class (300; 0: skip)")
    parser.add_argument("--late-share", type=float, default=0.1, help="of them latecomers (0.1)")
    parser.add_argument("--idle", type=int, default=1000, help="idle sessions (1000; 0: skip)")
    parser.add_argument("--arrive", type=float, default=60.0, help="seconds they arrive in (60)")
    parser.add_argument("--window", type=float, default=10.0, help="the burst's seconds (10)")
    parser.add_argument("--speed", type=float, default=1.0, help="the pages' speed (1)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the students' moments")
    parser.add_argument(
        "--processes", type=int, default=1, help="server processes (1; more: behind nginx)"
    )
    parser.add_argument("--port", type=int, default=5304, help="the one process's port")
    parser.add_argument("--profile", metavar="FILE", help="run the server under cProfile")
    # A client process (started by the figures above)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--idle-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--routes", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--late", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    if args.students:
        class_burst(args)
    if args.idle:
        idle_sessions(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
