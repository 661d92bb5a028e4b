"""Several Podlife processes sharing rooms through Redis (docs/scale-out.md): a real
redis-server on loopback, two real `app.py --message-queue` processes on one data folder, pages
over real Socket.IO connections. The presenter is connected to one process, the followers to
the other: every event reaches them in order; they cannot drive; they look at and fork the room
across processes. The presenter's process stopped, its cluster and room come back on the other,
kubeconfig included. Then behind nginx (deploy/nginx.conf): a cluster's requests reach one
process; that process killed, they reach another, which restores the cluster."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.processkit import ROOT, Client, Redis, Server, in_step, redis_server, seqs, wait_for
from tests.test_web_support import DEPLOYMENT
from web.supervisor import Nginx, free_port

__all__ = ["redis_server"]  # the fixture, from tests/processkit.py


def kubeconfig_of(server: Server | Nginx, session: str) -> str:
    """What the page's "kubeconfig" link downloads."""
    mine = json.loads(server.get("/clusters", **{"X-Podlife-Session": session}))
    return server.get(mine["kubeconfig"], **{"X-Podlife-Session": session}).decode()


def processes(tmp: Path, redis: Redis, count: int = 2) -> list[Server]:
    data = tmp / "data"  # one database for all (docs/scale-out.md)
    # No TLS port: processes cannot share one; kubeconfigs use the web port's path, which a
    # proxy routes by the cluster id
    flags = ("--message-queue", redis.url, "--api-port", "0")
    servers = [Server(tmp / f"p{n}", data=data, flags=flags) for n in range(count)]
    for server in servers:
        server.start()
    return servers


def api_get(server: Server | Nginx, kubeconfig: str, path: str) -> dict[str, Any]:
    """A GET the way kubectl sends it with the page's kubeconfig (its server URL carries the
    cluster id and the token)."""
    base = next(line.split()[-1] for line in kubeconfig.splitlines() if "server:" in line)
    path_only = base.split("://", 1)[1].split("/", 1)[1]
    with urllib.request.urlopen(f"{server.url}/{path_only}{path}", timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def test_followers_elsewhere_get_every_event_in_order_and_a_dead_process_cluster_comes_back(
    tmp_path: Path, redis_server: Redis
) -> None:
    one, two = processes(tmp_path, redis_server)
    try:
        presenter = Client(one, acks=True, route="teacher1")
        hello = presenter.ok("hello", {"session": None})
        session = hello["session"]
        assert session.startswith("teacher1.")  # the routing key the proxy hashes on
        presenter.ok("speed", {"speed": 100})
        room = presenter.ok("present")

        followers = [Client(two, acks=False, route=f"pupil{n}") for n in range(2)]
        for follower in followers:
            follower.ok("hello", {"session": None})
            reply = follower.ok("follow", {"code": room["display"].lower()})
            assert reply["code"] == room["code"] and reply["seed"] == hello["seed"]
        wait_for(lambda: any(p["followers"] == 2 for p in presenter.rooms), "two counted")

        assert presenter.ok("apply", {"yaml": DEPLOYMENT})["exit_code"] == 0
        # some of the Deployment's story played (how much before a pause depends on the machine)
        wait_for(lambda: len(presenter.events) > 50, "the presenter's cluster to play on", 60)
        presenter.pause()
        for follower in followers:
            got = in_step(follower, presenter)
            assert seqs(got) == list(range(1, len(got) + 1))  # in order, none missing
        sent = list(presenter.events)
        assert len(sent) > 50

        # A follower elsewhere cannot drive; it looks at the room's cluster over there
        refused = followers[0].call("kubectl", {"line": "kubectl delete deployment web"})
        assert not refused["ok"] and "only the presenter drives" in refused["error"]
        looked = followers[0].ok(
            "inspect", {"kind": "Deployment", "namespace": "default", "name": "web"}
        )
        assert "name: web" in looked["object"] and "kind: Deployment" in looked["object"]
        assert followers[0].ok("etcd", {})["keys"]

        # A fork on the followers' process: the room's cluster at the follower's cursor
        at_seq = len(sent) // 2
        clocks = len(followers[1].clocks)
        fork = followers[1].ok("fork-room", {"at_seq": at_seq})
        assert fork["session"].startswith("pupil1.")
        copy = wait_for(lambda: len(followers[1].events) >= at_seq and followers[1].events, "fork")
        assert copy[:at_seq] == sent[:at_seq]
        own = wait_for(lambda: followers[1].clocks[clocks:], "the fork's clock")
        assert own[-1]["speed"] == 100  # the fork plays at the room's pace
        wait_for(lambda: any(p["followers"] == 1 for p in presenter.rooms), "one left")

        kubeconfig = kubeconfig_of(one, session)
        assert "/clusters/teacher1." in kubeconfig  # the proxy routes kubectl by the same key
        deployments = "/apis/apps/v1/namespaces/default/deployments"
        assert api_get(one, kubeconfig, deployments)["items"][0]["metadata"]["name"] == "web"

        # The presenter's process stops (a restart: the room is not closed for the followers
        # elsewhere); its page connects again (a proxy would send it to the survivor), which
        # restores the cluster and the room from the database. (SIGKILL: the test below.)
        presenter.client.disconnect()
        assert one.stop(signal.SIGTERM) == 0
        time.sleep(0.5)
        assert not followers[0].closed
        back = Client(two, acks=True, route="teacher1")
        mine = {"code": room["code"], "secret": room["secret"]}
        reply = back.ok("hello", {"session": session, "presenter": mine})
        assert reply["session"] == session and reply["room"]["code"] == room["code"]
        assert reply["room"]["followers"] == 1  # the follower on this process, still there
        history = back.settled()
        assert history[: len(sent)] == sent, (len(history), len(sent))

        # It goes on; the follower that stayed gets the new events after the old ones
        back.ok("play")
        back.ok("kubectl", {"line": "kubectl scale deployment web --replicas=1"})
        now = back.pause()
        assert len(now) > len(sent)
        got = in_step(followers[0], back)
        assert got[: len(now)] == now and seqs(got) == list(range(1, len(got) + 1))

        # Its kubeconfig works on the survivor
        assert api_get(two, kubeconfig, deployments)["items"][0]["spec"]["replicas"] == 1
        for client in (back, *followers):
            client.client.disconnect()
    finally:
        for server in (one, two):
            if server.process is not None:
                server.stop(signal.SIGKILL)


# ---- behind nginx, as docs/scale-out.md sets it up ---------------------------------------------
def test_behind_nginx_a_cluster_is_served_by_one_process_and_by_another_when_it_dies(
    tmp_path: Path, redis_server: Redis
) -> None:
    port = free_port()
    flags = (
        *("--message-queue", redis_server.url, "--api-port", "0"),
        *("--public-url", f"http://127.0.0.1:{port}", "--trusted-proxies", "1"),
    )
    servers = [Server(tmp_path / f"p{n}", data=tmp_path / "data", flags=flags) for n in range(2)]
    for server in servers:
        server.start()
    nginx = Nginx(tmp_path, port, [server.port for server in servers])
    try:
        # Pages through the proxy, each with its routing key: each session is made by one
        # process, and the page's kubeconfig and kubectl's requests reach that same process
        pages = {
            route: Client(nginx, acks=True, route=route) for route in ("alpha", "bravo7", "c3")
        }
        sessions = {
            route: page.ok("hello", {"session": None})["session"] for route, page in pages.items()
        }
        page = pages["alpha"]
        page.ok("speed", {"speed": 100})
        assert page.ok("apply", {"yaml": DEPLOYMENT})["exit_code"] == 0
        kubeconfig = kubeconfig_of(nginx, sessions["alpha"])
        deployments = "/apis/apps/v1/namespaces/default/deployments"
        assert api_get(nginx, kubeconfig, deployments)["items"][0]["metadata"]["name"] == "web"
        created = [server.log().count(" created (seed ") for server in servers]
        assert sum(created) == 3, created
        assert not any("restored" in server.log() for server in servers)  # never elsewhere

        def holds(server: Server, session: str) -> bool:
            """Asked of the process directly: a session it does not hold, it does not restore."""
            try:
                return bool(server.get("/clusters", **{"X-Podlife-Session": session}))
            except urllib.error.HTTPError:
                return False

        holders = {route: [holds(s, sessions[route]) for s in servers] for route in sessions}
        assert all(found.count(True) == 1 for found in holders.values()), holders
        holder = servers[holders["alpha"].index(True)]
        survivor = servers[holders["alpha"].index(False)]

        # The process holding it dies: the page connects again through the proxy, which now
        # sends its key to the survivor; the cluster comes back from the database
        before = page.pause()
        for client in pages.values():
            client.client.disconnect()
        # What a process had not written when killed is lost (save_seconds, 0.2 s): let it
        # write that the pages left (their position) before the kill
        time.sleep(1.0)
        holder.stop(signal.SIGKILL)
        back = Client(nginx, acks=True, route="alpha")
        assert back.ok("hello", {"session": sessions["alpha"]})["session"] == sessions["alpha"]
        assert wait_for(
            lambda: back.settled()[: len(before)] == before, "the same history", timeout=60
        )
        assert "restored" in survivor.log() and holds(survivor, sessions["alpha"])
        # kubectl's kubeconfig from before, through the proxy, reaches it there
        assert api_get(nginx, kubeconfig, deployments)["items"][0]["metadata"]["name"] == "web"
        back.client.disconnect()
    finally:
        nginx.stop()
        for server in servers:
            if server.process is not None:
                server.stop(signal.SIGKILL)


def test_the_class_benchmark_runs_across_two_processes_behind_nginx() -> None:
    """`python -m web.classbench --processes 2`, tiny: every student's pods reach Running
    through nginx, each student's cluster made by one process by its routing key, and the
    bystander's kubectl answered by its own session's process."""
    command = [sys.executable, "-m", "web.classbench", "--processes", "2", "--students", "6"]
    command += ["--idle", "0", "--arrive", "2", "--window", "1", "--speed", "20"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert "the server: 2 processes behind nginx" in said
    assert "apply -> all 3 pods Running: p50" in said and "not Running" not in said, said
    answered = re.search(r"bystander's get pods: .*\((\d+) answered, (\d+) failed\)", said)
    assert answered and int(answered[1]) > 0 and answered[2] == "0", said
    made = re.search(r"clusters made \((\d+) \+ (\d+) by each process\)", said)
    assert made and int(made[1]) + int(made[2]) == 6 + 1, said  # the students', the bystander's
    assert re.search(r"server during the burst: [\d.]+ CPU s \([\d.]+ \+ [\d.]+ CPU s\)", said)
