// room.js: join codes as typed, the code in the page's address, the presenter's throttled
// `view`, and where a follower's player goes for the presenter's seq.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { Timeline } from "../../static/src/model.js";
import { Player } from "../../static/src/player.js";
import { codeFromLocation, codeProblem, codeToFollow, detailKey, detailObject, displayCode, followTarget, followTo, normalizeCode, recall, remember, shownSeq, Throttle } from "../../static/src/room.js";

describe("join codes", () => {
  test("typed codes are read case-insensitively, spaces and dashes ignored", () => {
    assert.equal(normalizeCode("abc-def"), "ABCDEF");
    assert.equal(normalizeCode(" k7m - p2q "), "K7MP2Q");
    assert.equal(normalizeCode("k7mp2q"), "K7MP2Q");
    assert.equal(normalizeCode("K 7 M P 2 Q"), "K7MP2Q");
  });

  test("look-alikes and wrong lengths are not codes, and the form says why", () => {
    assert.equal(normalizeCode("K7MP2O"), null); // O is not in the alphabet (0 neither)
    assert.equal(normalizeCode("K7MP1Q"), null);
    assert.equal(normalizeCode("K7MP2"), null);
    assert.equal(normalizeCode("K7MP2QR"), null);
    assert.equal(normalizeCode(null), null);
    assert.match(codeProblem(""), /Type the code/);
    assert.match(codeProblem("K7MP2O"), /no O/);
    assert.match(codeProblem("k7m-p2"), /6 characters; this one has 5/);
    assert.equal(codeProblem("k7m-p2q"), "");
  });

  test("shown grouped in threes", () => {
    assert.equal(displayCode("K7MP2Q"), "K7M-P2Q");
  });

  test("the code in the address: /join/CODE or ?join=CODE", () => {
    assert.equal(codeFromLocation("/join/K7MP2Q", ""), "K7MP2Q");
    assert.equal(codeFromLocation("/join/k7m-p2q/", ""), "K7MP2Q");
    assert.equal(codeFromLocation("/", "?join=k7mp2q"), "K7MP2Q");
    assert.equal(codeFromLocation("/", "?presenter"), null);
    assert.equal(codeFromLocation("/join/", ""), null);
    assert.equal(codeFromLocation("/join/NOPE", ""), null);
  });
});

test("the inspected object travels as a short key and back", () => {
  assert.equal(detailKey({ kind: "Pod", namespace: "default", name: "web-1" }), "Pod/default/web-1");
  assert.equal(detailKey({ kind: "Node", name: "node-1" }), "Node//node-1");
  assert.equal(detailKey(null), null);
  assert.deepEqual(detailObject("Pod/default/web-1"), { kind: "Pod", namespace: "default", name: "web-1" });
  assert.deepEqual(detailObject("Node//node-1"), { kind: "Node", name: "node-1" });
  assert.equal(detailObject("nonsense"), null);
  assert.equal(detailObject(null), null);
});

test("sessionStorage is read back, and a refusing storage is no error", () => {
  const map = new Map();
  const storage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v), removeItem: (k) => map.delete(k) };
  remember(storage, "k", { code: "K7MP2Q" });
  assert.deepEqual(recall(storage, "k"), { code: "K7MP2Q" });
  remember(storage, "k", null);
  assert.equal(recall(storage, "k"), null);
  const refusing = { getItem: () => "{not json", setItem: () => { throw new Error("quota"); }, removeItem() {} };
  remember(refusing, "k", { a: 1 });
  assert.equal(recall(refusing, "k"), null);
});

describe("the presenter's view, throttled", () => {
  function clock() {
    const c = { t: 0, timers: [] };
    c.options = {
      now: () => c.t,
      timer: (fn, ms) => c.timers.push({ fn, at: c.t + ms }) - 1,
      cancel: (id) => (c.timers[id] = null),
    };
    c.advance = (ms) => {
      c.t += ms;
      for (const timer of c.timers) {
        if (timer && timer.at <= c.t) {
          c.timers[c.timers.indexOf(timer)] = null;
          timer.fn();
        }
      }
    };
    return c;
  }

  test("the first goes at once, the ones within the interval as one trailing send of the latest", () => {
    const c = clock();
    const sent = [];
    const throttle = new Throttle((v) => sent.push([c.t, v]), 1000 / 15, c.options);
    throttle.push(1);
    for (let i = 2; i <= 10; i += 1) {
      c.advance(5);
      throttle.push(i);
    }
    assert.deepEqual(sent, [[0, 1]]);
    c.advance(30);
    assert.equal(sent.length, 2);
    assert.equal(sent[1][1], 10); // the latest, not the ones in between
    assert.ok(sent[1][0] >= 1000 / 15 - 1e-9);
  });

  test("a mouse moving for a second sends about 15, ending where it stopped", () => {
    const c = clock();
    const sent = [];
    const throttle = new Throttle((v) => sent.push(v), 1000 / 15, c.options);
    for (let i = 0; i < 120; i += 1) {
      throttle.push(i); // 120 moves a second
      c.advance(1000 / 120);
    }
    c.advance(200);
    assert.ok(sent.length >= 14 && sent.length <= 17, `${sent.length} sends`);
    assert.equal(sent[sent.length - 1], 119);
  });

  test("clear drops the trailing send", () => {
    const c = clock();
    const sent = [];
    const throttle = new Throttle((v) => sent.push(v), 100, c.options);
    throttle.push("a");
    throttle.push("b");
    throttle.clear();
    c.advance(500);
    assert.deepEqual(sent, ["a"]);
    throttle.push("c"); // the interval is over: at once
    assert.deepEqual(sent, ["a", "c"]);
  });
});

describe("a follower's player", () => {
  // seqs with a gap, as after a fork (seq is not index + 1)
  function events(n, from = 1) {
    return Array.from({ length: n }, (_, i) => ({ seq: from + i + (i >= 5 ? 10 : 0), time: i * 0.1, kind: "request", source: "kubectl", target: "kube-apiserver", step: "send", summary: "x" }));
  }
  function setUp(n = 20) {
    const timeline = new Timeline();
    timeline.append(events(n));
    const player = new Player(timeline, { ack() {}, setPlaying() {}, setSpeed() {}, step() {} });
    return { timeline, player };
  }

  test("the target is past the event of the presenter's seq; a seq not here yet: all there is", () => {
    const { timeline } = setUp();
    assert.equal(followTarget(timeline, 0), 0);
    assert.equal(followTarget(timeline, 3), 3);
    assert.equal(followTarget(timeline, 16), 6); // the sixth event has seq 16
    assert.equal(followTarget(timeline, 1000), 20);
    assert.equal(followTarget(timeline, Infinity), 20);
    assert.equal(followTarget(timeline, 7), 5); // a seq no longer held: the first after it
  });

  test("a little behind it plays on to the presenter and stops there", () => {
    const { timeline, player } = setUp();
    player.seek(2);
    followTo(player, timeline, 4);
    assert.equal(player.limit, 4);
    let t = performance.now();
    for (let i = 0; i < 50; i += 1) {
      t += 500;
      player.tick(t);
      player.anim && (player.anim.shown = true); // as the page's render marks it drawn
    }
    assert.equal(player.cursor, 4);
    assert.equal(player.anim, null);
    assert.equal(shownSeq(player), 4);
  });

  test("far behind it jumps; the presenter going back takes it back", () => {
    const { timeline, player } = setUp();
    player.setStory(false); // every message, 0.7 s each
    player.seek(0);
    followTo(player, timeline, timeline.events[19].seq); // 20 messages at 0.7 s: too far
    assert.equal(player.cursor, 20);
    followTo(player, timeline, 3);
    assert.equal(player.cursor, 3);
    assert.equal(shownSeq(player), 3);
  });
});

test("a tab follows its address's code, else the one it followed, never the room it presents", () => {
  const storage = new Map();
  const store = { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => storage.set(k, v), removeItem: (k) => storage.delete(k) };
  assert.equal(codeToFollow("/", "", store), null);
  assert.equal(codeToFollow("/join/k7m-p2q", "", store), "K7MP2Q");
  remember(store, "podlife.follow", { code: "ABCDEF" });
  assert.equal(codeToFollow("/", "", store), "ABCDEF"); // a reload follows again
  remember(store, "podlife.room", { code: "K7MP2Q", secret: "s" });
  assert.equal(codeToFollow("/join/K7MP2Q", "", store), null); // the teacher's own join URL
  assert.equal(codeToFollow("/", "?join=ABCDEF", store), "ABCDEF");
});
