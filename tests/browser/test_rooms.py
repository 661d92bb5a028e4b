"""Classroom rooms, end to end: a presenter and two followers, each a browser context of its
own (its own sessionStorage, its own Socket.IO connection) in one Chromium, on a real server.

The presenter presses Present; the join screen's QR code decodes to the join URL; a follower
opens that URL, another types the code late; both follow the presenter's steps, story mode and
pointer within a second; their attempts to drive are refused, saying why, and the server logs
it; one forks to a sandbox of its own and applies there while the room stays as it was."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import serving, shot
from tests.browser.pagekit import (
    DEPLOYMENT,
    POD,
    apply,
    caught_up,
    pods,
    press,
    running,
    type_manifest,
    wait_for_pods,
)

FOLLOW_WITHIN = 1.0  # seconds: a follower shows the presenter's step within this
SHOWN_SEQ = """() => { const p = podlife.player;
    const i = p.anim ? p.anim.index : p.cursor - 1;
    return i >= 0 ? p.events[i].seq : 0; }"""


@pytest.fixture(scope="module")
def classroom_server(
    chromium_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """A server of this module's own, so that the test can read what it logs."""
    log = tmp_path_factory.mktemp("rooms") / "server.log"
    with serving(log) as url:
        yield url, log


class Tabs:
    """Browser contexts, each a person at a screen; closed at the end."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.contexts: list[Any] = []
        self.errors: list[str] = []

    def open(self, url: str, width: int = 1440, height: int = 900) -> Any:
        # bypass_csp for wait_for_function (see conftest.page); test_csp.py covers the policy
        context = self.browser.new_context(
            viewport={"width": width, "height": height}, bypass_csp=True
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.goto(url)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def tabs(browser: Any) -> Iterator[Tabs]:
    opened = Tabs(browser)
    yield opened
    opened.close()


def shown_seq(page: Any) -> int:
    return int(page.evaluate(SHOWN_SEQ))


def follows(follower: Any, presenter: Any, what: str, within: float = FOLLOW_WITHIN) -> float:
    """Wait until the follower shows the event (and story mode) the presenter shows; the seconds
    it took (at most `within`). Both are read again each time, as the presenter's picture may
    move on."""
    presenter.wait_for_function("!podlife.player.anim")
    started = time.monotonic()
    while True:
        wanted = presenter.evaluate(f"[({SHOWN_SEQ})(), podlife.player.story]")
        shown = follower.evaluate(f"[({SHOWN_SEQ})(), podlife.player.story]")
        took = time.monotonic() - started
        if shown == wanted:
            return took
        assert took <= within, f"{what}: the presenter shows {wanted}, the follower {shown}"
        time.sleep(0.03)


def pod_keys(page: Any) -> list[str]:
    """The Running pods on the page's stage."""
    return sorted(tile["key"] for tile in running(pods(page)))


def wait_running(page: Any, count: int) -> None:
    page.wait_for_function(
        "([n]) => document.querySelectorAll('#stage .pod[data-status=Running]').length === n",
        arg=[count],
    )


def wait_text(page: Any, selector: str, text: str) -> None:
    page.wait_for_function(
        "([sel, text]) => (document.querySelector(sel)?.textContent || '').includes(text)",
        arg=[selector, text],
    )


def decode_qr(page: Any) -> str:
    import zxingcpp
    from PIL import Image

    png = page.locator("#join-qr").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found, "no QR code found in the join screen's image"
    return str(found[0].text)


def test_a_class_follows_the_presenter_and_a_fork_leaves_the_room_alone(
    classroom_server: tuple[str, Path], tabs: Tabs
) -> None:
    url, log = classroom_server
    teacher = tabs.open(url, 1920, 1080)
    teacher.wait_for_function("window.podlife && podlife.app.session")

    # Present: presenter mode, and the join screen for the projector
    teacher.click("#present")
    teacher.wait_for_selector("#join-screen:not([hidden])")
    assert teacher.evaluate("document.body.classList.contains('presenter')")
    code = teacher.inner_text("#join-code").strip()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{3}-[A-HJ-NP-Z2-9]{3}", code), code
    href = teacher.get_attribute("#join-link", "href")
    assert href == f"{url}/join/{code.replace('-', '')}"
    assert teacher.inner_text("#join-link").strip() == href  # a link, and the URL as text
    assert teacher.get_attribute("#join-qr", "alt") == f"QR code: {href}"
    assert decode_qr(teacher) == href
    assert teacher.inner_text("#join-count").strip() == "0 following"
    shot(teacher, "rooms-join-screen-presenter-1920")
    secret = teacher.evaluate("JSON.parse(sessionStorage.getItem('podlife.room')).secret")

    # a student scans the QR code: the join URL opens the page, which follows
    ann = tabs.open(href)
    ann.wait_for_selector("#follow-banner:not([hidden])")
    assert f"Following {code}" in ann.inner_text("#follow-banner")
    assert ann.get_attribute("#follow-banner", "aria-live") == "polite"
    teacher.wait_for_function("document.querySelector('#join-count').textContent === '1 following'")
    # The join screen is modal: the page's shortcuts wait, and Tab stays on it
    speed = teacher.evaluate("podlife.player.speed")
    press(teacher, "+")
    assert teacher.evaluate("podlife.player.speed") == speed
    teacher.focus("#join-hide")
    for _ in range(4):
        teacher.keyboard.press("Tab")
        assert teacher.evaluate(
            "document.getElementById('join-screen').contains(document.activeElement)"
        )
    teacher.click("#join-hide")
    assert teacher.is_hidden("#join-screen")
    assert "1 following" in teacher.inner_text("#room-badge")

    # the teacher applies a Deployment; the student's stage shows the same pods
    press(teacher, "+", 9)  # 100×: the pace is not the point here
    teacher.click("#tools-toggle")  # in presenter mode the editor is a drawer
    type_manifest(teacher, DEPLOYMENT)
    apply(teacher)
    teacher.click("#tools-toggle")
    wait_for_pods(
        teacher, lambda tiles: len(running(tiles)) == 3, "3 Running on the teacher's page"
    )
    caught_up(teacher)
    press(teacher, " ")  # pause: the picture holds still while the class looks
    teacher.wait_for_function("!podlife.player.playing")
    wait_running(ann, 3)
    assert pod_keys(ann) == pod_keys(teacher)
    follows(ann, teacher, "the end of the rollout")

    # the teacher steps back through the story, and forward: the student's cursor goes along
    press(teacher, "ArrowLeft", 3)
    follows(ann, teacher, "three story steps back")
    press(teacher, "ArrowRight")
    teacher.wait_for_function("!podlife.player.playing && !podlife.player.anim")
    follows(ann, teacher, "a story step forward")
    press(teacher, "s")  # every message
    follows(ann, teacher, "story mode off")
    assert ann.evaluate("podlife.player.story") is False
    assert ann.get_attribute("#story-mode", "aria-pressed") == "false"
    press(teacher, "ArrowRight", 2)
    follows(ann, teacher, "two messages forward")

    # the student tries to drive: the page says why, the controls say why, the server refuses
    refusal = (
        f"only the presenter drives this room ({code}); "
        'press "Fork to my sandbox" to experiment on a copy'
    )
    press(ann, " ")
    wait_text(ann, "#toasts", f"nly the presenter drives this room ({code})")
    assert ann.is_disabled("#apply") and ann.is_disabled("#play") and ann.is_disabled("#scrubber")
    assert refusal.lower() in (ann.get_attribute("#apply", "title") or "").lower()
    reply = ann.evaluate("(yaml) => podlife.conn.request('apply', {yaml})", POD)
    assert reply == {"ok": False, "error": refusal}
    assert pod_keys(teacher) == pod_keys(ann)  # nothing applied
    logged = log.read_text()
    assert re.search(rf"follower of room {code}.*refused", logged), logged[-2000:]
    assert secret not in logged

    # a late joiner types the code (any case, no dash) and is at once where the class is
    ben = tabs.open(url)
    ben.wait_for_function("window.podlife && podlife.app.session")
    ben.click("#join-button")
    assert ben.evaluate("document.activeElement.id") == "join-code-input"
    ben.keyboard.press("Shift+Tab")  # a modal dialog: the focus stays inside
    assert ben.evaluate("document.activeElement.textContent") == "Follow"
    ben.fill("#join-code-input", "abc-de0")  # 0 is no letter of a code
    ben.press("#join-code-input", "Enter")
    wait_text(ben, "#join-error", "A class code has no 0")
    unknown = "K7MP2Q" if code != "K7M-P2Q" else "K7MP2R"
    ben.fill("#join-code-input", unknown)
    ben.press("#join-code-input", "Enter")
    wait_text(ben, "#join-error", "no class is using the code")
    ben.fill("#join-code-input", code.lower().replace("-", " "))
    started = time.monotonic()
    ben.press("#join-code-input", "Enter")
    ben.wait_for_selector("#follow-banner:not([hidden])")
    ben.wait_for_function(f"({SHOWN_SEQ})() === {shown_seq(teacher)}")
    wait_running(ben, len(pod_keys(teacher)))  # once the pods' objects are read
    assert time.monotonic() - started <= 3, "the late joiner did not catch up at once"
    assert pod_keys(ben) == pod_keys(teacher)
    wait_text(teacher, "#room-badge", "2 following")

    # the teacher's pointer over the stage, drawn on the students' stages
    box = teacher.locator("#stage").bounding_box()
    teacher.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.2)
    teacher.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.4, steps=8)
    # the same point of the picture, the trailing `view` included: fractions of the viewBox
    pointed = teacher.evaluate(
        """([x, y]) => { const svg = document.querySelector('#stage'), b = svg.viewBox.baseVal;
            const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM().inverse());
            return [p.x / b.width, p.y / b.height]; }""",
        [box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.4],
    )
    ben.wait_for_function(
        """([x, y]) => { const ring = document.querySelector('.room-pointer');
            const b = document.querySelector('#stage').viewBox.baseVal;
            const m = /translate\\(([-\\d.]+) ([-\\d.]+)\\)/.exec(ring.getAttribute('transform'));
            const near = (a, b) => Math.abs(a - b) < 0.005;
            return ring.getAttribute('visibility') === 'visible' && m
                && near(m[1] / b.width, x) && near(m[2] / b.height, y); }""",
        arg=pointed,
        timeout=FOLLOW_WITHIN * 1000,
    )
    shot(ben, "rooms-follower-pointer-1440")

    # the teacher inspects a pod: the students' inspectors show it, its actions off for them
    pod = pod_keys(teacher)[0]
    teacher.click(f"#stage .pod[data-key='{pod}']")
    ben.wait_for_function(
        "([name]) => podlife.app.selected?.name === name", arg=[pod.split("/")[1]]
    )
    ben.click("#tab-btn-inspector")
    delete = ben.locator("#inspector button.action", has_text="Delete").first
    delete.wait_for()
    assert delete.is_disabled() and "nly the presenter drives" in delete.get_attribute("title")
    teacher.click("#tools-toggle")  # the drawer closed again

    # Leave: Ben's own cluster again; ?join=CODE follows again
    ben.click("#unfollow")
    ben.wait_for_selector("#follow-banner", state="hidden")
    ben.wait_for_function("!document.querySelector('#apply').disabled && podlife.app.session")
    wait_running(ben, 0)  # his own cluster, where nothing was applied
    wait_text(teacher, "#room-badge", "1 following")
    ben.goto(f"{url}/?join={code}")
    ben.wait_for_selector("#follow-banner:not([hidden])")
    wait_text(teacher, "#room-badge", "2 following")

    # a follower reloading follows again
    ben.reload()
    ben.wait_for_selector("#follow-banner:not([hidden])")
    ben.wait_for_function(f"({SHOWN_SEQ})() === {shown_seq(teacher)}")

    # Ann forks to her sandbox, applies a Pod there; the room and Ben see nothing of it
    teacher.click("#to-live")
    follows(ann, teacher, "back to the live edge")
    wait_running(ann, 3)
    teacher_pods = pod_keys(teacher)
    ann.click("#fork-room")
    ann.wait_for_selector("#follow-banner", state="hidden")
    ann.wait_for_function("!document.querySelector('#apply').disabled && podlife.app.session")
    wait_running(ann, 3)
    assert pod_keys(ann) == teacher_pods
    wait_text(teacher, "#room-badge", "1 following")
    type_manifest(ann, POD)
    apply(ann)
    wait_for_pods(
        ann,
        lambda tiles: any(t["key"] == "default/solo" for t in running(tiles)),
        "solo Running in Ann's sandbox",
    )
    assert pod_keys(teacher) == teacher_pods
    assert pod_keys(ben) == teacher_pods

    # the teacher reloads: the same room (its secret was kept), the class still follows
    teacher.reload()
    wait_text(teacher, "#room-badge", f"{code} 1 following")
    assert teacher.is_hidden("#join-screen")
    # A reloaded page first draws its history, then tells the class where it is again: a
    # reconnection, not a step, so not held to the step's second.
    follows(ben, teacher, "the class after the teacher's reload", within=5)
    press(teacher, "ArrowLeft")
    follows(ben, teacher, "a step back after the teacher's reload")

    # the teacher stops presenting: Ben keeps what he has, and may start his own cluster
    teacher.click("#room-badge")
    teacher.click("#present-stop")
    wait_text(ben, "#follow-banner", "has ended")
    assert ben.is_visible("#own-cluster") and ben.is_hidden("#fork-room")
    assert pod_keys(ben) == teacher_pods
    ben.click("#own-cluster")
    ben.wait_for_selector("#follow-banner", state="hidden")
    ben.wait_for_function("!document.querySelector('#apply').disabled && podlife.app.session")
    assert tabs.errors == []
