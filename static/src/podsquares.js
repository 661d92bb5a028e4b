// Crowded nodes: each pod a small square coloured by its status, as kube-ops-view draws them,
// so a node with dozens of pods still shows every one at a glance (and how many), and each
// square is still a button that opens the inspector. A card per pod comes back on request.
//
// Drawn every animation frame with up to a thousand pods: placement is one pass over the pods,
// and a square whose place, status and selection did not change is not touched.

import { keyed, s, setAttrs } from "./dom.js";

export const SQUARE = 18; // viewBox units: ≈ 20 px on a 1920-wide projector
const GAP = 5;
// Status is text as well as colour: a mark on every square but a Running one.
const MARK = { busy: "◐", bad: "✖", gone: "◌", done: "✔" };

function perRow(width) {
  return Math.max(1, Math.floor((width + GAP) / (SQUARE + GAP)));
}

/** The height `count` squares take in a row of `width`. */
export function squaresHeight(count, width) {
  const rows = Math.ceil(count / perRow(width));
  return rows ? rows * (SQUARE + GAP) - GAP : 0;
}

/** Where each pod's square goes, row by row from (x, y): [{pod, x, y}]. */
export function placeSquares(pods, x, y, width) {
  const cols = perRow(width);
  return pods.map((pod, i) => ({ pod, x: x + (i % cols) * (SQUARE + GAP), y: y + Math.floor(i / cols) * (SQUARE + GAP) }));
}

/** Draw the squares into `layer`; `select(key)` opens the inspector on a pod. */
export function drawSquares(layer, squares, selected, select) {
  keyed(
    layer,
    squares,
    (q) => `${q.pod.namespace}/${q.pod.name}`,
    () => {
      const g = s("g", { class: "pod square", tabindex: "0", role: "button" });
      g.append(s("rect", { class: "square-box", width: SQUARE, height: SQUARE, rx: 4 }), s("text", { class: "square-mark", "text-anchor": "middle" }), s("title"));
      g.addEventListener("click", () => select(g.dataset.key));
      g.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          select(g.dataset.key);
        }
      });
      return g;
    },
    (g, q) => {
      const p = q.pod;
      const isSelected = Boolean(selected && selected.kind === "Pod" && selected.name === p.name && (selected.namespace || "default") === p.namespace);
      const sig = `${q.x},${q.y},${p.tone},${p.status},${p.ready},${p.node},${isSelected}`;
      if (g.__sig === sig) return;
      g.__sig = sig;
      g.setAttribute("class", `pod square tone-${p.tone}${isSelected ? " selected" : ""}`);
      g.dataset.status = p.status;
      g.dataset.node = p.node || "";
      g.setAttribute("aria-label", `Pod ${p.name}, status ${p.status}, ready ${p.ready}${p.node ? `, on ${p.node}` : ""}`);
      const [box, mark, title] = g.children;
      setAttrs(box, { x: q.x, y: q.y });
      setAttrs(mark, { x: q.x + SQUARE / 2, y: q.y + SQUARE / 2 + 4.5, text: MARK[p.tone] || "" });
      setAttrs(title, { text: `${p.name} — ${p.status}` });
    },
  );
}
