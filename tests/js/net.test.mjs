// A fire-and-forget message the server refuses for sending too fast goes again, with its
// newest value (static/src/net.js send): a lost `ack` would stall the session's clock.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Connection, tabRoute } from "../../static/src/net.js";

function fakeSocket(refuseFirst) {
  const sent = [];
  return {
    sent,
    on() {},
    emit(name, payload, callback) {
      sent.push([name, payload.seq]);
      const refused = sent.length <= refuseFirst;
      setTimeout(() => callback(refused ? { ok: false, error: "too fast", retry_after: 0.01 } : { ok: true }), 0);
    },
  };
}

const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Until `done()`, or fail after 5 s: no fixed wait, which a loaded machine can outlast. */
async function until(done) {
  const deadline = Date.now() + 5000;
  while (!done()) {
    assert.ok(Date.now() < deadline, "timed out");
    await settle(5);
  }
}

test("a refused ack is sent again, with the newest seq, once the wait is over", async () => {
  const socket = fakeSocket(2);
  const conn = new Connection(socket);
  conn.send("ack", { seq: 5 });
  conn.send("ack", { seq: 9 }); // both refused: one resend, of the newest
  await until(() => socket.sent.length >= 3);
  await settle(50); // and no more
  assert.deepEqual(socket.sent, [
    ["ack", 5],
    ["ack", 9],
    ["ack", 9],
  ]);
});

test("an accepted message is not sent again", async () => {
  const socket = fakeSocket(0);
  new Connection(socket).send("ack", { seq: 3 });
  await settle(60);
  assert.deepEqual(socket.sent, [["ack", 3]]);
});

test("play and pause are one channel: a refused pause does not come back after a play", async () => {
  const socket = fakeSocket(1);
  const conn = new Connection(socket);
  conn.send("pause", {}, "playing"); // refused
  conn.send("play", {}, "playing"); // taken; the resend is of the newest: play
  await until(() => socket.sent.length >= 3);
  await settle(50); // and no more
  assert.deepEqual(
    socket.sent.map(([name]) => name),
    ["pause", "play", "play"],
  );
});

function memoryStorage(items = {}) {
  const map = new Map(Object.entries(items));
  return { getItem: (k) => (map.has(k) ? map.get(k) : null), setItem: (k, v) => map.set(k, v) };
}

test("a tab's routing key is made once, kept, and taken from a kept session's id", () => {
  const storage = memoryStorage();
  const route = tabRoute(storage, "podlife.session");
  assert.match(route, /^[a-z0-9]{8}$/);
  assert.equal(tabRoute(storage, "podlife.session"), route); // a reload keeps it
  const kept = memoryStorage({ "podlife.session": "abc123.Zx-secret", "podlife.route": "other" });
  assert.equal(tabRoute(kept, "podlife.session"), "abc123"); // the proxy routes its cluster by it
  const old = memoryStorage({ "podlife.session": "NoRoutePrefix_secret" }); // made before routes
  assert.match(tabRoute(old, "podlife.session"), /^[a-z0-9]{8}$/);
});
