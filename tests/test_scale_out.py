"""Several Podlife processes sharing rooms through Redis (docs/scale-out.md): a real
redis-server on loopback, two real `app.py --message-queue` processes on one data folder, pages
over real Socket.IO connections. The presenter is connected to one process, the followers to
the other: every event reaches them in order; they cannot drive; they look at and fork the room
across processes. The presenter's process killed, its cluster and room come back on the other,
kubeconfig included."""

from __future__ import annotations

import json
import signal
import urllib.request
from pathlib import Path
from typing import Any

from tests.processkit import Client, Redis, Server, redis_server, wait_for
from tests.test_web_support import DEPLOYMENT

__all__ = ["redis_server"]  # the fixture, from tests/processkit.py


def processes(tmp: Path, redis: Redis, count: int = 2) -> list[Server]:
    data = tmp / "data"  # one database for all (docs/scale-out.md)
    # No TLS port: processes cannot share one; kubeconfigs use the web port's path, which a
    # proxy routes by the cluster id
    flags = ("--message-queue", redis.url, "--api-port", "0")
    servers = [Server(tmp / f"p{n}", data=data, flags=flags) for n in range(count)]
    for server in servers:
        server.start()
    return servers


def seqs(events: list[dict[str, Any]]) -> list[int]:
    return [event["seq"] for event in events]


def kubeconfig_of(server: Server, session: str) -> str:
    """What the page's "kubeconfig" link downloads."""
    mine = json.loads(server.get("/clusters", **{"X-Podlife-Session": session}))
    return server.get(mine["kubeconfig"], **{"X-Podlife-Session": session}).decode()


def api_get(server: Server, kubeconfig: str, path: str) -> dict[str, Any]:
    """A GET the way kubectl sends it with the page's kubeconfig (its server URL carries the
    cluster id and the token)."""
    base = next(line.split()[-1] for line in kubeconfig.splitlines() if "server:" in line)
    path_only = base.split("://", 1)[1].split("/", 1)[1]
    with urllib.request.urlopen(f"{server.url}/{path_only}{path}", timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def test_followers_on_another_process_get_every_event_in_order_and_a_dead_process_cluster_comes_back(
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
        presenter.ok("pause")
        sent = presenter.settled()
        assert len(sent) > 50
        for follower in followers:
            got = wait_for(lambda f=follower: f.settled() == sent and f.events, "the room")
            assert seqs(got) == list(range(1, len(sent) + 1))  # in order, none missing

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
        fork = followers[1].ok("fork-room", {"at_seq": at_seq})
        assert fork["session"].startswith("pupil1.")
        copy = wait_for(lambda: len(followers[1].events) >= at_seq and followers[1].events, "fork")
        assert copy[:at_seq] == sent[:at_seq]
        wait_for(lambda: any(p["followers"] == 1 for p in presenter.rooms), "one left")

        kubeconfig = kubeconfig_of(one, session)
        assert "/clusters/teacher1." in kubeconfig  # the proxy routes kubectl by the same key
        deployments = "/apis/apps/v1/namespaces/default/deployments"
        assert api_get(one, kubeconfig, deployments)["items"][0]["metadata"]["name"] == "web"

        # The presenter's process dies: its page connects again (a proxy would send it to the
        # survivor); the survivor restores the cluster and the room from the database.
        presenter.client.disconnect()
        one.stop(signal.SIGKILL)
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
        back.ok("pause")
        now = back.settled()
        assert len(now) > len(sent)
        got = wait_for(lambda: followers[0].settled() == now and followers[0].events, "live")
        assert seqs(got) == list(range(1, len(now) + 1))

        # Its kubeconfig works on the survivor
        assert api_get(two, kubeconfig, deployments)["items"][0]["spec"]["replicas"] == 1
        for client in (back, *followers):
            client.client.disconnect()
    finally:
        for server in (one, two):
            if server.process is not None:
                server.stop(signal.SIGKILL)
