// values.js: the cache of etcd values by (key, revision) that time travel reads from.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { decodeValue, ValueStore } from "../../static/src/values.js";
import { loadedValues, needsTrace, trace } from "./fixture.mjs";

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("ValueStore fed with the server's real replies", needsTrace, () => {
  test("asks once for each value the page needs, never for leases", async () => {
    const { values, asked } = await loadedValues();
    assert.equal(new Set(asked).size, asked.length, "a value was asked for twice");
    assert.ok(!asked.some((id) => id.startsWith("/registry/leases/")));
    assert.ok(asked.length > 50);
    assert.equal(values.queued.size, 0);
    // Asking again for what is known (main.js does, after a fork or a reconnect) costs nothing.
    for (const id of asked) values.want(id.slice(0, id.lastIndexOf("@")), Number(id.slice(id.lastIndexOf("@") + 1)));
    assert.equal(values.queue.length + values.inFlight, 0);
  });

  test("a key read at any revision gives the newest value at or before it", async () => {
    const { values } = await loadedValues();
    const podKey = `/registry/pods/${trace.deletedPod}`;
    const revs = trace.events.filter((e) => e.kind === "etcd-watch" && e.data.key === podKey && !e.summary.startsWith("DELETE")).map((e) => e.data.revision);
    assert.ok(revs.length >= 3);
    assert.equal(values.get(podKey, revs[0] - 1), undefined, "not there before its creation");
    for (const [i, rev] of revs.entries()) {
      const expected = JSON.parse(trace.etcd[`${podKey}@${rev}`].value);
      assert.deepEqual(values.get(podKey, rev), expected);
      // between two writes, the older one still holds
      const next = revs[i + 1] ?? rev + 1;
      assert.deepEqual(values.get(podKey, next - 1), expected);
    }
    // The first value is the pod as created, unbound; the last before deletion is bound and
    // has the deletion timestamp.
    assert.equal(values.get(podKey, revs[0]).spec.nodeName, undefined);
    assert.ok(values.get(podKey, revs.at(-1)).spec.nodeName);
    assert.ok(values.get(podKey, revs.at(-1)).metadata.deletionTimestamp);
  });

  test("a fork forgets the values after its revision", async () => {
    const { values } = await loadedValues();
    const [rs] = trace.engine.replicasets;
    const rsKey = `/registry/replicasets/default/${rs.name}`;
    const revs = trace.events.filter((e) => e.kind === "etcd-watch" && e.data.key === rsKey).map((e) => e.data.revision);
    const before = values.version;
    values.dropAfter(revs[0]);
    assert.ok(values.version > before, "views must be told to recompute");
    assert.ok(values.has(rsKey, revs[0]));
    assert.ok(!values.has(rsKey, revs.at(-1)));
    assert.deepEqual(values.get(rsKey, revs.at(-1)), values.get(rsKey, revs[0]));
  });
});

describe("ValueStore on its own", () => {
  test("values are kept sorted by revision whatever order they arrive in", () => {
    const values = new ValueStore(() => Promise.resolve({ ok: false }));
    values.put("/registry/pods/default/a", 9, { v: 9 });
    values.put("/registry/pods/default/a", 3, { v: 3 });
    values.put("/registry/pods/default/a", 6, { v: 6 });
    values.put("/registry/pods/default/a", 6, { v: "6 again" });
    assert.deepEqual(values.byKey.get("/registry/pods/default/a").map((v) => v.rev), [3, 6, 9]);
    assert.deepEqual(values.get("/registry/pods/default/a", 7), { v: "6 again" });
    assert.equal(values.get("/registry/pods/default/a", 2), undefined);
    assert.equal(values.get("/registry/pods/default/b", 7), undefined);
  });

  test("a compacted revision is remembered as null, other failures are asked again", async () => {
    const replies = {
      "/registry/pods/default/old@2": { ok: false, error: "etcd has compacted its history up to revision 5, …" },
      "/registry/pods/default/lost@3": { ok: false, error: "timed out" },
    };
    const values = new ValueStore((key, rev) => Promise.resolve(replies[`${key}@${rev}`]));
    values.want("/registry/pods/default/old", 2);
    values.want("/registry/pods/default/lost", 3);
    await settle();
    assert.equal(values.get("/registry/pods/default/old", 2), null);
    assert.equal(values.get("/registry/pods/default/lost", 3), undefined);
    assert.equal(values.queued.size, 0, "a failed request can be made again");
  });

  test("a read the server's rate limit refused is asked again until it is answered", async () => {
    const asked = [];
    const values = new ValueStore(
      (key, rev) => {
        asked.push(`${key}@${rev}`);
        if (asked.length < 3) return Promise.resolve({ ok: false, error: "too many requests: this connection sent more than the server takes" });
        return Promise.resolve({ ok: true, value: '{"kind":"Pod","status":{"phase":"Running"}}' });
      },
      { retryMs: 5 },
    );
    values.want("/registry/pods/default/web-1", 7);
    for (let i = 0; i < 50 && values.get("/registry/pods/default/web-1", 7) === undefined; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(asked, Array(3).fill("/registry/pods/default/web-1@7"));
    assert.equal(values.get("/registry/pods/default/web-1", 7).status.phase, "Running");
    assert.equal(values.queued.size, 0);
  });

  test("listeners hear of changes once per burst", async () => {
    const values = new ValueStore(() => Promise.resolve({ ok: false }));
    let calls = 0;
    values.onChange(() => (calls += 1));
    values.put("/registry/x/a", 1, {});
    values.put("/registry/x/a", 2, {});
    await settle();
    assert.equal(calls, 1);
  });
});

describe("decodeValue", () => {
  test("takes the JSON text etcd holds, or an object, else null", () => {
    assert.deepEqual(decodeValue('{"kind":"Pod"}'), { kind: "Pod" });
    const obj = { kind: "Node" };
    assert.equal(decodeValue(obj), obj);
    assert.equal(decodeValue("{not json"), null);
    assert.equal(decodeValue(null), null);
    assert.equal(decodeValue(undefined), null);
    assert.equal(decodeValue(42), null);
  });
});
