// From the reducer's state (which keys exist, at which revision) and the value store (what
// those revisions hold) to what the views draw: nodes with their pods, workloads, events.

import { naturalCompare } from "./components.js";
import { nodeCountdown, podWaitsOnNode } from "./countdown.js";
import { cronJobRow, jobRow } from "./batchview.js";
import { statefulSetRow } from "./statefulsetview.js";
import { withPods } from "./replicationcontrollerview.js";
import { deploymentRow, eventRow, nodeRow, parseKey, podRow, replicaSetRow } from "./kube.js";
import { deriveServices } from "./services.js";

// The cluster's add-ons (engine/addons: CoreDNS behind kube-dns, kube-proxy on every node) run
// in kube-system from before the learner arrives; the stage leaves them out, so that what it
// draws on each node is what the learner made.
const ADDON = /^(coredns|kube-proxy|kube-dns)([-.]|$)/; // their pods, ReplicaSets, Events

export function isAddon(where) {
  return where.namespace === "kube-system" && ADDON.test(where.name);
}

/**
 * @param state   reducer state at the cursor
 * @param values  ValueStore
 * @param now     virtual seconds being shown
 * @param known   {nodes: [names from hello/reset], baselineLoaded: bool}
 */
export function deriveView(state, values, now, known) {
  const pods = [];
  const nodeObjects = new Map();
  const replicasets = [];
  const deployments = [];
  const events = [];
  const jobs = [];
  const cronjobs = [];
  const services = [];
  const slices = [];
  const statefulsets = [];
  const replicationcontrollers = [];
  let loading = 0;

  for (const [key, info] of Object.entries(state.keys)) {
    const where = parseKey(key);
    if (!where || isAddon(where)) continue;
    const obj = values.get(key, info.rev);
    if (obj === undefined) loading += 1;
    switch (where.resource) {
      case "pods": {
        const row = obj ? podRow(obj, now) : placeholderPod(where);
        row.key = key;
        row.rev = info.rev;
        row.known = Boolean(obj);
        pods.push(row);
        break;
      }
      case "minions":
      case "nodes":
        nodeObjects.set(where.name, obj ? nodeRow(obj) : null);
        break;
      case "replicasets":
        if (obj) replicasets.push({ ...replicaSetRow(obj, now), key, rev: info.rev });
        else replicasets.push({ name: where.name, namespace: where.namespace, key, rev: info.rev, desired: 0, current: 0, ready: 0, owner: null, placeholder: true });
        break;
      case "deployments":
        if (obj) deployments.push({ ...deploymentRow(obj, now), key, rev: info.rev });
        else deployments.push({ name: where.name, namespace: where.namespace, key, rev: info.rev, ready: "", placeholder: true });
        break;
      case "events":
        if (obj) events.push({ ...eventRow(obj, now), key, rev: info.rev });
        break;
      case "jobs":
        if (obj) jobs.push({ ...jobRow(obj), key, rev: info.rev });
        break;
      case "cronjobs":
        if (obj) cronjobs.push({ ...cronJobRow(obj), key, rev: info.rev });
        break;
      case "services":
        if (obj) services.push(obj);
        break;
      case "endpointslices":
        if (obj) slices.push(obj);
        break;
      case "statefulsets":
        if (obj) statefulsets.push({ ...statefulSetRow(obj), key, rev: info.rev });
        break;
      case "controllers": // ReplicationControllers
        if (obj) replicationcontrollers.push({ ...replicaSetRow(obj, now), key, rev: info.rev });
        break;
      default:
        break;
    }
  }

  // Which nodes exist: the Node objects when we know them, else what the server told us.
  let names = [...nodeObjects.keys()];
  if (!known.baselineLoaded) {
    const extra = new Set(known.nodes || []);
    for (const id of Object.keys(state.seen)) {
      const m = /^(kubelet|container-runtime|cni)\/(.+)$/.exec(id);
      if (m) extra.add(m[2]);
    }
    for (const n of extra) if (!nodeObjects.has(n)) names.push(n);
  }
  names = [...new Set(names)].sort(naturalCompare);

  pods.sort((a, b) => naturalCompare(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
  const byNode = new Map(names.map((n) => [n, []]));
  const unscheduled = [];
  const orphans = []; // bound to a node we do not draw (removed)
  for (const pod of pods) {
    if (!pod.node) unscheduled.push(pod);
    else if (byNode.has(pod.node)) byNode.get(pod.node).push(pod);
    else orphans.push(pod);
  }

  const nodes = names.map((name) => {
    const row = nodeObjects.get(name) || null;
    const node = {
      name,
      row,
      status: row ? row.status : "Ready",
      ready: row ? row.ready : true,
      unschedulable: row ? row.unschedulable : false,
      taints: row ? row.taints : [],
      pods: byNode.get(name),
      pull: state.pulls[name] || null,
      countdown: nodeCountdown(state.nodeDeadlines[name], now),
    };
    for (const pod of node.pods) podWaitsOnNode(pod, node, now);
    return node;
  });

  // Ownership: Deployment → ReplicaSet → Pods.
  const rsByName = new Map(replicasets.map((rs) => [`${rs.namespace}/${rs.name}`, rs]));
  for (const rs of replicasets) {
    rs.pods = pods.filter((p) => p.owner && p.owner.kind === "ReplicaSet" && p.owner.name === rs.name && p.namespace === rs.namespace);
    rs.readyPods = rs.pods.filter((p) => p.isReady).length;
  }
  for (const d of deployments) {
    d.replicasets = replicasets
      .filter((rs) => rs.owner && rs.owner.kind === "Deployment" && rs.owner.name === d.name && rs.namespace === d.namespace)
      .sort((a, b) => Number(b.revision || 0) - Number(a.revision || 0));
  }
  for (const pod of pods) {
    const rs = pod.owner && pod.owner.kind === "ReplicaSet" ? rsByName.get(`${pod.namespace}/${pod.owner.name}`) : null;
    pod.group = rs ? rs.name : pod.owner ? pod.owner.name : "";
    pod.deployment = rs && rs.owner ? rs.owner.name : "";
  }
  events.sort((a, b) => a.at - b.at || naturalCompare(a.name, b.name));
  const podsByKey = new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p]));

  return {
    now,
    pods,
    podsByKey,
    nodes,
    unscheduled,
    orphans,
    replicasets,
    deployments,
    jobs: jobs.sort((a, b) => naturalCompare(a.name, b.name)),
    cronjobs: cronjobs.sort((a, b) => naturalCompare(a.name, b.name)),
    statefulsets: statefulsets.sort((a, b) => naturalCompare(a.name, b.name)),
    replicationcontrollers: withPods(replicationcontrollers, pods),
    standalone: pods.filter((p) => !p.owner),
    services: deriveServices(services, slices, podsByKey),
    events,
    loading,
  };
}

function placeholderPod(where) {
  return {
    name: where.name,
    namespace: where.namespace || "default",
    status: "Pending",
    tone: "busy",
    ready: "0/1",
    readyCount: 0,
    total: 1,
    isReady: false,
    restarts: 0,
    restartsText: "0",
    ip: "",
    node: "",
    age: "",
    owner: null,
    labels: {},
    containers: [],
    images: [],
    countdown: null,
    unschedulable: null,
  };
}

// ReplicaSet colours: hashing a name to a hue put the two ReplicaSets of one rollout at
// near-identical yellows (web-f4b584c4, web-7c9fd86bc), which no legend can tell apart. So
// each name keeps, for the page's life, the next hue of a palette whose neighbours differ
// most, in the order the page first draws them: a rollout's new ReplicaSet always gets a
// colour unlike the one before it (for ten in a row).
const PALETTE = [205, 28, 145, 320, 50, 265, 175, 0, 95, 290];
const hues = new Map();

/** The stripe hue of an owner (ReplicaSet) name: stable while the page lives; null for none. */
export function ownerHue(name) {
  if (!name) return null;
  if (!hues.has(name)) hues.set(name, PALETTE[hues.size % PALETTE.length]);
  return hues.get(name);
}

/** The colour the stage gives a ReplicaSet's pods (stage.js: pod and workload stripes). */
export function replicaSetColour(name) {
  const hue = ownerHue(name);
  return hue === null ? "var(--ink-3)" : `hsl(${hue} 70% 55%)`;
}
