"""What a teacher shows fits on the screen: kubectl's wide tables, the presenter drawer beside
the stage, crowded nodes as status-coloured squares, and why a pod stays Pending above the
scheduler's table without pushing the playback controls away. Geometry is measured in the
page (getBoundingClientRect), at the screen sizes the task names: 1440×900 and a projector's
1920×1080 in Presenter mode."""

from __future__ import annotations

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

BIG = """\
apiVersion: v1
kind: Pod
metadata:
  name: big
spec:
  containers:
    - name: app
      image: nginx:1.27
      resources:
        requests:
          cpu: "100"
"""

Box = dict[str, float]


def screen(page: Any, width: int, height: int, presenter: bool) -> None:
    page.set_viewport_size({"width": width, "height": height})
    if presenter:
        page.click("#presenter")
        page.click("#tools-toggle")  # the drawer holds the editor
        page.wait_for_function("document.body.classList.contains('tools-open')")


def deploy(page: Any) -> None:
    set_speed_100(page)
    type_manifest(page, DEPLOYMENT)
    apply(page)
    wait_for_pods(page, lambda tiles: len(running(tiles)) == 3, "3 running pods")


def kubectl(page: Any, line: str, expect: str) -> None:
    page.click("#tab-btn-kubectl")
    page.fill("#terminal .term-input", line)
    page.press("#terminal .term-input", "Enter")
    page.wait_for_function(
        "text => document.querySelector('#terminal .term-log').textContent.includes(text)",
        arg=expect,
    )
    # kubectl's answer is held until the stage shows it (heldoutput.js)
    page.wait_for_function("!document.querySelector('#terminal .output-held')", timeout=60_000)


def box(page: Any, selector: str) -> Box:
    found = page.evaluate(
        """sel => { const el = document.querySelector(sel); if (!el) return null;
            const r = el.getBoundingClientRect();
            return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; }""",
        selector,
    )
    assert found, f"{selector} is not on the page"
    return dict(found)


def on_screen(page: Any, b: Box) -> bool:
    size = page.evaluate("({w: innerWidth, h: innerHeight})")
    return b["left"] >= 0 and b["top"] >= 0 and b["right"] <= size["w"] and b["bottom"] <= size["h"]


def scrolled(page: Any) -> None:
    """Wait for a smooth scroll (scrollIntoView) to come to rest."""
    page.evaluate(
        """() => new Promise(resolve => { let last = -1, still = 0;
            const look = () => { still = scrollY === last ? still + 1 : 0; last = scrollY;
                                 if (still >= 5) resolve(); else requestAnimationFrame(look); };
            look(); })"""
    )


def overlap(a: Box, b: Box) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )


# The header line of `get pods -o wide` in the log: where NAME and the NODE column are drawn,
# measured with a Range over the text, and the log's own box.
MEASURE_WIDE = """() => {
  const log = document.querySelector('#terminal .term-log');
  const walker = document.createTreeWalker(log, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const at = t.data.indexOf('NOMINATED NODE');
    if (at < 0) continue;
    const start = t.data.lastIndexOf('\\n', at) + 1;
    const rect = (from, n) => {
      const range = document.createRange();
      range.setStart(t, from);
      range.setEnd(t, from + n);
      const r = range.getBoundingClientRect();
      return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    };
    const l = log.getBoundingClientRect();
    return {
      name: rect(start, 4),
      node: rect(t.data.indexOf(' NODE ', start) + 1, 4),
      log: {left: l.left, top: l.top, right: l.left + log.clientWidth,
            bottom: l.top + log.clientHeight},
      overflow: log.scrollWidth - log.clientWidth,
      whiteSpace: getComputedStyle(log).whiteSpace,
    };
  }
  return null;
}"""


@pytest.mark.parametrize(("width", "height", "presenter"), [(1440, 900, False), (1920, 1080, True)])
def test_kubectl_get_pods_wide_reaches_the_node_column(
    page: Any, width: int, height: int, presenter: bool
) -> None:
    screen(page, width, height, presenter)
    deploy(page)
    page.click("#tab-btn-kubectl")
    assert page.is_hidden("#terminal .term-more"), "nothing is hidden to the right yet"
    kubectl(page, "get pods -o wide", "NOMINATED NODE")
    at = page.evaluate(MEASURE_WIDE)
    assert at, "the log shows no `get pods -o wide` header"
    assert at["whiteSpace"] == "pre", "kubectl's table must not wrap"
    assert at["node"]["top"] == at["name"]["top"], f"the header line wrapped: {at}"
    if presenter:
        # The drawer grew to the whole line, and the stage still made room for it.
        page.wait_for_timeout(400)  # the layout's .25 s transition
        at = page.evaluate(MEASURE_WIDE)
        assert at["node"]["right"] <= at["log"]["right"] and at["overflow"] <= 0, at
        stage_clear_of_the_drawer(page)
    if at["node"]["right"] > at["log"]["right"]:
        # Cut off on the right: the log scrolls sideways, and says so (headless Chromium hides
        # scrollbars, and overlay scrollbars show only while scrolling).
        assert at["overflow"] > 0
        assert page.is_visible("#terminal .term-more"), "the log says more columns are to the right"
        shot(page, f"layout-kubectl-wide-{width}")
        for _ in range(5):
            if at["node"]["right"] <= at["log"]["right"]:
                break
            page.click("#terminal .term-more")
            page.wait_for_timeout(100)
            at = page.evaluate(MEASURE_WIDE)
    assert at["log"]["left"] <= at["node"]["left"] and at["node"]["right"] <= at["log"]["right"], (
        f"the NODE column cannot be brought into the log's view: {at}"
    )
    shot(page, f"layout-kubectl-node-column-{width}")
    page.evaluate("document.querySelector('#terminal .term-log').scrollLeft = 1e6")
    page.wait_for_function("document.querySelector('#terminal .term-more').hidden")


def stage_clear_of_the_drawer(page: Any) -> Box:
    """etcd, the control plane and every node: on the screen, none under the open drawer."""
    drawer = box(page, "#side")
    parts = [
        "[data-component='etcd']",
        "[data-component='api-server']",
        "[data-component='scheduler']",
        "[data-component='kubectl']",
        ".cm-frame",
    ]
    nodes = page.evaluate("document.querySelectorAll('#stage .node').length")
    assert nodes == 3
    parts += [f"#stage .node:nth-child({i + 1}) .node-box" for i in range(nodes)]
    for selector in parts:
        b = box(page, selector)
        assert not overlap(b, drawer), f"the drawer covers {selector}: {b} vs {drawer}"
        assert on_screen(page, b), f"{selector} is off the screen: {b}"
    return drawer


def test_presenter_drawer_leaves_the_stage_in_sight(page: Any) -> None:
    screen(page, 1920, 1080, presenter=True)
    deploy(page)
    # open, and done sliding in; the page scrolled to its top, as a teacher shows it
    page.wait_for_function(
        """(() => { const r = document.querySelector('#side').getBoundingClientRect();
            return r.right <= innerWidth && r.right > innerWidth - 40; })()"""
    )
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(400)  # the stage's own transition (.25 s) as the layout gives room
    shot(page, "layout-presenter-drawer-open")
    stage_clear_of_the_drawer(page)
    beside = box(page, "#stage")
    # Closed, the stage grows back (as far as the screen's height lets it).
    page.click("#tools-toggle")
    page.wait_for_function("!document.body.classList.contains('tools-open')")
    page.wait_for_timeout(400)
    alone = box(page, "#stage")
    assert alone["right"] - alone["left"] > beside["right"] - beside["left"] + 100, (beside, alone)


def test_crowded_nodes_show_a_square_per_pod(page: Any) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    deploy(page)
    kubectl(page, "scale deployment web --replicas=40", "deployment.apps/web scaled")
    tiles = wait_for_pods(page, lambda t: len(running(t)) == 40, "40 running pods", timeout=120)
    caught_up(page)
    squares = page.evaluate(
        """[...document.querySelectorAll('#stage .pod.square')].map(g => {
            const r = g.getBoundingClientRect();
            return {key: g.dataset.key, status: g.dataset.status, node: g.dataset.node,
                    label: g.getAttribute('aria-label'), tip: g.querySelector('title').textContent,
                    role: g.getAttribute('role'), w: r.width, h: r.height}; })"""
    )
    shot(page, "layout-squares-40")
    # 40 pods on 3 nodes: every node is crowded, every pod a square
    assert len(squares) == 40 == len(tiles)
    assert {q["key"] for q in squares} == {t["key"] for t in tiles}
    for q in squares:
        name = q["key"].split("/")[1]
        assert q["status"] == "Running" and q["node"].startswith("node-")
        assert q["label"].startswith(f"Pod {name}, status Running") and q["role"] == "button"
        assert q["tip"] == f"{name} — Running"
        assert q["w"] >= 14 and q["h"] >= 14, f"too small to see on a projector: {q}"
    # filled with the page's own colour for Running
    fill, good = page.evaluate(
        """(() => { const probe = document.createElement('span');
            probe.style.color = 'var(--good)'; document.body.append(probe);
            const good = getComputedStyle(probe).color; probe.remove();
            const square = document.querySelector('#stage .pod.square .square-box');
            return [getComputedStyle(square).fill, good]; })()"""
    )
    assert fill == good
    # how many pods each node holds, said on the node
    counts = page.evaluate(
        "[...document.querySelectorAll('#stage .node-toggle')].map(t => t.textContent)"
    )
    per_node = {n: sum(q["node"] == n for q in squares) for n in ("node-1", "node-2", "node-3")}
    assert counts == [f"{per_node[n]} pods · show as cards ▾" for n in sorted(per_node)]
    # a square is a button: it opens the inspector on its pod
    chosen = squares[17]["key"]
    page.click(f"#stage .pod.square[data-key='{chosen}']")
    page.wait_for_function(
        "name => document.querySelector('#inspector .inspector-title')?.textContent.includes(name)",
        arg=chosen.split("/")[1],
    )
    assert page.get_attribute("#tab-btn-inspector", "aria-selected") == "true"
    assert page.get_attribute(f"#stage .pod.square[data-key='{chosen}']", "class").endswith(
        "selected"
    )
    # and a node's cards come back on request
    page.click("#stage .node:nth-child(1) .node-toggle")
    page.wait_for_function(
        "n => document.querySelectorAll("
        "'#stage .pod:not(.square)[data-node=\"node-1\"]').length === n",
        arg=per_node["node-1"],
    )
    assert len(pods(page)) == 40


def test_why_pending_is_said_above_the_table_and_the_controls_stay(page: Any) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    set_speed_100(page)
    type_manifest(page, BIG)
    apply(page)
    wait_for_pods(page, lambda t: any(p["key"] == "default/big" for p in t), "pod big")
    page.click("#stage .pod[data-key='default/big']")
    page.wait_for_selector("#inspector .why .why-words")
    words = page.inner_text("#inspector .why .why-words")
    assert words.startswith("It asks for 100 CPU, but the largest node has 4 CPU allocatable"), (
        words
    )
    page.click("#inspector .why button")
    page.wait_for_selector("#panel-scheduling-body .why-pending")
    scrolled(page)
    said = page.inner_text("#panel-scheduling-body .why-pending")
    assert "Pod big stays Pending: it asks for 100 CPU" in said and "4 CPU allocatable" in said
    assert (
        box(page, "#panel-scheduling-body .why-pending")["bottom"]
        <= box(page, "#panel-scheduling-body .cycle-table")["top"]
    )
    shot(page, "layout-why-pending-panel")
    assert on_screen(page, box(page, "#play")), "the playback controls left the screen"

    # Every message, at the pod's first scheduling cycle (the scheduler says why a few events
    # later, in the same attempt): the narration box says why and links to the table.
    page.click("#cycle-latest")
    page.evaluate("window.scrollTo(0, 0)")
    page.click("#story-mode")
    page.evaluate(
        """(() => { const p = podlife.player; p.setPlaying(false);
            const i = podlife.timeline.events.findIndex(
              e => e.kind === 'scheduling-cycle' && e.object && e.object.name === 'big');
            p.seek(i + 1); })()"""
    )
    page.wait_for_selector("#narration-detail .why-pending")
    assert "asks for 100 CPU" in page.inner_text("#narration-detail .why-pending")
    assert page.query_selector("#narration-detail .cycle-table") is None
    shot(page, "layout-why-pending-narration")
    assert on_screen(page, box(page, "#play")), "the narration pushed the controls off the screen"
    page.click("#narration-detail button.cycle-open")
    page.wait_for_function(
        "document.querySelector('#cycle-focus').textContent.includes('default/big')"
    )
    assert page.is_visible("#panel-scheduling-body .cycle-table")
    scrolled(page)
    shot(page, "layout-why-pending-narration-table")
    assert on_screen(page, box(page, "#play")), (
        "opening the table pushed the controls off the screen"
    )
