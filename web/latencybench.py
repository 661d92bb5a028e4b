"""`make bench`, interaction latency: from a learner's click or kubectl line to the first
message the stage animates for it, in headless Chromium against the real server.

The page is the real one at 1×, playing, at the live edge. Each trial is timed in the page
itself: the click on Apply (or the Enter of a kubectl line) is stamped by a capturing listener
before the page's own handler runs, and the first animation the player starts for an event
the action caused stamps the end: the moment that message starts to travel (the player's
`startAnim`, observed, not replaced, and the wait it gives the message). The arrival of the
action's first events is stamped too, which tells the server's part from the page's. Between
trials the page skips to the live edge and the cluster goes quiet (the server says only
housekeeping is left), so that what is timed is the action's own path, not a backlog of
earlier messages still playing. Trials alternate: Apply of a new Pod, then `get pods`; every
HEARTBEAT_EVERY-th one acts while the page plays the nodes' heartbeats, the moment when a
click used to wait for ~1.2 s of housekeeping to play first.

Run: `python -m web.latencybench [TRIALS]` (or `make bench`); docs/performance.md.
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Any, NamedTuple

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

# Stamps the action (capture phase: before the page's handlers), the arrival of its first
# events (`arrived`: the server's part and the wire), and the first animation of one of them
# (`first`: the first past what the page had then that kubectl sent; `others` counts any new
# message of the cluster's own played before it), whether the page was still playing housekeeping at
# the input (`upkeep`) and when that would be over (`backlog`). Also counts the `clock`
# messages saying the cluster has nothing but housekeeping left to do (`busy` false) since the
# last event that was more.
OBSERVE = """() => {
  const lat = (window.__latency = {
    start: null, base: 0, arrived: null, first: null, others: 0, calm: 0, upkeep: false,
    backlog: 0,
  });
  const { conn } = window.podlife;
  const player = window.podlife.player;
  const startAnim = player.startAnim;
  player.startAnim = function (index, ...rest) {
    const result = startAnim.call(this, index, ...rest);
    if (lat.start !== null && lat.first === null && index >= lat.base) {
      if (this.events[index].source !== "kubectl") lat.others += 1; // not the action's
      // It starts travelling once its wait (the quiet virtual time before it) is over.
      else lat.first = Math.max(performance.now(), this.anim.start + this.anim.wait * 1000);
    }
    return result;
  };
  conn.on("events", ({ events = [], history }) => {
    const ours = events.some((ev) => ev.source === "kubectl");
    if (lat.start !== null && lat.arrived === null && !history && ours) {
      lat.arrived = performance.now();
    }
    if (events.some((ev) => ev.level !== "housekeeping")) lat.calm = 0;
  });
  conn.on("clock", ({ busy }) => { lat.calm = busy ? 0 : lat.calm + 1; });
  const stamp = () => {
    lat.start = performance.now();
    lat.base = window.podlife.timeline.events.length;
    lat.upkeep = Boolean(player.anim) || player.cursor < lat.base;
    // When what the page was playing would be over, played in order: the last of it ends
    // there, and its next message would start then.
    const a = player.anim;
    lat.backlog = a ? a.start + (a.wait + a.dur) * 1000 : lat.start;
    for (let i = a ? a.index + 1 : player.cursor; i < lat.base; i += 1) {
      const seconds = player.gapBefore(i) + player.durationOf(player.events[i]);
      lat.backlog += (seconds / player.speed) * 1000;
    }
    lat.arrived = null;
    lat.first = null;
    lat.others = 0;
  };
  document.addEventListener("click", (e) => { if (e.target.closest("#apply")) stamp(); }, true);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.classList.contains("term-input")) stamp();
  }, true);
}"""
# Quiet: the cluster has nothing left to do but housekeeping (CALM_CLOCKS `clock` messages in a
# row say `busy` false, none since said more) and the page shows all of it but housekeeping,
# so a trial's first message is the action's, not a backlog's. The page skips to the live
# edge meanwhile, as the learner's scrubber does, rather than playing the last action's story
# at reading pace (half a minute for a Pod's start): what a trial times starts from the same
# place either way. The cluster's own time still passes at 1× (a Pod starts in ~5 s).
# Housekeeping is never skipped: the nodes' heartbeats play as they come, as they do for a
# learner, and an action may meet one (`upkeep`: the page was playing one at the input).
CALM_CLOCKS = 2  # while playing, a `clock` comes every 0.25 s that no `events` went out
QUIET = """(calmClocks) => new Promise((resolve, reject) => {
  const began = performance.now();
  const check = () => {
    const { app, player, timeline } = window.podlife;
    if (performance.now() - began > 120000) {
      reject(new Error(`never quiet: cursor ${player.cursor} of ${timeline.events.length}, ` +
        `playing ${player.playing}, calm ${window.__latency.calm}`));
      return;
    }
    const from = player.anim ? player.anim.index : player.cursor;
    const behind = timeline.events.slice(from).some((ev) => ev.level !== "housekeeping");
    if (behind) {
      player.seek(timeline.events.length);
      app.dirty = true;
    }
    if (window.__latency.calm >= calmClocks && !behind) resolve(); else setTimeout(check, 50);
  };
  check();
})"""
# Every HEARTBEAT_EVERY-th trial acts while the page plays the nodes' heartbeats (their Lease
# renewals, some 30 messages every 10 virtual seconds): when a learner's click meets one by
# chance, about one in ten at 1×. Odd, so that Apply and kubectl take turns. Waits until one
# is under way with at least HEARTBEAT_LEFT of its messages still to play.
HEARTBEAT_EVERY = 5
HEARTBEAT_LEFT = 10
HEARTBEAT = f"""() => new Promise((resolve, reject) => {{
  const began = performance.now();
  const check = () => {{
    const {{ player, timeline }} = window.podlife;
    const from = player.anim ? player.anim.index : timeline.events.length;
    const ahead = timeline.events.slice(from);
    const upkeep = ahead.every((ev) => ev.level === "housekeeping");
    if (ahead.length > {HEARTBEAT_LEFT} && upkeep) resolve();
    else if (performance.now() - began > 60000) reject(new Error("no heartbeat in a minute"));
    else setTimeout(check, 10);
  }};
  check();
}})"""
POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
  - name: web
    image: nginx:1.27
"""


class Trial(NamedTuple):
    arrived: float  # ms from the input to its first events' arrival
    first: float  # ms from the input to its first animated message
    upkeep: bool  # the page was playing housekeeping (a heartbeat) at the input
    backlog: float  # ms from the input to the end of what the page was playing then
    others: int  # new messages not the action's played before its first


def trial(page: Any, n: int) -> Trial:
    """One action, timed; every HEARTBEAT_EVERY-th one in the middle of a heartbeat."""
    page.evaluate(QUIET, CALM_CLOCKS)
    if n % 2 == 0:
        page.click("#tab-btn-manifest")
        page.click("#editor .cm-content")
        page.keyboard.press("Control+a")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(POD.format(name=f"latency-{n}"))
    else:
        page.click("#tab-btn-kubectl")
        page.fill(".term-input", "get pods")
    if n % HEARTBEAT_EVERY == HEARTBEAT_EVERY - 1:
        page.evaluate(HEARTBEAT)
    if n % 2 == 0:
        page.click("#apply")
    else:
        page.press(".term-input", "Enter")
    page.wait_for_function("window.__latency.first !== null", timeout=30_000)
    lat = page.evaluate("window.__latency")
    start = lat["start"]
    return Trial(
        float(lat["arrived"] - start),
        float(lat["first"] - start),
        lat["upkeep"],
        max(0.0, float(lat["backlog"] - start)),
        int(lat["others"]),
    )


def measure(browser: Any, base: str, trials: int) -> list[Trial]:
    """Each trial, in order (even ones Apply, odd ones a kubectl line), in a fresh page of
    `browser` (Playwright's)."""
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

    began = time.monotonic()
    with running_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            results = measure(browser, base, trials)
        finally:
            browser.close()
    times = [t.first for t in results]
    print("  each, in order:", " ".join(f"{t:.0f}" for t in times))
    for name, values in (("apply", times[::2]), ("kubectl", times[1::2]), ("all", times)):
        print(
            f"  {name:8} p50 {statistics.median(values):6.0f} ms   p95 "
            f"{percentile(values, 0.95):6.0f} ms   max {max(values):6.0f} ms   ({len(values)})"
        )
    # The server's part and the wire: a trial slow here but not above is the page's doing.
    arrived = [t.arrived for t in results]
    print(f"  events arrived: p50 {statistics.median(arrived):.0f} ms   max {max(arrived):.0f} ms")
    others = sum(1 for t in results if t.others)
    print(f"  {others} trials played other new messages before the action's first")
    upkeep = [t for t in results if t.upkeep]
    print(
        f"  {len(upkeep)} trials met a heartbeat playing"
        + (
            f", the slowest {max(t.first for t in upkeep):.0f} ms (the heartbeat had up to "
            f"{max(t.backlog for t in upkeep):.0f} ms left)"
            if upkeep
            else ""
        )
        + f"   (run: {time.monotonic() - began:.0f} s)"
    )


if __name__ == "__main__":
    main()
