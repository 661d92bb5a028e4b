// What kubectl prints, computed from the objects the trace tells us about. The algorithms
// follow kubectl's printers (kubernetes/kubernetes pkg/printers/internalversion/printers.go
// printPod, printReplicaSet, printDeployment, printNode) so the page and `kubectl get` agree.

// Virtual second 0 is this instant (engine/timeutil.py EPOCH).
const EPOCH_MS = Date.UTC(2026, 0, 1, 0, 0, 0);

/** Virtual seconds of an RFC 3339 timestamp the engine wrote; null when absent. */
export function virtualSeconds(stamp) {
  if (!stamp) return null;
  const ms = Date.parse(stamp);
  return Number.isNaN(ms) ? null : (ms - EPOCH_MS) / 1000;
}

/** duration.HumanDuration (apimachinery/pkg/util/duration/duration.go). */
export function humanDuration(seconds) {
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  const s = Math.floor(seconds);
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (s < 600) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  const hrs = Math.floor(s / 3600);
  if (hrs < 3) return `${m}m`;
  if (hrs < 8) return m % 60 === 0 ? `${hrs}h` : `${hrs}h${m % 60}m`;
  if (hrs < 48) return `${hrs}h`;
  const d = Math.floor(hrs / 24);
  if (hrs < 24 * 8) return hrs % 24 === 0 ? `${d}d` : `${d}d${hrs % 24}h`;
  if (hrs < 24 * 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (hrs < 24 * 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

/**
 * One row of `kubectl get pods -o wide`, plus what the stage needs to draw progress.
 * `now` is the virtual time being shown.
 */
export function podRow(pod, now) {
  const meta = pod.metadata || {};
  const spec = pod.spec || {};
  const status = pod.status || {};
  const containers = spec.containers || [];
  const initContainers = spec.initContainers || [];
  const statuses = status.containerStatuses || [];
  const initStatuses = status.initContainerStatuses || [];
  const sidecars = new Set(initContainers.filter((c) => c.restartPolicy === "Always").map((c) => c.name));

  let restarts = 0;
  let total = containers.length + sidecars.size;
  let ready = 0;
  let lastRestart = null;
  let reason = status.phase || "Pending";
  if (status.reason) reason = status.reason;

  const conditions = status.conditions || [];
  if (conditions.some((c) => c.type === "PodScheduled" && c.reason === "SchedulingGated")) {
    reason = "SchedulingGated";
  }

  const noteRestart = (cs) => {
    const finished = virtualSeconds(cs.lastState?.terminated?.finishedAt);
    if (finished !== null && (lastRestart === null || finished > lastRestart)) lastRestart = finished;
  };

  // Init containers, in order; the first unfinished one decides.
  let initializing = false;
  initStatuses.forEach((cs, i) => {
    if (sidecars.has(cs.name)) {
      restarts += cs.restartCount || 0;
      noteRestart(cs);
      if (cs.started && cs.ready) ready += 1;
    }
    if (initializing) return;
    const term = cs.state?.terminated;
    const wait = cs.state?.waiting;
    if (term && term.exitCode === 0) return;
    if (sidecars.has(cs.name) && cs.started) return;
    if (term) {
      if (term.reason) reason = `Init:${term.reason}`;
      else if (term.signal) reason = `Init:Signal:${term.signal}`;
      else reason = `Init:ExitCode:${term.exitCode}`;
    } else if (wait && wait.reason && wait.reason !== "PodInitializing") {
      reason = `Init:${wait.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
  });

  const initialized = conditions.some((c) => c.type === "Initialized" && c.status === "True");
  if (!initializing || initialized) {
    let hasRunning = false;
    for (let i = statuses.length - 1; i >= 0; i -= 1) {
      const cs = statuses[i];
      restarts += cs.restartCount || 0;
      noteRestart(cs);
      const wait = cs.state?.waiting;
      const term = cs.state?.terminated;
      if (wait && wait.reason) reason = wait.reason;
      else if (term && term.reason) reason = term.reason;
      else if (term && !term.reason) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready += 1;
      }
    }
    if (reason === "Completed" && hasRunning) {
      const podReady = conditions.some((c) => c.type === "Ready" && c.status === "True");
      reason = podReady ? "Running" : "NotReady";
    }
  } else {
    for (const cs of statuses) {
      restarts += cs.restartCount || 0;
      noteRestart(cs);
    }
  }

  const terminal = status.phase === "Succeeded" || status.phase === "Failed";
  if (meta.deletionTimestamp && !terminal) {
    reason = status.reason === "NodeLost" ? "Unknown" : "Terminating";
  }

  let restartsText = String(restarts);
  if (restarts > 0 && lastRestart !== null) restartsText = `${restarts} (${humanDuration(now - lastRestart)} ago)`;

  const ip = (status.podIPs && status.podIPs[0]?.ip) || status.podIP || "";
  const created = virtualSeconds(meta.creationTimestamp);
  const owner = (meta.ownerReferences || []).find((o) => o.controller) || (meta.ownerReferences || [])[0];
  return {
    name: meta.name || "",
    namespace: meta.namespace || "default",
    uid: meta.uid || "",
    status: reason,
    tone: statusTone(reason),
    ready: `${ready}/${total}`,
    readyCount: ready,
    total,
    isReady: total > 0 && ready === total && conditions.some((c) => c.type === "Ready" && c.status === "True"),
    restarts,
    restartsText,
    ip,
    node: spec.nodeName || "",
    nominatedNode: status.nominatedNodeName || "",
    age: created === null ? "" : humanDuration(now - created),
    owner: owner ? { kind: owner.kind, name: owner.name } : null,
    labels: meta.labels || {},
    containers: containers.map((c) => c.name),
    images: containers.map((c) => c.image),
    tolerations: spec.tolerations || [],
    deleting: Boolean(meta.deletionTimestamp),
    countdown: countdownOf(pod, now),
    unschedulable: conditions.find((c) => c.type === "PodScheduled" && c.status === "False") || null,
  };
}

/** A back-off or a grace period running out, for the tile: {label, remaining, total}. */
function countdownOf(pod, now) {
  const meta = pod.metadata || {};
  if (meta.deletionTimestamp) {
    const end = virtualSeconds(meta.deletionTimestamp);
    const total = meta.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    if (end !== null) return { label: "grace period", remaining: Math.max(0, end - now), total: total || 1 };
  }
  for (const cs of pod.status?.containerStatuses || []) {
    const wait = cs.state?.waiting;
    if (!wait || !/BackOff$/.test(wait.reason || "")) continue;
    const match = /back-off (\S+) /.exec(wait.message || "");
    const total = match ? goDuration(match[1]) : null;
    const since = virtualSeconds(cs.lastState?.terminated?.finishedAt);
    if (total && since !== null) {
      return { label: "back-off", remaining: Math.max(0, since + total - now), total };
    }
  }
  return null;
}

/** Go's time.Duration.String() back to seconds: "5m0s" → 300, "40s" → 40. */
export function goDuration(text) {
  let total = 0;
  let matched = false;
  for (const m of String(text).matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) {
    matched = true;
    const n = Number(m[1]);
    total += m[2] === "h" ? n * 3600 : m[2] === "m" ? n * 60 : m[2] === "ms" ? n / 1000 : n;
  }
  return matched ? total : null;
}

/** The colour family of a STATUS: good, busy, bad, gone, done. Colour is never the only cue. */
export function statusTone(reason) {
  if (reason === "Running") return "good";
  if (reason === "Completed" || reason === "Succeeded") return "done";
  if (reason === "Terminating" || reason === "Unknown") return "gone";
  if (/^(Pending|ContainerCreating|PodInitializing|Init:\d+\/\d+|SchedulingGated|NotReady)$/.test(reason)) {
    return "busy";
  }
  return "bad";
}

/** `kubectl get replicasets`: DESIRED CURRENT READY. */
export function replicaSetRow(rs, now) {
  const meta = rs.metadata || {};
  const owner = (meta.ownerReferences || []).find((o) => o.controller) || null;
  const created = virtualSeconds(meta.creationTimestamp);
  return {
    name: meta.name || "",
    namespace: meta.namespace || "default",
    uid: meta.uid || "",
    desired: rs.spec?.replicas ?? 1,
    current: rs.status?.replicas ?? 0,
    ready: rs.status?.readyReplicas ?? 0,
    age: created === null ? "" : humanDuration(now - created),
    owner: owner ? { kind: owner.kind, name: owner.name } : null,
    revision: meta.annotations?.["deployment.kubernetes.io/revision"] || "",
    changeCause: meta.annotations?.["kubernetes.io/change-cause"] || "",
    images: (rs.spec?.template?.spec?.containers || []).map((c) => c.image),
    available: rs.status?.availableReplicas ?? 0,
    created: created ?? 0,
    template: rs.spec?.template || null, // which Deployment template it runs (rollout.js)
  };
}

/** `kubectl get deployments`: READY UP-TO-DATE AVAILABLE. */
export function deploymentRow(d, now) {
  const meta = d.metadata || {};
  const created = virtualSeconds(meta.creationTimestamp);
  const replicas = d.spec?.replicas ?? 1;
  return {
    name: meta.name || "",
    namespace: meta.namespace || "default",
    uid: meta.uid || "",
    desired: replicas,
    ready: `${d.status?.readyReplicas ?? 0}/${replicas}`,
    upToDate: d.status?.updatedReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    age: created === null ? "" : humanDuration(now - created),
    revision: meta.annotations?.["deployment.kubernetes.io/revision"] || "",
    strategy: d.spec?.strategy || {},
    paused: Boolean(d.spec?.paused),
    images: (d.spec?.template?.spec?.containers || []).map((c) => c.image),
    template: d.spec?.template || null,
  };
}

/** `kubectl get nodes` STATUS: Ready / NotReady / Unknown, plus SchedulingDisabled. */
export function nodeRow(node) {
  const meta = node.metadata || {};
  const ready = (node.status?.conditions || []).find((c) => c.type === "Ready");
  let status = ready ? (ready.status === "True" ? "Ready" : ready.status === "False" ? "NotReady" : "Unknown") : "Unknown";
  const unschedulable = Boolean(node.spec?.unschedulable);
  if (unschedulable) status += ",SchedulingDisabled";
  return {
    name: meta.name || "",
    status,
    ready: ready?.status === "True",
    unschedulable,
    taints: node.spec?.taints || [],
    capacity: node.status?.capacity || {},
    allocatable: node.status?.allocatable || {},
    podCIDR: node.spec?.podCIDR || "",
    internalIP: (node.status?.addresses || []).find((a) => a.type === "InternalIP")?.address || "",
  };
}

/** `kubectl get events`: LAST SEEN TYPE REASON OBJECT MESSAGE. */
export function eventRow(ev, now) {
  const last =
    virtualSeconds(ev.series?.lastObservedTime) ??
    virtualSeconds(ev.lastTimestamp) ??
    virtualSeconds(ev.eventTime) ??
    virtualSeconds(ev.firstTimestamp) ??
    virtualSeconds(ev.metadata?.creationTimestamp) ??
    0;
  const obj = ev.involvedObject || ev.regarding || {};
  return {
    name: ev.metadata?.name || "",
    namespace: ev.metadata?.namespace || "",
    lastSeen: humanDuration(now - last),
    at: last,
    type: ev.type || "",
    reason: ev.reason || "",
    object: `${String(obj.kind || "").toLowerCase()}/${obj.name || ""}`,
    objectKind: obj.kind || "",
    objectName: obj.name || "",
    objectNamespace: obj.namespace || "",
    message: ev.message || ev.note || "",
    source: ev.source?.component || ev.reportingComponent || ev.reportingController || "",
    count: ev.series?.count ?? ev.count ?? 1,
  };
}

/** etcd key → {resource, namespace, name} (kube-apiserver's key layout). */
export function parseKey(key) {
  const parts = String(key).split("/").filter(Boolean); // ["registry", resource, ns?, name]
  if (parts[0] !== "registry" || parts.length < 3) return null;
  // Services and Endpoints share a prefix: /registry/services/specs/…, /registry/services/endpoints/…
  if (parts[1] === "services" && parts.length >= 4) parts.splice(1, 2, parts[2] === "specs" ? "services" : parts[2]);
  const resource = parts[1];
  const clusterScoped = ["minions", "namespaces", "nodes", "persistentvolumes", "clusterroles"].includes(resource);
  if (clusterScoped || parts.length === 3) return { resource, namespace: "", name: parts.slice(2).join("/") };
  return { resource, namespace: parts[2], name: parts.slice(3).join("/") };
}
