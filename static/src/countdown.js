// What a failed node is waiting for, counted down on the stage: until the node lifecycle
// controller marks it NotReady, until its pods are evicted, and why an evicted pod then stays
// Terminating. The node's deadlines come from the engine's milestones (`data.deadline`); a
// pod's eviction time is worked out from its node's taints and its own tolerations, as the
// taint eviction controller does.

import { virtualSeconds } from "./kube.js";

/** A milestone about a node replaces what that node was waiting for (reducer, in place). */
export function noteNodeDeadline(deadlines, ev) {
  const data = ev.data || {};
  if (!ev.object || ev.object.kind !== "Node" || !data.node) return;
  if (typeof data.deadline === "number") {
    deadlines[data.node] = { at: data.deadline, from: ev.time, what: data.action === "fail-node" ? "NotReady" : "evicted" };
  } else {
    delete deadlines[data.node];
  }
}

const NODE_LABELS = { NotReady: "NotReady in", evicted: "pods evicted in" };

/** The node's countdown at `now`: {label, remaining, total}, or null. */
export function nodeCountdown(deadline, now) {
  if (!deadline) return null;
  const remaining = deadline.at - now;
  // NotReady comes at the first node-monitor pass after the deadline (every 5 s): "any moment".
  if (remaining <= 0 && deadline.what !== "NotReady") return null;
  return { label: NODE_LABELS[deadline.what], remaining: Math.max(0, remaining), total: Math.max(1, deadline.at - deadline.from) };
}

/** "37 s", "4:05": short enough for a node's header, readable from the back of a room. */
export function formatRemaining(seconds) {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** ToleratesTaint (staging/src/k8s.io/api/core/v1/toleration.go). */
export function tolerates(toleration, taint) {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  const operator = toleration.operator || "Equal";
  if (operator === "Exists") return true;
  return operator === "Equal" && (toleration.value || "") === (taint.value || "");
}

/**
 * When the taint eviction controller deletes a pod on a node with NoExecute taints
 * (pkg/controller/tainteviction/taint_eviction.go processPodOnNode): at once if a taint is not
 * tolerated, never if all are tolerated forever, else after the shortest tolerationSeconds of
 * the tolerations used, counted from when the taint came. Returns {at, total} or null.
 */
export function evictionTime(tolerations, taints) {
  const noExecute = (taints || []).filter((t) => t.effect === "NoExecute");
  if (!noExecute.length) return null;
  let seconds = Infinity;
  let since = -Infinity;
  for (const taint of noExecute) {
    const used = (tolerations || []).filter((t) => tolerates(t, taint));
    const added = virtualSeconds(taint.timeAdded);
    if (added !== null) since = Math.max(since, added);
    if (!used.length) return { at: added ?? 0, total: 0 };
    for (const t of used) if (typeof t.tolerationSeconds === "number") seconds = Math.min(seconds, Math.max(0, t.tolerationSeconds));
  }
  if (seconds === Infinity || since === -Infinity) return null;
  return { at: since + seconds, total: seconds };
}

/**
 * What a pod on `node` waits for (derive, in place): its eviction countdown on a tainted node;
 * or, deleted while its node is unreachable, nothing can end it but the node's kubelet (which
 * must confirm the containers stopped) or a force delete.
 */
export function podWaitsOnNode(pod, node, now) {
  if (!node) return;
  if (pod.deleting) {
    if (!node.ready) {
      pod.countdown = null;
      pod.stuck = `waits for ${node.name}'s kubelet`;
    }
    return;
  }
  const eviction = evictionTime(pod.tolerations, node.taints);
  if (eviction && eviction.at > now) {
    pod.countdown = { label: "evicted in", remaining: eviction.at - now, total: eviction.total || 1 };
  }
}

/** The countdown as the stage writes it: "evicted in 4:05", "grace period 12s left". */
export function countdownText(countdown) {
  if (countdown.label.endsWith(" in")) {
    return countdown.remaining > 0 ? `${countdown.label} ${formatRemaining(countdown.remaining)}` : `${countdown.label.slice(0, -3)} any moment`;
  }
  const left = countdown.remaining > 0 ? `${Math.ceil(countdown.remaining)}s left` : `${Math.round(countdown.total)}s over`;
  return `${countdown.label} ${left}`;
}
