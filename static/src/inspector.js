// The inspector: what the learner clicked on — a pod, a node, a workload — with its live YAML,
// its events and the actions that make sense on it (delete, crash; cordon, drain, fail…).

import { podClaims } from "./claims.js";
import { countdownText } from "./countdown.js";
import { replicaSetColour } from "./derive.js";
import { fill, h } from "./dom.js";
import { newReplicaSetOf } from "./rollout.js";
import { cap } from "./narration.js";
import { serviceParts } from "./serviceinspector.js";
import { toYaml } from "./yaml.js";

export class Inspector {
  constructor(root, { act, kubectl, values, whyPending, showCycle }) {
    this.root = root;
    this.act = act; // (kind, target, label) => Promise
    this.kubectl = kubectl; // (line) => Promise
    this.values = values;
    this.showCycle = showCycle;
    this.whyPending = whyPending; // (state, "ns/pod") => the scheduler's plain words, or ""
    this.selected = null;
    this.signature = "";
    this.renderEmpty();
  }

  select(obj) {
    this.selected = obj;
    this.signature = "";
  }

  renderEmpty() {
    fill(
      this.root,
      h("h2", { class: "inspector-title" }, "Inspector"),
      h("p", { class: "muted" }, "Click a pod or a node on the stage (or press Enter on it) to see its live YAML and events, and to act on it: delete a pod and watch its ReplicaSet replace it, crash a container, cordon, drain or fail a node."),
      this.addNodeForm(),
    );
  }

  render(view, state) {
    const sel = this.selected;
    if (!sel) {
      if (this.signature !== "empty") {
        this.signature = "empty";
        this.renderEmpty();
      }
      return;
    }
    let model = null;
    if (sel.kind === "Pod") model = view.podsByKey.get(`${sel.namespace || "default"}/${sel.name}`);
    else if (sel.kind === "Node") model = view.nodes.find((n) => n.name === sel.name);
    else if (sel.kind === "ReplicaSet") model = view.replicasets.find((r) => r.name === sel.name && r.namespace === sel.namespace);
    else if (sel.kind === "ReplicationController") model = view.replicationcontrollers.find((r) => r.name === sel.name && r.namespace === sel.namespace);
    else if (sel.kind === "Deployment") model = view.deployments.find((d) => d.name === sel.name && d.namespace === sel.namespace);
    else if (sel.kind === "Service") model = view.services.find((v) => v.name === sel.name && v.namespace === sel.namespace);
    const key = keyFor(sel);
    const info = key ? state.keys[key] : null;
    const events = view.events.filter((e) => e.objectKind === sel.kind && e.objectName === sel.name).slice(-12);
    const countdown = model && model.countdown ? Math.ceil(model.countdown.remaining) : "";
    const why = sel.kind === "Pod" ? this.whyPending(state, `${sel.namespace || "default"}/${sel.name}`) : "";
    const podObj = sel.kind === "Pod" && info ? this.values.get(key, info.rev) : null;
    const claims = podObj ? podClaims(podObj, state, this.values) : [];
    const sig = JSON.stringify([why, claims, sel, info && info.rev, model && (model.status || model.ready), countdown, model && model.stuck, events.length, model && model.age, model && model.restartsText, model && model.replicasets && model.replicasets.map((r) => [r.name, r.revision]), model && model.endpoints && model.endpoints.map((e) => [e.pod, e.ready]), this.values.version]);
    if (sig === this.signature) return;
    this.signature = sig;
    const focusId = document.activeElement && this.root.contains(document.activeElement) ? document.activeElement.dataset.focusId : null;

    const title = h("h2", { class: "inspector-title" }, h("span", { class: "kind" }, sel.kind), " ", sel.name);
    const parts = [title];
    if (!model && !info) {
      parts.push(h("p", { class: "gone" }, `${sel.kind} ${sel.name} does not exist at this point of the trace.`));
      if (sel.kind === "Pod") parts.push(h("p", { class: "muted" }, "A standalone Pod that is deleted stays gone; a Deployment's ReplicaSet (or a ReplicationController) makes a new pod with a new name; a StatefulSet makes it again with the same name."));
    } else if (sel.kind === "Pod") parts.push(...this.podParts(model, sel, why, claims));
    else if (sel.kind === "Node") parts.push(...this.nodeParts(model));
    else if (sel.kind === "Deployment") parts.push(...this.deploymentParts(model));
    else if (sel.kind === "ReplicaSet" || sel.kind === "ReplicationController") parts.push(...this.replicaSetParts(model));
    else if (sel.kind === "Service") parts.push(...serviceParts(model, dl));

    if (events.length) {
      parts.push(
        h("h3", {}, "Events"),
        h(
          "ul",
          { class: "event-list" },
          events.map((e) => h("li", { class: e.type === "Warning" ? "warning" : "" }, h("span", { class: "ev-reason" }, e.reason), " ", h("span", { class: "ev-msg" }, e.message), h("span", { class: "ev-when" }, ` ${e.lastSeen} ago`))),
        ),
      );
    }
    if (info) {
      // The object as etcd held it at this revision — never the live one, which would show a
      // later state while the learner scrubs back. Not known yet: ask etcd for it.
      const obj = this.values.get(key, info.rev);
      if (obj === undefined) this.values.want(key, info.rev);
      const yamlText = obj ? toYaml(cleanForDisplay(obj, info.rev)) : obj === undefined ? "loading…" : "(etcd no longer holds this revision: it was compacted)";
      parts.push(h("h3", {}, `Live YAML `, h("span", { class: "muted small" }, `(etcd revision ${info.rev})`)), h("pre", { class: "code yaml", tabindex: "0", "aria-label": "The object as YAML" }, yamlText));
    }
    fill(this.root, parts);
    if (focusId) {
      const el = this.root.querySelector(`[data-focus-id="${focusId}"]`);
      if (el) el.focus();
    }
  }

  button(label, focusId, onclick, cls = "") {
    return h("button", { class: `action ${cls}`, "data-focus-id": focusId, onclick }, label);
  }

  podParts(p, sel, why, claims) {
    const ns = p.namespace || sel.namespace || "default";
    const target = `${ns}/${p.name}`;
    const container = h("select", { "aria-label": "Container to crash", "data-focus-id": "container" }, (p.containers.length ? p.containers : [""]).map((c) => h("option", { value: c }, c || "(container)")));
    const facts = [
      ["Status", h("span", { class: `status-text tone-${p.tone}` }, p.status)],
      ["Ready", p.ready],
      ["Restarts", p.restartsText],
      ["Node", p.node || "— not scheduled yet"],
      ["IP", p.ip || "<none>"],
      ["Owner", p.owner ? `${p.owner.kind} ${p.owner.name}${p.deployment ? ` ← Deployment ${p.deployment}` : ""}` : "none (a standalone Pod: nothing brings it back)"],
      ["Age", p.age],
    ];
    // its PersistentVolumeClaims: the storage it mounts, and the volume behind each claim
    if (claims.length) facts.push(["Storage", h("ul", { class: "claim-list" }, claims.map((c) => h("li", {}, `volume ${c.volume}: ${c.text}`)))]);
    const parts = [dl(facts)];
    if (p.countdown) parts.push(h("p", { class: "countdown" }, countdownText(p.countdown)));
    if (p.stuck) {
      parts.push(
        h(
          "div",
          { class: "why" },
          h("strong", {}, "Why still Terminating? "),
          `The API server removes a pod from etcd only when the kubelet on ${p.node} confirms its containers have stopped, and ${p.node} is not reachable. It stays until ${p.node} comes back — or until someone force-deletes it (kubectl delete pod ${p.name} --grace-period=0 --force): then nobody waits for that confirmation, and if ${p.node} is only cut off its containers may still be running there.`,
        ),
      );
    }
    if (p.unschedulable) {
      parts.push(
        h(
          "div",
          { class: "why" },
          h("strong", {}, "Why Pending? "),
          // "Pod big stays Pending: it asks for…" under "Why Pending?" says the first half twice
          why ? h("span", { class: "why-words" }, cap(why.replace(`Pod ${p.name} stays Pending: `, ""))) : null,
          h("span", { class: why ? "why-message muted small" : "why-message" }, p.unschedulable.message || p.unschedulable.reason || ""),
          " ",
          this.button("Show the scheduler's table", "cycle", () => this.showCycle(`${ns}/${p.name}`), "link"),
        ),
      );
    }
    parts.push(
      h(
        "div",
        { class: "actions", role: "group", "aria-label": "Act on this pod" },
        this.button("Delete", "delete", () => this.act("delete-pod", target, `delete pod ${p.name}`), "danger"),
        this.button("Force delete", "force", () => this.act("force-delete-pod", target, `delete pod ${p.name} --grace-period=0 --force`), "danger"),
        h("span", { class: "crash" }, container, this.button("Crash container", "crash", () => this.act("crash-container", container.value ? `${target}/${container.value}` : target, `crash ${p.name}${container.value ? `/${container.value}` : ""}`))),
      ),
    );
    return parts;
  }

  nodeParts(n) {
    const row = n.row || {};
    const facts = [
      ["Status", h("span", { class: `status-text tone-${n.ready ? (n.unschedulable ? "busy" : "good") : "bad"}` }, n.status)],
      ["Pods", String(n.pods.length)],
      ["CPU / memory", row.allocatable ? `${row.allocatable.cpu ?? "?"} CPU · ${row.allocatable.memory ?? "?"}` : "—"],
      ["Pod CIDR", row.podCIDR || "—"],
      ["Internal IP", row.internalIP || "—"],
      ["Taints", (row.taints || []).map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`).join(", ") || "none"],
    ];
    if (n.countdown) facts.splice(1, 0, ["Countdown", h("span", { class: "countdown" }, countdownText(n.countdown))]);
    const name = n.name;
    return [
      dl(facts),
      h(
        "div",
        { class: "actions", role: "group", "aria-label": "Act on this node" },
        n.unschedulable ? this.button("Uncordon", "uncordon", () => this.act("uncordon", name, `uncordon ${name}`)) : this.button("Cordon", "cordon", () => this.act("cordon", name, `cordon ${name}`)),
        this.button("Drain", "drain", () => this.act("drain", name, `drain ${name}`)),
        n.ready ? this.button("Fail node", "fail", () => this.act("fail-node", name, `fail node ${name}`), "danger") : this.button("Recover node", "recover", () => this.act("recover-node", name, `recover node ${name}`)),
        this.button("Remove node", "remove", () => this.act("remove-node", name, `remove node ${name}`), "danger"),
      ),
      n.pods.length ? h("h3", {}, "Pods on this node") : null,
      n.pods.length ? h("ul", { class: "pod-list" }, n.pods.map((p) => h("li", {}, h("span", { class: `status-text tone-${p.tone}` }, p.status), ` ${p.name}`))) : null,
    ].filter(Boolean);
  }

  deploymentParts(d) {
    const scale = (by) => () => this.kubectl(`scale deployment ${d.name} -n ${d.namespace} --replicas=${Math.max(0, (d.desired ?? 1) + by)}`);
    // the real commands, through the page's kubectl: their output shows in the kubectl tab
    const rollout = (verb) => () => this.kubectl(`rollout ${verb} deployment/${d.name}${d.namespace === "default" ? "" : ` -n ${d.namespace}`}`);
    return [
      dl([
        ["Ready", d.ready],
        ["Up to date", String(d.upToDate ?? "")],
        ["Available", String(d.available ?? "")],
        ["ReplicaSets", (d.replicasets || []).map((r) => r.name).join(", ") || "—"],
        ["Age", d.age || ""],
      ]),
      h("div", { class: "actions", role: "group", "aria-label": "Scale this Deployment" }, this.button("Scale down −1", "down", scale(-1)), this.button("Scale up +1", "up", scale(+1))),
      h("h3", {}, "Rollout history"),
      rolloutHistory(d),
      h(
        "div",
        { class: "actions", role: "group", "aria-label": "Roll this Deployment out" },
        this.button("Restart", "restart", rollout("restart")),
        this.button("Undo", "undo", rollout("undo")),
        this.button("History", "history", rollout("history")),
      ),
      h("p", { class: "muted small" }, "Restart rolls out new pods of the same template; Undo rolls back to the previous revision. Both run kubectl rollout: see the kubectl tab."),
    ];
  }

  replicaSetParts(rs) {
    return [
      dl([
        ["Desired", String(rs.desired ?? "")],
        ["Current", String(rs.current ?? "")],
        ["Ready", String(rs.ready ?? "")],
        ["Owner", rs.owner ? `${rs.owner.kind} ${rs.owner.name}` : "none"],
        ["Images", (rs.images || []).join(", ")],
      ]),
      rs.pods && rs.pods.length ? h("ul", { class: "pod-list" }, rs.pods.map((p) => h("li", {}, h("span", { class: `status-text tone-${p.tone}` }, p.status), ` ${p.name}`))) : null,
    ].filter(Boolean);
  }

  addNodeForm() {
    const name = h("input", { type: "text", placeholder: "node-4", "aria-label": "New node name (optional)", "data-focus-id": "nn" });
    const cpu = h("input", { type: "text", value: "4", size: "3", "aria-label": "CPUs" });
    const mem = h("input", { type: "text", value: "8Gi", size: "5", "aria-label": "Memory" });
    const form = h(
      "form",
      { class: "add-node", "aria-label": "Add a worker node" },
      h("h3", {}, "Add a worker node"),
      h("label", {}, "name ", name),
      h("label", {}, "CPU ", cpu),
      h("label", {}, "memory ", mem),
      h("button", { type: "submit", class: "action" }, "Add node"),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const target = { cpu: cpu.value.trim() || "4", memory: mem.value.trim() || "8Gi" };
      if (name.value.trim()) target.name = name.value.trim();
      this.act("add-node", target, `add node ${target.name || ""}`.trim());
    });
    return form;
  }
}

/** The Deployment's revisions, newest first, as its ReplicaSets record them (revision and
 * change-cause annotations); the one running the Deployment's template is the current one. */
function rolloutHistory(d) {
  const current = newReplicaSetOf(d);
  const revisions = (d.replicasets || []).filter((rs) => rs.revision);
  if (!revisions.length) return h("p", { class: "muted" }, "No revision yet.");
  return h(
    "ol",
    { class: "history-list", "aria-label": "Revisions, newest first" },
    revisions.map((rs) =>
      h(
        "li",
        { class: rs === current ? "current" : "", "data-revision": rs.revision },
        h("span", { class: "swatch", style: `background: ${replicaSetColour(rs.name)}`, "aria-hidden": "true" }),
        h("strong", {}, `revision ${rs.revision}`),
        ` ${(rs.images || []).join(", ")}${rs.changeCause ? ` · “${rs.changeCause}”` : ""} · ${rs.name}`,
        rs === current ? h("span", { class: "history-current" }, " ← current") : null,
      ),
    ),
  );
}

function dl(rows) {
  return h("dl", { class: "facts" }, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

export function keyFor(sel) {
  const ns = sel.namespace || "default";
  switch (sel.kind) {
    case "Pod":
      return `/registry/pods/${ns}/${sel.name}`;
    case "Node":
      return `/registry/minions/${sel.name}`;
    case "ReplicaSet":
      return `/registry/replicasets/${ns}/${sel.name}`;
    case "Deployment":
      return `/registry/deployments/${ns}/${sel.name}`;
    case "Job":
      return `/registry/jobs/${ns}/${sel.name}`;
    case "CronJob":
      return `/registry/cronjobs/${ns}/${sel.name}`;
    case "Service":
      return `/registry/services/specs/${ns}/${sel.name}`;
    case "StatefulSet":
      return `/registry/statefulsets/${ns}/${sel.name}`;
    case "ReplicationController":
      return `/registry/controllers/${ns}/${sel.name}`;
    default:
      return null;
  }
}

/** As the API server serves it: resourceVersion is the revision; managedFields hidden, as get does. */
function cleanForDisplay(obj, rev) {
  const copy = structuredClone(obj);
  if (copy.metadata) {
    delete copy.metadata.managedFields;
    copy.metadata.resourceVersion = String(rev);
  }
  return copy;
}
