import { test } from "node:test";
import assert from "node:assert/strict";

import { claimText, podClaims } from "../../static/src/claims.js";

const pod = {
  metadata: { name: "task-pv-pod", namespace: "default" },
  spec: {
    volumes: [
      { name: "task-pv-storage", persistentVolumeClaim: { claimName: "task-pv-claim" } },
      { name: "scratch", emptyDir: {} },
      { name: "later", persistentVolumeClaim: { claimName: "missing" } },
    ],
  },
};

function valuesOf(objects) {
  const wanted = [];
  return {
    wanted,
    get: (key, rev) => objects[`${key}@${rev}`],
    want: (key, rev) => wanted.push(`${key}@${rev}`),
  };
}

test("each claim of the pod with the volume it is bound to, at the cursor's revision", () => {
  const claim = { metadata: { name: "task-pv-claim" }, spec: { volumeName: "task-pv-volume" }, status: { phase: "Bound" } };
  const values = valuesOf({ "/registry/persistentvolumeclaims/default/task-pv-claim@7": claim });
  const state = { keys: { "/registry/persistentvolumeclaims/default/task-pv-claim": { rev: 7 } } };
  assert.deepEqual(podClaims(pod, state, values), [
    { volume: "task-pv-storage", claim: "task-pv-claim", rev: 7, text: "claim task-pv-claim → bound to volume task-pv-volume" },
    { volume: "later", claim: "missing", rev: 0, text: "claim missing: does not exist yet" },
  ]);
  assert.deepEqual(values.wanted, []);
});

test("a claim not loaded yet is asked for; pending and terminating claims say so", () => {
  const values = valuesOf({});
  const state = { keys: { "/registry/persistentvolumeclaims/default/task-pv-claim": { rev: 3 } } };
  assert.equal(podClaims(pod, state, values)[0].text, "claim task-pv-claim: loading…");
  assert.deepEqual(values.wanted, ["/registry/persistentvolumeclaims/default/task-pv-claim@3"]);
  assert.equal(claimText("data", { metadata: {}, spec: {}, status: { phase: "Pending" } }), "claim data: Pending, not bound to a volume yet");
  const leaving = { metadata: { deletionTimestamp: "2026-01-01T00:00:00Z" }, spec: { volumeName: "pvc-1" }, status: { phase: "Bound" } };
  assert.equal(claimText("data", leaving), "claim data (Terminating) → volume pvc-1");
});
