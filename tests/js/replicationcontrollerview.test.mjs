import { test } from "node:test";
import assert from "node:assert/strict";
import { replicaSetRow } from "../../static/src/kube.js";
import { replicationControllerWorkloadRows, withPods } from "../../static/src/replicationcontrollerview.js";

const rc = (name, replicas, ready) => ({
  metadata: { name, namespace: "default" },
  spec: { replicas, selector: { app: name }, template: { spec: { containers: [{ name: "nginx", image: "nginx" }] } } },
  status: { replicas, readyReplicas: ready },
});

test("a ReplicationController's row has kubectl get rc's DESIRED, CURRENT and READY", () => {
  const row = replicaSetRow(rc("nginx", 3, 2), 0);
  assert.deepEqual([row.name, row.desired, row.current, row.ready, row.images], ["nginx", 3, 3, 2, ["nginx"]]);
  // Just created: no status yet, replicas defaulted by the API server.
  const fresh = replicaSetRow({ metadata: { name: "x" }, spec: { replicas: 1 } }, 0);
  assert.deepEqual([fresh.current, fresh.ready], [0, 0]);
});

test("each ReplicationController gets the pods it controls, and a WORKLOADS row, by name", () => {
  const pods = [
    { name: "nginx-abcde", namespace: "default", owner: { kind: "ReplicationController", name: "nginx" } },
    { name: "nginx-5d9f-xyz12", namespace: "default", owner: { kind: "ReplicaSet", name: "nginx" } },
    { name: "loner", namespace: "default", owner: null },
  ];
  const rcs = withPods([replicaSetRow(rc("web", 1, 1), 0), replicaSetRow(rc("nginx", 3, 3), 0)], pods);
  assert.deepEqual(rcs.map((r) => [r.name, r.pods.map((p) => p.name)]), [["nginx", ["nginx-abcde"]], ["web", []]]);
  assert.deepEqual(
    replicationControllerWorkloadRows({ replicationcontrollers: rcs }).map((r) => [r.kind, r.item.name, r.depth]),
    [["ReplicationController", "nginx", 0], ["ReplicationController", "web", 0]],
  );
  assert.deepEqual(replicationControllerWorkloadRows({}), []);
});
