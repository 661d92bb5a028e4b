// lessonpicker.js: the beginner lessons first, the lesson left off offered to continue, and
// whatever localStorage holds read defensively.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { CONTINUE, pickerEntries, readProgress, START_HERE } from "../../static/src/lessonpicker.js";

const scenarios = [
  { name: "01-first-pod", title: "Your first Pod", summary: "a Pod" },
  { name: "02-deployment", title: "A Deployment and its ReplicaSet" },
  { name: "02-pod-vs-deployment", title: "Pod vs Deployment" },
  { name: "03-validation-errors", title: "Validation errors" },
  { name: "11-self-healing", title: "Self-healing" },
];
const none = { current: null, done: [] };

describe("the lesson picker", () => {
  test("free play, then Start here with the three beginner lessons, then the rest", () => {
    const entries = pickerEntries(scenarios, none);
    assert.deepEqual(
      entries.map((e) => e.label),
      ["— free play —", "Start here", "More lessons"],
    );
    assert.deepEqual(
      entries[1].options.map((o) => o.value),
      START_HERE,
    );
    assert.deepEqual(
      entries[1].options.map((o) => o.label),
      ["Your first Pod", "A Deployment and its ReplicaSet", "Pod vs Deployment"],
    );
    assert.deepEqual(
      entries[2].options.map((o) => o.value),
      ["03-validation-errors", "11-self-healing"],
    );
  });

  test("the lesson left off is offered first, with its part; done lessons are ticked", () => {
    const progress = { current: { name: "02-pod-vs-deployment", part: 3, of: 6 }, done: ["01-first-pod"] };
    const entries = pickerEntries(scenarios, progress);
    assert.deepEqual(entries[1], { value: `${CONTINUE}02-pod-vs-deployment`, label: "Continue: Pod vs Deployment (part 3 of 6)", title: "" });
    assert.equal(entries[2].label, "Start here");
    assert.equal(entries[2].options[0].label, "✓ Your first Pod");
  });

  test("nothing to continue at part 1, or for a lesson the server no longer has", () => {
    assert.equal(pickerEntries(scenarios, { current: { name: "01-first-pod", part: 1, of: 3 }, done: [] })[1].label, "Start here");
    assert.equal(pickerEntries(scenarios, { current: { name: "99-gone", part: 2, of: 3 }, done: [] })[1].label, "Start here");
  });

  test("stored progress is read defensively", () => {
    assert.deepEqual(readProgress(null), none);
    assert.deepEqual(readProgress("not json"), none);
    assert.deepEqual(readProgress('{"current": {"name": "x", "part": 7, "of": 6}, "done": "all"}'), none);
    assert.deepEqual(readProgress('{"current": {"name": "x", "part": 2, "of": 6}, "done": ["a", 3]}'), { current: { name: "x", part: 2, of: 6 }, done: ["a"] });
  });
});
