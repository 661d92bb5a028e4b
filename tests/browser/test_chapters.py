"""Finding one's way through the story: chapter marks on the timeline and [ ] to jump between
them; kubectl's output waiting for the stage; the lesson picker's "Start here" and "Continue"."""

from __future__ import annotations

import json
from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import (
    POD,
    apply,
    caught_up,
    press,
    set_speed_100,
    stage_seq,
    type_manifest,
    wait_for_pods,
)

OTHER = POD.replace("solo", "other")


def marks(page: Any) -> list[dict[str, str]]:
    return list(
        page.evaluate(
            """[...document.querySelectorAll('#chapter-marks .chapter-mark')].map(m => ({
                label: m.getAttribute('aria-label'), seq: m.dataset.seq,
                current: m.classList.contains('current')}))"""
        )
    )


def two_pods_applied(page: Any) -> list[dict[str, str]]:
    set_speed_100(page)
    for manifest, name in ((POD, "solo"), (OTHER, "other")):
        type_manifest(page, manifest)
        assert f"pod/{name} created" in apply(page)
        wait_for_pods(
            page, lambda tiles, n=name: any(t["key"] == f"default/{n}" for t in tiles), name
        )
    caught_up(page)
    page.wait_for_function("document.querySelectorAll('#chapter-marks .chapter-mark').length === 2")
    return marks(page)


def test_two_applies_make_two_chapter_marks(page: Any, console: Console) -> None:
    found = two_pods_applied(page)
    assert [m["label"] for m in found] == [
        "Chapter 1: kubectl asks the API server to create pod default/solo",
        "Chapter 2: kubectl asks the API server to create pod default/other",
    ]
    assert [m["current"] for m in found] == [False, True]  # the stage is in the second
    page.wait_for_function(
        "document.querySelector('#chapter-position').textContent === 'chapter 2 of 2'"
    )
    # a mark stands where its chapter begins on the strip: the second one further right
    lefts = page.evaluate(
        "[...document.querySelectorAll('.chapter-mark')].map(m => m.getBoundingClientRect().left)"
    )
    assert lefts[0] < lefts[1]
    page.hover("#chapter-marks .chapter-mark >> nth=1")
    shot(page, "chapters-marks")

    page.click("#chapter-marks .chapter-mark >> nth=0")  # a mark is a jump
    page.wait_for_function(f"document.querySelector('#stage').dataset.seq === '{found[0]['seq']}'")
    assert page.inner_text("#step-tag").strip() == "Step 1 of 5"
    assert "viewing the past" in page.inner_text("#live")
    assert console.errors == []


def test_failing_a_node_begins_a_chapter(page: Any, console: Console) -> None:
    set_speed_100(page)
    type_manifest(page, POD)
    apply(page)
    (tile,) = wait_for_pods(page, lambda tiles: len(tiles) == 1 and tiles[0]["node"], "solo")
    node = tile["node"]
    page.click(f"#stage .node[data-key='{node}'] .node-name")
    page.click("#tab-inspector button.action:has-text('Fail node')")
    page.wait_for_function("document.querySelectorAll('#chapter-marks .chapter-mark').length === 2")
    label = marks(page)[1]["label"]
    assert label.startswith(f"Chapter 2: Node {node} fails: its kubelet stops"), label
    caught_up(page)
    page.click("#to-start")
    # Drawn at the start (the page draws on its next frame, late on a loaded machine: until
    # then the text and the stage are the end's, which is in chapter 2 too).
    page.wait_for_function(
        "document.querySelector('#chapter-position').textContent === '2 chapters'"
    )
    press(page, "]", 2)  # on to where the node failed: the story says so
    page.wait_for_function(
        """document.querySelector('#chapter-position').textContent === 'chapter 2 of 2'
           && document.querySelector('#stage').dataset.seq ===
              document.querySelectorAll('#chapter-marks .chapter-mark')[1].dataset.seq"""
    )
    assert stage_seq(page) == int(marks(page)[1]["seq"])
    assert f"Node {node} fails" in page.inner_text("#caption")
    assert console.errors == []


def test_next_chapter_from_the_start_lands_on_each_chapters_first_step(
    page: Any, console: Console
) -> None:
    found = two_pods_applied(page)
    page.click("#to-start")
    page.wait_for_function("podlife.player.cursor === 0")
    page.wait_for_function(  # drawn at the next frame
        "document.querySelector('#chapter-position').textContent === '2 chapters'"
    )

    press(page, "]")  # from the very start: the first chapter's step 1
    page.wait_for_function(f"document.querySelector('#stage').dataset.seq === '{found[0]['seq']}'")
    page.click("#chapter-next")  # the button does what ] does
    page.wait_for_function(f"document.querySelector('#stage').dataset.seq === '{found[1]['seq']}'")
    assert page.evaluate("podlife.player.playing") is False  # it stops there
    assert page.inner_text("#step-tag").strip() == "Step 1 of 5"
    assert "create pod default/other" in page.inner_text("#caption") + page.inner_text(
        "#step-headline"
    )
    page.wait_for_function(
        "document.querySelector('#chapter-position').textContent === 'chapter 2 of 2'"
    )
    shot(page, "chapters-next")

    press(page, "]")  # no chapter after the last: it says so, and stays
    page.wait_for_selector("#toasts .toast")
    assert stage_seq(page) == int(found[1]["seq"])
    press(page, "[")
    page.wait_for_function(f"document.querySelector('#stage').dataset.seq === '{found[0]['seq']}'")
    page.click("#chapter-prev")
    page.wait_for_function("podlife.player.cursor === 0")
    assert console.errors == []


def test_apply_output_waits_for_the_stage(page: Any, console: Console) -> None:
    # Playing at 1×: the output is held until the stage shows the API server's 201.
    type_manifest(page, POD)
    page.click("#apply")
    page.wait_for_selector("#apply-output .output-held", state="attached")
    assert "created" not in page.inner_text("#apply-output")
    assert "on its way across the stage" in page.inner_text("#apply-output")
    page.wait_for_function("!document.querySelector('#apply-output .output-held')", timeout=30_000)
    assert "pod/solo created" in page.inner_text("#apply-output")
    answer = page.evaluate(
        "podlife.timeline.events.find(e => e.kind === 'response' && e.data.code === 201).seq"
    )
    assert page.evaluate("podlife.player.cursor") >= page.evaluate(
        f"podlife.timeline.indexOfSeq({answer}) + 1"
    ), "shown before the stage reached the answer"
    assert not page.query_selector("#apply-output .output-note")
    assert console.errors == []


def test_apply_output_is_marked_ahead_while_paused_until_the_stage_gets_there(
    page: Any, console: Console
) -> None:
    press(page, " ")
    page.wait_for_function("!podlife.player.playing")
    type_manifest(page, POD)
    output = apply(page)  # paused: shown at once, marked
    assert "pod/solo created" in output
    assert "ahead of the stage — the stage shows this answer at step 2 of 5" in output
    assert page.query_selector("#apply-output .output-ahead")
    # the kubectl prompt's output is held the same way
    page.click("#tab-btn-kubectl")
    page.fill("#terminal .term-input", "get pod solo")
    page.press("#terminal .term-input", "Enter")
    page.wait_for_selector("#terminal .output-ahead")
    assert "ahead of the stage" in page.inner_text("#terminal .term-log")
    page.click("#tab-btn-manifest")
    shot(page, "chapters-output-ahead")

    press(page, "ArrowRight")  # step 1 of 5: kubectl's request; the answer comes after step 2
    page.wait_for_function(
        "document.querySelector('#step-tag').textContent.trim() === 'Step 1 of 5'"
    )
    page.wait_for_function("!podlife.player.playing")  # the step is over (Space would pause it)
    assert page.query_selector("#apply-output .output-ahead")
    set_speed_100(page)
    press(page, " ")  # play: the stage catches up, the marks go
    page.wait_for_function("podlife.player.playing")
    page.wait_for_function(
        "!document.querySelector('#apply-output .output-ahead, #terminal .output-ahead')",
        timeout=30_000,
    )
    assert not page.query_selector("#apply-output .output-note")
    assert "pod/solo created" in page.inner_text("#apply-output")
    assert console.errors == []


def test_kubectls_own_errors_show_at_once(page: Any, console: Console) -> None:
    press(page, " ")
    page.wait_for_function("!podlife.player.playing")
    type_manifest(page, "kind: [\n")
    output = apply(page)
    assert "error" in output and "ahead of the stage" not in output
    assert not page.query_selector("#apply-output .output-note")
    assert console.errors == []


def lesson_picker(page: Any) -> list[dict[str, Any]]:
    return list(
        page.evaluate(
            """[...document.querySelector('#scenario').children].map(el => el.tagName === 'OPTGROUP'
                ? {group: el.label, options: [...el.children].map(o => o.textContent)}
                : {option: el.textContent, value: el.value})"""
        )
    )


def test_the_picker_starts_here_and_offers_to_continue(page: Any, console: Console) -> None:
    picker = lesson_picker(page)
    assert picker[0] == {"option": "— free play —", "value": ""}
    assert picker[1] == {
        "group": "Start here",
        "options": ["Your first Pod", "A Deployment and its ReplicaSet", "Pod vs Deployment"],
    }
    assert picker[2]["group"] == "More lessons" and len(picker[2]["options"]) >= 10
    assert "Your first Pod" not in picker[2]["options"]

    # The learner got to part 3 of "Pod vs Deployment" and comes back another day.
    progress = {"current": {"name": "02-pod-vs-deployment", "part": 3, "of": 6}, "done": []}
    page.evaluate(f"localStorage.setItem('podlife.lessons', {json.dumps(json.dumps(progress))})")
    page.reload()
    page.wait_for_function("window.podlife && window.podlife.app.session")
    picker = lesson_picker(page)
    assert picker[1] == {
        "option": "Continue: Pod vs Deployment (part 3 of 6)",
        "value": "continue:02-pod-vs-deployment",
    }
    assert picker[2]["group"] == "Start here"
    page.select_option("#scenario", "continue:02-pod-vs-deployment")
    # a fresh cluster, the lesson replayed fast up to part 3, where it waits for Continue
    page.wait_for_selector("#continue:not([hidden])", timeout=90_000)
    assert page.inner_text("#lesson-progress") == "part 3 of 6"
    assert "Self-healing" in page.inner_text("#lesson-say")
    page.wait_for_function(  # back to the learner's pace (drawn at the next frame)
        "document.querySelector('#speed-value').textContent === '1×'"
    )
    assert page.evaluate("document.querySelector('#scenario').value") == "02-pod-vs-deployment"
    # the lesson's parts begin chapters (its narration, traced by the server), as its writes do
    page.wait_for_function(
        "[...document.querySelectorAll('.chapter-mark')].some(m => m.ariaLabel.includes("
        "'Self-healing. Delete solo'))"
    )
    labels = [m["label"] for m in marks(page)]
    assert labels[0].startswith("Chapter 1: After your first Pod and your first Deployment: the")
    page.wait_for_function(
        "document.querySelector('#caption').textContent.includes('The lesson says this above')"
    )
    shot(page, "chapters-lesson-resumed")
    assert console.errors == []


def test_screens_at_1440_and_in_presenter_mode(page: Any, console: Console) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    two_pods_applied(page)
    press(page, " ")
    page.wait_for_function("!podlife.player.playing")
    page.click("#to-start")
    press(page, "]")
    press(page, "]")
    type_manifest(page, POD.replace("solo", "third"))
    apply(page)  # in the past: a fork, its output ahead of the paused stage
    shot(page, "chapters-1440")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("#presenter")
    page.wait_for_function("document.body.classList.contains('presenter')")
    page.hover("#chapter-marks .chapter-mark >> nth=0")
    shot(page, "chapters-presenter-1920")
    assert console.errors == []
