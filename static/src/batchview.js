// Jobs and CronJobs on the stage: their rows as `kubectl get jobs` / `get cronjobs` print them,
// and their place in the WORKLOADS column (a CronJob above the Jobs it made, a Job's pods
// striped in the Job's colour), the way a Deployment and its ReplicaSets are drawn.

/** printJob's STATUS and COMPLETIONS (pkg/printers/internalversion/printers.go). */
export function jobRow(job) {
  const meta = job.metadata || {};
  const spec = job.spec || {};
  const status = job.status || {};
  const owner = (meta.ownerReferences || []).find((o) => o.controller) || null;
  const holds = (type) => (status.conditions || []).some((c) => c.type === type && c.status === "True");
  let state = "Running";
  if (holds("Complete")) state = "Complete";
  else if (holds("Failed")) state = "Failed";
  else if (meta.deletionTimestamp) state = "Terminating";
  else if (holds("Suspended")) state = "Suspended";
  else if (holds("FailureTarget")) state = "FailureTarget";
  else if (holds("SuccessCriteriaMet")) state = "SuccessCriteriaMet";
  const succeeded = status.succeeded ?? 0;
  let completions;
  if (spec.completions !== undefined && spec.completions !== null) completions = `${succeeded}/${spec.completions}`;
  else completions = (spec.parallelism ?? 0) > 1 ? `${succeeded}/1 of ${spec.parallelism}` : `${succeeded}/1`;
  return {
    name: meta.name || "",
    namespace: meta.namespace || "default",
    owner: owner ? { kind: owner.kind, name: owner.name } : null,
    status: state,
    completions,
    failed: status.failed ?? 0,
  };
}

/** printCronJob's SCHEDULE, SUSPEND and ACTIVE. */
export function cronJobRow(cj) {
  const meta = cj.metadata || {};
  return {
    name: meta.name || "",
    namespace: meta.namespace || "default",
    schedule: cj.spec?.schedule || "",
    suspend: Boolean(cj.spec?.suspend),
    active: (cj.status?.active || []).length,
  };
}

/** WORKLOADS rows for CronJobs (depth 0) with their Jobs (depth 1), then the other Jobs. */
export function batchWorkloadRows(view) {
  const rows = [];
  const jobs = view.jobs || [];
  for (const cj of view.cronjobs || []) {
    rows.push({ kind: "CronJob", item: cj, depth: 0 });
    for (const job of jobs) {
      if (job.owner && job.owner.kind === "CronJob" && job.owner.name === cj.name && job.namespace === cj.namespace) {
        rows.push({ kind: "Job", item: job, depth: 1 });
      }
    }
  }
  for (const job of jobs) if (!(job.owner && job.owner.kind === "CronJob")) rows.push({ kind: "Job", item: job, depth: 0 });
  return rows;
}

/** What a batch row shows on its right, and how a screen reader says it. */
export function batchWorkloadText(w) {
  if (w.kind === "Job") {
    const failed = w.item.failed ? `, ${w.item.failed} failed` : "";
    return { count: w.item.completions, label: `Job ${w.item.name}, ${w.item.status}: ${w.item.completions} completions${failed}` };
  }
  const paused = w.item.suspend ? ", suspended" : "";
  return { count: w.item.schedule, label: `CronJob ${w.item.name}, schedule ${w.item.schedule}${paused}, ${w.item.active} active` };
}
