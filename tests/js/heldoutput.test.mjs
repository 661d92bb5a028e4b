// heldoutput.js: kubectl's output waits until the stage shows the API server's answer; a
// learner who is behind sees it at once, marked as ahead of the stage.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { outputState, storyStepAt } from "../../static/src/heldoutput.js";
import { Timeline } from "../../static/src/model.js";
import { Player } from "../../static/src/player.js";
import { needsTrace, trace } from "./fixture.mjs";

describe("what becomes of an answer the stage has not shown", () => {
  test("held while the player plays and gets there soon", () => {
    assert.equal(outputState("held", { reached: false, playing: true, secondsAway: 7 }), "held");
  });

  test("shown ahead of the stage when the learner is paused or far behind", () => {
    assert.equal(outputState("held", { reached: false, playing: false, secondsAway: 1 }), "ahead");
    assert.equal(outputState("held", { reached: false, playing: true, secondsAway: 60 }), "ahead");
  });

  test("once seen it is never hidden again; reached, it is plainly shown", () => {
    assert.equal(outputState("ahead", { reached: false, playing: true, secondsAway: 1 }), "ahead");
    assert.equal(outputState("ahead", { reached: true, playing: false, secondsAway: 0 }), "shown");
    assert.equal(outputState("held", { reached: true, playing: true, secondsAway: 0 }), "shown");
  });
});

describe("where the stage shows an answer, on a real trace", needsTrace, () => {
  const events = trace.events;
  // the Deployment's create: kubectl's request, answered 201 after the stored milestone
  const created = events.findIndex((ev) => ev.kind === "response" && ev.target === "kubectl" && ev.data.code === 201);

  test("the 201 comes after step 2 of the Deployment's story", () => {
    assert.ok(created > 0);
    assert.equal(storyStepAt(events, created), "step 2 of 4");
    assert.equal(storyStepAt(events, 0), null, "before any step");
  });

  test("the player knows how far away it is, and that it costs nothing once passed", () => {
    const timeline = new Timeline();
    timeline.reset(trace.reset.baseline);
    timeline.append(events);
    const player = new Player(timeline, { ack() {}, setPlaying() {}, setSpeed() {}, step() {} });
    player.seek(0);
    const atOne = player.secondsUntil(created);
    assert.ok(atOne > 2.5 && atOne < 12, `story mode at 1×: ${atOne} s`);
    player.setSpeed(10);
    assert.ok(Math.abs(player.secondsUntil(created) - atOne / 10) < 1e-9);
    assert.ok(player.secondsUntil(events.length - 1, 5) <= 5 + 10, "counting stops past the cap");
    player.seek(created + 1);
    assert.equal(player.secondsUntil(created), 0);
  });
});
