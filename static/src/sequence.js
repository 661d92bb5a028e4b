// The trace as a sequence diagram: a lifeline per component, an arrow per message, the rows
// around the playback cursor. Click a row to move the cursor there.

import { compareFlow, lifelineName } from "./components.js";
import { ellipsize, fill, s } from "./dom.js";
import { anchorId } from "./stage.js";
import { messageLabel } from "./narration.js";

const ROW = 26;
const HEAD = 46;
const BEFORE = 22;
const AFTER = 6;

export class SequenceView {
  constructor(root, { seek }) {
    this.seek = seek;
    this.svg = s("svg", { class: "sequence", role: "img", "aria-label": "Sequence diagram of the messages around the cursor" });
    root.append(this.svg);
    this.last = "";
  }

  /** current: index of the event being shown (in flight or just happened), -1 for none. */
  render(events, current, width) {
    const from = Math.max(0, current - BEFORE);
    const to = Math.min(events.length, Math.max(current + AFTER + 1, from + BEFORE + AFTER + 1));
    const id = `${from}:${to}:${current}:${events.length}:${width}`;
    if (id === this.last) return;
    this.last = id;
    const rows = events.slice(from, to);
    const ids = [...new Set(rows.flatMap((ev) => [lane(ev.source), lane(ev.target)]))].filter((x) => x !== "narrator").sort(compareFlow);
    const W = Math.max(width || 900, 640);
    const left = 250;
    const laneW = ids.length > 1 ? (W - left - 40) / (ids.length - 1) : 0;
    const xOf = new Map(ids.map((c, i) => [c, left + 20 + i * laneW]));
    const H = HEAD + rows.length * ROW + 10;
    this.svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    this.svg.style.height = `${H}px`;
    const parts = [];
    for (const c of ids) {
      const x = xOf.get(c);
      parts.push(s("line", { class: "lifeline", x1: x, x2: x, y1: HEAD - 8, y2: H }), s("text", { class: "lifeline-name", x, y: 18, "text-anchor": "middle" }, ellipsize(lifelineName(c), Math.max(8, Math.floor(laneW / 7.5) || 20))));
    }
    rows.forEach((ev, i) => {
      const index = from + i;
      const y = HEAD + i * ROW + ROW / 2;
      const cls = index === current ? "row current" : index > current ? "row future" : "row";
      const g = s("g", { class: `${cls} step-${ev.step}`, "data-index": index });
      g.append(s("rect", { class: "row-bg", x: 0, y: y - ROW / 2, width: W, height: ROW }));
      g.append(s("text", { class: "row-seq", x: 8, y: y + 4 }, `#${ev.seq}`), s("text", { class: "row-text", x: 52, y: y + 4 }, ellipsize(ev.summary.replace(/\s+/g, " "), 30)));
      const a = xOf.get(lane(ev.source));
      const b = xOf.get(lane(ev.target));
      if (ev.kind === "narration" || a === undefined) {
        // narration spans the diagram as a note
      } else if (a === b) {
        g.append(s("path", { class: "arrow self", d: `M${a},${y - 7} h22 v12 h-20`, "marker-end": "url(#seq-arrow)" }), s("text", { class: "arrow-label", x: a + 28, y: y + 4 }, messageLabel(ev)));
      } else {
        const dir = b > a ? 1 : -1;
        g.append(
          s("line", { class: "arrow", x1: a, y1: y, x2: b - dir * 3, y2: y, "marker-end": "url(#seq-arrow)" }),
          s("text", { class: "arrow-label", x: (a + b) / 2, y: y - 5, "text-anchor": "middle" }, messageLabel(ev)),
        );
      }
      g.addEventListener("click", () => this.seek(index + 1));
      parts.push(g);
    });
    fill(
      this.svg,
      s("defs", {}, s("marker", { id: "seq-arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "6", markerHeight: "6", orient: "auto-start-reverse" }, s("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }))),
      parts,
    );
  }
}

/** Lifelines: one per component (a real kubectl stands with kubectl). */
function lane(id) {
  return anchorId(id);
}
