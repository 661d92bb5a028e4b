// A scheduling cycle as a table: plugins × nodes, the filter verdict or the score in each cell
// (after kube-scheduler-simulator, the clearest answer to "why this node / why Pending").
//
// The engine's `scheduling-cycle` event carries the cycle in `data`; this reads the shapes a
// cycle can naturally be written in (per node, or per plugin) into one form.

import { naturalCompare } from "./components.js";

const OK = new Set(["", "success", "ok", "passed", "pass", "true"]);

/** → {pod, nodes, filterPlugins, scorePlugins, filter: Map, score: Map, totals, chosen, message, verdicts} */
export function normalizeCycle(ev) {
  if (!ev || ev.kind !== "scheduling-cycle") return null;
  const d = ev.data || {};
  const filter = new Map(); // `${plugin}\u0000${node}` -> {ok, reason}
  const score = new Map(); // same key -> {score, weight}
  const filterPlugins = [];
  const scorePlugins = [];
  const nodes = new Set(asList(d.nodes).map((n) => (typeof n === "string" ? n : n.name || n.node)).filter(Boolean));
  const totals = {};
  const weights = { ...(d.weights || {}) };

  const addFilter = (plugin, node, verdict) => {
    if (!plugin || !node) return;
    if (!filterPlugins.includes(plugin)) filterPlugins.push(plugin);
    nodes.add(node);
    filter.set(key(plugin, node), readVerdict(verdict));
  };
  const addScore = (plugin, node, value, weight) => {
    if (!plugin || !node) return;
    if (!scorePlugins.includes(plugin)) scorePlugins.push(plugin);
    nodes.add(node);
    if (weight !== undefined && weights[plugin] === undefined) weights[plugin] = weight;
    score.set(key(plugin, node), typeof value === "object" && value !== null ? Number(value.score ?? value.value) : Number(value));
  };

  // Per-node form: nodes: [{name, filter: {Plugin: reason|null} | [{plugin, reason}], score: {...}, total}]
  for (const n of asList(d.nodes)) {
    if (typeof n !== "object" || n === null) continue;
    const name = n.name || n.node;
    for (const [plugin, verdict] of entries(n.filter ?? n.filters)) addFilter(plugin, name, verdict);
    for (const [plugin, value] of entries(n.score ?? n.scores)) addScore(plugin, name, value, value && value.weight);
    const total = n.total ?? n.totalScore ?? n.finalScore;
    if (total !== undefined && total !== null) totals[name] = Number(total);
  }
  // Per-plugin form: filter: {Plugin: {node: reason|null}} or [{plugin, node, reason}]
  for (const [plugin, perNode] of entries(d.filter ?? d.filters)) {
    if (perNode && typeof perNode === "object" && !Array.isArray(perNode) && !("node" in perNode)) {
      for (const [node, verdict] of Object.entries(perNode)) addFilter(plugin, node, verdict);
    } else if (perNode && typeof perNode === "object") addFilter(perNode.plugin || plugin, perNode.node, perNode);
  }
  for (const [plugin, perNode] of entries(d.score ?? d.scores)) {
    if (perNode && typeof perNode === "object" && !Array.isArray(perNode) && !("node" in perNode)) {
      for (const [node, value] of Object.entries(perNode)) addScore(plugin, node, value);
    } else if (perNode && typeof perNode === "object") addScore(perNode.plugin || plugin, perNode.node, perNode, perNode.weight);
  }
  for (const [node, total] of entries(d.totals ?? d.total ?? d.totalScores)) totals[node] = Number(total && typeof total === "object" ? total.score : total);

  const chosen = d.selected ?? d.chosen ?? d.selectedNode ?? d.suggestedHost ?? d.node ?? d.result?.node ?? null;
  const message = d.message ?? d.fitError ?? d.error ?? "";
  const nodeList = [...nodes].sort(naturalCompare);

  // Totals, when the cycle did not say them: the weighted sum of the scores.
  for (const node of nodeList) {
    if (totals[node] !== undefined) continue;
    let sum = null;
    for (const plugin of scorePlugins) {
      const v = score.get(key(plugin, node));
      if (v === undefined || Number.isNaN(v)) continue;
      sum = (sum || 0) + v * (weights[plugin] ?? 1);
    }
    if (sum !== null) totals[node] = sum;
  }

  const verdicts = new Map();
  for (const node of nodeList) {
    const failed = filterPlugins.map((p) => filter.get(key(p, node))).find((v) => v && !v.ok);
    const verdict = node === chosen ? "chosen" : failed ? "filtered" : "feasible";
    verdicts.set(node, { verdict, reason: failed ? failed.reason : "", score: totals[node] ?? null });
  }
  const podName = ev.object && ev.object.name ? `${ev.object.namespace || "default"}/${ev.object.name}` : d.pod || "";
  const counts = d.nodes && !Array.isArray(d.nodes) && typeof d.nodes === "object" ? d.nodes : null; // {all, evaluated, feasible, shown}
  const skipped = d.skipped && typeof d.skipped === "object" ? d.skipped : null; // {filter: [...], score: [...]}
  return { seq: ev.seq, pod: podName, nodes: nodeList, filterPlugins, scorePlugins, filter, score, weights, totals, chosen, message, verdicts, counts, skipped, summary: ev.summary };
}

export function key(plugin, node) {
  return `${plugin}\u0000${node}`;
}

function readVerdict(v) {
  if (v === null || v === undefined || v === true) return { ok: true, reason: "" };
  if (v === false) return { ok: false, reason: "rejected" };
  if (typeof v === "string") return OK.has(v.toLowerCase()) ? { ok: true, reason: "" } : { ok: false, reason: v };
  const code = String(v.code ?? v.status ?? "").toLowerCase();
  const reason = v.reason ?? v.message ?? (Array.isArray(v.reasons) ? v.reasons.join(", ") : "");
  const ok = v.ok ?? v.passed ?? (code ? OK.has(code) : !reason);
  return { ok: Boolean(ok), reason: ok ? "" : reason || v.code || "rejected" };
}

function asList(x) {
  return Array.isArray(x) ? x : [];
}

function entries(x) {
  if (!x) return [];
  if (Array.isArray(x)) return x.map((item) => [item && (item.plugin || item.name), item]);
  if (typeof x === "object") return Object.entries(x);
  return [];
}
