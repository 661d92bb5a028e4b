"""A StatefulSet on the page: the StatefulSet Basics tutorial's web.yaml, picked from the
examples and applied. The stage draws web-0 first, and web-1 only once web-0 is Running; the
story says why (the StatefulSet controller waits for each pod); the StatefulSet has its row in
WORKLOADS and its inspector; a deleted pod comes back with its name."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import apply, caught_up, running, set_speed_100, wait_for_pods
from tests.browser.test_tutorial_lessons import resume

# Every change to the stage's pod tiles, as "name:status" lists, from before the apply.
RECORD = """() => {
  window.__stsFrames = [];
  const frame = () => [...document.querySelectorAll('#stage .pod')]
    .map((el) => `${el.dataset.key.split('/')[1]}:${el.dataset.status}`).sort();
  new MutationObserver(() => {
    const now = frame().join(' ');
    const frames = window.__stsFrames;
    if (frames[frames.length - 1] !== now) frames.push(now);
  }).observe(document.querySelector('#stage'), {subtree: true, childList: true, attributes: true});
}"""


def test_the_statefulset_tutorial_draws_its_pods_in_order(page: Any, console: Console) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    set_speed_100(page)
    page.click("#tab-btn-manifest")
    page.select_option("#example", label="A StatefulSet (StatefulSet Basics tutorial)")
    page.wait_for_function(
        "document.querySelector('#editor .cm-content').innerText.includes('volumeClaimTemplates')"
    )
    page.evaluate(RECORD)
    output = apply(page)
    assert "statefulset.apps/web created" in output
    wait_for_pods(page, lambda tiles: len(running(tiles)) == 2, "web-0 and web-1 Running")
    caught_up(page)
    frames = [f.split() for f in page.evaluate("window.__stsFrames")]
    firsts = [
        next(i for i, f in enumerate(frames) if any(p.startswith(f"{n}:") for p in f))
        for n in ("web-0", "web-1")
    ]
    assert firsts[0] < firsts[1], frames
    # web-1 is drawn only once web-0 has been drawn Running.
    assert any("web-0:Running" in f for f in frames[: firsts[1] + 1]), frames
    told = page.evaluate(
        "podlife.timeline.events.filter((e) => e.kind === 'milestone'"
        " && e.source === 'controller-manager/statefulset-controller').map((e) => e.summary)"
    )
    assert told == [
        "The StatefulSet controller creates the claim www-web-0 for web-0, before the pod: it "
        "stays when the pod goes, and the pod gets it back",
        "The StatefulSet controller creates web-0 and waits for it to be Running and Ready "
        "before web-1 (podManagementPolicy OrderedReady)",
        "The StatefulSet controller creates the claim www-web-1 for web-1, before the pod: it "
        "stays when the pod goes, and the pod gets it back",
        "The StatefulSet controller creates web-1: web has its 2 pods",
    ]
    # The StatefulSet is in the WORKLOADS column, its stripe the colour of its pods'.
    label = page.get_attribute("#stage .workload-statefulset", "aria-label")
    assert label == "StatefulSet web, 2/2 ready"
    colours = page.evaluate(
        "[document.querySelector('#stage .workload-statefulset .workload-stripe').style.fill,"
        " document.querySelector('#stage .pod .pod-stripe').style.fill]"
    )
    assert colours[0] and colours[0] == colours[1], colours
    page.click("#stage .workload-statefulset")
    page.wait_for_selector("#tab-inspector .inspector-title:has-text('StatefulSet web')")
    shot(page, "statefulset-1440")

    # A deleted pod comes back with the same name.
    page.click("#stage .pod[data-key='default/web-0']")
    page.click("#tab-inspector .actions button:text-is('Delete')")
    page.wait_for_function(
        "podlife.timeline.events.some((e) => e.kind === 'milestone'"
        " && e.summary.startsWith('The StatefulSet controller re-creates web-0'))",
        timeout=60_000,
    )
    tiles = wait_for_pods(page, lambda t: len(running(t)) == 2, "web-0 back and Running")
    assert sorted(t["key"] for t in tiles) == ["default/web-0", "default/web-1"]
    caught_up(page)
    shot(page, "statefulset-recreated-1440")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("#presenter")
    page.wait_for_function("document.body.classList.contains('presenter')")
    shot(page, "statefulset-presenter-1920")
    assert console.errors == []


def test_the_statefulset_basics_lesson_resumed_at_scaling_down(page: Any, console: Console) -> None:
    """Part 10 of 20: after `kubectl scale sts web --replicas=5`, the five pods web-0..web-4
    are on the stage, and the StatefulSet's row says 5/5."""
    titles = page.evaluate("[...document.querySelectorAll('#scenario option')].map(o => o.text)")
    assert "StatefulSet Basics" in titles
    page.set_viewport_size({"width": 1440, "height": 900})
    resume(page, "27-statefulset-basics", 10, 20)
    assert "Scaling down" in page.inner_text("#lesson-say")
    tiles = wait_for_pods(page, lambda seen: len(running(seen)) == 6, "web-0..web-4 and dns-test")
    assert sorted(t["key"] for t in tiles) == [
        "default/dns-test",
        *(f"default/web-{i}" for i in range(5)),
    ]
    page.wait_for_function(
        "document.querySelector('#stage .workload-statefulset')?.getAttribute('aria-label')"
        " === 'StatefulSet web, 5/5 ready'"
    )
    shot(page, "statefulset-lesson-part10-1440")
    assert console.errors == []
