// cycle.js: the scheduling panel's plugins × nodes table, from the engine's scheduling-cycle
// events, checked against where the pods really ended up.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { key, normalizeCycle } from "../../static/src/cycle.js";
import { podOf } from "../../static/src/model.js";
import { enginePods, needsTrace, trace } from "./fixture.mjs";

/** The node a pod was last stored with, read from the etcd values the page fetched. */
function storedNode(pod) {
  const podKey = `/registry/pods/${pod}`;
  const puts = trace.events.filter((e) => e.kind === "etcd-watch" && e.data.key === podKey && e.data.type !== "DELETE");
  const reply = trace.etcd[`${podKey}@${puts.at(-1).data.revision}`];
  return JSON.parse(reply.value).spec.nodeName;
}

describe("normalizeCycle on the real scheduling cycles", needsTrace, () => {
  const cycles = trace ? trace.events.filter((e) => e.kind === "scheduling-cycle") : [];

  test("there is one cycle per pod, the replacement's included", () => {
    const pods = cycles.map(podOf).sort();
    assert.deepEqual(pods, [...enginePods().keys(), trace.deletedPod].sort());
  });

  test("the chosen node is where the pod was bound, and wins on score", () => {
    const engine = enginePods();
    for (const ev of cycles) {
      const cycle = normalizeCycle(ev);
      assert.equal(cycle.pod, podOf(ev));
      assert.equal(cycle.seq, ev.seq);
      // The engine's final pods say where they run; the deleted one, its last stored value.
      const node = engine.get(cycle.pod)?.node ?? storedNode(cycle.pod);
      assert.equal(cycle.chosen, node, cycle.pod);
      assert.equal(cycle.verdicts.get(node).verdict, "chosen");
      const best = Math.max(...cycle.nodes.map((n) => cycle.totals[n]));
      assert.equal(cycle.totals[node], best, `${cycle.pod}: ${node} did not have the best score`);
      assert.equal(cycle.message, ev.data.message);
    }
  });

  test("every node gets a verdict from every filter plugin and a score from every score plugin", () => {
    for (const ev of cycles) {
      const cycle = normalizeCycle(ev);
      assert.deepEqual(cycle.nodes, trace.engine.nodes);
      assert.deepEqual(cycle.filterPlugins, Object.keys(ev.data.filter));
      assert.deepEqual(cycle.scorePlugins, Object.keys(ev.data.score));
      for (const node of cycle.nodes) {
        // nothing filtered a node out in this scenario: all feasible
        for (const plugin of cycle.filterPlugins) assert.deepEqual(cycle.filter.get(key(plugin, node)), { ok: true, reason: "" });
        for (const plugin of cycle.scorePlugins) assert.equal(cycle.score.get(key(plugin, node)), ev.data.score[plugin][node]);
        assert.equal(cycle.totals[node], ev.data.total[node]);
        const verdict = cycle.verdicts.get(node);
        assert.equal(verdict.verdict, node === cycle.chosen ? "chosen" : "feasible");
        assert.equal(verdict.score, ev.data.total[node]);
      }
      assert.deepEqual(cycle.counts, ev.data.nodes);
      assert.deepEqual(cycle.skipped, ev.data.skipped);
    }
  });

  test("other events are no cycle", () => {
    assert.equal(normalizeCycle(trace.events[0]), null);
    assert.equal(normalizeCycle(null), null);
  });
});

describe("normalizeCycle on a hand-built cycle", () => {
  test("a filtered node shows the plugin's reason; nodes sort naturally; no node chosen", () => {
    const cycle = normalizeCycle({
      seq: 7,
      kind: "scheduling-cycle",
      object: { kind: "Pod", name: "big", namespace: "default" },
      data: {
        filter: {
          NodeUnschedulable: { "node-10": "", "node-2": "", "node-1": "" },
          NodeResourcesFit: { "node-10": "Insufficient cpu", "node-2": "", "node-1": "Insufficient cpu" },
        },
        score: { NodeResourcesFit: { "node-2": 40 }, ImageLocality: { "node-2": 10 } },
        total: { "node-2": 50 },
        chosen: null,
        message: "0/3 nodes are available: 2 Insufficient cpu.",
        skipped: { filter: [], score: [] },
        nodes: { all: 3, evaluated: 3, feasible: 1, shown: 3 },
      },
    });
    assert.equal(cycle.pod, "default/big");
    assert.deepEqual(cycle.nodes, ["node-1", "node-2", "node-10"]);
    assert.equal(cycle.chosen, null);
    assert.deepEqual(cycle.verdicts.get("node-10"), { verdict: "filtered", reason: "Insufficient cpu", score: null });
    assert.deepEqual(cycle.verdicts.get("node-2"), { verdict: "feasible", reason: "", score: 50 });
    assert.equal(cycle.score.get(key("ImageLocality", "node-2")), 10);
    assert.deepEqual(cycle.counts, { all: 3, evaluated: 3, feasible: 1, shown: 3 });
  });
});
