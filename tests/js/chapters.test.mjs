// chapters.js and the player's "previous/next chapter": a chapter begins at kubectl's request
// (step 1 of the story) and at a lesson's narration; → jumps there at once and stops.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { chapterFrom, chapters, startsChapter } from "../../static/src/chapters.js";
import { Timeline } from "../../static/src/model.js";
import { Player } from "../../static/src/player.js";
import { storyAt } from "../../static/src/narrationview.js";
import { needsTrace, trace } from "./fixture.mjs";

let seq = 0;
const milestone = (step, summary) => ({ seq: ++seq, kind: "milestone", level: "story", data: { step, of: 5 }, summary });
const detail = () => ({ seq: ++seq, kind: "request", level: "detail", data: {}, summary: "a request" });
const say = (summary) => ({ seq: ++seq, kind: "narration", level: "story", data: {}, summary });

describe("chapters (pure)", () => {
  test("kubectl's request and a narration begin chapters; the other steps do not", () => {
    assert.equal(startsChapter(milestone(1, "kubectl asks")), true);
    assert.equal(startsChapter(milestone(2, "stored")), false);
    assert.equal(startsChapter(say("Now delete it.")), true);
    const failed = { seq: ++seq, kind: "milestone", level: "story", data: { step: null, of: null, node: "node-2", action: "fail-node" }, summary: "Node node-2 fails" };
    assert.equal(startsChapter(failed), true);
    assert.equal(startsChapter({ kind: "milestone", level: "story", data: { step: null, of: null } }), false);
    assert.equal(startsChapter(detail()), false);
  });

  test("a narration and the command right after it are one chapter; each narration its own", () => {
    const events = [
      say("A **Pod**…"),
      detail(),
      milestone(1, "create pod web"),
      detail(),
      milestone(2, "stored"),
      milestone(1, "delete pod web"),
      milestone(1, "delete pod db"), // the same command's next object
      say("Ownership."),
      detail(),
      say("`Self-healing`."),
      milestone(1, "delete pod solo"),
    ];
    const found = chapters(events);
    assert.deepEqual(
      found.map((c) => [c.index, c.title]),
      [
        [0, "A Pod…"],
        [5, "delete pod web"],
        [7, "Ownership."],
        [9, "Self-healing."],
      ],
    );
    assert.equal(found[1].seq, events[5].seq);
  });

  test("next goes past the event on screen, previous before it", () => {
    const list = [{ index: 3 }, { index: 10 }, { index: 20 }];
    assert.equal(chapterFrom(list, -1, 1).index, 3);
    assert.equal(chapterFrom(list, 3, 1).index, 10);
    assert.equal(chapterFrom(list, 20, 1), null);
    assert.equal(chapterFrom(list, 10, -1).index, 3, "from a chapter's own start: the one before");
    assert.equal(chapterFrom(list, 15, -1).index, 10, "from inside a chapter: its start");
    assert.equal(chapterFrom(list, 3, -1), null);
  });
});

describe("next and previous chapter on a real trace", needsTrace, () => {
  function loaded() {
    const timeline = new Timeline();
    timeline.reset(trace.reset.baseline);
    timeline.append(trace.events);
    const player = new Player(timeline, { ack() {}, setPlaying() {}, setSpeed() {}, step() {} });
    player.seek(0);
    return player;
  }

  test("the trace has two chapters: the Deployment's apply and the pod's deletion", () => {
    const found = chapters(trace.events);
    assert.equal(found.length, 2);
    assert.match(found[0].title, /create deployment default\/web/);
    assert.match(found[1].title, new RegExp(`delete pod ${trace.deletedPod}`));
  });

  test("] from the start stops on the first chapter's step 1, then on the second's", () => {
    const player = loaded();
    player.setPlaying(true);
    const [first, second] = chapters(trace.events);
    assert.equal(player.toChapter(1), true);
    assert.equal(player.cursor, first.index + 1);
    assert.equal(player.playing, false, "it stops there");
    assert.equal(player.anim, null, "on at once, nothing in flight");
    assert.equal(player.toChapter(1), true);
    assert.equal(player.cursor, second.index + 1);
    assert.equal(player.rewound, true, "acting there forks");
    // story mode's narration shows the chapter's first milestone
    const shown = storyAt(trace.events, player.cursor - 1);
    assert.equal(shown.ev.seq, second.seq);
    assert.equal(shown.ev.data.step, 1);
    assert.equal(player.toChapter(1), false, "no chapter after the last");
    assert.equal(player.cursor, second.index + 1);
  });

  test("[ goes to the chapter before, then to the very start", () => {
    const player = loaded();
    const [first, second] = chapters(trace.events);
    player.seek(trace.events.length);
    assert.equal(player.toChapter(-1), true);
    assert.equal(player.cursor, second.index + 1, "from after the last chapter's start: its start");
    player.toChapter(-1);
    assert.equal(player.cursor, first.index + 1);
    player.toChapter(-1);
    assert.equal(player.cursor, 0);
  });

  test("a jump while a message is in flight lands cleanly", () => {
    const player = loaded();
    player.setPlaying(true);
    player.setStory(false);
    player.tick(performance.now()); // the first message starts its trip
    assert.ok(player.anim);
    player.toChapter(1);
    assert.equal(player.anim, null);
    assert.equal(player.cursor, chapters(trace.events)[0].index + 1);
  });
});
