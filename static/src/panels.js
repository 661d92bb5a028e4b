// The panels under the stage, all in step with the playback cursor: Events (like `kubectl get
// events`), the scheduling table, etcd, the objects tree, and the ready-pods chart.

import { key as cellKey } from "./cycle.js";
import { naturalCompare } from "./components.js";
import { fill, h, keyed, s, setAttrs } from "./dom.js";
import { ownerHue } from "./derive.js";
import { humanDuration, podRow } from "./kube.js";

// ---- Events ------------------------------------------------------------------------------
export class EventsPanel {
  constructor(root, { select }) {
    this.select = select;
    this.body = h("tbody");
    this.empty = h("p", { class: "empty" }, "No events yet. Events appear as components record what they did.");
    root.append(
      h(
        "table",
        { class: "table events-table" },
        h("caption", { class: "visually-hidden" }, "Events, like kubectl get events"),
        h("thead", {}, h("tr", {}, ...["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"].map((c) => h("th", { scope: "col" }, c)))),
        this.body,
      ),
      this.empty,
    );
    this.root = root;
  }

  render(view) {
    const rows = view.events.slice(-300);
    this.empty.hidden = rows.length > 0;
    keyed(
      this.body,
      rows,
      (e) => e.key,
      (e) => {
        const tr = h("tr", {}, h("td"), h("td"), h("td"), h("td", {}, h("button", { class: "link" })), h("td"));
        tr.querySelector("button").addEventListener("click", () => this.select(tr.__obj));
        return tr;
      },
      (tr, e) => {
        tr.__obj = { kind: e.objectKind, name: e.objectName, namespace: e.objectNamespace };
        tr.className = e.type === "Warning" ? "warning" : "";
        const [last, type, reason, obj, msg] = tr.children;
        setAttrs(last, { text: e.count > 1 ? `${e.lastSeen} (x${e.count})` : e.lastSeen });
        setAttrs(type, { text: e.type });
        setAttrs(reason, { text: e.reason });
        setAttrs(obj.firstChild, { text: e.object });
        setAttrs(msg, { text: e.message });
      },
    );
  }
}

// ---- Scheduling: plugins × nodes -------------------------------------------------------------
/** `why`: the scheduler's plain words on why the pod stays Pending (whypending.js), said above
 * the table. `showTable(pod)`: the narration box's short form, which says why and links to the
 * table in the Scheduling panel, so a tall table never pushes the playback controls away. */
export function renderCycleTable(root, cycle, { why = "", showTable = null } = {}) {
  if (!cycle) {
    fill(root, h("p", { class: "empty" }, "No scheduling cycle yet. When the scheduler considers a pod, its filter and score table appears here: why this node, or why Pending."));
    return;
  }
  const head = h(
    "p",
    { class: "cycle-head" },
    h("strong", {}, cycle.pod || "a pod"),
    cycle.chosen ? h("span", { class: "verdict good" }, ` → ${cycle.chosen}`) : h("span", { class: "verdict bad" }, " → stays Pending"),
  );
  const said = why && !cycle.chosen ? h("p", { class: "why-pending" }, why) : null;
  if (showTable) {
    // Short, as the narration box sits above the controls: its caption already quotes the
    // scheduler's message, and the plain words name the pod and its fate.
    const open = h("button", { class: "link cycle-open", type: "button" }, "the scheduler's table ▸");
    open.addEventListener("click", () => showTable(cycle.pod));
    const line = said || head;
    if (cycle.nodes.length) line.append(" ", open);
    fill(root, line);
    return;
  }
  // The scheduler's own words: why it stays Pending (a warning), or how the winner won.
  const message = cycle.message ? h("p", { class: cycle.chosen ? "muted" : "cycle-message" }, cycle.message) : null;
  if (!cycle.nodes.length || (!cycle.filterPlugins.length && !cycle.scorePlugins.length)) {
    fill(root, head, said, message);
    return;
  }
  const th = (text, attrs = {}) => h("th", attrs, text);
  const header = h("tr", {}, th("Plugin", { scope: "col" }), ...cycle.nodes.map((n) => th(n, { scope: "col", class: n === cycle.chosen ? "chosen" : cycle.verdicts.get(n)?.verdict === "filtered" ? "filtered" : "" })));
  const rows = [];
  if (cycle.filterPlugins.length) rows.push(h("tr", { class: "section" }, h("th", { colspan: cycle.nodes.length + 1, scope: "rowgroup" }, "Filter — can the node run the pod?")));
  for (const plugin of cycle.filterPlugins) {
    rows.push(
      h(
        "tr",
        {},
        th(plugin, { scope: "row" }),
        ...cycle.nodes.map((n) => {
          const v = cycle.filter.get(cellKey(plugin, n));
          if (!v) return h("td", { class: "skip" }, "—");
          return v.ok ? h("td", { class: "pass" }, "✓ pass") : h("td", { class: "fail" }, `✕ ${v.reason}`);
        }),
      ),
    );
  }
  if (cycle.scorePlugins.length) rows.push(h("tr", { class: "section" }, h("th", { colspan: cycle.nodes.length + 1, scope: "rowgroup" }, "Score — how good a fit is it? (0–100 × weight)")));
  for (const plugin of cycle.scorePlugins) {
    rows.push(
      h(
        "tr",
        {},
        th(plugin, { scope: "row" }),
        ...cycle.nodes.map((n) => {
          const v = cycle.score.get(cellKey(plugin, n));
          return h("td", { class: "score" }, v === undefined || Number.isNaN(v) ? "—" : String(round(v)));
        }),
      ),
    );
  }
  if (Object.keys(cycle.totals).length) {
    rows.push(
      h(
        "tr",
        { class: "total" },
        th("Total", { scope: "row" }),
        ...cycle.nodes.map((n) => h("td", { class: n === cycle.chosen ? "chosen" : "" }, cycle.totals[n] === undefined ? "—" : `${round(cycle.totals[n])}${n === cycle.chosen ? " ★" : ""}`)),
      ),
    );
  }
  const notes = [];
  const c = cycle.counts;
  if (c && c.shown !== undefined && c.all !== undefined && c.shown < c.all) {
    notes.push(`Showing ${c.shown} of ${c.all} nodes (the winner and the best runners-up first). The scheduler evaluated ${c.evaluated ?? "?"}; ${c.feasible ?? "?"} could run the pod.`);
  }
  const sk = cycle.skipped;
  const skippedNames = sk ? [...new Set([...(sk.filter || []), ...(sk.score || [])])] : [];
  if (skippedNames.length) notes.push(`Nothing to do for this pod: ${skippedNames.join(", ")}.`);
  fill(
    root,
    head,
    said,
    message,
    h("div", { class: "table-scroll" }, h("table", { class: "table cycle-table" }, h("caption", { class: "visually-hidden" }, "Scheduler plugins by node"), h("thead", {}, header), h("tbody", {}, rows))),
    notes.length ? h("p", { class: "muted small cycle-notes" }, notes.join(" ")) : null,
  );
}

function round(x) {
  return Math.round(x * 100) / 100;
}

// ---- etcd ----------------------------------------------------------------------------------
export class EtcdPanel {
  constructor(root, { read }) {
    this.read = read; // (key, revision) => Promise<reply>
    this.filter = h("input", { type: "search", placeholder: "filter keys, e.g. pods", "aria-label": "Filter etcd keys" });
    this.list = h("tbody");
    this.detail = h("div", { class: "etcd-detail" }, h("p", { class: "empty" }, "Choose a key to read its value at a revision."));
    this.head = h("p", { class: "etcd-head" });
    this.selected = null;
    root.append(
      h(
        "div",
        { class: "etcd-grid" },
        h(
          "div",
          { class: "etcd-keys" },
          this.head,
          this.filter,
          h(
            "div",
            { class: "table-scroll" },
            h("table", { class: "table" }, h("thead", {}, h("tr", {}, ...["KEY", "CREATE", "MOD", "VER"].map((c) => h("th", { scope: "col" }, c)))), this.list),
          ),
        ),
        this.detail,
      ),
    );
    this.filter.addEventListener("input", () => this.render(this.lastState, true));
  }

  render(state, force = false) {
    if (!state) return;
    if (!force && this.lastIndex === state.index) return;
    this.lastState = state;
    this.lastIndex = state.index;
    const f = this.filter.value.trim();
    const keys = Object.entries(state.keys)
      .filter(([k]) => !f || k.includes(f))
      .sort((a, b) => naturalCompare(a[0], b[0]))
      .slice(0, 400);
    setAttrs(this.head, { text: `etcd at revision ${state.revision || "—"} · ${Object.keys(state.keys).length} keys` });
    keyed(
      this.list,
      keys,
      ([k]) => k,
      ([k]) => {
        const tr = h("tr", {}, h("td", {}, h("button", { class: "link mono" }, k)), h("td"), h("td"), h("td"));
        tr.querySelector("button").addEventListener("click", () => this.open(tr.dataset.key));
        return tr;
      },
      (tr, [k, info]) => {
        tr.className = k === this.selected ? "selected" : "";
        setAttrs(tr.children[1], { text: info.create });
        setAttrs(tr.children[2], { text: info.rev });
        setAttrs(tr.children[3], { text: info.version });
      },
    );
    if (this.selected) this.renderHistory();
  }

  open(key, revision) {
    this.selected = key;
    const info = this.lastState && this.lastState.keys[key];
    const rev = revision ?? (info ? info.rev : this.lastState?.revision);
    this.showRevision(key, rev);
    this.render(this.lastState, true);
  }

  renderHistory() {
    const hist = (this.lastState.keyHistory[this.selected] || []).slice().reverse();
    const box = this.detail.querySelector(".etcd-history");
    if (!box) return;
    fill(
      box,
      hist.map((x) =>
        h("button", { class: `chip-button${x.rev === this.shownRev ? " active" : ""}`, onclick: () => this.showRevision(this.selected, x.rev) }, `${x.type === "DELETE" ? "✕ " : ""}rev ${x.rev}`),
      ),
    );
  }

  async showRevision(key, rev) {
    this.shownRev = rev;
    const revInput = h("input", { type: "number", min: "1", value: rev ?? "", "aria-label": "Revision" });
    const readButton = h("button", { class: "small" }, "Read");
    const pre = h("pre", { class: "code" }, "reading…");
    readButton.addEventListener("click", () => this.showRevision(key, Number(revInput.value)));
    fill(
      this.detail,
      h("p", { class: "mono key-title" }, key),
      h("div", { class: "etcd-history", "aria-label": "Revisions of this key seen in the trace" }),
      h("div", { class: "etcd-read" }, h("label", {}, "value at revision ", revInput), readButton),
      pre,
    );
    this.renderHistory();
    const reply = await this.read(key, rev);
    if (!reply.ok) pre.textContent = reply.error || "could not read";
    else if (reply.value === null || reply.value === undefined) pre.textContent = `(no value at revision ${rev}: the key did not exist)`;
    else {
      let value = reply.value;
      if (typeof value === "string") {
        try {
          value = JSON.parse(value);
        } catch {
          // not JSON: show the text as etcd holds it
        }
      }
      pre.textContent = typeof value === "string" ? value : JSON.stringify(value, null, 2);
    }
  }
}

// ---- Objects tree ----------------------------------------------------------------------------
export class ObjectsPanel {
  constructor(root, { select }) {
    this.select = select;
    this.root = root;
    this.tree = h("ul", { class: "tree", role: "tree", "aria-label": "Objects: Deployments own ReplicaSets, which own Pods" });
    root.append(this.tree);
  }

  render(view) {
    const item = (obj, label, extra, children = []) => {
      const hue = obj.kind === "ReplicaSet" ? ownerHue(obj.name) : null;
      return h(
        "li",
        { role: "treeitem", "aria-expanded": children.length ? "true" : null },
        h(
          "button",
          { class: `tree-item kind-${obj.kind.toLowerCase()}`, onclick: () => this.select(obj) },
          h("span", { class: "tree-kind", style: hue === null ? null : `border-color: hsl(${hue} 70% 55%)` }, obj.kind),
          h("span", { class: "tree-name" }, label),
          extra ? h("span", { class: `tree-extra ${extra.tone ? `tone-${extra.tone}` : ""}` }, extra.text) : null,
        ),
        children.length ? h("ul", { role: "group" }, children) : null,
      );
    };
    const podItem = (p) => item({ kind: "Pod", name: p.name, namespace: p.namespace }, p.name, { text: `${p.status} · ${p.ready}${p.node ? ` · ${p.node}` : ""}`, tone: p.tone });
    const rsItem = (rs) => item({ kind: "ReplicaSet", name: rs.name, namespace: rs.namespace }, rs.name, { text: `${rs.readyPods ?? rs.ready}/${rs.desired} ready` }, (rs.pods || []).map(podItem));
    const items = [];
    for (const d of view.deployments) items.push(item({ kind: "Deployment", name: d.name, namespace: d.namespace }, d.name, { text: `${d.ready} ready` }, (d.replicasets || []).map(rsItem)));
    for (const rs of view.replicasets.filter((r) => !r.owner)) items.push(rsItem(rs));
    for (const p of view.standalone) items.push(podItem(p));
    for (const n of view.nodes) items.push(item({ kind: "Node", name: n.name }, n.name, { text: `${n.status} · ${n.pods.length} pods`, tone: n.ready ? "good" : "bad" }));
    if (!view.deployments.length && !view.standalone.length && !view.replicasets.length) {
      items.unshift(h("li", { class: "empty" }, "No workloads yet — apply a manifest."));
    }
    fill(this.tree, items);
  }
}

// ---- Ready pods per ReplicaSet over time -----------------------------------------------------
export class ReadyChart {
  constructor(root) {
    this.svg = s("svg", { class: "chart", viewBox: "0 0 900 240", role: "img", "aria-label": "Ready pods per ReplicaSet over time" });
    this.legend = h("ul", { class: "legend" });
    root.append(this.svg, this.legend);
    this.series = new Map(); // rs -> [{t, n}]
    this.computedFor = "";
  }

  /** Recompute the series over all events (cheap enough; called when events or values change). */
  compute(events, values) {
    const id = `${events.length}:${values.generation}:${values.version || 0}`;
    if (id === this.computedFor) return;
    this.computedFor = id;
    const podState = new Map(); // key -> {rs, ready}
    const counts = new Map();
    const series = new Map();
    const bump = (rs, delta, t) => {
      if (!rs || !delta) return;
      counts.set(rs, (counts.get(rs) || 0) + delta);
      if (!series.has(rs)) series.set(rs, [{ t: 0, n: 0 }]);
      series.get(rs).push({ t, n: counts.get(rs) });
    };
    for (const ev of events) {
      if (ev.kind !== "etcd-watch") continue;
      const key = ev.data && ev.data.key;
      if (!key || !key.startsWith("/registry/pods/")) continue;
      const type = ev.data.type;
      const old = podState.get(key);
      let now = null;
      if (type === "PUT") {
        const obj = values.get(key, ev.data.revision);
        if (obj) {
          const row = podRow(obj, ev.time);
          now = { rs: row.owner && row.owner.kind === "ReplicaSet" ? row.owner.name : "", ready: row.isReady && !obj.metadata?.deletionTimestamp };
        } else now = old || null;
      }
      if (old && old.ready && !(now && now.ready && now.rs === old.rs)) bump(old.rs, -1, ev.time);
      if (now && now.ready && !(old && old.ready && old.rs === now.rs)) bump(now.rs, +1, ev.time);
      if (now) podState.set(key, now);
      else podState.delete(key);
    }
    this.series = series;
  }

  render(now) {
    const W = Math.max(480, Math.round(this.svg.clientWidth || 900));
    const H = 240;
    this.svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const pad = { l: 36, r: 16, t: 14, b: 28 };
    const all = [...this.series.entries()].sort((a, b) => naturalCompare(a[0], b[0]));
    const tMax = Math.max(now, 1);
    const nMax = Math.max(3, ...all.flatMap(([, pts]) => pts.map((p) => p.n)));
    const x = (t) => pad.l + (Math.min(t, tMax) / tMax) * (W - pad.l - pad.r);
    const y = (n) => H - pad.b - (n / nMax) * (H - pad.t - pad.b);
    const grid = [];
    for (let n = 0; n <= nMax; n += Math.max(1, Math.ceil(nMax / 5))) {
      grid.push(s("line", { class: "grid", x1: pad.l, x2: W - pad.r, y1: y(n), y2: y(n) }), s("text", { class: "axis", x: pad.l - 6, y: y(n) + 4, "text-anchor": "end" }, String(n)));
    }
    grid.push(s("text", { class: "axis", x: pad.l, y: H - 8 }, "0s"), s("text", { class: "axis", x: W - pad.r, y: H - 8, "text-anchor": "end" }, humanDuration(tMax)));
    const lines = all.map(([rs, pts]) => {
      const hue = ownerHue(rs);
      let d = "";
      let last = 0;
      for (const p of pts) {
        if (p.t > now) break;
        d += `${d ? "L" : "M"}${x(p.t)},${y(last)} L${x(p.t)},${y(p.n)} `;
        last = p.n;
      }
      d += `${d ? "L" : "M"}${x(now)},${y(last)}`;
      return s("path", { class: "series", d, style: `stroke: hsl(${hue} 70% 60%)` });
    });
    fill(this.svg, grid, lines, s("line", { class: "cursor", x1: x(now), x2: x(now), y1: pad.t, y2: H - pad.b }));
    fill(
      this.legend,
      all.length
        ? all.map(([rs, pts]) => {
            const at = pts.filter((p) => p.t <= now).pop();
            return h("li", {}, h("span", { class: "swatch", style: `background: hsl(${ownerHue(rs)} 70% 60%)` }), `${rs}: ${at ? at.n : 0} ready`);
          })
        : [h("li", { class: "empty" }, "Ready pods of each ReplicaSet will be drawn here over time.")],
    );
  }
}
