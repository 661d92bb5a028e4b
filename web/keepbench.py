"""`make bench`, sessions kept across restarts (docs/persistence.md, docs/performance.md
"Persistence"), through the page's protocol (Flask-SocketIO's test client) in this process:

- a class of 300: memory per idle session, the database's size, and what writing the class's
  inputs costs when all 300 apply a Deployment at once (the keeper's look at every session, on
  the event loop; the write, on the thread pool; the longest stall meanwhile);
- restoring a session with N inputs on a restarted server: the time to `hello`'s answer and
  the longest stall of the other sessions meanwhile.

Run: `python -m web.keepbench` (or `make bench`).
"""

from __future__ import annotations

import functools
import gc
import tempfile
import time
from pathlib import Path
from typing import Any

from web.bench import DEPLOYMENT, Tab, rss_mib, timed

CLASS = 300


def app_on(data_dir: Path) -> Any:
    from web import create_app
    from web.config import UNLIMITED_MESSAGES

    # save_seconds: a day, so that the figures below time the writes they make themselves
    overrides = {"keep_days": 7.0, "save_seconds": 86400.0, "max_sessions": 1000}
    return create_app({"testing": True, "data_dir": data_dir, **UNLIMITED_MESSAGES, **overrides})


def a_class(data_dir: Path) -> None:
    from web import registry_of
    from web.keeper import Keeper

    app = app_on(data_dir)
    keeper = registry_of(app).keeper
    assert isinstance(keeper, Keeper)
    gc.collect()
    before = rss_mib()
    tabs = [Tab(app) for _ in range(CLASS)]
    gc.collect()
    per_session = (rss_mib() - before) / CLASS
    keeper.collect()
    keeper.flush()
    print(f"  {CLASS} idle sessions: {per_session:.2f} MiB each (RSS)")
    for tab in tabs:
        tab.send("apply", {"yaml": DEPLOYMENT.replace("replicas: 1", "replicas: 3")})
    start = time.perf_counter()
    keeper.collect()
    looked = time.perf_counter() - start
    queued = sum(len(change.saved.inputs) for change in keeper._pending)

    def flush() -> dict[str, Any]:
        keeper.flush()
        return {}

    seconds, stall, _ = timed(flush)
    print(
        f"  {CLASS} sessions applied at once: the keeper's look {looked * 1000:.0f} ms on the "
        f"event loop, {queued} inputs written in {seconds * 1000:.0f} ms (thread pool), "
        f"longest stall meanwhile {stall * 1000:.1f} ms"
    )
    start = time.perf_counter()
    keeper.collect()
    print(f"  a look with nothing new: {(time.perf_counter() - start) * 1000:.2f} ms")
    registry_of(app).shutdown()
    size = (data_dir / "sessions.db").stat().st_size
    print(f"  database: {size / 1024 / CLASS:.1f} KiB a session")


def restore(data_dir: Path, inputs: int) -> None:
    from web import registry_of, socketio_of

    first = app_on(data_dir)
    tab = Tab(first)
    for n in range(inputs):
        tab.send("kubectl", {"line": f"create configmap c{n} --from-literal=n={n}"})
    (session,) = registry_of(first).sessions
    steps = registry_of(first).sessions[session].timeline.cluster.env.steps
    registry_of(first).shutdown()

    second = app_on(data_dir)
    Tab(second, playing=True)  # another learner, whose stalls are measured
    client = socketio_of(second).test_client(second)
    seconds, stall, reply = timed(
        functools.partial(client.emit, "hello", {"session": session}, callback=True)
    )
    assert reply.get("session") == session, reply
    print(
        f"  restore a session of {inputs} inputs ({steps:,} engine steps): hello answered in "
        f"{seconds:.2f} s, longest stall {stall * 1000:.0f} ms"
    )
    registry_of(second).shutdown()


def main() -> None:
    print("Podlife sessions kept across restarts (python -m web.keepbench)")
    with tempfile.TemporaryDirectory() as folder:
        a_class(Path(folder) / "class")
        for count in (10, 100, 1000):
            restore(Path(folder) / f"restore-{count}", count)


if __name__ == "__main__":
    main()
