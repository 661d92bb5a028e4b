// player.js in story mode: → plays on to the next milestone and stops there, ← goes back to
// the one before, and what a milestone summarises flies past while its headline stays.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { Timeline } from "../../static/src/model.js";
import { isStory, Player } from "../../static/src/player.js";
import { needsTrace, trace } from "./fixture.mjs";

function loaded() {
  const timeline = new Timeline();
  timeline.reset(trace.reset.baseline);
  timeline.append(trace.events);
  const hooks = { ack() {}, setPlaying() {}, setSpeed() {}, step() {} };
  const player = new Player(timeline, hooks);
  player.seek(0);
  player.setPlaying(false);
  return player;
}

/** Let wall-clock time run until the player stops by itself. */
function runUntilStopped(player) {
  let t = performance.now();
  for (let i = 0; i < 10000 && (player.playing || player.anim); i += 1) {
    t += 60_000;
    player.tick(t);
  }
}

describe("story mode", needsTrace, () => {
  const storyIndices = () => trace.events.flatMap((ev, i) => (isStory(ev) ? [i] : []));

  test("the story is the milestones and the narration", () => {
    const kinds = new Set(trace.events.filter(isStory).map((ev) => ev.kind));
    assert.deepEqual([...kinds].sort(), ["milestone"]);
    assert.ok(storyIndices().length >= 8, "a Deployment and a replaced pod make a story");
  });

  test("→ plays on to the next milestone and stops with it on screen, each in turn", () => {
    const player = loaded();
    assert.equal(player.story, true);
    for (const expected of storyIndices().slice(0, 10)) {
      player.stepForward();
      runUntilStopped(player);
      assert.equal(player.cursor, expected + 1, `stopped at ${player.cursor}, not after ${expected}`);
      assert.equal(player.playing, false);
    }
  });

  test("← goes back to the milestone before the one on screen", () => {
    const player = loaded();
    const story = storyIndices();
    for (let i = 0; i < 4; i += 1) {
      player.stepForward();
      runUntilStopped(player);
    }
    assert.equal(player.cursor, story[3] + 1);
    player.stepBack();
    assert.equal(player.cursor, story[2] + 1);
    player.stepBack();
    player.stepBack();
    assert.equal(player.cursor, story[0] + 1);
    player.stepBack();
    player.stepBack(); // before the first milestone: the very start, never below it
    assert.equal(player.cursor, 0);
  });

  test("a headline stays long enough to read; the messages behind it fly past", () => {
    const player = loaded();
    const milestone = trace.events.find((ev) => ev.kind === "milestone");
    const detail = trace.events.find((ev) => ev.kind === "request");
    assert.ok(player.durationOf(milestone) >= 2.5);
    assert.ok(player.durationOf(detail) < 0.1);
    player.setStory(false); // every message: each at its own pace
    assert.ok(player.durationOf(detail) > 0.5);
  });
});

describe("the clock", needsTrace, () => {
  test("never goes back while the cursor does not, even when the live clock ran ahead", () => {
    const player = loaded();
    const end = trace.events.length;
    player.seek(end);
    const last = trace.events[end - 1].time;
    const t = performance.now();
    player.clock(last + 30, false, 1); // the server's clock is 30 s past the last event
    assert.equal(player.displayTime(t), last + 30);
    // an event stamped before the clock arrives, and the player plays it
    player.timeline.append([{ ...trace.events[end - 1], seq: trace.events[end - 1].seq + 1, time: last + 10 }]);
    player.setPlaying(true);
    player.tick(t + 1);
    assert.ok(player.displayTime(t + 2) >= last + 30, "the clock went back");
    player.seek(0); // going back in time on purpose does move it back
    assert.equal(player.displayTime(t + 3), 0);
  });
});

describe("live edge", needsTrace, () => {
  test("events that arrive once the page has caught up start at once, not after the quiet before them", () => {
    const timeline = new Timeline();
    timeline.reset(trace.reset.baseline);
    // A quiet stretch of virtual time between two bursts: the next event comes seconds later.
    const gapAt = trace.events.findIndex((ev, i) => i > 0 && ev.time - trace.events[i - 1].time > 2);
    assert.ok(gapAt > 0, "the trace has a quiet stretch");
    const player = new Player(timeline, { ack() {}, setPlaying() {}, setSpeed() {}, step() {} });
    timeline.append(trace.events.slice(0, gapAt));
    player.seek(gapAt); // played everything so far
    const later = trace.events.slice(gapAt, gapAt + 3);
    timeline.append(later);
    player.received(later);
    player.tick(1000);
    assert.equal(player.anim.index, gapAt);
    assert.equal(player.anim.wait, 0);
  });

  test("events that arrive while the page is still playing keep the time between them", () => {
    const timeline = new Timeline();
    timeline.reset(trace.reset.baseline);
    const gapAt = trace.events.findIndex((ev, i) => i > 0 && ev.time - trace.events[i - 1].time > 2);
    const player = new Player(timeline, { ack() {}, setPlaying() {}, setSpeed() {}, step() {} });
    timeline.append(trace.events.slice(0, gapAt));
    player.seek(gapAt - 1); // one event still to play
    const later = trace.events.slice(gapAt, gapAt + 3);
    timeline.append(later);
    player.received(later);
    player.cursor = gapAt;
    player.tick(1000);
    assert.ok(player.anim.wait > 0);
  });
});

describe("housekeeping ahead of an action", () => {
  // Three nodes renew their Leases together every 10 virtual seconds: a burst of housekeeping
  // the page plays message by message. An action's messages arriving behind such a burst
  // start at once, not once the burst is over (about a second later in story mode).
  const ev = (seq, time, level, extra = {}) => ({ seq, time, duration: 0.004, level, step: level === "housekeeping" ? "other" : "persist", kind: "request", source: "kubectl", target: "api-server", summary: "", ...extra });
  const burst = (from, n, time) => Array.from({ length: n }, (_, i) => ev(from + i, time, "housekeeping", { object: { kind: "Lease" } }));

  function playingBurst(burstEvents) {
    const timeline = { events: [ev(1, 1, "detail"), ...burst(2, burstEvents, 10)] };
    const player = new Player(timeline, { ack() {}, setPlaying() {}, setSpeed() {}, step() {} });
    player.cursor = 1; // played up to the burst, which arrived while the page had caught up
    player.received(timeline.events.slice(1));
    player.tick(1000);
    assert.equal(player.anim.index, 1, "the burst is playing");
    return player;
  }

  test("an action's first message starts at once, the rest of the burst skipped", () => {
    const player = playingBurst(30);
    const action = [ev(32, 10.03, "detail"), ev(33, 10.04, "detail")];
    player.timeline.events.push(...action);
    player.received(action);
    player.tick(1010);
    assert.equal(player.anim.index, 31, "the action's first message is the one travelling");
    assert.equal(player.anim.start, 1010);
    assert.equal(player.anim.wait, 0);
  });

  test("in one batch with the burst, at the live edge, the action starts at once too", () => {
    const timeline = { events: [ev(1, 1, "detail")] };
    const player = new Player(timeline, { ack() {}, setPlaying() {}, setSpeed() {}, step() {} });
    player.cursor = 1;
    const batch = [...burst(2, 30, 10), ev(32, 10.03, "detail")];
    timeline.events.push(...batch);
    player.received(batch);
    player.tick(1000);
    assert.equal(player.anim.index, 31);
    assert.equal(player.anim.wait, 0);
  });

  test("more housekeeping arriving behind it plays in turn", () => {
    const player = playingBurst(30);
    const more = burst(32, 3, 10.03);
    player.timeline.events.push(...more);
    player.received(more);
    player.tick(1010);
    assert.equal(player.anim.index, 1);
  });

  test("a learner stepping message by message (paused) still sees each one", () => {
    const player = playingBurst(30);
    player.setPlaying(false);
    const action = [ev(32, 10.03, "detail")];
    player.timeline.events.push(...action);
    player.received(action);
    assert.equal(player.anim.index, 1);
  });

  test("a backlog that is not only housekeeping is played in order", () => {
    const player = playingBurst(30);
    player.timeline.events.splice(10, 0, ev(11.5, 10, "detail")); // a message amid the burst
    const action = [ev(40, 10.03, "detail")];
    player.timeline.events.push(...action);
    player.received(action);
    player.tick(1010);
    assert.equal(player.anim.index, 1);
  });
});

describe("the live clock after slowing down", () => {
  // At 100× the page runs the server's clock on by itself for up to LIVE_AHEAD (0.5 s: 50
  // virtual seconds) while the server may be holding its clock for the page's acks. Slowed
  // down, that overshoot must not stay on screen once the server says where it is: a failed
  // node's "NotReady in 20 s" showed "NotReady any moment" (tests/browser/test_outcomes.py).
  test("the server's clock brings back a page that ran ahead at the old speed", () => {
    const timeline = { events: [{ seq: 1, time: 10, duration: 0, level: "detail", step: "persist", kind: "request", source: "kubectl", target: "api-server", summary: "" }] };
    const player = new Player(timeline, { ack() {}, setPlaying() {}, setSpeed() {}, step() {} });
    player.cursor = 1; // at the live edge
    player.setPlaying(true);
    player.setSpeed(100);
    const t0 = performance.now();
    player.clock(10, true, 100);
    player.live.at = t0;
    // 0.4 s later (the server held its clock meanwhile), the learner slows down to 1.8×
    player.live.at -= 400;
    player.setSpeed(1.8);
    const ahead = player.displayTime(performance.now());
    assert.ok(ahead > 40, `ran ahead to ${ahead}`); // what the page could not know yet
    player.clock(10.2, true, 1.8); // the server: it is at 10.2
    const back = player.displayTime(performance.now());
    assert.ok(back < 11.5, `still shows ${back} s, the server is at 10.2 s`);
  });

  test("a server's clock a little behind what is shown does not take it back", () => {
    const timeline = { events: [{ seq: 1, time: 10, duration: 0, level: "detail", step: "persist", kind: "request", source: "kubectl", target: "api-server", summary: "" }] };
    const player = new Player(timeline, { ack() {}, setPlaying() {}, setSpeed() {}, step() {} });
    player.cursor = 1;
    player.setPlaying(true);
    player.setSpeed(1);
    player.clock(12, true, 1);
    const shown = player.displayTime(performance.now());
    player.clock(11.9, true, 1); // stamped a little earlier: countdowns must not jump back
    assert.ok(player.displayTime(performance.now()) >= shown);
  });
});
