// rollout.js: the fenceposts' rounding, which ReplicaSet is new, and what the Deployment
// controller's next sync may do, step by step through a rolling update of 3 replicas; then
// the real trace's Deployment, which has finished its first rollout.

import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { deriveView } from "../../static/src/derive.js";
import { fenceText, newReplicaSetOf, resolveFenceposts, rolloutOf, scaledValue } from "../../static/src/rollout.js";
import { foldFromScratch, loadedValues, needsTrace, trace } from "./fixture.mjs";

describe("scaledValue (intstr.GetScaledValueFromIntOrPercent)", () => {
  test("a percentage of the replicas, rounded up or down as asked", () => {
    assert.equal(scaledValue("25%", 3, true), 1);
    assert.equal(scaledValue("25%", 3, false), 0);
    assert.equal(scaledValue("25%", 4, true), 1);
    assert.equal(scaledValue("25%", 4, false), 1);
    assert.equal(scaledValue("25%", 10, true), 3);
    assert.equal(scaledValue("25%", 10, false), 2);
    assert.equal(scaledValue("100%", 7, false), 7);
    assert.equal(scaledValue("0%", 5, true), 0);
  });
  test("an int is taken as it is; a string that is not a percentage is an error", () => {
    assert.equal(scaledValue(2, 10, true), 2);
    assert.equal(scaledValue(0, 10, false), 0);
    assert.equal(scaledValue("2", 10, true), null);
    assert.equal(scaledValue("a%", 10, true), null);
  });
});

describe("resolveFenceposts (deployment_util.go ResolveFenceposts)", () => {
  test("the defaults, 25% and 25%, for 3 replicas: surge rounds up to 1, unavailable down to 0", () => {
    assert.deepEqual(resolveFenceposts("25%", "25%", 3), { surge: 1, unavailable: 0, raised: false });
  });
  test("both resolving to 0 makes maxUnavailable 1", () => {
    assert.deepEqual(resolveFenceposts("0%", "1%", 2), { surge: 0, unavailable: 1, raised: true });
    assert.deepEqual(resolveFenceposts(undefined, undefined, 3), { surge: 0, unavailable: 1, raised: true });
    assert.deepEqual(resolveFenceposts(0, "10%", 5), { surge: 0, unavailable: 1, raised: true });
  });
  test("a surge of 1% still rounds up to one pod; ints pass through", () => {
    assert.deepEqual(resolveFenceposts("1%", "0%", 2), { surge: 1, unavailable: 0, raised: false });
    assert.deepEqual(resolveFenceposts(2, 1, 10), { surge: 2, unavailable: 1, raised: false });
  });
  test("how the panel writes them", () => {
    assert.equal(fenceText({ written: "25%", pods: 1, raised: false }, 3), "25% of 3 → 1");
    assert.equal(fenceText({ written: 2, pods: 2, raised: false }, 10), "2");
    assert.equal(fenceText({ written: "1%", pods: 1, raised: true }, 2), "1% of 2 → 0, so 1 (both were 0)");
  });
});

// A Deployment of 3 (maxSurge 25%, maxUnavailable 25%) moving from nginx:1.27 to nginx:1.28.
const web = "web";
const template = (image) => ({ metadata: { labels: { app: web } }, spec: { containers: [{ name: "nginx", image }] } });
const hashed = (image, hash) => ({ ...template(image), metadata: { labels: { app: web, "pod-template-hash": hash } } });
const rs = (name, revision, image, desired, available, created, current = desired) => ({
  name,
  namespace: "default",
  revision: String(revision),
  images: [image],
  desired,
  current,
  ready: available,
  available,
  created,
  template: hashed(image, name.slice(4)),
});
const deployment = (replicasets, extra = {}) => ({
  name: web,
  namespace: "default",
  desired: 3,
  strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
  paused: false,
  template: template("nginx:1.28"),
  replicasets,
  ...extra,
});
const OLD = (desired, available = desired) => rs("web-7c9fd86bc", 1, "nginx:1.27", desired, available, 10);
const NEW = (desired, available) => rs("web-f4b584c4", 2, "nginx:1.28", desired, available, 70);

describe("rolloutOf: a rolling update of 3, one pod at a time", () => {
  test("the new ReplicaSet is the one whose template is the Deployment's, pod-template-hash aside", () => {
    const d = deployment([NEW(1, 0), OLD(3)]);
    assert.equal(newReplicaSetOf(d).name, "web-f4b584c4");
    assert.equal(newReplicaSetOf(deployment([OLD(3)])), null);
  });

  test("the template changed, no new ReplicaSet yet", () => {
    const r = rolloutOf(deployment([OLD(3)]));
    assert.equal(r.state, "rolling");
    assert.equal(r.newRS, null);
    assert.deepEqual(r.olds.map((x) => x.name), ["web-7c9fd86bc"]);
    assert.deepEqual([r.maxSurge.pods, r.maxUnavailable.pods], [1, 0]);
    assert.match(r.next[0], /No ReplicaSet runs the new pod template yet/);
    assert.equal(r.next[1], "At least 3 must stay available (3 desired − maxUnavailable 0): 3 pods, so no old pod may go.");
  });

  test("one new pod, not yet available: 4 pods at most, none may go", () => {
    const r = rolloutOf(deployment([NEW(1, 0), OLD(3)]));
    assert.deepEqual(r.next, [
      "At most 4 pods at once (3 desired + maxSurge 1): now 4 (3 old + 1 new), so no new pod until an old one goes.",
      "At least 3 must stay available (3 desired − maxUnavailable 0): 4 pods, 1 of them new and not available yet, so no old pod may go.",
    ]);
  });

  test("the new pod is available: one old pod may go", () => {
    const r = rolloutOf(deployment([NEW(1, 1), OLD(3)]));
    assert.equal(r.next[1], "At least 3 must stay available (3 desired − maxUnavailable 0): 4 available, so 1 old pod may go.");
  });

  test("room to take one away though no pod is available beyond the minimum: an unhealthy old one", () => {
    // 4 pods − 3 − 0 new unavailable = 1 may go; yet only 3 are available (an old pod is not,
    // and cleanupUnhealthyReplicas takes it: scaling it down costs no availability)
    const r = rolloutOf(deployment([NEW(1, 1), OLD(3, 2)]));
    assert.equal(r.next[1], "At least 3 must stay available (3 desired − maxUnavailable 0): 3 available, so 1 old pod may go (1 of them not available anyway).");
  });

  test("an old pod went: the new ReplicaSet may grow by one", () => {
    const r = rolloutOf(deployment([NEW(1, 1), OLD(2)]));
    assert.equal(r.next[0], "At most 4 pods at once (3 desired + maxSurge 1): now 3 (2 old + 1 new), so the new ReplicaSet may grow by 1 (to 2).");
  });

  test("old pods that are not available anyway may go first (cleanupUnhealthyReplicas)", () => {
    const r = rolloutOf(deployment([NEW(1, 0), OLD(3, 1)]));
    // 4 pods − 3 min available − 1 new unavailable = 0: nothing may go, unhealthy or not
    assert.equal(r.next[1], "At least 3 must stay available (3 desired − maxUnavailable 0): 4 pods, 1 of them new and not available yet, so no old pod may go.");
    const wider = rolloutOf(deployment([NEW(0, 0), OLD(3, 1)], { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } }));
    // 3 − 2 − 0 = 1 may go, and the 2 unavailable old pods are the first choice
    assert.equal(wider.next[1], "At least 2 must stay available (3 desired − maxUnavailable 1): 1 available, so 1 old pod may go (1 of them not available anyway).");
    assert.equal(wider.next[0], "At most 3 pods at once (3 desired + maxSurge 0): now 3 (3 old + 0 new), so no new pod until an old one goes.");
  });

  test("all new, the old ReplicaSet still has a pod: rolling; then complete", () => {
    const last = rolloutOf(deployment([NEW(3, 3), { ...OLD(0, 0), current: 1 }]));
    assert.equal(last.state, "rolling");
    assert.deepEqual(last.next, ["The new ReplicaSet already asks for all 3 pods; 3 available so far.", "The old ReplicaSets ask for no pods now; the ReplicaSet controller removes the last 1 old pod."]);
    const done = rolloutOf(deployment([NEW(3, 3), OLD(0, 0)]));
    assert.equal(done.state, "complete");
    assert.equal(done.summary, "Rollout complete: 3 of 3 pods run nginx:1.28, revision 2");
    assert.deepEqual(done.olds, []);
  });

  test("new pods not ready yet keep it rolling, and say how many are available", () => {
    const r = rolloutOf(deployment([NEW(3, 2), OLD(0, 0)]));
    assert.equal(r.state, "rolling");
    assert.deepEqual(r.next, ["The new ReplicaSet already asks for all 3 pods; 2 available so far."]);
  });

  test("Recreate and paused Deployments get their own line", () => {
    const recreate = rolloutOf(deployment([OLD(3)], { strategy: { type: "Recreate" } }));
    assert.equal(recreate.next.length, 1);
    assert.match(recreate.next[0], /^Recreate: every old pod goes first/);
    const paused = rolloutOf(deployment([NEW(1, 0), OLD(3)], { paused: true }));
    assert.match(paused.next[0], /^Paused/);
  });

  test("nothing is said while an object is still loading", () => {
    assert.equal(rolloutOf(deployment([{ name: "web-x", placeholder: true }])), null);
  });
});

describe("rolloutOf on the real trace", needsTrace, () => {
  let values;
  before(async () => ({ values } = await loadedValues()));

  test("the Deployment's first rollout is complete at the end, revision 1", () => {
    const known = { nodes: trace.reset.nodes.map((n) => n.name), baselineLoaded: true };
    const view = deriveView(foldFromScratch(), values, trace.now, known);
    const r = rolloutOf(view.deployments[0]);
    assert.equal(r.state, "complete");
    assert.equal(r.newRS.name, trace.engine.replicasets[0].name);
    assert.equal(r.summary, "Rollout complete: 3 of 3 pods run nginx:1.27, revision 1");
    assert.equal(r.first, true, "one ReplicaSet ever: created, not rolled out (the panel stays quiet)");
  });
});
