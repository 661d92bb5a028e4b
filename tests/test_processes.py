"""`podlife --processes 2` end to end (web/supervisor.py): the real command as a subprocess,
with the real redis-server, workers and nginx it starts. Pages with different routing keys
are held by different workers; a presenter on one and a follower on the other get every event
in order; the kubeconfig works through the front; a worker killed is started again and the
session still answers; SIGTERM stops everything and exits 0. And the set-ups it refuses."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processkit import ROOT, Client, Processes, command_line, gone, in_step, seqs, wait_for
from tests.test_scale_out import api_get, kubeconfig_of
from tests.test_web_support import DEPLOYMENT
from web.supervisor import answers, fetch

DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"


@pytest.fixture
def podlife(tmp_path: Path) -> Iterator[Processes]:
    processes = Processes(tmp_path, 2)
    try:
        processes.wait_up()
        yield processes
    finally:
        processes.stop_all()  # nothing left behind, whatever happened


def port_of(pid: int) -> int:
    words = command_line(pid).decode().split("\0")
    return int(words[words.index("--port") + 1])


def holds(port: int, session: str) -> bool:
    """Asked of a worker directly: a session it does not hold, it does not restore."""
    try:
        return bool(fetch(f"http://127.0.0.1:{port}/clusters", {"X-Podlife-Session": session}))
    except urllib.error.HTTPError:
        return False


def test_two_processes_serve_a_class_and_a_dead_worker_comes_back(podlife: Processes) -> None:
    workers = podlife.children()["app.py"]
    assert len(workers) == 2 and podlife.children()["nginx"] and podlife.children()["redis-server"]
    ports = [port_of(pid) for pid in workers]
    # One address to open, the front's; the workers' own are not for the class
    for port in ports:
        serving = f"serving at http://127.0.0.1:{port}/ as one of several processes"
        wait_for(lambda line=serving: line in podlife.log(), f"worker on {port} to say so")
    wait_for(lambda: f"Podlife is running at {podlife.url}/" in podlife.log(), "the front's line")
    assert podlife.log().count("Podlife is running at") == 1

    # Tabs with routing keys of their own, until two are held by different workers
    pages: dict[int, tuple[Client, str, str]] = {}  # worker's index: its first page, session, key
    extra: list[Client] = []
    for n in range(16):
        page = Client(podlife, acks=True, route=f"tab{n}")
        session = page.ok("hello", {"session": None})["session"]
        held = [holds(port, session) for port in ports]
        assert held.count(True) == 1, held  # made by one worker, by its key
        if held.index(True) in pages:
            extra.append(page)
        else:
            pages[held.index(True)] = (page, session, f"tab{n}")
        if len(pages) == 2:
            break
    assert len(pages) == 2, "16 routing keys all went to one worker"
    for page in extra:
        page.client.disconnect()

    # A presenter on one worker, a follower on the other: every event, in order
    (presenter, session, route), (follower, _, _) = pages[0], pages[1]
    presenter.ok("speed", {"speed": 100})
    room = presenter.ok("present")
    follower.ok("follow", {"code": room["display"]})
    wait_for(lambda: any(p["followers"] == 1 for p in presenter.rooms), "the follower counted")
    assert presenter.ok("apply", {"yaml": DEPLOYMENT})["exit_code"] == 0
    # some of the Deployment's story played (how much before a pause depends on the machine)
    wait_for(lambda: len(presenter.events) > 50, "the presenter's cluster to play on", 60)
    presenter.pause()
    got = in_step(follower, presenter)
    assert len(got) > 50 and seqs(got) == list(range(1, len(got) + 1))

    # kubectl's requests with the page's kubeconfig, through the front
    kubeconfig = kubeconfig_of(podlife, session)
    assert f"server: {podlife.url}/clusters/" in kubeconfig
    assert api_get(podlife, kubeconfig, DEPLOYMENTS)["items"][0]["metadata"]["name"] == "web"

    # The presenter's worker killed: the supervisor starts it again, and the session answers
    presenter.client.disconnect()
    follower.client.disconnect()
    time.sleep(1.0)  # what a process had not written when killed is lost (save_seconds)
    os.kill(workers[0], signal.SIGKILL)
    wait_for(lambda: "worker 1 started again" in podlife.log(), "worker 1 to be started again")
    assert f"worker 1 (pid {workers[0]}) was killed by SIGKILL" in podlife.log()
    again = podlife.children()["app.py"]
    assert workers[0] not in again and workers[1] in again and len(again) == 2
    wait_for(lambda: answers(f"http://127.0.0.1:{ports[0]}/healthz"), "it to be up", 60)
    back = Client(podlife, acks=True, route=route)
    mine = {"code": room["code"], "secret": room["secret"]}  # the presenter's tab's
    reply = back.ok("hello", {"session": session, "presenter": mine})
    assert reply["session"] == session and reply["room"]["code"] == room["code"]
    assert api_get(podlife, kubeconfig, DEPLOYMENTS)["items"][0]["metadata"]["name"] == "web"
    back.client.disconnect()

    # SIGTERM: the workers stop (rooms kept), then nginx and Redis; nothing is left
    everything = [pid for pids in podlife.children().values() for pid in pids]
    assert len(everything) >= 5  # two workers, nginx's master and worker, redis-server
    podlife.process.send_signal(signal.SIGTERM)
    assert podlife.process.wait(60) == 0, podlife.log()
    assert all(map(gone, everything)), [pid for pid in everything if not gone(pid)]
    assert podlife.log().count("INFO podlife: stopping") == 2


def refusal(*flags: str, path: str | None = None) -> str:
    """What `app.py` says when it refuses `flags` (exit status 2, one line, no traceback)."""
    env = {**os.environ, "PATH": path} if path is not None else None
    done = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *flags],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stdout == "" and done.stderr.count("\n") == 1, done.stderr
    return done.stderr


def test_what_it_refuses(tmp_path: Path) -> None:
    most = 2 * (os.cpu_count() or 1)
    assert "give 1 to" in refusal("--processes", "0")
    assert f"give 1 to {most}" in refusal("--processes", str(most + 1))
    queue = refusal("--processes", "2", "--message-queue", "redis://127.0.0.1:6379/0")
    assert "leave out --message-queue" in queue
    assert "leave out --api-port" in refusal("--processes", "2", "--api-port", "6443")
    # redis-server not on PATH (nginx is also looked for in /usr/sbin, a user's PATH lacking it)
    empty = tmp_path / "bin"
    empty.mkdir()
    missing = refusal("--processes", "2", path=str(empty))
    assert "needs redis-server and nginx" in missing and "apt-get install" in missing
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        said = refusal("--processes", "2", "--port", port, "--data-dir", str(tmp_path))
        assert f"cannot listen on 127.0.0.1:{port}" in said
