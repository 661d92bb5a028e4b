"""`make bench`, room fan-out: one presenter and N followers of its room, all real Socket.IO
clients over loopback, the presenter's cluster making ~100 trace events a second.

The server is the real one (web/server.py `serve`) in a process of its own, whose `emit` also
notes when each `events` message to a room set off (CLOCK_MONOTONIC, which every process on
the machine shares), written to a file when it stops. The clients are python-socketio's
asyncio clients in this process: each follower checks that it gets every event, in order,
none twice, and notes when each message arrived. Figures: p50/p99 of delivery latency (per
event per follower: arrival minus set-off), the server's CPU (user + system, over the live
phase) and memory (RSS at the end, and its peak).

The presenter's events come from kubectl commands (`get pods`, ~10 events each) sent at a
steady pace that makes the rate asked for, with the clock paused: the load is the fan-out,
not the engine.

With `--processes N` (N > 1) the set-up is the scaled-out one (web/peers.py): a
redis-server of the bench's own on a free loopback port, N server processes on one data folder
sharing rooms through it (`message_queue`), the presenter on the first, the followers spread
round-robin over all N. The room lives in the first process: its emit (stamped there) reaches
its own followers at once and the other processes' through Redis. Figures per process (CPU,
RSS), redis-server's CPU, and latency for the followers on the room's process and elsewhere.

Run: `python -m web.roombench [--followers 100 500] [--rate 100] [--seconds 20]
[--processes 4]` (or `make bench`). Figures go in docs/performance.md, "Rooms" and "Rooms
across processes".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from web.bench import DEPLOYMENT
from web.pageweight import ROOT, _wait_until_up
from web.supervisor import Redis, free_port

CONNECT_AT_ONCE = 25  # followers connecting at the same time
MAX_OUTSTANDING = 20  # the presenter's commands sent and not answered yet
FOLLOW = [sys.executable, "-m", "web.roombench", "follow"]  # a client process
# A server process on a message queue: Redis's client must yield to the other greenlets, so
# gevent patches the standard library before anything imports it (as app.py does; this
# module's own imports pull in ssl through http.client)
PATCHED_SERVE = (
    "from gevent import monkey; monkey.patch_all(); import sys; "
    "from web.roombench import main; sys.exit(main(['serve', *sys.argv[1:]]))"
)


# ---- the server's side (a process of its own) --------------------------------------------------
def serve(port: int, followers: int, stamps: Path, queue: str = "") -> int:
    """The real server, with every room's `events` message stamped as it sets off (with a
    message queue: as the room's own process emits it, before Redis carries it on)."""
    import gevent

    from web import server, socketio_of
    from web.config import UNLIMITED_MESSAGES, Settings

    sent: list[tuple[int, float]] = []  # (last seq of the message, monotonic time)
    lags: list[float] = []  # how late the server's event loop runs what is due
    create_app = server.create_app

    def ticker(every: float = 0.01) -> None:
        while True:
            due = time.monotonic() + every
            gevent.sleep(every)
            lags.append(time.monotonic() - due)

    def stamped_app(settings: Settings) -> Any:
        app = create_app(settings)
        io = socketio_of(app)
        emit = io.emit

        def stamped(message: str, *args: Any, **kwargs: Any) -> Any:
            to = kwargs.get("to")
            rooms = [to] if isinstance(to, str) else to or []
            live = message == "events" and not args[0].get("history")
            if live and any(name.startswith("room:") for name in rooms):
                events = args[0]["events"]
                sent.append((events[-1]["seq"], time.monotonic()))
            return emit(message, *args, **kwargs)

        io.emit = stamped
        gevent.spawn(ticker)
        return app

    server.create_app = stamped_app  # type: ignore[assignment]
    settings = Settings.from_env().merged(
        {
            "port": port,
            "api_port": 0,
            # The room takes them all (500 by default: PODLIFE_MAX_FOLLOWERS_PER_ROOM)
            "max_followers_per_room": followers,
            "message_queue": queue,
            **UNLIMITED_MESSAGES,  # the presenter sends a command as often as the rate needs
        }
    )
    status = server.serve(settings)
    stamps.write_text(json.dumps({"sent": sent, "lags": sorted(lags)}))
    return status


# ---- the clients (this process) ----------------------------------------------------------------
class Follower:
    def __init__(self) -> None:
        import socketio

        self.client = socketio.AsyncClient(reconnection=False)
        self.last = 0  # the last seq received
        self.faults = 0  # events out of order, missing or repeated
        self.arrivals: list[tuple[int, int, float]] = []  # live: (last seq, count, monotonic)
        self.dropped = False  # its connection ended before the bench ended it
        self.client.on("reset", self._reset)
        self.client.on("events", self._events)
        self.client.on("disconnect", self._disconnected)

    def _disconnected(self, *_reason: Any) -> None:
        self.dropped = True

    def _reset(self, _payload: dict[str, Any]) -> None:
        self.last = 0

    def _events(self, payload: dict[str, Any]) -> None:
        now = time.monotonic()
        seqs = [event["seq"] for event in payload["events"]]
        if seqs != list(range(self.last + 1, self.last + 1 + len(seqs))):
            self.faults += 1
        self.last = seqs[-1]
        if not payload.get("history"):
            self.arrivals.append((seqs[-1], len(seqs), now))

    async def join(self, url: str, code: str) -> None:
        # Socket.IO's handshake is given 1 s by default: too short for a server busy catching up
        # earlier joiners (the page's client waits 20 s)
        await self.client.connect(url, transports=["websocket"], wait_timeout=20)
        reply = await self.client.call("follow", {"code": code}, timeout=60)
        assert reply["ok"], reply


async def until(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def follow(urls: list[str], code: str, count: int, seq: int) -> dict[str, Any]:
    """A client process's followers, spread round-robin over the server processes (`urls`):
    they join and catch up to `seq` ("ready" on stdout), then follow until the last seq comes
    on stdin, and report."""
    import logging

    # A client whose reading falls ~30 s behind misses the server's pings and gives up on its
    # connection, logging one line each: counted below (`dropped`) instead
    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)
    fans = [Follower() for _ in range(count)]
    servers = [n % len(urls) for n in range(count)]
    for first in range(0, count, CONNECT_AT_ONCE):
        batch = range(first, min(count, first + CONNECT_AT_ONCE))
        await asyncio.gather(*(fans[n].join(urls[servers[n]], code) for n in batch))
    assert await until(lambda: all(fan.last >= seq for fan in fans), 120), "no catch-up"
    print("ready", flush=True)
    cpu = time.process_time()
    lags: list[float] = []  # how late this process's event loop runs what is due: the part of
    ticking = asyncio.create_task(ticker(lags))  # the latency that is the clients' own
    last = int(await asyncio.to_thread(sys.stdin.readline))
    await until(lambda: all(fan.last >= last or fan.dropped for fan in fans), 60)
    delivered = all(fan.last >= last for fan in fans)
    cpu = time.process_time() - cpu
    ticking.cancel()
    dropped = sum(fan.dropped for fan in fans)
    await asyncio.gather(*(fan.client.disconnect() for fan in fans if not fan.dropped))
    return {
        "delivered": delivered,
        "dropped": dropped,
        "faults": sum(fan.faults for fan in fans) + sum(not fan.arrivals for fan in fans),
        "arrivals": [fan.arrivals for fan in fans],  # in the order they joined
        "servers": servers,  # which server process each is connected to
        "cpu": cpu,
        "lags": lags,
    }


async def ticker(lags: list[float], every: float = 0.01) -> None:
    while True:
        due = time.monotonic() + every
        await asyncio.sleep(every)
        lags.append(time.monotonic() - due)


async def present(
    urls: list[str],
    followers: int,
    processes: int,
    rate: float,
    seconds: float,
    history: int,
    pids: list[int],
) -> dict[str, Any]:
    """The presenter (here, on the first server process) and its followers (in `processes`
    client processes, so that the clients' CPU is spread as the server's would be over its
    machine's cores). `pids`: the processes whose CPU and memory are measured."""
    import socketio

    presenter = socketio.AsyncClient(reconnection=False)
    played = 0  # the presenter's page plays what it is sent at once

    async def play_along(payload: dict[str, Any]) -> None:
        nonlocal played
        played = payload["events"][-1]["seq"]
        await presenter.emit("ack", {"seq": played})

    presenter.on("events", play_along)
    await presenter.connect(urls[0], transports=["websocket"], wait_timeout=20)
    assert (await presenter.call("hello", {"session": None}))["ok"]
    room = await presenter.call("present", {})
    # A lesson under way: a history for the joiners to catch up with
    scaled = DEPLOYMENT.replace("replicas: 1", "replicas: 10")
    await presenter.call("speed", {"speed": 100})
    await presenter.call("apply", {"yaml": scaled}, timeout=60)
    assert await until(lambda: played >= history, 120), "the history did not grow"
    await presenter.call("pause", {})
    seq = (await presenter.call("kubectl", {"line": "get pods"}, timeout=60))["seq"]

    cpu, start = cpu_seconds(pids[0]), time.monotonic()
    shares = [followers // processes + (i < followers % processes) for i in range(processes)]
    clients = [
        subprocess.Popen(
            [*FOLLOW, ",".join(urls), room["code"], str(n), str(seq)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in shares
    ]
    for client in clients:
        assert client.stdout is not None
        assert (await asyncio.to_thread(client.stdout.readline)).strip() == "ready"
    joined, join_cpu = time.monotonic() - start, cpu_seconds(pids[0]) - cpu

    # Commands go out at a steady pace, as a presenter's clicks do, without waiting for the
    # replies of the ones before (at most MAX_OUTSTANDING unanswered)
    first_live = seq
    seq = (await presenter.call("kubectl", {"line": "get pods"}, timeout=60))["seq"]
    sent = answers = 1
    outstanding = 0

    def answered(reply: dict[str, Any]) -> None:
        nonlocal seq, outstanding, answers
        outstanding -= 1
        answers += 1
        seq = max(seq, reply["seq"])

    cpus, begin = [cpu_seconds(pid) for pid in pids], time.monotonic()
    while (elapsed := time.monotonic() - begin) < seconds:
        per_command = (seq - first_live) / answers
        if sent * per_command < rate * elapsed and outstanding < MAX_OUTSTANDING:
            sent += 1
            outstanding += 1
            await presenter.emit("kubectl", {"line": "get pods"}, callback=answered)
        await asyncio.sleep(0.001)
    assert await until(lambda: outstanding == 0, 60), "the presenter's commands went unanswered"
    wall = time.monotonic() - begin
    cpus = [cpu_seconds(pid) - cpu for pid, cpu in zip(pids, cpus, strict=True)]
    memory = [memory_mib(pid) for pid in pids]
    reports = []
    for client in clients:
        out, _ = await asyncio.to_thread(client.communicate, f"{seq}\n", 120)
        reports.append(json.loads(out.splitlines()[-1]))
    await presenter.disconnect()
    return {
        "events": seq - first_live,
        "joined": joined,
        "join_cpu": join_cpu,
        "history": seq,
        "delivered": all(report["delivered"] for report in reports),
        "dropped": sum(report["dropped"] for report in reports),
        "faults": sum(report["faults"] for report in reports),
        "arrivals": joined_order([report["arrivals"] for report in reports]),
        "servers": joined_order([report["servers"] for report in reports]),
        "wall": wall,
        "cpus": cpus,  # over the live phase, per process of `pids`
        "clients_cpu": sum(report["cpu"] for report in reports),
        "lags": sorted(lag for report in reports for lag in report["lags"]),
        "memory": memory,  # (RSS, peak) per process of `pids`
    }


def joined_order(groups: list[list[Any]]) -> list[Any]:
    """The client processes' followers in the order they joined: the processes joined theirs
    at the same time, one batch each."""
    return [group[i] for i in range(max(map(len, groups))) for group in groups if i < len(group)]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def memory_mib(pid: int) -> tuple[float, float]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def percentile(values: list[float], fraction: float) -> float:
    return values[min(len(values) - 1, int(fraction * len(values)))]


def fan_out(
    followers: int, rate: float, seconds: float, clients: int, history: int, processes: int = 1
) -> dict[str, Any]:
    """One run; prints its line and returns its figures (`ordered`: every event reached every
    follower, in order, once)."""
    ports = [free_port() for _ in range(processes)]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        queue, pids = "", []
        if processes > 1:
            redis = Redis(folder)
            stack.callback(redis.stop)
            queue = redis.url
            pids.append(redis.process.pid)  # measured after the servers'
        # One data folder for all, as scaled-out processes share their database
        env = {**os.environ, "PODLIFE_DATA_DIR": str(folder), "PYTHONUNBUFFERED": "1"}
        servers: list[tuple[subprocess.Popen[bytes], Any, Path]] = []
        for n, port in enumerate(ports):
            log = stack.enter_context(tempfile.TemporaryFile())
            stamps = folder / f"stamps{n}.json"
            arguments = [str(port), str(followers), str(stamps), *([queue] if queue else [])]
            command = ["-c", PATCHED_SERVE] if queue else ["-m", "web.roombench", "serve"]
            process = subprocess.Popen(
                [sys.executable, *command, *arguments],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
            servers.append((process, log, stamps))
        try:
            for url, (process, log, _) in zip(urls, servers, strict=True):
                _wait_until_up(url, process, log)
            watched = [process.pid for process, _, _ in servers] + pids
            result = asyncio.run(present(urls, followers, clients, rate, seconds, history, watched))
        finally:
            for process, _, _ in servers:
                process.send_signal(signal.SIGTERM)
            for process, _, _ in servers:
                process.wait(timeout=30)
        stamped = [json.loads(stamps.read_text()) for _, _, stamps in servers]
    return report(result, stamped, followers, clients, processes)


def report(
    result: dict[str, Any],
    stamped: list[dict[str, Any]],
    followers: int,
    clients: int,
    processes: int,
) -> dict[str, Any]:
    # Only the room's process stamps: the others pass on what Redis brings them
    set_off = {last: at for stamps in stamped for last, at in stamps["sent"]}
    per_fan = [
        sorted(arrived - set_off[last] for last, count, arrived in arrivals for _ in range(count))
        for arrivals in result["arrivals"]
    ]
    latencies = sorted(latency for fan in per_fan for latency in fan)

    def ms(values: list[float], fraction: float) -> str:
        return f"{percentile(values, fraction) * 1000:.0f}" if values else "-"

    # The server sends to a room's followers one after another: if it is the bottleneck, the
    # last to have joined wait longest
    tenth = max(1, len(per_fan) // 10)
    early = sorted(x for fan in per_fan[:tenth] for x in fan)
    late = sorted(x for fan in per_fan[-tenth:] for x in fan)
    ordered = result["delivered"] and not result["faults"]
    if ordered:
        verdict = "every event reached every follower, in order"
    else:
        verdict = (
            f"NOT DELIVERED: {result['faults']} faults, all up to the last: "
            f"{result['delivered']}, {result['dropped']} followers' connections lost"
        )
    wall = result["wall"]
    cpus = [cpu / wall * 100 for cpu in result["cpus"]]
    rss = [rss for rss, _ in result["memory"]]
    peak = [peak for _, peak in result["memory"]]
    lags = [sorted(stamps["lags"]) for stamps in stamped]
    if processes == 1:
        servers = (
            f"server CPU {cpus[0]:.0f} % of a core, its event loop late by "
            f"{ms(lags[0], 0.5)} ms (p50), {ms(lags[0], 0.99)} ms (p99), "
            f"RSS {rss[0]:.0f} MiB (peak {peak[0]:.0f})"
        )
    else:
        # Followers on the room's own process get the emit at once; the others through Redis
        where = result["servers"]
        home = sorted(x for fan, n in zip(per_fan, where, strict=True) if n == 0 for x in fan)
        away = sorted(x for fan, n in zip(per_fan, where, strict=True) if n != 0 for x in fan)
        servers = (
            f"p50/p99 on the room's process {ms(home, 0.5)}/{ms(home, 0.99)} ms, on the others "
            f"{ms(away, 0.5)}/{ms(away, 0.99)} ms; server processes' CPU "
            + "/".join(f"{cpu:.0f}" for cpu in cpus[:processes])
            + " % of a core (the room's first), event loops late by "
            + "/".join(ms(lag, 0.99) for lag in lags)
            + " ms (p99), RSS "
            + "/".join(f"{x:.0f}" for x in rss[:processes])
            + " MiB (peak "
            + "/".join(f"{x:.0f}" for x in peak[:processes])
            + f"); redis-server CPU {cpus[-1]:.0f} %"
        )
    print(
        f"  {followers} followers ({clients} client processes"
        + (f", {processes} server processes" if processes > 1 else "")
        + f"), {result['events']} events in {wall:.1f} s ({result['events'] / wall:.0f}/s): "
        f"{verdict}; delivery p50 {ms(latencies, 0.5)} ms, p99 {ms(latencies, 0.99)} ms, "
        f"max {latencies[-1] * 1000 if latencies else 0:.0f} ms "
        f"(p50 of the first tenth to join {ms(early, 0.5)} ms, of the last tenth "
        f"{ms(late, 0.5)} ms); {servers}; "
        f"clients' CPU {result['clients_cpu'] / wall * 100:.0f} %, their event loops late by "
        f"{ms(result['lags'], 0.5)} ms (p50), {ms(result['lags'], 0.99)} ms (p99); "
        f"joined and caught up with {result['history']} events in {result['joined']:.1f} s "
        f"(the room's process's CPU {result['join_cpu']:.1f} s; client processes starting "
        "included)",
        flush=True,
    )
    return {
        "ordered": ordered,
        "dropped": result["dropped"],
        "events": result["events"],
        "p50": percentile(latencies, 0.5) if latencies else None,
        "p99": percentile(latencies, 0.99) if latencies else None,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["serve"]:
        queue = args[4] if len(args) > 4 else ""
        return serve(int(args[1]), int(args[2]), Path(args[3]), queue)
    if args[:1] == ["follow"]:
        report = asyncio.run(follow(args[1].split(","), args[2], int(args[3]), int(args[4])))
        print(json.dumps(report))
        return 0
    parser = argparse.ArgumentParser(prog="python -m web.roombench")
    parser.add_argument("--followers", type=int, nargs="+", help="100 500; with --processes: 2000")
    parser.add_argument("--rate", type=float, default=100.0, help="trace events a second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--history", type=int, default=2000, help="events before they join")
    parser.add_argument(
        "--processes", type=int, default=1, help="server processes (more: sharing via Redis)"
    )
    options = parser.parse_args(args)
    followers = options.followers or ([100, 500] if options.processes == 1 else [2000])
    across = f", {options.processes} server processes and Redis" if options.processes > 1 else ""
    print(f"Room fan-out (python -m web.roombench), {options.rate:g} events/s{across}")
    for count in followers:
        fan_out(
            count,
            options.rate,
            options.seconds,
            options.client_processes,
            options.history,
            options.processes,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
