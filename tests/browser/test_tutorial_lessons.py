"""The official tutorials as lessons on the page (scenarios/30-kubernetes-basics.yaml,
31-stateless-application.yaml): in the picker, resumed at a part, the stage showing what that
part is about."""

from __future__ import annotations

import json
from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import pods, wait_for_pods


def resume(page: Any, name: str, part: int, of: int) -> None:
    """As a learner who got to `part` of the lesson and comes back: the lesson replays fast on
    a fresh cluster up to that part, then waits for Continue."""
    progress = {"current": {"name": name, "part": part, "of": of}, "done": []}
    page.evaluate(f"localStorage.setItem('podlife.lessons', {json.dumps(json.dumps(progress))})")
    page.reload()
    page.wait_for_function("window.podlife && window.podlife.app.session")
    page.select_option("#scenario", f"continue:{name}")
    page.wait_for_selector("#continue:not([hidden])", timeout=120_000)
    assert page.inner_text("#lesson-progress") == f"part {part} of {of}"


def test_the_kubernetes_basics_lesson_shows_the_failed_update(page: Any, console: Console) -> None:
    titles = page.evaluate("[...document.querySelectorAll('#scenario option')].map(o => o.text)")
    assert "Kubernetes Basics" in titles
    assert "Run a stateless application using a Deployment" in titles
    page.set_viewport_size({"width": 1440, "height": 900})
    # Part 16: after `set image ...:v10`, the pod whose image does not exist.
    resume(page, "30-kubernetes-basics", 16, 18)
    assert "field selector" in page.inner_text("#lesson-say")
    tiles = wait_for_pods(
        page,
        lambda seen: (
            sum(p["status"] == "Running" for p in seen) == 2
            and any(p["status"] in ("ImagePullBackOff", "ErrImagePull") for p in seen)
        ),
        "two v2 pods running and the v10 one failing to pull",
    )
    assert len(tiles) == 3
    shot(page, "tutorial-basics-1440")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("#presenter")
    page.wait_for_function("document.body.classList.contains('presenter')")
    shot(page, "tutorial-basics-presenter-1920")
    assert console.errors == []


def test_the_stateless_application_lesson_scales_to_four(page: Any, console: Console) -> None:
    # Part 5: deployment-scale.yaml applied, four nginx:1.16.1 pods.
    resume(page, "31-stateless-application", 5, 5)
    assert "Delete the Deployment" in page.inner_text("#lesson-say")
    wait_for_pods(
        page,
        lambda seen: len(seen) == 4 and all(p["status"] == "Running" for p in seen),
        "four running pods",
    )
    assert all(p["key"].startswith("default/nginx-deployment-") for p in pods(page))
    shot(page, "tutorial-stateless-1440")
    assert console.errors == []


def test_an_address_opens_a_lesson_at_a_part_and_links_back_to_it(
    page: Any, server: str, console: Console
) -> None:
    # /?lesson=NAME&part=N (static/src/lessonlink.js): a teacher's slide, a learner's bookmark.
    page.goto(f"{server}/?lesson=31-stateless-application&part=3")
    page.wait_for_selector("#continue:not([hidden])", timeout=120_000)
    assert page.inner_text("#lesson-progress") == "part 3 of 5"
    assert page.evaluate("location.search") == ""  # a reload keeps the cluster
    page.click("#lesson-link")
    toast = page.wait_for_selector(".toast:has-text('part 3 of this lesson')")
    assert f"{server}/?lesson=31-stateless-application&part=3" in toast.inner_text()
    # A part past the lesson's last is its last; an unknown lesson is said so.
    page.goto(f"{server}/?lesson=31-stateless-application&part=99")
    page.wait_for_selector("#continue:not([hidden])", timeout=120_000)
    assert page.inner_text("#lesson-progress") == "part 5 of 5"
    page.goto(f"{server}/?lesson=no-such-lesson")
    page.wait_for_selector(".toast:has-text('There is no lesson named \"no-such-lesson\"')")
    assert console.errors == []
