// A scheduling cycle as a table: plugins × nodes, the filter verdict or the score in each cell
// (after kube-scheduler-simulator, the clearest answer to "why this node / why Pending").
//
// The engine's `scheduling-cycle` event carries the cycle in `data` (docs/scheduler.md, "The
// scheduling-cycle trace event"): filter {plugin: {node: "" | reason}}, score {plugin: {node:
// weighted score}}, total {node: total}, chosen, message, skipped, nodes (counts).

import { naturalCompare } from "./components.js";

/** → {pod, nodes, filterPlugins, scorePlugins, filter: Map, score: Map, totals, chosen, message, verdicts} */
export function normalizeCycle(ev) {
  if (!ev || ev.kind !== "scheduling-cycle") return null;
  const d = ev.data;
  const filter = new Map(); // `${plugin}\u0000${node}` -> {ok, reason}
  const score = new Map(); // same key -> weighted score
  const nodes = new Set();
  for (const [plugin, perNode] of Object.entries(d.filter)) {
    for (const [node, reason] of Object.entries(perNode)) {
      nodes.add(node);
      filter.set(key(plugin, node), { ok: reason === "", reason });
    }
  }
  for (const [plugin, perNode] of Object.entries(d.score)) {
    for (const [node, value] of Object.entries(perNode)) {
      nodes.add(node);
      score.set(key(plugin, node), value);
    }
  }
  const filterPlugins = Object.keys(d.filter);
  const scorePlugins = Object.keys(d.score);
  const totals = { ...d.total };
  const chosen = d.chosen;
  const nodeList = [...nodes].sort(naturalCompare);
  const verdicts = new Map();
  for (const node of nodeList) {
    const failed = filterPlugins.map((p) => filter.get(key(p, node))).find((v) => v && !v.ok);
    const verdict = node === chosen ? "chosen" : failed ? "filtered" : "feasible";
    verdicts.set(node, { verdict, reason: failed ? failed.reason : "", score: totals[node] ?? null });
  }
  const pod = ev.object ? `${ev.object.namespace || "default"}/${ev.object.name}` : "";
  return {
    seq: ev.seq,
    pod,
    nodes: nodeList,
    filterPlugins,
    scorePlugins,
    filter,
    score,
    totals,
    chosen,
    message: d.message,
    verdicts,
    counts: d.nodes, // {all, evaluated, feasible, shown}
    skipped: d.skipped, // {filter: [...], score: [...]}
  };
}

export function key(plugin, node) {
  return `${plugin}\u0000${node}`;
}
