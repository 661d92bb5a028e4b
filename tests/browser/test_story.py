"""Story mode, the page's default: a Pod's five steps, milestone by milestone, at a beginner's
pace; → steps through the story; every message stays one click away."""

from __future__ import annotations

import re
import time
from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import POD, apply, pods, press, type_manifest, wait_for_pods


def running(page: Any) -> bool:
    return any(tile["status"] == "Running" for tile in pods(page))


def step_number(page: Any) -> int | None:
    """The seed step the narration shows ("Step 3 of 5"), if it shows one."""
    found = re.fullmatch(r"Step (\d) of 5", page.inner_text("#step-tag").strip())
    return int(found.group(1)) if found else None


def test_a_pod_is_running_within_forty_seconds_at_1x(page: Any, console: Console) -> None:
    assert page.evaluate("podlife.player.story") is True  # the default
    type_manifest(page, POD)
    started = time.monotonic()
    apply(page)
    wait_for_pods(page, lambda tiles: any(t["status"] == "Running" for t in tiles), "Running", 60)
    took = time.monotonic() - started
    shot(page, "story-pod-running")
    assert took <= 40, f"the pod showed Running {took:.1f} s after Apply"
    assert page.inner_text("#step-tag").strip() in ("Step 4 of 5", "Step 5 of 5")
    assert console.errors == []


def test_stepping_reaches_running_in_at_most_fifteen_steps(page: Any, console: Console) -> None:
    press(page, " ")  # pause: nothing moves but what the learner steps through
    page.wait_for_function("!podlife.player.playing")
    type_manifest(page, POD)
    apply(page)
    steps: list[int] = []
    caption = page.inner_text("#caption")
    for _ in range(15):
        press(page, "ArrowRight")
        # a step ends with the next milestone's headline on screen
        page.wait_for_function(
            "([before]) => document.querySelector('#caption').textContent !== before",
            arg=[caption],
            timeout=30_000,
        )
        caption = page.inner_text("#caption")
        number = step_number(page)
        assert number is not None, page.inner_text("#step-tag")
        steps.append(number)
        if running(page):
            break
    shot(page, "story-stepped-to-running")
    assert running(page), f"not Running after {len(steps)} steps: {steps}"
    assert steps == sorted(steps), f"the step numbers went back: {steps}"
    assert steps[0] == 1 and steps[-1] == 5
    # What a step summarises is one click away: unfolded, every message is listed; then they
    # are stepped through one at a time.
    page.click("#narration-detail details.behind summary")
    listed = page.locator("#narration-detail .behind-list li").count()
    behind = re.search(r"Behind this step: (\d+) message", page.inner_text("#narration-detail"))
    assert behind and listed == min(int(behind.group(1)), 60) > 0
    controls = page.locator("#step-forward").bounding_box()
    assert controls and controls["y"] + controls["height"] <= 900, "unfolding hid the controls"
    shot(page, "story-behind-unfolded")
    page.click("#narration-detail button.link:has-text('step through them one by one')")
    page.wait_for_function("!podlife.player.story && !podlife.player.playing")
    assert page.inner_text("#story-mode") == "Every message"
    cursor = page.evaluate("podlife.player.cursor")
    press(page, "ArrowRight")
    page.wait_for_function(f"podlife.player.cursor === {cursor + 1} && !podlife.player.anim")
    assert console.errors == []


def test_arrows_step_after_a_panel_tab_is_clicked(page: Any, console: Console) -> None:
    press(page, " ")
    page.wait_for_function("!podlife.player.playing")
    type_manifest(page, POD)
    apply(page)
    page.click("#panel-tabs [role=tab][data-tab='scheduling']")
    tab = "document.querySelector('#panel-tabs [role=tab][aria-selected=true]').dataset.tab"
    assert page.evaluate(tab) == "scheduling"
    caption = page.inner_text("#caption")
    page.keyboard.press("ArrowRight")  # the tab was clicked: the arrow steps the story
    page.wait_for_function(
        "([before]) => document.querySelector('#caption').textContent !== before",
        arg=[caption],
        timeout=30_000,
    )
    assert page.evaluate(tab) == "scheduling"
    # The focus ring is not the highlight's yellow.
    focus = page.evaluate("getComputedStyle(document.body).getPropertyValue('--focus').trim()")
    lit = page.evaluate("getComputedStyle(document.body).getPropertyValue('--lit').trim()")
    assert focus and lit and focus != lit
    assert console.errors == []


def test_apply_while_reconnecting_goes_through(page: Any, console: Console) -> None:
    """What is sent while the connection is down reaches the server before the page's hello
    on the new connection; it is sent again once the session is back, not refused."""
    type_manifest(page, POD)
    page.evaluate("podlife.conn.socket.disconnect()")
    page.click("#apply")  # buffered by Socket.IO while disconnected
    page.evaluate("podlife.conn.socket.connect()")
    wait_for_pods(page, lambda tiles: len(tiles) == 1, "the pod applied while reconnecting")
    assert "no session yet" not in page.inner_text("body")
    assert console.errors == []
