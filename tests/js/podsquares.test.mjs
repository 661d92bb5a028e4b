// stage.js's layout with podsquares.js: a crowded node draws a square per pod, inside its box,
// and laying out 100 nodes × 1000 pods is one pass (the stage lays out every animation frame).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { SQUARE, placeSquares } from "../../static/src/podsquares.js";
import { layout } from "../../static/src/stage.js";

/** `wrap`: what each pod object is made into (a counting Proxy, below). */
function cluster(nodeCount, podsPerNode, wrap = (pod) => pod) {
  const nodes = Array.from({ length: nodeCount }, (_, n) => ({
    name: `node-${n + 1}`,
    ready: true,
    status: "Ready",
    pods: Array.from({ length: podsPerNode }, (_, p) => wrap({ name: `web-${n}-${p}`, namespace: "default", status: "Running", tone: "good", node: `node-${n + 1}` })),
  }));
  const view = { nodes, unscheduled: [], deployments: [], replicasets: [], standalone: [] };
  return (expanded = new Set()) => layout(view, { seen: {} }, { expanded, extra: [] });
}

const inside = (q, n) => q.x >= n.x && q.y >= n.y && q.x + SQUARE <= n.x + n.w && q.y + SQUARE <= n.y + n.h;

describe("a crowded node's squares", () => {
  test("100 nodes × 10 pods: a square per pod, in its own node's box, none on another", () => {
    const L = cluster(100, 10)();
    assert.equal(L.squares.length, 1000);
    assert.equal(L.tiles.length, 0, "no cards on crowded nodes");
    const boxes = new Map(L.nodes.map((n) => [n.name, n]));
    const taken = new Set();
    for (const q of L.squares) {
      assert.ok(inside(q, boxes.get(q.pod.node)), `${q.pod.name} is outside ${q.pod.node}`);
      const at = `${q.x},${q.y}`;
      assert.ok(!taken.has(at), `two squares at ${at}`);
      taken.add(at);
    }
  });

  test("a few pods stay cards; a crowded node asked for its cards gets them back", () => {
    const few = cluster(3, 2)();
    assert.equal(few.squares.length, 0);
    assert.equal(few.tiles.length, 6);
    const crowded = cluster(3, 14);
    assert.equal(crowded().squares.length, 42);
    const one = crowded(new Set(["node-2"]));
    assert.equal(one.squares.length, 28);
    assert.deepEqual([...new Set(one.tiles.map((t) => t.pod.node))], ["node-2"]);
  });

  test("squares wrap in rows of equal pitch", () => {
    const squares = placeSquares(Array.from({ length: 7 }, (_, i) => ({ name: `p${i}` })), 10, 20, 3 * SQUARE + 2 * 5);
    assert.deepEqual(squares.map((q) => [q.x - 10, q.y - 20]), [[0, 0], [23, 0], [46, 0], [0, 23], [23, 23], [46, 23], [0, 46]]);
  });

  test("laying out grows with the pods, not with their square", () => {
    // Counted, not timed (a loaded machine slows anything down): every read of a pod's fields
    const reads = (nodeCount, podsPerNode) => {
      let count = 0;
      const counted = (pod) => new Proxy(pod, { get: (target, key) => ((count += 1), target[key]) });
      assert.equal(cluster(nodeCount, podsPerNode, counted)().squares.length, nodeCount * podsPerNode);
      return count;
    };
    const small = reads(100, 10);
    const big = reads(100, 80);
    assert.ok(big / small < 12, `8× the pods took ${(big / small).toFixed(1)}× the reads (${small} → ${big})`);
  });
});
