"""A server restart keeps sessions and kubeconfigs (docs/persistence.md), with real processes:
`app.py --port P --data-dir D` started, a Deployment applied from a page (a real Socket.IO
client) and objects made by the real kubectl with the kubeconfig the server gave, the server
stopped (SIGTERM) and started again on the same folder: the old session id gives the same
trace, event for event, and the old kubeconfigs (the page's and the default cluster's) still
work. Then a SIGKILL: what was written before it comes back."""

from __future__ import annotations

import json
import signal
import sqlite3
from pathlib import Path

from tests.kubectl_real.conftest import Kube
from tests.processkit import Client, Server, server, wait_for
from tests.test_web_support import DEPLOYMENT
from web.store import FILE

__all__ = ["server"]  # the fixture, from tests/processkit.py


def tab(server: Server, session: str | None = None) -> Client:
    """A page that plays (it acknowledges its events: the clock runs) on the session."""
    page = Client(server)
    page.hello = page.ok("hello", {"session": session})  # type: ignore[attr-defined]
    page.session = page.hello["session"]  # type: ignore[attr-defined]
    return page


def kube_for(server: Server, session: str, home: Path) -> Kube:
    """The page's kubeconfig, as the page fetches it (through the API's TLS port)."""
    cluster = json.loads(server.get("/clusters", **{"X-Podlife-Session": session}))["cluster"]
    home.mkdir(exist_ok=True)
    path = home / "kubeconfig"
    path.write_bytes(server.get(f"/clusters/{cluster}/kubeconfig?session={session}"))
    assert f"https://127.0.0.1:{server.api_port}" in path.read_text()
    return Kube(home, path)


def pods_of(kube: Kube) -> list[str]:
    run = kube("get", "pods", "-o", "name")
    assert run.code == 0, run.stderr
    return sorted(run.stdout.split())


def inputs_kept(server: Server, session: str) -> int:
    db = sqlite3.connect(server.data / FILE)
    try:
        count: int = db.execute(
            "SELECT count(*) FROM inputs WHERE session = ?", (session,)
        ).fetchone()[0]
        return count
    finally:
        db.close()


def test_a_restart_keeps_sessions_and_kubeconfigs(server: Server, tmp_path: Path) -> None:
    page = tab(server)
    page.ok("speed", {"speed": 100})
    assert page.ok("apply", {"yaml": DEPLOYMENT})["exit_code"] == 0
    kube = kube_for(server, page.session, tmp_path / "page")
    assert kube("create", "deployment", "api", "--image=nginx:1.27").code == 0
    wait_for(lambda: len(pods_of(kube)) == 3, "three pods (web ×2, api)")
    pods = pods_of(kube)
    default = Kube(tmp_path / "default", tmp_path / "default" / "kubeconfig")
    default.home.mkdir()
    default.kubeconfig.write_bytes(server.default_kubeconfig.read_bytes())  # the old one
    assert default("create", "configmap", "kept", "--from-literal=a=b").code == 0
    before = page.pause()
    page.client.disconnect()

    server.stop(signal.SIGTERM)
    server.start()

    again = tab(server, page.session)
    assert again.session == page.session
    wait_for(lambda: len(again.events) >= len(before) and again.events, "the history")
    after = again.pause()
    assert len(after) == len(before)
    assert after == before  # every event, byte for byte as JSON
    assert pods_of(kube) == pods  # the old kubeconfig, the same pods
    run = default("get", "configmap", "kept", "-o", "jsonpath={.data.a}")
    assert (run.code, run.stdout) == (0, "b"), run.stderr

    # A change over HTTP, written as it happens; then the server is killed outright.
    written = inputs_kept(server, page.session)
    assert kube("create", "configmap", "after-restart", "--from-literal=x=y").code == 0
    wait_for(lambda: inputs_kept(server, page.session) > written, "the input written")
    again.client.disconnect()
    server.stop(signal.SIGKILL)
    server.start()
    run = kube("get", "configmap", "after-restart", "-o", "jsonpath={.data.x}")
    assert (run.code, run.stdout) == (0, "y"), run.stderr
    assert pods_of(kube) == pods
    assert "Traceback" not in server.log()
