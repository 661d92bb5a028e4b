// model.js: the trace reducer and the Timeline's time travel, on the engine's real trace.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { initialState, podOf, reduce, Timeline } from "../../static/src/model.js";

const criCall = (ev) => ev.data.method; // every CRI event names its call
import { cursorAfter, enginePods, foldFromScratch, needsTrace, trace } from "./fixture.mjs";

describe("reduce over the whole trace", needsTrace, () => {
  test("the keys are exactly the engine's etcd keys, at the engine's revisions and versions", () => {
    // The baseline plus every etcd-watch must rebuild etcd's key table: the page draws
    // from it, so a missed PUT or DELETE shows a pod that is not there (or hides one that is).
    const state = foldFromScratch();
    assert.deepEqual(state.keys, trace.engine.keys);
  });

  test("the revision is etcd's latest", () => {
    const state = foldFromScratch();
    assert.equal(state.revision, trace.engine.revision);
    assert.equal(state.index, trace.events.length);
    assert.equal(state.seq, trace.events.at(-1).seq);
  });

  test("the deleted pod's key goes, its replacement's comes, versions count the writes", () => {
    const deletedKey = `/registry/pods/${trace.deletedPod}`;
    // Just before etcd reports the DELETE the key is still there, written more than once.
    const deleteAt = cursorAfter((e) => e.kind === "etcd-watch" && e.data.key === deletedKey && e.data.type === "DELETE");
    const before = foldFromScratch(deleteAt - 1);
    assert.ok(before.keys[deletedKey].version > 1);
    assert.ok(before.keys[deletedKey].rev > before.keys[deletedKey].create);
    const after = foldFromScratch(deleteAt);
    assert.equal(after.keys[deletedKey], undefined);
    // etcd's panel keeps the history, ending with the DELETE.
    assert.equal(after.keyHistory[deletedKey].at(-1).type, "DELETE");

    const final = foldFromScratch();
    for (const name of enginePods().keys()) {
      const info = final.keys[`/registry/pods/${name}`];
      assert.ok(info, `${name} is missing`);
      // A pod is created, bound, then its status is written: several versions, increasing revs.
      assert.ok(info.version >= 3, `${name} has version ${info.version}`);
      assert.ok(info.rev > info.create);
    }
  });

  test("a key's revisions only grow along the trace", () => {
    const state = initialState(trace.reset.baseline);
    for (const ev of trace.events) {
      const key = ev.kind === "etcd-watch" ? ev.data.key : null;
      const old = key && state.keys[key] ? { ...state.keys[key] } : null;
      reduce(state, ev);
      if (old && state.keys[key]) {
        assert.ok(state.keys[key].rev > old.rev, `${key} went from ${old.rev} to ${state.keys[key].rev}`);
        assert.equal(state.keys[key].version, old.version + 1);
        assert.equal(state.keys[key].create, old.create);
      }
    }
  });

  test("step counts add up to the number of events; every component is seen", () => {
    const state = foldFromScratch();
    const total = Object.values(state.stepCounts).reduce((a, b) => a + b, 0);
    assert.equal(total, trace.events.length);
    for (const ev of trace.events) assert.ok(ev.seq <= state.seen[ev.source]);
    for (const node of trace.engine.nodes) assert.ok(state.seen[`kubelet/${node}`] > 0, `kubelet/${node}`);
  });

  test("image pulls are under way between PullImage request and reply, and only then", () => {
    // The first pull request puts its node in `pulls` (the stage's progress bar); its reply
    // takes it out; at the end no pull is left over.
    const request = trace.events.find((e) => e.kind === "cri-request" && criCall(e) === "PullImage");
    const node = request.target.split("/")[1];
    const during = foldFromScratch(cursorAfter((e) => e === request));
    assert.equal(during.pulls[node].seq, request.seq);
    assert.equal(during.pulls[node].pod, podOf(request));
    assert.equal(during.pulls[node].expected, request.data.duration);
    assert.equal(during.pulls[node].bytes, request.data.bytes);
    const reply = trace.events.find((e) => e.kind === "cri-reply" && e.seq > request.seq && criCall(e) === "PullImage" && e.source === request.target);
    assert.equal(foldFromScratch(cursorAfter((e) => e === reply)).pulls[node], undefined);
    assert.deepEqual(foldFromScratch().pulls, {});
  });

  test("each pod's latest scheduling cycle is remembered", () => {
    const cycles = trace.events.filter((e) => e.kind === "scheduling-cycle");
    const state = foldFromScratch();
    assert.equal(state.lastCycle, cycles.at(-1).seq);
    // Four cycles: three replicas and the replacement, one pod each.
    assert.equal(Object.keys(state.cycles).length, cycles.length);
    for (const ev of cycles) assert.equal(state.cycles[podOf(ev)], ev.seq);
    for (const name of enginePods().keys()) assert.ok(state.cycles[name], `no cycle for ${name}`);
  });
});

describe("the CRI calls and podOf", needsTrace, () => {
  test("name the CRI calls the kubelet makes for a pod, in order", () => {
    // One of the pods that pulled the image: sandbox, image check, pull, create, start.
    const pod = podOf(trace.events.find((e) => e.kind === "cri-request" && criCall(e) === "PullImage"));
    const calls = trace.events.filter((e) => e.kind === "cri-request" && podOf(e) === pod).map(criCall);
    assert.deepEqual(calls.slice(0, 5), ["RunPodSandbox", "ImageStatus", "PullImage", "CreateContainer", "StartContainer"]);
    // A reply names its call too.
    const replies = trace.events.filter((e) => e.kind === "cri-reply" && podOf(e) === pod).map(criCall);
    assert.deepEqual(replies.slice(0, 5), calls.slice(0, 5));
  });

  test("the deleted pod's containers are stopped and its sandbox removed", () => {
    const calls = new Set(trace.events.filter((e) => e.kind === "cri-request" && podOf(e) === trace.deletedPod).map(criCall));
    for (const call of ["StopContainer", "StopPodSandbox", "RemovePodSandbox"]) assert.ok(calls.has(call), call);
  });

  test("podOf reads the object; other objects are no pod", () => {
    assert.equal(podOf({ object: { kind: "Pod", name: "a", namespace: "ns" } }), "ns/a");
    assert.equal(podOf({ object: { kind: "Pod", name: "a" } }), "default/a");
    assert.equal(podOf({ object: { kind: "Deployment", name: "web", namespace: "default" }, data: {} }), "");
    assert.equal(podOf({ object: null, data: {} }), "");
  });
});

describe("reduce on hand-built edge cases", () => {
  const watch = (seq, type, key, revision, extra = {}) => ({
    seq,
    time: seq / 10,
    source: "etcd",
    target: "api-server",
    kind: "etcd-watch",
    step: "other",
    summary: `${type} ${key} (revision ${revision})`,
    data: { key, revision, type, ...extra },
  });

  test("a DELETE named in data.type removes the key, whatever the summary says; a re-create starts at version 1", () => {
    const key = "/registry/pods/default/a";
    const state = initialState({ revision: 3, keys: { [key]: { rev: 3, create: 2, version: 2 } } });
    // the summary is prose for people: only data.type counts
    reduce(state, { ...watch(1, "DELETE", key, 4), summary: "PUT something" });
    assert.equal(state.keys[key], undefined);
    assert.equal(state.revision, 4);
    reduce(state, watch(2, "PUT", key, 7));
    assert.deepEqual(state.keys[key], { rev: 7, create: 7, version: 1 });
  });

  test("a watch event without a revision changes nothing; the baseline is not shared", () => {
    const baseline = { revision: 3, keys: { "/registry/x": { rev: 3, create: 3, version: 1 } } };
    const state = initialState(baseline);
    reduce(state, watch(1, "DELETE", "/registry/x", undefined));
    assert.ok(state.keys["/registry/x"]);
    reduce(state, watch(2, "DELETE", "/registry/x", 5));
    assert.deepEqual(Object.keys(state.keys), []);
    assert.ok(baseline.keys["/registry/x"], "the reducer wrote into the baseline it was given");
  });

  test("a pod scheduled twice points at its latest cycle", () => {
    const cycle = (seq) => ({ seq, time: 0, source: "scheduler", target: "scheduler", kind: "scheduling-cycle", step: "schedule", object: { kind: "Pod", name: "p", namespace: "default" }, data: {} });
    const state = initialState();
    reduce(state, cycle(4));
    reduce(state, cycle(9)); // e.g. retried after a FailedScheduling
    assert.deepEqual(state.cycles, { "default/p": 9 });
    assert.equal(state.lastCycle, 9);
  });

  test("an etcd-reply moves the revision forward, never back", () => {
    const state = initialState({ revision: 10 });
    reduce(state, { seq: 1, time: 0, source: "etcd", target: "api-server", kind: "etcd-reply", step: "persist", data: { revision: 8 } });
    assert.equal(state.revision, 10);
    reduce(state, { seq: 2, time: 0, source: "etcd", target: "api-server", kind: "etcd-reply", step: "persist", data: { revision: 12 } });
    assert.equal(state.revision, 12);
  });
});

describe("Timeline: time travel", needsTrace, () => {
  function loaded() {
    const timeline = new Timeline();
    timeline.reset(trace.reset.baseline);
    // the page receives the trace in batches of at most 250 events
    for (let i = 0; i < trace.events.length; i += 250) timeline.append(trace.events.slice(i, i + 250));
    return timeline;
  }

  test("any cursor, reached forwards, backwards or by jumping, gives the folded-from-scratch state", () => {
    const timeline = loaded();
    const n = trace.events.length;
    assert.ok(n > 3 * 200, "the trace should cross several checkpoints");
    // Positions on, just before and just after checkpoint boundaries, the ends, and a walk
    // that goes back and forth across them.
    const cursors = [n, 0, 199, 200, 201, 1, 599, n - 1, 400, 401, 3, 650, 200, n, 137, 0, 401];
    for (const cursor of cursors) {
      const got = structuredClone(timeline.at(cursor));
      assert.deepEqual(got, foldFromScratch(cursor), `cursor ${cursor}`);
    }
  });

  test("a step back then forward returns exactly the state we left", () => {
    const timeline = loaded();
    const deleteAt = cursorAfter((e) => e.kind === "graceful-delete");
    const there = structuredClone(timeline.at(deleteAt));
    timeline.at(deleteAt - 1);
    timeline.at(5);
    assert.deepEqual(timeline.at(deleteAt), there);
  });

  test("the cursor is clamped to the events held", () => {
    const timeline = loaded();
    assert.equal(timeline.at(-5).index, 0);
    assert.equal(timeline.at(trace.events.length + 100).index, trace.events.length);
    assert.equal(timeline.revisionAt(trace.events.length), trace.engine.revision);
  });

  test("a repeated batch is ignored", () => {
    const timeline = loaded();
    timeline.append(trace.events.slice(0, 300));
    timeline.append(trace.events.slice(-1));
    assert.equal(timeline.events.length, trace.events.length);
    assert.deepEqual(structuredClone(timeline.at(trace.events.length)), foldFromScratch());
  });

  test("a fork drops the future and re-derives the states after it", () => {
    const timeline = loaded();
    timeline.at(trace.events.length); // checkpoints all the way to the end
    const fork = 451;
    timeline.truncateAfterSeq(trace.events[fork - 1].seq);
    assert.equal(timeline.events.length, fork);
    assert.deepEqual(structuredClone(timeline.at(fork)), foldFromScratch(fork));
    // A different future follows (here: the old one without its etcd-watch events, numbered
    // on). States past the fork must come from it, not from checkpoints of the old future.
    const future = trace.events
      .slice(fork)
      .filter((e) => e.kind !== "etcd-watch")
      .map((e, i) => ({ ...e, seq: trace.events[fork - 1].seq + 1 + i }));
    timeline.append(future);
    const events = [...trace.events.slice(0, fork), ...future];
    for (const cursor of [events.length, 420, 610, 401, 620]) {
      assert.deepEqual(structuredClone(timeline.at(cursor)), foldFromScratch(cursor, events), `cursor ${cursor}`);
    }
  });

  test("indexOfSeq finds an event by its seq", () => {
    const timeline = loaded();
    for (const i of [0, 199, 200, trace.events.length - 1]) assert.equal(timeline.indexOfSeq(trace.events[i].seq), i);
    assert.equal(timeline.indexOfSeq(trace.events.length + 1), -1);
  });
});
