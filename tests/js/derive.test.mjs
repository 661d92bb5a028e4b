// derive.js (with kube.js's row builders): what the stage draws, from the reducer's state and
// the etcd values the page fetched, cross-checked against the engine's own final objects.

import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { deriveView, ownerHue } from "../../static/src/derive.js";
import { ValueStore } from "../../static/src/values.js";
import { cursorAfter, enginePods, foldFromScratch, loadedValues, needsTrace, trace } from "./fixture.mjs";

const names = (rows) => rows.map((r) => `${r.namespace}/${r.name}`).sort();

describe("deriveView on the real trace", needsTrace, () => {
  let values;
  let known;
  before(async () => {
    ({ values } = await loadedValues());
    known = { nodes: trace.reset.nodes.map((n) => n.name), baselineLoaded: true };
  });
  const viewAt = (cursor, now) => deriveView(foldFromScratch(cursor), values, now ?? trace.events[Math.max(cursor - 1, 0)].time, known);

  test("at the end: the Deployment, its ReplicaSet and the pods the engine has", () => {
    const view = viewAt(trace.events.length, trace.now);
    // Every value the page asks for was fetched; only the leases, which it never asks for
    // (values.js SKIP_PREFIXES), still count as loading.
    const neverAsked = Object.keys(trace.engine.keys).filter((key) => !values.wanted(key));
    assert.ok(neverAsked.length > 0 && neverAsked.every((key) => key.startsWith("/registry/leases/")));
    assert.equal(view.loading, neverAsked.length);

    assert.deepEqual(
      view.deployments.map((d) => ({ name: d.name, desired: d.desired, ready: d.ready })),
      trace.engine.deployments.map((d) => ({ name: d.name, desired: d.replicas, ready: `${d.ready}/${d.replicas}` })),
    );
    const [rs] = trace.engine.replicasets;
    const [deployment] = view.deployments;
    assert.deepEqual(deployment.replicasets.map((r) => r.name), [rs.name]);
    const rsRow = deployment.replicasets[0];
    assert.equal(rsRow.desired, rs.replicas);
    assert.equal(rsRow.ready, rs.ready);
    assert.equal(rsRow.revision, "1");
    assert.deepEqual(rsRow.owner, { kind: "Deployment", name: rs.owner });
    // The ReplicaSet's pods are the engine's pods, all ready.
    assert.deepEqual(names(rsRow.pods), [...enginePods().keys()].sort());
    assert.equal(rsRow.readyPods, rs.ready);
  });

  test("at the end: each pod on the engine's node, Running and ready; the deleted pod gone", () => {
    const view = viewAt(trace.events.length, trace.now);
    const engine = enginePods();
    assert.deepEqual(names(view.pods), [...engine.keys()].sort());
    assert.ok(!view.podsByKey.has(trace.deletedPod));
    for (const pod of view.pods) {
      const expected = engine.get(`${pod.namespace}/${pod.name}`);
      assert.equal(pod.node, expected.node, pod.name);
      assert.equal(pod.status, expected.phase, pod.name);
      assert.equal(pod.tone, "good");
      assert.equal(pod.isReady, expected.ready, pod.name);
      assert.equal(pod.ready, "1/1");
      assert.match(pod.ip, /^10\.244\.\d+\.\d+$/);
      assert.equal(pod.known, true);
      // colour stripes and highlights follow ownership
      assert.deepEqual(pod.owner, { kind: "ReplicaSet", name: expected.owner });
      assert.equal(pod.group, expected.owner);
      assert.equal(pod.deployment, "web");
    }
    assert.deepEqual(view.unscheduled, []);
    assert.deepEqual(view.orphans, []);
    assert.deepEqual(view.standalone, []);
  });

  test("at the end: the nodes, Ready, each holding the pods the engine bound to it", () => {
    const view = viewAt(trace.events.length, trace.now);
    assert.deepEqual(view.nodes.map((n) => n.name), trace.engine.nodes);
    for (const node of view.nodes) {
      assert.equal(node.status, "Ready");
      assert.equal(node.row.name, node.name, "drawn from the Node object");
      const expected = trace.engine.pods.filter((p) => p.node === node.name).map((p) => `${p.namespace}/${p.name}`);
      assert.deepEqual(names(node.pods), expected.sort(), node.name);
      assert.equal(node.pull, null, "no pull left at the end");
    }
  });

  test("the Events list says where the scheduler put each pod", () => {
    const view = viewAt(trace.events.length, trace.now);
    for (const pod of trace.engine.pods) {
      const scheduled = view.events.find((e) => e.reason === "Scheduled" && e.objectName === pod.name);
      assert.ok(scheduled, `no Scheduled event for ${pod.name}`);
      assert.ok(scheduled.message.endsWith(` to ${pod.node}`), scheduled.message);
      assert.equal(scheduled.object, `pod/${pod.name}`);
    }
    const ats = view.events.map((e) => e.at);
    assert.deepEqual(ats, [...ats].sort((a, b) => a - b), "oldest first");
  });

  test("along the trace, the workload rows show what the stored objects say", () => {
    // After each write of the Deployment or ReplicaSet, its row follows its stored status,
    // including the moments the ReplicaSet has its pods but not all of them ready yet.
    let seenUnready = false;
    trace.events.forEach((ev, i) => {
      if (ev.kind !== "etcd-watch" || !/^\/registry\/(replicasets|deployments)\//.test(ev.data.key)) return;
      const stored = JSON.parse(trace.etcd[`${ev.data.key}@${ev.data.revision}`].value);
      const view = viewAt(i + 1);
      const status = stored.status ?? {};
      if (ev.data.key.includes("/replicasets/")) {
        const row = view.replicasets.find((r) => r.name === stored.metadata.name);
        assert.deepEqual([row.desired, row.current, row.ready], [stored.spec.replicas, status.replicas ?? 0, status.readyReplicas ?? 0], `seq ${ev.seq}`);
        if (row.current > row.ready) seenUnready = true;
      } else {
        const row = view.deployments.find((d) => d.name === stored.metadata.name);
        assert.equal(row.ready, `${status.readyReplicas ?? 0}/${stored.spec.replicas}`, `seq ${ev.seq}`);
        assert.equal(row.upToDate, status.updatedReplicas ?? 0);
        assert.equal(row.available, status.availableReplicas ?? 0);
      }
    });
    assert.ok(seenUnready, "the trace never showed a ReplicaSet with unready pods");
  });

  test("two ReplicaSets of one Deployment (a rollout): each has its own pods, newest first", () => {
    // The real objects, with a second, older ReplicaSet owning one of the pods.
    const state = foldFromScratch();
    const [rs] = trace.engine.replicasets;
    const rsKey = `/registry/replicasets/default/${rs.name}`;
    const old = structuredClone(values.get(rsKey, state.keys[rsKey].rev));
    old.metadata.name = "web-old";
    old.metadata.annotations["deployment.kubernetes.io/revision"] = "0";
    const [moved] = trace.engine.pods;
    const podKey = `/registry/pods/${moved.namespace}/${moved.name}`;
    const pod = structuredClone(values.get(podKey, state.keys[podKey].rev));
    pod.metadata.ownerReferences[0].name = "web-old";
    const rev = state.revision + 1;
    const edited = new ValueStore(() => new Promise(() => {}));
    for (const [key, info] of Object.entries(state.keys)) edited.put(key, info.rev, values.get(key, info.rev));
    edited.put("/registry/replicasets/default/web-old", rev, old);
    edited.put(podKey, rev, pod);
    state.keys["/registry/replicasets/default/web-old"] = { rev, create: rev, version: 1 };
    state.keys[podKey].rev = rev;

    const view = deriveView(state, edited, trace.now, known);
    const [deployment] = view.deployments;
    assert.deepEqual(deployment.replicasets.map((r) => r.name), [rs.name, "web-old"]);
    const [newer, older] = deployment.replicasets;
    assert.deepEqual(names(older.pods), [`${moved.namespace}/${moved.name}`]);
    assert.equal(newer.pods.length, trace.engine.pods.length - 1);
    assert.equal(view.podsByKey.get(`${moved.namespace}/${moved.name}`).group, "web-old");
  });

  test("before the first event: only the furniture, no workloads", () => {
    const view = viewAt(0, 0);
    assert.deepEqual(view.pods, []);
    assert.deepEqual(view.deployments, []);
    assert.deepEqual(view.nodes.map((n) => n.name), trace.engine.nodes);
  });

  test("a new pod is unscheduled until its binding is stored", () => {
    const firstPod = trace.events.find((e) => e.kind === "etcd-watch" && e.data.key.startsWith("/registry/pods/"));
    const name = firstPod.data.key.replace("/registry/pods/", "");
    const created = viewAt(cursorAfter((e) => e === firstPod));
    assert.deepEqual(names(created.unscheduled), [name]);
    assert.equal(created.podsByKey.get(name).status, "Pending");
    // Its next write is the binding: now it is drawn on the node the engine chose.
    const bound = viewAt(cursorAfter((e) => e.seq > firstPod.seq && e.kind === "etcd-watch" && e.data.key === firstPod.data.key));
    const node = bound.podsByKey.get(name).node;
    const cycle = trace.events.find((e) => e.kind === "scheduling-cycle" && `${e.object.namespace}/${e.object.name}` === name);
    assert.equal(node, cycle.data.chosen);
    assert.ok(bound.nodes.find((n) => n.name === node).pods.some((p) => `${p.namespace}/${p.name}` === name));
  });

  test("the deleted pod shows Terminating, with its grace period counting down", () => {
    const key = `/registry/pods/${trace.deletedPod}`;
    const graceful = trace.events.find((e) => e.kind === "graceful-delete");
    const marked = trace.events.find((e) => e.seq > graceful.seq && e.kind === "etcd-watch" && e.data.key === key);
    const cursor = cursorAfter((e) => e === marked);
    const view = viewAt(cursor, marked.time + 1);
    const pod = view.podsByKey.get(trace.deletedPod);
    assert.equal(pod.status, "Terminating");
    assert.equal(pod.tone, "gone");
    assert.equal(pod.countdown.label, "grace period");
    assert.equal(pod.countdown.total, graceful.data.gracePeriodSeconds);
    // The deadline is the engine's deletionTimestamp, read on the page's clock (kube.js
    // EPOCH_MS must be engine/timeutil.py's EPOCH): the grace period from the delete, to the
    // second the timestamp is written with.
    const expected = graceful.time + graceful.data.gracePeriodSeconds - (marked.time + 1);
    assert.ok(Math.abs(pod.countdown.remaining - expected) <= 1, `${pod.countdown.remaining} s left, not ${expected}`);
  });

  test("a pod pulling its image shows the pull on its node", () => {
    const request = trace.events.find((e) => e.kind === "cri-request" && e.data.method === "PullImage");
    const view = viewAt(cursorAfter((e) => e === request));
    const node = view.nodes.find((n) => n.name === request.target.split("/")[1]);
    assert.equal(node.pull.pod, `${request.object.namespace}/${request.object.name}`);
  });

  test("values not fetched yet: placeholders, counted as loading", () => {
    const empty = new ValueStore(() => new Promise(() => {}));
    const view = deriveView(foldFromScratch(), empty, trace.now, known);
    assert.ok(view.loading >= trace.engine.pods.length);
    assert.deepEqual(names(view.pods), [...enginePods().keys()].sort());
    for (const pod of view.pods) assert.equal(pod.known, false);
    // nodes without their objects are drawn Ready, not lost
    assert.deepEqual(view.nodes.map((n) => [n.name, n.status]), trace.engine.nodes.map((n) => [n, "Ready"]));
  });

  test("without the baseline, nodes come from the server's list and the components seen", () => {
    const state = foldFromScratch();
    state.keys = {}; // nothing known of etcd
    const view = deriveView(state, new ValueStore(() => new Promise(() => {})), trace.now, { nodes: ["node-9"], baselineLoaded: false });
    assert.deepEqual(view.nodes.map((n) => n.name), [...trace.engine.nodes, "node-9"]);
  });
});

describe("ownerHue", () => {
  test("is a stable hue per name, and none for no name", () => {
    const hue = ownerHue("web-569f98894d");
    assert.ok(Number.isInteger(hue) && hue >= 0 && hue < 360);
    assert.equal(ownerHue("web-569f98894d"), hue);
    // ReplicaSets drawn one after the other (a rollout's old and new) never look alike
    const names = Array.from({ length: 12 }, (_, i) => `web-${(0x7c9fd86bc + i * 7919).toString(16)}`);
    const hues = names.map(ownerHue);
    for (let i = 1; i < hues.length; i += 1) {
      const apart = Math.abs(hues[i] - hues[i - 1]) % 360;
      assert.ok(Math.min(apart, 360 - apart) >= 60, `${names[i - 1]} ${hues[i - 1]} vs ${names[i]} ${hues[i]}`);
    }
    assert.equal(new Set(hues.slice(0, 10)).size, 10);
    assert.deepEqual(names.map(ownerHue), hues);
    assert.equal(ownerHue(""), null);
    assert.equal(ownerHue(undefined), null);
  });
});

describe("the cluster's add-ons", needsTrace, () => {
  test("CoreDNS and kube-proxy in kube-system are left off the stage; a learner's kube-system pod is not", async () => {
    const { values } = await loadedValues();
    const keys = Object.keys(trace.reset.baseline.keys);
    const addonPods = keys.filter((k) => /^\/registry\/pods\/kube-system\/(coredns|kube-proxy)-/.test(k));
    assert.equal(addonPods.length, 5); // 2 CoreDNS replicas, a kube-proxy per node
    assert.ok(keys.includes("/registry/services/specs/kube-system/kube-dns"));
    const known = { nodes: trace.reset.nodes.map((n) => n.name), baselineLoaded: true };
    const state = foldFromScratch(0);
    const mine = "/registry/pods/kube-system/fluentd-elasticsearch-x1";
    state.keys[mine] = { rev: 1, create: 1, version: 1 };
    const view = deriveView(state, values, 0, known);
    assert.deepEqual(names(view.pods), ["kube-system/fluentd-elasticsearch-x1"]);
    assert.ok(view.deployments.every((d) => d.name !== "coredns"));
    assert.ok(view.nodes.every((n) => n.pods.every((p) => !/^(coredns|kube-proxy)-/.test(p.name))));
  });
});
