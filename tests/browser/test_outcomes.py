"""What happens to a learner's pods, told as the story's outcomes: a deleted Deployment pod is
replaced and a standalone one is not, said in so many words; a failed node counts down to
NotReady and to its pods' eviction, and an evicted pod stuck Terminating says why and is ended
by a force delete."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import (
    DEPLOYMENT,
    POD,
    apply,
    pods,
    press,
    running,
    set_speed_100,
    type_manifest,
    wait_for_pods,
)

RECORD_CAPTIONS = """() => {
  window.captions = [];
  const el = document.querySelector('#caption');
  new MutationObserver(() => captions.push(el.textContent))
    .observe(el, {childList: true, characterData: true, subtree: true});
}"""


def captions(page: Any) -> list[str]:
    return list(page.evaluate("window.captions"))


def delete_from_inspector(page: Any, key: str) -> None:
    page.click(f"#stage .pod[data-key='{key}']")
    page.wait_for_selector("#tab-inspector:not([hidden]) button.action:has-text('Delete')")
    page.click("#tab-inspector button.action:has-text('Delete')")


def test_the_self_healing_contrast_is_told(page: Any, console: Console) -> None:
    set_speed_100(page)
    type_manifest(page, DEPLOYMENT + "---\n" + POD)
    apply(page)
    tiles = wait_for_pods(page, lambda tiles: len(running(tiles)) == 4, "web ×3 and solo Running")
    press(page, "-", 3)  # 18×: above 20× even milestones may pass unshown
    page.wait_for_function("document.querySelector('#speed-value').textContent === '18×'")
    page.evaluate(RECORD_CAPTIONS)
    victim = sorted(t["key"] for t in tiles if t["key"].startswith("default/web-"))[0]
    name = victim.split("/")[1]
    replica_set = name.rsplit("-", 1)[0]
    delete_from_inspector(page, victim)
    wait_for_pods(
        page,
        lambda tiles: victim not in {t["key"] for t in tiles} and len(running(tiles)) == 4,
        "a replacement for the deleted web pod",
    )
    delete_from_inspector(page, "default/solo")
    wait_for_pods(page, lambda tiles: "default/solo" not in {t["key"] for t in tiles}, "solo gone")
    page.wait_for_function("captions.some(c => c.startsWith('Pod solo is gone'))", timeout=30_000)
    told = captions(page)
    assert (
        f"The API server checked pod {name} and marked it for deletion: its kubelet has 30 s to "
        f"stop it; its ReplicaSet {replica_set} will make a new one."
    ) in told
    replaced = f"The ReplicaSet controller sees {replica_set} with 2 of 3 pods and creates 1 pod."
    assert replaced in told
    assert any(
        c.startswith("The API server checked pod solo and marked it for deletion")
        and c.endswith("nothing owns it, so nothing will replace it.")
        for c in told
    ), told
    assert len(running(pods(page))) == 3
    assert console.errors == []


RECORD_NODE_STATUS = """([node]) => {
  window.statuses = [];
  const status = () => document.querySelector(`#stage .node[data-key='${node}'] .node-status`);
  new MutationObserver(() => {
    const text = status()?.textContent;
    if (text && text !== statuses[statuses.length - 1]) statuses.push(text);
  }).observe(document.querySelector('#stage'),
             {childList: true, characterData: true, subtree: true});
}"""


def test_a_failed_node_counts_down_and_its_stuck_pod_is_force_deleted(
    page: Any, console: Console
) -> None:
    page.check("#demo-timings")  # a fresh cluster: NotReady after 20 s, eviction 30 s later
    page.wait_for_function("podlife.timeline.events.length === 0")
    set_speed_100(page)
    type_manifest(page, DEPLOYMENT)
    apply(page)
    tiles = wait_for_pods(page, lambda tiles: len(running(tiles)) == 3, "three Running pods")
    node = tiles[0]["node"]
    victim = tiles[0]["key"]
    # 10^0.25 ≈ 1.8×: the 20 s to NotReady last 11 real seconds, so a page slowed down by a
    # busy machine (CI runs the server and Chromium on two cores) still draws the countdown.
    press(page, "-", 7)
    page.wait_for_function("document.querySelector('#speed-value').textContent === '1.8×'")

    page.click(f"#stage .node[data-key='{node}'] .node-name")
    page.evaluate(RECORD_NODE_STATUS, [node])
    page.click("#tab-inspector button.action:has-text('Fail node')")
    tile = f"#stage .pod[data-key='{victim}']"
    label = "([tile]) => document.querySelector(tile)?.getAttribute('aria-label') || ''"
    page.wait_for_function(
        f"(a) => /evicted in \\d+ s/.test(({label})(a))", arg=[tile], timeout=60_000
    )
    shot(page, "outcome-eviction-countdown")
    statuses = list(dict.fromkeys(page.evaluate("window.statuses")))  # each once, in order
    to_not_ready = [s for s in statuses if re.fullmatch(r"Ready · NotReady in \d+ s", s)]
    to_eviction = [s for s in statuses if re.fullmatch(r"Unknown · pods evicted in \d+ s", s)]
    assert to_not_ready and to_eviction, statuses
    assert statuses.index(to_not_ready[-1]) < statuses.index(to_eviction[0])
    seconds = [int(s.split()[-2]) for s in to_not_ready]
    assert seconds == sorted(seconds, reverse=True) and seconds[0] <= 20, statuses

    # Evicted: replaced elsewhere, but its own tile stays Terminating, waiting for a kubelet
    # that does not answer.
    page.wait_for_function(
        f"(a) => /waits for node-\\d's kubelet/.test(({label})(a))", arg=[tile], timeout=60_000
    )
    assert [t["status"] for t in pods(page) if t["key"] == victim] == ["Terminating"]
    page.click(tile)
    why = page.inner_text("#tab-inspector .why")
    assert why.startswith("Why still Terminating?") and "--grace-period=0 --force" in why
    shot(page, "outcome-stuck-terminating")
    page.click("#tab-inspector button.action:has-text('Force delete')")
    wait_for_pods(
        page,
        lambda tiles: victim not in {t["key"] for t in tiles} and len(running(tiles)) == 3,
        "the stuck pod gone, its replacement Running",
    )
    assert console.errors == []
