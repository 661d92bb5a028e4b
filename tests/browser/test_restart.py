"""A server restart in front of a learner (docs/persistence.md): the page reconnects by itself,
says `hello` with its session id, and finds its cluster again — the same pods, Running — not a
new empty one. A class too: the presenter's page keeps its room's code, and its followers'
pages follow it again by themselves. The server here is the test's own (`app.py --data-dir`),
stopped with SIGTERM and started again on the same folder and ports."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import shot
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
from tests.processkit import Server


@pytest.fixture
def own_server(chromium_path: Path, tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path)
    server.start()
    yield server
    if server.process is not None:
        server.stop(signal.SIGKILL)


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

        assert own_server.stop() == 0
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


def heard(page: Any, frames: list[str], pattern: str) -> None:
    """Wait until the page is sent a Socket.IO frame matching `pattern` (what the page shows
    before the restart is what it should show after: only the server's replies tell)."""
    for _ in range(400):
        if any(re.search(pattern, frame) for frame in frames):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"no frame matching {pattern} in {frames[-5:]}")


def test_a_class_follows_the_same_room_after_a_restart(browser: Any, own_server: Server) -> None:
    """One follower came by the join URL, one typed the code (its page remembers it in
    sessionStorage): after the restart both follow the same code again without a click, and the
    presenter's badge shows that code, counting them as they come back."""
    contexts = [
        browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
        for _ in range(3)
    ]
    teacher, ann, ben = (context.new_page() for context in contexts)
    frames: dict[Any, list[str]] = {teacher: [], ann: [], ben: []}
    try:
        for page in (teacher, ann, ben):
            page.set_default_timeout(20_000)
            page.on(
                "websocket",
                lambda ws, kept=frames[page]: ws.on(
                    "framereceived", lambda frame: kept.append(str(frame))
                ),
            )
        teacher.goto(own_server.url)
        teacher.wait_for_function("window.podlife && podlife.app.session")
        set_speed_100(teacher)
        type_manifest(teacher, DEPLOYMENT)
        apply(teacher)
        wait_for_pods(teacher, lambda tiles: len(running(tiles)) == 3, "three pods Running")
        teacher.click("#present")
        teacher.wait_for_selector("#join-screen:not([hidden])")
        code = teacher.inner_text("#join-code").strip()
        href = teacher.get_attribute("#join-link", "href")
        secret = teacher.evaluate("JSON.parse(sessionStorage.getItem('podlife.room')).secret")
        teacher.click("#join-hide")
        ann.goto(href)
        ben.goto(own_server.url)
        ben.wait_for_function("window.podlife && podlife.app.session")
        ben.click("#join-button")
        ben.fill("#join-code-input", code)
        ben.press("#join-code-input", "Enter")
        teacher.wait_for_function(
            "document.querySelector('#room-badge-count').textContent === '2 following'"
        )
        keys = sorted(tile["key"] for tile in running(pods(teacher)))
        for page in (ann, ben):
            page.wait_for_selector("#follow-banner:not([hidden])")
            wait_for_pods(page, lambda t: sorted(x["key"] for x in running(t)) == keys, "pods")

        assert own_server.stop() == 0
        for page in (teacher, ann, ben):
            page.wait_for_function("!podlife.app.connected")
            frames[page].clear()
        own_server.start()
        plain = re.escape(code.replace("-", ""))
        # The followers' pages follow the same code again (the reply to `follow`)...
        for page in (ann, ben):
            heard(page, frames[page], rf'"ok":\s*true,\s*"code":\s*"{plain}"')
        # ...and the teacher's `hello` is answered with its room: the same code, the same secret
        heard(teacher, frames[teacher], rf'"room":\s*\{{"code":\s*"{plain}"')
        teacher.wait_for_function(
            "document.querySelector('#room-badge-count').textContent === '2 following'"
        )
        assert teacher.inner_text("#room-badge-code").strip() == code
        assert teacher.is_hidden("#join-screen")  # a reconnection does not open it again
        room = teacher.evaluate("JSON.parse(sessionStorage.getItem('podlife.room'))")
        assert room == {"code": code.replace("-", ""), "secret": secret}
        wait_for_pods(teacher, lambda t: sorted(x["key"] for x in running(t)) == keys, "pods")
        shot(teacher, "rooms-restart-presenter")
        # The followers follow it again, the same code in their banner, the same pods
        for page in (ann, ben):
            page.wait_for_selector("#follow-banner:not([hidden])")
            assert f"Following {code}" in page.inner_text("#follow-banner")
            wait_for_pods(page, lambda t: sorted(x["key"] for x in running(t)) == keys, "pods")
        # ...and live: the teacher turns story mode off, then on; the class goes along
        for story in (False, True):
            teacher.click("#story-mode")
            teacher.wait_for_function(f"podlife.player.story === {str(story).lower()}")
            for page in (ann, ben):
                page.wait_for_function(f"podlife.player.story === {str(story).lower()}")
        caught_up(teacher)
        shot(teacher, "rooms-restart-presenter-after-story")
        shot(ben, "rooms-restart-follower")
    finally:
        for context in contexts:
            context.close()
