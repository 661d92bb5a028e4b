// StatefulSets on the stage: their row as `kubectl get statefulsets` prints it (READY is
// ready/desired: printStatefulSet in pkg/printers/internalversion/printers.go), and their
// place in the WORKLOADS column, striped in the colour of their pods (web-0, web-1, ...).

/** printStatefulSet's READY, and what the WORKLOADS row needs. */
export function statefulSetRow(sts) {
  const meta = sts.metadata || {};
  const desired = sts.spec?.replicas ?? 1;
  const ready = sts.status?.readyReplicas ?? 0;
  return { name: meta.name || "", namespace: meta.namespace || "default", desired, ready: `${ready}/${desired}` };
}

/** WORKLOADS rows, one per StatefulSet. */
export function statefulSetWorkloadRows(view) {
  return (view.statefulsets || []).map((item) => ({ kind: "StatefulSet", item, depth: 0 }));
}
