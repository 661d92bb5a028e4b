"""`make bench`, the server's half: how the server stands under bad input and abuse.

Each figure drives the real app through Flask-SocketIO's test client (the protocol the page
speaks), in this process, so a handler that blocks is a stall every other session would feel:

- the worst pastes: how long one `apply` holds the server (the handler's wall time);
- memory after 500 resets of one session (RSS, after a collection);
- memory and pods after `kubectl scale --replicas=1000000000`, with the clock run for a
  bounded stretch of virtual time;
- acting in the past after a 30,000-event history (a fork replays it): the longest stall.

Run: `python -m web.bench` (or `make bench`). Figures go in docs/performance.md.
"""

from __future__ import annotations

import functools
import gc
import time
from collections.abc import Callable
from typing import Any

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
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


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Tab:
    """A page as the protocol sees it: sends, gets the reply, and (when `playing`) plays along
    at 100x, acknowledging what it was sent as a page does, so the clock runs."""

    def __init__(self, app: Any, playing: bool = False) -> None:
        import gevent

        from web import socketio_of

        self.io = socketio_of(app)
        self.client = self.io.test_client(app)
        self.seq = 0
        reply = self.send("hello", {})
        assert reply.get("ok"), reply
        self.send("speed", {"speed": 100} if playing else {"speed": 1})
        if playing:
            gevent.spawn(self._play_along)
        else:
            self.send("pause")

    def send(self, name: str, payload: Any = None) -> dict[str, Any]:
        reply = self.client.emit(name, {} if payload is None else payload, callback=True)
        self._read()
        return reply if isinstance(reply, dict) else {"ok": False, "error": repr(reply)}

    def _read(self) -> None:
        for packet in self.client.get_received():  # kept: only the last event's seq
            if packet["name"] == "events" and packet["args"][0]["events"]:
                self.seq = packet["args"][0]["events"][-1]["seq"]
            elif packet["name"] == "reset":
                self.seq = 0

    def _play_along(self) -> None:
        import gevent

        while self.client.is_connected():
            gevent.sleep(0.01)
            self._read()
            self.client.emit("ack", {"seq": self.seq})


def timed(action: Callable[[], dict[str, Any]]) -> tuple[float, float, dict[str, Any]]:
    """(wall seconds, longest stall, reply). A stall is the longest stretch in which no other
    greenlet ran: a ticker that wants to wake every millisecond measures how late it was."""
    import gevent

    longest = 0.0
    running = True

    def ticker() -> None:
        nonlocal longest
        last = time.perf_counter()
        while running:
            gevent.sleep(0.001)
            now = time.perf_counter()
            longest = max(longest, now - last - 0.001)
            last = now

    watcher = gevent.spawn(ticker)
    gevent.sleep(0.002)
    start = time.perf_counter()
    reply = action()
    seconds = time.perf_counter() - start
    gevent.sleep(0.002)
    running = False
    watcher.join()
    return seconds, longest, reply


def worst_pastes(app: Any) -> None:
    tab = Tab(app, playing=True)

    def pods(count: int) -> str:
        return "".join(
            f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\n"
            f"spec: {{containers: [{{name: c, image: nginx}}]}}\n"
            for i in range(count)
        )

    cases = {
        '"---\\n" x 10,000 (40 KB)': "---\n" * 10_000,
        '"---\\n" x 20,000 (80 KB)': "---\n" * 20_000,
        "10,000 pods in one paste": pods(10_000),
        "1,000 pods in one paste": pods(1000),
    }
    for label, text in cases.items():
        seconds, stall, reply = timed(functools.partial(tab.send, "apply", {"yaml": text}))
        answer = reply.get("error") or "".join(t for _, t in reply.get("output", []))[-60:]
        print(
            f"  paste {label}: answered in {seconds:.2f} s, longest stall {stall:.2f} s; "
            f"{answer.strip()[:70]!r}"
        )


def resets(app: Any, count: int = 500) -> None:
    tab = Tab(app)
    tab.send("apply", {"yaml": DEPLOYMENT})
    gc.collect()
    before = rss_mib()
    start = time.perf_counter()
    for _ in range(count):
        tab.send("reset", {})
    seconds = time.perf_counter() - start
    gc.collect()
    print(
        f"  {count} resets: RSS {before:.0f} -> {rss_mib():.0f} MiB "
        f"(+{rss_mib() - before:.0f} MiB) in {seconds:.1f} s"
    )


def huge_scale(app: Any, virtual_seconds: float = 120.0, wall_limit: float = 120.0) -> None:
    from web import registry_of

    tab = Tab(app)
    tab.send("apply", {"yaml": DEPLOYMENT})
    gc.collect()
    before = rss_mib()
    reply = tab.send("kubectl", {"line": "scale deployment web --replicas=1000000000"})
    print("  scale:", "".join(t for _, t in reply.get("output", [])).strip())
    session = next(iter(registry_of(app).sessions.values()))
    env = session.timeline.cluster.env
    start = time.perf_counter()
    deadline = env.now + virtual_seconds
    while env.now < deadline and time.perf_counter() - start < wall_limit:
        session.advance(5.0, lambda: None)
    pods = len(session.timeline.cluster.etcd.range("/registry/pods/"))
    gc.collect()
    print(
        f"  scale to 1e9: after {env.now:.0f} virtual s ({time.perf_counter() - start:.0f} s "
        f"wall): {pods} pods stored, RSS {before:.0f} -> {rss_mib():.0f} MiB"
    )


def fork_back(app: Any) -> None:
    """Acting in the past replays the session's inputs into a fresh cluster: a long history
    must not hold the server (the figure is the longest stall while it replays)."""
    from web import registry_of

    tab = Tab(app)
    tab.send("apply", {"yaml": DEPLOYMENT.replace("replicas: 1", "replicas: 100")})
    session = next(iter(registry_of(app).sessions.values()))
    while len(session.timeline.events) < 30_000:
        session.advance(10.0, lambda: None)
    events = len(session.timeline.events)
    seconds, stall, reply = timed(
        functools.partial(tab.send, "kubectl", {"line": "get pods", "at_seq": events - 10})
    )
    print(
        f"  fork back through {events} events: answered in {seconds:.2f} s, "
        f"longest stall {stall:.2f} s ({'ok' if reply.get('ok') else reply.get('error')})"
    )


def main() -> None:
    from web import create_app
    from web.config import UNLIMITED_MESSAGES

    print("Podlife server under abuse (python -m web.bench)")
    for figure in (worst_pastes, fork_back, resets, huge_scale):
        # One client sends everything here: no message budget (web/ratelimit.py) in the way.
        app = create_app({"testing": True, **UNLIMITED_MESSAGES})
        figure(app)
        app.extensions["podlife"].shutdown()


if __name__ == "__main__":
    main()
