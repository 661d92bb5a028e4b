// What a teacher points at during a rolling update: the rollout panel (each Deployment that is
// rolling out: its fenceposts, its old and new ReplicaSets, what the controller's next sync
// may do) and the legend of the colours the stage gives each ReplicaSet's pods. Both are drawn
// from the view at the cursor (rollout.js), so scrubbing back shows them as they were.

import { replicaSetColour } from "./derive.js";
import { fill, h } from "./dom.js";
import { fenceText, rolloutOf } from "./rollout.js";

const swatch = (name) => h("span", { class: "swatch", style: `background: ${replicaSetColour(name)}`, "aria-hidden": "true" });

export class RolloutView {
  constructor(panel, legend) {
    this.panel = panel;
    this.legend = legend;
    this.dismissed = new Set(); // completed rollouts the learner closed: "ns/name@rs#revision"
    this.panelFor = "";
    this.legendFor = "";
    this.view = null;
    this.lastSaid = new Map(); // Deployment key → its rollout as last worked out
    this.lastRow = new Map(); // ReplicaSet key → its row as last known (for the legend)
  }

  render(view) {
    if (view === this.view) return; // main.js derives a new view only when something changed
    this.view = view;
    // While an object's new revision is still being fetched (fast playback), say it as it was
    // a moment ago rather than blink out.
    const said = new Map(view.deployments.map((d) => [d.key, rolloutOf(d) || this.lastSaid.get(d.key)]));
    const rows = new Map(view.replicasets.map((rs) => [rs.key, (rs.placeholder && this.lastRow.get(rs.key)) || rs]));
    this.lastSaid = said;
    this.lastRow = rows;
    this.renderPanel([...said.values()].filter((r) => r && !(r.state === "complete" && (r.first || this.dismissed.has(doneKey(r))))));
    this.renderLegend(view.replicasets.filter((rs) => rs.pods && rs.pods.length).map((rs) => rows.get(rs.key)));
  }

  renderPanel(rollouts) {
    const signature = JSON.stringify(rollouts.map((r) => [r.name, r.namespace, r.state, r.summary, r.next, r.maxSurge, r.maxUnavailable, [r.newRS, ...r.olds].map((rs) => rs && [rs.name, rs.revision, rs.desired, rs.ready, rs.available])]));
    if (signature === this.panelFor) return;
    this.panelFor = signature;
    this.panel.hidden = !rollouts.length;
    const focused = this.panel.contains(document.activeElement);
    fill(this.panel, rollouts.map((r) => (r.state === "complete" ? this.completeCard(r) : rollingCard(r))));
    if (focused) this.panel.querySelector("button")?.focus();
  }

  completeCard(r) {
    const close = h("button", { class: "ghost small rollout-close", "aria-label": `Close: rollout of ${r.name} complete` }, "×");
    close.addEventListener("click", () => {
      this.dismissed.add(doneKey(r));
      this.panelFor = "";
      this.view = null;
      this.panel.querySelector(`[data-deployment="${r.namespace}/${r.name}"]`)?.remove();
      this.panel.hidden = !this.panel.children.length;
      this.panel.querySelector("button")?.focus(); // keyboard users stay in the panel if it has more
    });
    return h("article", { class: "rollout-card complete", "data-deployment": `${r.namespace}/${r.name}`, "data-state": "complete" }, h("span", { class: "rollout-mark", "aria-hidden": "true" }, "✔"), h("p", { class: "rollout-done", role: "status" }, r.summary), close);
  }

  renderLegend(replicasets) {
    // as the stage's workloads column lists them: by owner, the newest revision first
    const order = (rs) => `${rs.namespace}/${rs.owner ? rs.owner.name : ""}`;
    const sorted = [...replicasets].sort((a, b) => order(a).localeCompare(order(b)) || Number(b.revision || 0) - Number(a.revision || 0) || a.name.localeCompare(b.name));
    const shown = sorted.length > 1 ? sorted : [];
    const signature = JSON.stringify(shown.map((rs) => [rs.name, rs.revision, rs.images]));
    if (signature === this.legendFor) return;
    this.legendFor = signature;
    this.legend.hidden = !shown.length;
    fill(
      this.legend,
      h("span", { class: "rs-legend-title" }, "Pod colours"),
      shown.map((rs) =>
        h(
          "span",
          { class: "rs-legend-item", "data-replicaset": rs.name },
          swatch(rs.name),
          h("span", { class: "rs-legend-name" }, rs.name),
          rs.revision ? h("span", { class: "rs-legend-rev" }, ` rev ${rs.revision}`) : null,
          h("span", { class: "rs-legend-image" }, ` ${(rs.images || []).join(", ")}`),
        ),
      ),
    );
  }
}

function doneKey(r) {
  return `${r.namespace}/${r.name}@${r.newRS.name}#${r.newRS.revision}`;
}

function rollingCard(r) {
  const rows = [r.newRS, ...r.olds].filter(Boolean).map((rs) =>
    h(
      "tr",
      { class: rs === r.newRS ? "new" : "old", "data-replicaset": rs.name },
      h("td", { class: "rs-name" }, swatch(rs.name), rs.name, h("span", { class: "rs-tag" }, rs === r.newRS ? " new" : " old")),
      h("td", {}, rs.revision || "—"),
      h("td", { class: "mono" }, (rs.images || []).join(", ")),
      h("td", {}, String(rs.desired)),
      h("td", {}, String(rs.ready)),
      h("td", {}, String(rs.available)),
    ),
  );
  if (!r.newRS) rows.unshift(h("tr", { class: "new pending" }, h("td", { class: "rs-name" }, h("em", {}, "not made yet"), h("span", { class: "rs-tag" }, " new")), h("td", {}, "—"), h("td", { class: "mono" }, (r.images || []).join(", ")), h("td", {}, "—"), h("td", {}, "—"), h("td", {}, "—")));
  const fence = r.maxSurge
    ? [" · maxSurge ", h("strong", { class: "max-surge" }, fenceText(r.maxSurge, r.desired)), " · maxUnavailable ", h("strong", { class: "max-unavailable" }, fenceText(r.maxUnavailable, r.desired))]
    : [` · ${r.type}`];
  return h(
    "article",
    { class: "rollout-card", "data-deployment": `${r.namespace}/${r.name}`, "data-state": "rolling" },
    h("h2", { class: "rollout-title" }, h("span", { class: "rollout-badge" }, "Rolling out"), " Deployment ", h("strong", {}, r.name)),
    h("p", { class: "rollout-fence" }, h("strong", { class: "desired" }, String(r.desired)), " desired", fence),
    h(
      "table",
      { class: "rollout-rs" },
      h("thead", {}, h("tr", {}, h("th", {}, "ReplicaSet"), h("th", {}, "rev"), h("th", {}, "image"), h("th", { title: "spec.replicas" }, "replicas"), h("th", { title: "status.readyReplicas" }, "ready"), h("th", { title: "status.availableReplicas: the counts the Deployment controller goes by" }, "avail."))),
      h("tbody", {}, rows),
    ),
    h("h3", { class: "rollout-next-title" }, "What the next step may do"),
    h("ul", { class: "rollout-next" }, r.next.map((line) => h("li", {}, line))),
    r.type === "RollingUpdate" && r.olds.length ? h("p", { class: "rollout-note muted" }, "The new ReplicaSet grows first: a sync shrinks old ones only if it grew nothing.") : null,
  );
}
