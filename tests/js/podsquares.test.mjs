// stage.js's layout with podsquares.js: a crowded node draws a square per pod, inside its box,
// and laying out 100 nodes × 1000 pods is one pass (the stage lays out every animation frame).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { SQUARE, placeSquares } from "../../static/src/podsquares.js";
import { layout } from "../../static/src/stage.js";

function cluster(nodeCount, podsPerNode) {
  const nodes = Array.from({ length: nodeCount }, (_, n) => ({
    name: `node-${n + 1}`,
    ready: true,
    status: "Ready",
    pods: Array.from({ length: podsPerNode }, (_, p) => ({ name: `web-${n}-${p}`, namespace: "default", status: "Running", tone: "good", node: `node-${n + 1}` })),
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
    const fastest = (run) => {
      let best = Infinity;
      for (let i = 0; i < 7; i += 1) {
        const t0 = performance.now();
        run();
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    const small = cluster(100, 10);
    const big = cluster(100, 80);
    const a = fastest(small);
    const b = fastest(big);
    assert.ok(a < 50, `100 nodes × 1000 pods took ${a.toFixed(1)} ms to lay out`);
    assert.ok(b / Math.max(a, 0.05) < 24, `8× the pods took ${(b / a).toFixed(1)}× the time (${a.toFixed(2)} → ${b.toFixed(2)} ms)`);
  });
});
