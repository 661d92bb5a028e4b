// A Deployment's rollout as the Deployment controller sees it: which ReplicaSet is new, what
// maxSurge and maxUnavailable resolve to, and what its next sync may do — in plain words with
// the arithmetic. Pure: from derive.js's rows (a Deployment with its ReplicaSets) at the
// cursor, so scrubbing back shows the rollout as it was. The rules follow
// pkg/controller/deployment (rolling.go, recreate.go, util/deployment_util.go).

const HASH_LABEL = "pod-template-hash";

/** intstr.GetScaledValueFromIntOrPercent: an int as is; "25%" of total, rounded up or down. */
export function scaledValue(value, total, roundUp) {
  if (typeof value === "number") return value;
  const m = /^(\d+)%$/.exec(String(value ?? ""));
  if (!m) return null; // a string that is not a percentage: Go returns an error
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * pkg/controller/deployment/util/deployment_util.go ResolveFenceposts: maxSurge rounds up,
 * maxUnavailable rounds down (an unset one is 0), and if both come to 0, maxUnavailable is 1
 * ("surge might not work due to quota"). `raised` says the 1 came from that rule.
 */
export function resolveFenceposts(maxSurge, maxUnavailable, desired) {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === null || unavailable === null) return null;
  const raised = surge === 0 && unavailable === 0;
  if (raised) unavailable = 1;
  return { surge, unavailable, raised };
}

/** The ReplicaSet running the Deployment's pod template (FindNewReplicaSet: the templates are
 * equal once the ReplicaSet's pod-template-hash label is left out), or null. */
export function newReplicaSetOf(d) {
  if (!d.template) return null;
  return (d.replicasets || []).find((rs) => rs.template && equalIgnoringHash(rs.template, d.template)) || null;
}

function equalIgnoringHash(rsTemplate, template) {
  const labels = { ...(rsTemplate.metadata?.labels || {}) };
  delete labels[HASH_LABEL];
  const bare = { ...rsTemplate, metadata: { ...(rsTemplate.metadata || {}), labels } };
  if (!Object.keys(labels).length && !template.metadata?.labels) delete bare.metadata.labels;
  return deepEqual(bare, template);
}

function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What the rollout panel shows for Deployment row `d` (with `d.replicasets`), or null while
 * its objects are still loading. `state` is "rolling" or "complete".
 */
export function rolloutOf(d) {
  if (d.placeholder || (d.replicasets || []).some((rs) => rs.placeholder)) return null;
  const desired = d.desired ?? 1;
  const type = d.strategy?.type || "RollingUpdate";
  const rolling = d.strategy?.rollingUpdate || {};
  const newRS = newReplicaSetOf(d);
  const olds = (d.replicasets || []).filter((rs) => rs !== newRS && (rs.desired > 0 || rs.current > 0));
  const complete = Boolean(newRS) && newRS.desired === desired && newRS.current === desired && newRS.available >= desired && !olds.length;
  // A Deployment with one ReplicaSet ever was created, not rolled out: nothing to say once done.
  const first = (d.replicasets || []).length <= 1;
  const base = { name: d.name, namespace: d.namespace, desired, type, newRS, olds, paused: d.paused, images: d.images, first };
  if (complete) {
    const images = (newRS.images || []).join(", ");
    return { ...base, state: "complete", summary: `Rollout complete: ${newRS.available} of ${desired} pods run ${images}, revision ${newRS.revision}` };
  }
  const result = { ...base, state: "rolling", next: [] };
  if (type === "Recreate") {
    // recreate.go rolloutRecreate
    result.next.push(`Recreate: every old pod goes first (old ReplicaSets scaled to 0); the new ReplicaSet is scaled to ${desired} only once no old pod is left running.`);
    return result;
  }
  const fence = resolveFenceposts(rolling.maxSurge, rolling.maxUnavailable, desired);
  if (!fence) return result;
  // MaxUnavailable: never more than the replicas, and 0 when there are none
  const unavailable = desired === 0 ? 0 : Math.min(fence.unavailable, desired);
  result.maxSurge = { written: rolling.maxSurge ?? 0, pods: fence.surge, raised: false };
  result.maxUnavailable = { written: rolling.maxUnavailable ?? 0, pods: unavailable, raised: fence.raised };
  if (d.paused) {
    result.next.push("Paused (spec.paused): the Deployment controller only scales; the rollout waits for kubectl rollout resume.");
    return result;
  }
  result.next.push(growLine(desired, fence.surge, newRS, olds));
  if (olds.length) result.next.push(shrinkLine(desired, unavailable, newRS, olds));
  return result;
}

/** rolling.go reconcileNewReplicaSet with util NewRSNewReplicas: grow the new ReplicaSet
 * while all ReplicaSets together ask for fewer than replicas + maxSurge pods. */
function growLine(desired, surge, newRS, olds) {
  if (!newRS) return "No ReplicaSet runs the new pod template yet: the Deployment controller makes one, as big as maxSurge allows.";
  const n = newRS.desired;
  if (n === desired) return `The new ReplicaSet already asks for all ${desired} pods; ${newRS.available} available so far.`;
  if (n > desired) return `The new ReplicaSet asks for ${n}, more than the ${desired} desired: it is scaled down to ${desired}.`;
  const oldPods = olds.reduce((sum, rs) => sum + rs.desired, 0);
  const all = oldPods + n;
  const max = desired + surge;
  const head = `At most ${max} pods at once (${desired} desired + maxSurge ${surge}): now ${all}${oldPods ? ` (${oldPods} old + ${n} new)` : ""}`;
  if (all >= max) return `${head}, so no new pod until an old one goes.`;
  const up = Math.min(max - all, desired - n);
  return `${head}, so the new ReplicaSet may grow by ${up} (to ${n + up}).`;
}

/** rolling.go reconcileOldReplicaSets: never below replicas − maxUnavailable available pods;
 * old pods that are not available anyway go first (cleanupUnhealthyReplicas), then old ones
 * down to that minimum (scaleDownOldReplicaSetsForRollingUpdate), oldest ReplicaSet first. */
function shrinkLine(desired, unavailable, newRS, olds) {
  const oldPods = olds.reduce((sum, rs) => sum + rs.desired, 0);
  if (!oldPods) {
    const left = olds.reduce((sum, rs) => sum + rs.current, 0);
    return `The old ReplicaSets ask for no pods now; the ReplicaSet controller removes the last ${plural(left, "old pod")}.`;
  }
  const minAvailable = desired - unavailable;
  const newPods = newRS ? newRS.desired : 0;
  const all = oldPods + newPods;
  const newUnavailable = newRS ? newPods - newRS.available : 0;
  const maxScaledDown = all - minAvailable - newUnavailable;
  const head = `At least ${minAvailable} must stay available (${desired} desired − maxUnavailable ${unavailable})`;
  if (maxScaledDown <= 0) {
    // allPods − minAvailable − new pods not available yet: nothing left to take away
    const fresh = newUnavailable > 0 ? `, ${newUnavailable} of them new and not available yet` : "";
    return `${head}: ${all} pods${fresh}, so no old pod may go.`;
  }
  let cleanup = 0;
  let left = 0; // old replicas still asked for after the cleanup
  for (const rs of [...olds].sort((a, b) => a.created - b.created)) {
    const unhealthy = Math.max(0, rs.desired - rs.available);
    const take = Math.min(maxScaledDown - cleanup, unhealthy);
    cleanup += take;
    left += rs.desired - take;
  }
  const available = olds.reduce((sum, rs) => sum + rs.available, 0) + (newRS ? newRS.available : 0);
  const down = Math.max(0, Math.min(left, available - minAvailable));
  const total = cleanup + down;
  if (!total) return `${head}: ${available} available, so no old pod may go.`;
  const unhealthyNote = cleanup ? ` (${cleanup} of them not available anyway)` : "";
  return `${head}: ${available} available, so ${plural(total, "old pod")} may go${unhealthyNote}.`;
}

/** How a fencepost reads: "25% of 3 → 1", "1", or "0% of 3 → 0, so 1" when ResolveFenceposts raised it. */
export function fenceText(f, desired) {
  const written = String(f.written);
  const resolved = written.endsWith("%") ? `${written} of ${desired} → ` : "";
  return f.raised ? `${resolved}0, so 1 (both were 0)` : `${resolved}${f.pods}`;
}
