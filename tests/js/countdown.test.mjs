// countdown.js: what a failed node and its pods wait for, worked out as the node lifecycle and
// taint eviction controllers do.

import assert from "node:assert/strict";
import { test } from "node:test";

import { countdownText, evictionTime, nodeCountdown, noteNodeDeadline, podWaitsOnNode, tolerates } from "../../static/src/countdown.js";

const EPOCH = "2026-01-01T00:00:00Z"; // virtual time 0 (kube.js EPOCH_MS)
const at = (seconds) => new Date(Date.parse(EPOCH) + seconds * 1000).toISOString().replace(".000Z", "Z");
const unreachable = (added) => ({ key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: at(added) });
const DEFAULTS = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
];

test("a toleration matches a taint by key, value and effect (ToleratesTaint)", () => {
  const taint = { key: "k", value: "v", effect: "NoExecute" };
  assert.ok(tolerates({ key: "k", operator: "Exists" }, taint));
  assert.ok(tolerates({ operator: "Exists" }, taint)); // an empty key with Exists tolerates all
  assert.ok(tolerates({ key: "k", value: "v" }, taint)); // Equal is the default operator
  assert.ok(!tolerates({ key: "k", value: "w" }, taint));
  assert.ok(!tolerates({ key: "k", operator: "Exists", effect: "NoSchedule" }, taint));
});

test("a pod is evicted after its shortest toleration, counted from the taint", () => {
  assert.deepEqual(evictionTime(DEFAULTS, [unreachable(100)]), { at: 400, total: 300 });
  const short = [...DEFAULTS, { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 }];
  assert.deepEqual(evictionTime(short, [unreachable(100)]), { at: 130, total: 30 });
  assert.deepEqual(evictionTime([], [unreachable(100)]), { at: 100, total: 0 }); // not tolerated: at once
  assert.equal(evictionTime([{ operator: "Exists" }], [unreachable(100)]), null); // tolerated forever
  assert.equal(evictionTime(DEFAULTS, [{ key: "x", effect: "NoSchedule" }]), null);
});

test("a node counts down from the milestone that announced it until another one about it", () => {
  const deadlines = {};
  const node = { kind: "Node", name: "node-2" };
  noteNodeDeadline(deadlines, { source: "kubelet/node-2", time: 10, object: node, data: { node: "node-2", action: "fail-node", deadline: 55 } });
  assert.deepEqual(nodeCountdown(deadlines["node-2"], 25), { label: "NotReady in", remaining: 30, total: 45 });
  assert.equal(countdownText(nodeCountdown(deadlines["node-2"], 25)), "NotReady in 30 s");
  assert.equal(countdownText(nodeCountdown(deadlines["node-2"], 57)), "NotReady any moment"); // the controller looks every 5 s
  noteNodeDeadline(deadlines, { source: "controller-manager/node-lifecycle-controller", time: 58, object: node, data: { node: "node-2" } });
  assert.equal(deadlines["node-2"], undefined);
  noteNodeDeadline(deadlines, { source: "controller-manager/node-lifecycle-controller", time: 60, object: node, data: { node: "node-2", deadline: 360 } });
  assert.equal(countdownText(nodeCountdown(deadlines["node-2"], 115)), "pods evicted in 4:05");
  assert.equal(nodeCountdown(deadlines["node-2"], 361), null);
});

test("a pod on a tainted node counts down; deleted while its node is unreachable, it is stuck", () => {
  const node = { name: "node-2", ready: false, taints: [unreachable(100)] };
  const pod = { tolerations: DEFAULTS, deleting: false, countdown: null };
  podWaitsOnNode(pod, node, 160);
  assert.deepEqual(pod.countdown, { label: "evicted in", remaining: 240, total: 300 });
  assert.equal(countdownText(pod.countdown), "evicted in 4:00");
  const gone = { tolerations: DEFAULTS, deleting: true, countdown: { label: "grace period", remaining: 0, total: 30 } };
  podWaitsOnNode(gone, node, 420);
  assert.equal(gone.countdown, null);
  assert.equal(gone.stuck, "waits for node-2's kubelet");
});
