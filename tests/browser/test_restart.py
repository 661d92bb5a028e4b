"""A server restart in front of a learner (docs/persistence.md): the page reconnects by itself,
says `hello` with its session id, and finds its cluster again — the same pods, Running — not a
new empty one. The server here is the test's own (`app.py --data-dir`), stopped with SIGTERM
and started again on the same folder and ports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ROOT, _free_port, _wait_until_up, shot
from tests.browser.pagekit import (
    DEPLOYMENT,
    apply,
    caught_up,
    pods,
    running,
    set_speed_100,
    type_manifest,
    wait_for_pods,
)


class Server:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port, self.api_port = _free_port(), _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.tmp / "server.log"
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "app.py",
                    *("--port", str(self.port), "--api-port", str(self.api_port)),
                    *("--data-dir", str(self.tmp / "data")),
                ],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        _wait_until_up(self.url, self.process, log)

    def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=20) == 0
        self.process = None


@pytest.fixture
def own_server(chromium_path: Path, tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path)
    server.start()
    yield server
    if server.process is not None:
        server.process.kill()
        server.process.wait()


def test_the_page_finds_its_cluster_again_after_a_restart(browser: Any, own_server: Server) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(own_server.url)
        page.wait_for_function("window.podlife && window.podlife.app.session")
        session = page.evaluate("podlife.app.session")
        set_speed_100(page)
        type_manifest(page, DEPLOYMENT)
        assert "deployment.apps/web created" in apply(page)
        wait_for_pods(page, lambda tiles: len(running(tiles)) == 3, "three pods Running")
        caught_up(page)
        before = sorted(tile["key"] for tile in pods(page))
        shot(page, "restart-before")

        own_server.stop()
        page.wait_for_function("!podlife.app.connected")
        own_server.start()
        page.wait_for_function("podlife.app.connected", timeout=30_000)
        after = wait_for_pods(
            page,
            lambda tiles: sorted(t["key"] for t in tiles) == before and len(running(tiles)) == 3,
            "the same three pods, Running, after the restart",
        )
        assert page.evaluate("podlife.app.session") == session  # not a new cluster
        assert page.evaluate("sessionStorage.length") >= 1
        assert len(after) == 3
        caught_up(page)
        shot(page, "restart-after")
    finally:
        context.close()
