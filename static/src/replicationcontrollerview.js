// ReplicationControllers on the stage: their pods and their place in the WORKLOADS column,
// striped in the colour of their pods. Their row is a ReplicaSet's (kube.js replicaSetRow:
// DESIRED, CURRENT, READY, as printReplicationController prints them in
// pkg/printers/internalversion/printers.go). Stored under /registry/controllers, as
// kube-apiserver keeps them.

import { naturalCompare } from "./components.js";

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
