"""Share and keep, in the real page: a cluster exported with the Export button is imported in
another browser (a new context: its own session) and shows the same pods and the same history
(docs/export.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import (
    DEPLOYMENT,
    apply,
    caught_up,
    pods,
    press,
    running,
    set_speed_100,
    type_manifest,
    wait_for_pods,
)


def kubectl(page: Any, line: str) -> None:
    page.click("#tab-btn-kubectl")
    page.fill("#terminal .term-input", line)
    page.press("#terminal .term-input", "Enter")


def pause(page: Any) -> None:
    press(page, " ")
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "false")


def events(page: Any) -> int:
    return int(page.evaluate("podlife.timeline.events.length"))


def test_export_then_import_in_another_browser_shows_the_same_cluster(
    page: Any, browser: Any, server: str, console: Console, tmp_path: Path
) -> None:
    set_speed_100(page)
    type_manifest(page, DEPLOYMENT)
    assert "deployment.apps/web created" in apply(page)
    first = wait_for_pods(page, lambda p: len(running(p)) == 3, "3 running pods")
    victim = first[0]["key"].rsplit("/", 1)[-1]
    kubectl(page, f"delete pod {victim}")
    wait_for_pods(
        page,
        lambda p: len(running(p)) == 3 and all(victim not in pod["key"] for pod in p),
        "a new pod in place of the deleted one",
    )
    pause(page)

    with page.expect_download() as info:
        page.click("#export")
    download = info.value
    assert download.suggested_filename.startswith("podlife-0-")
    assert download.suggested_filename.endswith(".json")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    content = json.loads(saved.read_text())
    page.wait_for_function(f"podlife.timeline.events.length === {content['events']}")
    page.click("#to-live")  # the picture at the last event, as the import draws it
    caught_up(page)
    assert any(victim in " ".join(i["op"].get("argv", [])) for i in content["inputs"])
    expect(page.locator("#toasts")).to_contain_text(f"to {download.suggested_filename}")
    before = sorted(pods(page), key=lambda pod: pod["key"])

    # Another browser: a fresh context, so a fresh session with a cluster of its own.
    context = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
    try:
        other = context.new_page()
        other.on("pageerror", console.on_error)
        other.goto(server)
        other.wait_for_function("window.podlife && window.podlife.app.session")
        assert other.evaluate("podlife.app.session") != page.evaluate("podlife.app.session")
        pause(other)  # the imported cluster stays where it was exported, to compare
        other.set_input_files("#import-file", str(saved))
        toast = f"Loaded {saved.name}: a cluster with {content['events']:,} events, seed 0"
        expect(other.locator("#toasts")).to_contain_text(toast)
        other.wait_for_function(f"podlife.timeline.events.length === {content['events']}")
        caught_up(other)
        # drawn from the values the page reads from etcd as the history asks for them
        wait_for_pods(other, lambda p: sorted(p, key=lambda pod: pod["key"]) == before, "the pods")
        assert len(running(before)) == 3
        assert events(other) == events(page)
        shot(other, "export-imported")

        # A file that is not a cluster file is refused, and the cluster stays.
        wrong = tmp_path / "notes.json"
        wrong.write_text('{"hello": 1}')
        other.set_input_files("#import-file", str(wrong))
        expect(other.locator("#toasts")).to_contain_text(
            "notes.json was not loaded: import: this is not a Podlife cluster file"
        )
        assert sorted(pods(other), key=lambda pod: pod["key"]) == before
        shot(other, "export-refused")

        # Keyboard: Tab reaches Export, then the file picker inside Import's label.
        other.focus("#export")
        other.keyboard.press("Tab")
        assert other.evaluate("document.activeElement.id") == "import-file"
        expect(other.locator(".toast")).to_have_count(0, timeout=10_000)
        shot(other, "export-controls")
        other.set_viewport_size({"width": 1920, "height": 1080})
        other.click("#presenter")
        other.locator("#controls").scroll_into_view_if_needed()
        shot(other, "export-controls-presenter")
    finally:
        context.close()
    assert not console.errors, console.errors
