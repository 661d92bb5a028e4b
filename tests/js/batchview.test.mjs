import { test } from "node:test";
import assert from "node:assert/strict";
import { batchWorkloadRows, batchWorkloadText, cronJobRow, jobRow } from "../../static/src/batchview.js";

const job = (name, extra = {}) => ({
  metadata: { name, namespace: "default", ...(extra.metadata || {}) },
  spec: { completions: 1, parallelism: 1, ...(extra.spec || {}) },
  status: extra.status || {},
});

test("a Job's row says what kubectl get jobs says", () => {
  assert.deepEqual(
    [jobRow(job("pi")).status, jobRow(job("pi")).completions],
    ["Running", "0/1"],
  );
  const done = jobRow(job("pi", { status: { succeeded: 1, conditions: [{ type: "SuccessCriteriaMet", status: "True" }, { type: "Complete", status: "True" }] } }));
  assert.deepEqual([done.status, done.completions], ["Complete", "1/1"]);
  const failing = jobRow(job("f", { status: { failed: 2, conditions: [{ type: "FailureTarget", status: "True" }] } }));
  assert.deepEqual([failing.status, failing.failed], ["FailureTarget", 2]);
  const queue = jobRow(job("q", { spec: { completions: null, parallelism: 3 } }));
  assert.equal(queue.completions, "0/1 of 3");
});

test("a CronJob sits above the Jobs it made; other Jobs stand alone", () => {
  const owned = { metadata: { ownerReferences: [{ kind: "CronJob", name: "hello", controller: true }] } };
  const view = {
    cronjobs: [cronJobRow({ metadata: { name: "hello", namespace: "default" }, spec: { schedule: "* * * * *" }, status: { active: [{}] } })],
    jobs: [jobRow(job("hello-29453761", owned)), jobRow(job("pi"))],
  };
  const rows = batchWorkloadRows(view).map((r) => [r.kind, r.item.name, r.depth]);
  assert.deepEqual(rows, [
    ["CronJob", "hello", 0],
    ["Job", "hello-29453761", 1],
    ["Job", "pi", 0],
  ]);
  const [cron, child] = batchWorkloadRows(view);
  assert.deepEqual(batchWorkloadText(cron), { count: "* * * * *", label: "CronJob hello, schedule * * * * *, 1 active" });
  assert.equal(batchWorkloadText(child).label, "Job hello-29453761, Running: 0/1 completions");
});
