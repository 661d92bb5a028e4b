// ReplicationControllers on the stage: a row as `kubectl get rc` prints it (DESIRED, CURRENT,
// READY: printReplicationController in pkg/printers/internalversion/printers.go, the
// ReplicaSet's columns), its pods, and its place in the WORKLOADS column, striped in the
// colour of its pods. Stored under /registry/controllers, as kube-apiserver keeps them.

import { naturalCompare } from "./components.js";
import { replicaSetRow } from "./kube.js";

/** The row of one ReplicationController (a ReplicaSet's, which it is to the controller). */
export function replicationControllerRow(rc, now) {
  return replicaSetRow(rc, now);
}

/** Each ReplicationController's pods (those it controls), sorted by name. */
export function withPods(rcs, pods) {
  for (const rc of rcs) {
    rc.pods = pods.filter((p) => p.owner && p.owner.kind === "ReplicationController" && p.owner.name === rc.name && p.namespace === rc.namespace);
  }
  return rcs.sort((a, b) => naturalCompare(a.name, b.name));
}

/** WORKLOADS rows, one per ReplicationController. */
export function replicationControllerWorkloadRows(view) {
  return (view.replicationcontrollers || []).map((item) => ({ kind: "ReplicationController", item, depth: 0 }));
}
