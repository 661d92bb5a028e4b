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

Run: `python -m web.roombench [--followers 100 500] [--rate 100] [--seconds 20]`
(or `make bench`). Figures go in docs/performance.md, "Rooms".
"""

from __future__ import annotations

import argparse
import asyncio
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

CONNECT_AT_ONCE = 25  # followers connecting at the same time
MAX_OUTSTANDING = 20  # the presenter's commands sent and not answered yet


# ---- the server's side (a process of its own) --------------------------------------------------
def serve(port: int, followers: int, stamps: Path) -> int:
    """The real server, with every room's `events` message stamped as it sets off."""
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
            "max_followers_per_room": followers,
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
        self.client.on("reset", self._reset)
        self.client.on("events", self._events)

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
        await self.client.connect(url, transports=["websocket"])
        reply = await self.client.call("follow", {"code": code}, timeout=60)
        assert reply["ok"], reply


async def until(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def follow(url: str, code: str, count: int, seq: int) -> dict[str, Any]:
    """A client process's followers: they join and catch up to `seq` ("ready" on stdout),
    then follow until the last seq comes on stdin, and report."""
    fans = [Follower() for _ in range(count)]
    for first in range(0, count, CONNECT_AT_ONCE):
        batch = fans[first : first + CONNECT_AT_ONCE]
        await asyncio.gather(*(fan.join(url, code) for fan in batch))
    assert await until(lambda: all(fan.last >= seq for fan in fans), 120), "no catch-up"
    print("ready", flush=True)
    cpu = time.process_time()
    lags: list[float] = []  # how late this process's event loop runs what is due: the part of
    ticking = asyncio.create_task(ticker(lags))  # the latency that is the clients' own
    last = int(await asyncio.to_thread(sys.stdin.readline))
    delivered = await until(lambda: all(fan.last >= last for fan in fans), 60)
    cpu = time.process_time() - cpu
    ticking.cancel()
    await asyncio.gather(*(fan.client.disconnect() for fan in fans))
    return {
        "delivered": delivered,
        "faults": sum(fan.faults for fan in fans) + sum(not fan.arrivals for fan in fans),
        "arrivals": [fan.arrivals for fan in fans],  # in the order they joined
        "cpu": cpu,
        "lags": lags,
    }


async def ticker(lags: list[float], every: float = 0.01) -> None:
    while True:
        due = time.monotonic() + every
        await asyncio.sleep(every)
        lags.append(time.monotonic() - due)


async def present(
    url: str, followers: int, processes: int, rate: float, seconds: float, history: int, pid: int
) -> dict[str, Any]:
    """The presenter (here) and its followers (in `processes` client processes, so that the
    clients' CPU is spread as the server's would be over its machine's cores)."""
    import socketio

    presenter = socketio.AsyncClient(reconnection=False)
    played = 0  # the presenter's page plays what it is sent at once

    async def play_along(payload: dict[str, Any]) -> None:
        nonlocal played
        played = payload["events"][-1]["seq"]
        await presenter.emit("ack", {"seq": played})

    presenter.on("events", play_along)
    await presenter.connect(url, transports=["websocket"])
    assert (await presenter.call("hello", {"session": None}))["ok"]
    room = await presenter.call("present", {})
    # A lesson under way: a history for the joiners to catch up with
    scaled = DEPLOYMENT.replace("replicas: 1", "replicas: 10")
    await presenter.call("speed", {"speed": 100})
    await presenter.call("apply", {"yaml": scaled}, timeout=60)
    assert await until(lambda: played >= history, 120), "the history did not grow"
    await presenter.call("pause", {})
    seq = (await presenter.call("kubectl", {"line": "get pods"}, timeout=60))["seq"]

    cpu, start = cpu_seconds(pid), time.monotonic()
    shares = [followers // processes + (i < followers % processes) for i in range(processes)]
    clients = [
        subprocess.Popen(
            [sys.executable, "-m", "web.roombench", "follow", url, room["code"], str(n), str(seq)],
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
    joined, join_cpu = time.monotonic() - start, cpu_seconds(pid) - cpu

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

    cpu, begin = cpu_seconds(pid), time.monotonic()
    while (elapsed := time.monotonic() - begin) < seconds:
        per_command = (seq - first_live) / answers
        if sent * per_command < rate * elapsed and outstanding < MAX_OUTSTANDING:
            sent += 1
            outstanding += 1
            await presenter.emit("kubectl", {"line": "get pods"}, callback=answered)
        await asyncio.sleep(0.001)
    assert await until(lambda: outstanding == 0, 60), "the presenter's commands went unanswered"
    wall = time.monotonic() - begin
    cpu = cpu_seconds(pid) - cpu
    rss, peak = memory_mib(pid)
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
        "faults": sum(report["faults"] for report in reports),
        "arrivals": joined_order([report["arrivals"] for report in reports]),
        "wall": wall,
        "cpu": cpu,
        "clients_cpu": sum(report["cpu"] for report in reports),
        "lags": sorted(lag for report in reports for lag in report["lags"]),
        "rss": rss,
        "peak": peak,
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


def fan_out(followers: int, rate: float, seconds: float, processes: int, history: int) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryFile() as log:
        stamps = Path(folder) / "stamps.json"
        command = [sys.executable, "-m", "web.roombench", "serve", str(port), str(followers)]
        process = subprocess.Popen(
            [*command, str(stamps)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PODLIFE_DATA_DIR": folder, "PYTHONUNBUFFERED": "1"},
        )
        try:
            _wait_until_up(url, process, log)
            result = asyncio.run(
                present(url, followers, processes, rate, seconds, history, process.pid)
            )
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        stamped = json.loads(stamps.read_text())
    set_off, server_lags = dict(stamped["sent"]), stamped["lags"]
    per_fan = [
        sorted(arrived - set_off[last] for last, count, arrived in arrivals for _ in range(count))
        for arrivals in result["arrivals"]
    ]
    latencies = sorted(latency for fan in per_fan for latency in fan)

    # The server sends to a room's followers one after another: if it is the bottleneck, the
    # last to have joined wait longest
    tenth = max(1, len(per_fan) // 10)
    early = sorted(x for fan in per_fan[:tenth] for x in fan)
    late = sorted(x for fan in per_fan[-tenth:] for x in fan)
    if result["delivered"] and not result["faults"]:
        verdict = "every event reached every follower, in order"
    else:
        verdict = (
            f"NOT DELIVERED: {result['faults']} faults, all up to the last: {result['delivered']}"
        )
    wall = result["wall"]
    print(
        f"  {followers} followers ({processes} client processes), {result['events']} events "
        f"in {wall:.1f} s ({result['events'] / wall:.0f}/s): {verdict}; "
        f"delivery p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms "
        f"(p50 of the first tenth to join {percentile(early, 0.5) * 1000:.0f} ms, of the "
        f"last tenth {percentile(late, 0.5) * 1000:.0f} ms); "
        f"server CPU {result['cpu'] / wall * 100:.0f} % of a core, its event loop late by "
        f"{percentile(server_lags, 0.5) * 1000:.0f} ms (p50), "
        f"{percentile(server_lags, 0.99) * 1000:.0f} ms (p99), "
        f"RSS {result['rss']:.0f} MiB (peak {result['peak']:.0f}); "
        f"clients' CPU {result['clients_cpu'] / wall * 100:.0f} %, their event loops late by "
        f"{percentile(result['lags'], 0.5) * 1000:.0f} ms (p50), "
        f"{percentile(result['lags'], 0.99) * 1000:.0f} ms (p99); "
        f"joined and caught up with {result['history']} events in {result['joined']:.1f} s "
        f"(server CPU {result['join_cpu']:.1f} s; client processes starting included)"
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["serve"]:
        return serve(int(args[1]), int(args[2]), Path(args[3]))
    if args[:1] == ["follow"]:
        report = asyncio.run(follow(args[1], args[2], int(args[3]), int(args[4])))
        print(json.dumps(report))
        return 0
    parser = argparse.ArgumentParser(prog="python -m web.roombench")
    parser.add_argument("--followers", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--rate", type=float, default=100.0, help="trace events a second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--history", type=int, default=2000, help="events before they join")
    options = parser.parse_args(args)
    print(f"Room fan-out (python -m web.roombench), {options.rate:g} events/s")
    for followers in options.followers:
        fan_out(followers, options.rate, options.seconds, options.client_processes, options.history)
    return 0


if __name__ == "__main__":
    sys.exit(main())
