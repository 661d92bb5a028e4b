"""`make bench`, interaction latency: from a learner's click or kubectl line to the first
message the stage animates for it, in headless Chromium against the real server.

The page is the real one at 1×, playing, at the live edge. Each trial is timed in the page
itself: the click on Apply (or the Enter of a kubectl line) is stamped by a capturing listener
before the page's own handler runs, and the first animation the player starts for an event
the action caused stamps the end: the moment that message starts to travel (the player's
`startAnim`, observed, not replaced, and the wait it gives the message). Between
trials the page plays to the end and the cluster goes quiet (QUIET_MS without a new event
other than housekeeping),
so that what is timed is the action's own path, not a backlog of earlier messages still
playing. Trials alternate: Apply of a new Pod, then `get pods`.

Run: `python -m web.latencybench [TRIALS]` (or `make bench`); docs/performance.md.
"""

from __future__ import annotations

import statistics
import sys
from typing import Any

from web.pageweight import running_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Stamps the action (capture phase: before the page's handlers) and the first animation of
# an event past what the page had then.
OBSERVE = """() => {
  const lat = (window.__latency = { start: null, base: 0, first: null });
  const player = window.podlife.player;
  const startAnim = player.startAnim;
  player.startAnim = function (index, ...rest) {
    const result = startAnim.call(this, index, ...rest);
    if (lat.start !== null && lat.first === null && index >= lat.base) {
      // It starts travelling once its wait (the quiet virtual time before it) is over.
      lat.first = Math.max(performance.now(), this.anim.start + this.anim.wait * 1000);
    }
    return result;
  };
  const stamp = () => {
    lat.start = performance.now();
    lat.base = window.podlife.timeline.events.length;
    lat.first = null;
  };
  document.addEventListener("click", (e) => { if (e.target.closest("#apply")) stamp(); }, true);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.classList.contains("term-input")) stamp();
  }, true);
}"""
# Quiet: the page has played everything and nothing but housekeeping came for QUIET_MS (a
# pod's image pull and start are over), so a trial's first message is the action's, not a backlog's.
QUIET_MS = 3000
QUIET = """(quietMs) => new Promise((resolve, reject) => {
  let seen = -1, since = performance.now();
  const began = performance.now();
  const check = () => {
    if (performance.now() - began > 120000) {
      const { player, timeline } = window.podlife;
      reject(new Error(`never quiet: cursor ${player.cursor} of ${timeline.events.length}, ` +
        `playing ${player.playing}, in flight ${JSON.stringify(player.anim)}`));
      return;
    }
    const { player, timeline } = window.podlife;
    const idle = player.cursor >= timeline.events.length && !player.anim;
    // Heartbeats (node leases, every 10 s a node) are housekeeping: they do not end the quiet.
    const last = timeline.events.findLast((ev) => ev.level !== "housekeeping");
    const mark = last ? last.seq : 0;
    if (mark !== seen || !idle) {
      seen = mark;
      since = performance.now();
    }
    if (performance.now() - since >= quietMs) resolve(); else setTimeout(check, 50);
  };
  check();
})"""
POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
  - name: web
    image: nginx:1.27
"""


def trial(page: Any, n: int) -> float:
    """One action, in milliseconds from the input to its first animated message."""
    page.evaluate(QUIET, QUIET_MS)
    if n % 2 == 0:
        page.click("#tab-btn-manifest")
        page.click("#editor .cm-content")
        page.keyboard.press("Control+a")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(POD.format(name=f"latency-{n}"))
        page.click("#apply")
    else:
        page.click("#tab-btn-kubectl")
        page.fill(".term-input", "get pods")
        page.press(".term-input", "Enter")
    page.wait_for_function("window.__latency.first !== null", timeout=30_000)
    return float(page.evaluate("window.__latency.first - window.__latency.start"))


def measure(browser: Any, base: str, trials: int) -> list[float]:
    """Each trial's milliseconds, in order (even ones Apply, odd ones a kubectl line), in a
    fresh page of `browser` (Playwright's)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(base)
        page.wait_for_function("window.podlife && window.podlife.app.session")
        page.wait_for_selector("#editor .cm-content")
        page.evaluate(OBSERVE)
        return [trial(page, n) for n in range(trials)]
    finally:
        context.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    print(f"Interaction latency in headless Chromium, {trials} trials (python -m web.latencybench)")
    from playwright.sync_api import sync_playwright

    with running_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            times = measure(browser, base, trials)
        finally:
            browser.close()
    print("  each, in order:", " ".join(f"{t:.0f}" for t in times))
    for name, values in (("apply", times[::2]), ("kubectl", times[1::2]), ("all", times)):
        print(
            f"  {name:8} p50 {statistics.median(values):6.0f} ms   p95 "
            f"{percentile(values, 0.95):6.0f} ms   max {max(values):6.0f} ms   ({len(values)})"
        )


if __name__ == "__main__":
    main()
