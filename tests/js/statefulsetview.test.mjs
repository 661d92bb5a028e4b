import { test } from "node:test";
import assert from "node:assert/strict";
import { statefulSetRow, statefulSetWorkloadRows } from "../../static/src/statefulsetview.js";

test("a StatefulSet's row says READY as kubectl get statefulsets does", () => {
  const sts = { metadata: { name: "web", namespace: "default" }, spec: { replicas: 3 }, status: { readyReplicas: 2 } };
  assert.deepEqual(statefulSetRow(sts), { name: "web", namespace: "default", desired: 3, ready: "2/3" });
  // A new StatefulSet: no status yet, replicas defaulted by the API server (1).
  assert.equal(statefulSetRow({ metadata: { name: "db" }, spec: {}, status: {} }).ready, "0/1");
});

test("each StatefulSet is a WORKLOADS row of its own", () => {
  const view = { statefulsets: [statefulSetRow({ metadata: { name: "web" }, spec: { replicas: 2 } })] };
  assert.deepEqual(
    statefulSetWorkloadRows(view).map((r) => [r.kind, r.item.name, r.depth]),
    [["StatefulSet", "web", 0]],
  );
  assert.deepEqual(statefulSetWorkloadRows({}), []);
});
