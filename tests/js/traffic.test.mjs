// traffic.js: the legs a connection's packet travels, from `connection` events as the engine
// emits them (engine/node/exec.py _trace_route; these two are copied from a run of `wget -qO-
// http://web` before and after scaling the Deployment to 0), and from a handmade one carrying
// the `dns` object the engine does not send yet; which connection the picture shows, in story
// mode and message by message; and how long the player gives a packet.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { Player } from "../../static/src/player.js";
import { connectionLegs, legAt, outcomeOf, trafficAt } from "../../static/src/traffic.js";

const ANSWERED = {
  seq: 564,
  time: 3.713556,
  source: "container-runtime/node-1",
  target: "container-runtime/node-3",
  kind: "connection",
  summary: "client → Service web (10.105.237.205:80) → web-6cd4c4cc5f-qjzcp",
  step: "run",
  object: { kind: "Service", name: "web", namespace: "default" },
  data: { fromPod: "default/client", service: "default/web", clusterIP: "10.105.237.205", port: 80, backend: "default/web-6cd4c4cc5f-qjzcp", backendIP: "10.244.3.2", node: "node-3", code: 200, error: null },
  level: "detail",
};
const TOLD = { seq: 565, source: "container-runtime/node-1", target: "container-runtime/node-1", kind: "milestone", summary: "wget in pod client asked the Service web (10.105.237.205): kube-proxy's rules sent it to pod web-6cd4c4cc5f-qjzcp on node-3, which answered 200", step: "run", object: { kind: "Service", name: "web", namespace: "default" }, data: { step: null, of: null, node: "node-3", ip: "10.105.237.205" }, level: "story" };
const REFUSED = {
  seq: 979,
  source: "container-runtime/node-1",
  target: "container-runtime/node-1",
  kind: "connection",
  summary: "client → Service web (10.105.237.205:80)",
  step: "run",
  object: { kind: "Service", name: "web", namespace: "default" },
  data: { fromPod: "default/client", service: "default/web", clusterIP: "10.105.237.205", port: 80, backend: null, backendIP: null, node: null, code: null, error: "refused" },
  level: "detail",
};
const withDns = structuredClone(ANSWERED);
withDns.data.dns = { server: "10.96.0.10", pod: "kube-system/coredns-7db6d8ff4d-abcde", node: "node-2", name: "web.default.svc.cluster.local", answer: "10.105.237.205" };

const route = (legs) => legs.map((l) => `${placeName(l.from)} → ${placeName(l.to)}: ${l.label}`);
function placeName(p) {
  if (p.pod) return `pod ${p.pod}`;
  if (p.proxy) return `kube-proxy ${p.proxy}`;
  return `Service ${p.service}`;
}

describe("connectionLegs", () => {
  test("answered: pod → its node's kube-proxy → Service → backend, and the 200 back", () => {
    assert.deepEqual(route(connectionLegs(ANSWERED)), [
      "pod default/client → kube-proxy node-1: to 10.105.237.205:80",
      "kube-proxy node-1 → Service default/web: Service web",
      "Service default/web → pod default/web-6cd4c4cc5f-qjzcp: to 10.244.3.2",
      "pod default/web-6cd4c4cc5f-qjzcp → pod default/client: 200 OK",
    ]);
    assert.deepEqual(outcomeOf(ANSWERED.data), { text: "200 OK", ok: true, at: "end" });
    // the answer comes back through the Service's NAT on the client's node
    assert.deepEqual(connectionLegs(ANSWERED)[3].via, [{ service: "default/web" }, { proxy: "node-1" }]);
  });

  test("refused (no ready endpoints): the packet stops at the Service", () => {
    assert.deepEqual(route(connectionLegs(REFUSED)), ["pod default/client → kube-proxy node-1: to 10.105.237.205:80", "kube-proxy node-1 → Service default/web: Service web"]);
    assert.deepEqual(outcomeOf(REFUSED.data), { text: "✕ refused: no ready endpoints", ok: false, at: "service" });
  });

  test("with a dns object: first the question to that CoreDNS pod and its answer", () => {
    const legs = connectionLegs(withDns);
    assert.deepEqual(route(legs).slice(0, 2), [
      "pod default/client → pod kube-system/coredns-7db6d8ff4d-abcde: DNS: web.default.svc.cluster.local?",
      "pod kube-system/coredns-7db6d8ff4d-abcde → pod default/client: web.default.svc.cluster.local = 10.105.237.205",
    ]);
    assert.equal(legs[0].to.node, "node-2"); // drawn at its node when the stage leaves kube-system's pods out
    assert.deepEqual(route(legs).slice(2), route(connectionLegs(ANSWERED)));
  });

  test("to a pod's IP, no Service: straight there and back", () => {
    const direct = structuredClone(ANSWERED);
    Object.assign(direct.data, { service: null, clusterIP: null });
    assert.deepEqual(route(connectionLegs(direct)), ["pod default/client → pod default/web-6cd4c4cc5f-qjzcp: to 10.244.3.2:80", "pod default/web-6cd4c4cc5f-qjzcp → pod default/client: 200 OK"]);
  });

  test("other failures say what happened, where", () => {
    assert.equal(outcomeOf({ service: "default/web", error: "timeout", port: 81 }).text, "✕ no answer: no port 81");
    assert.deepEqual(outcomeOf({ service: "default/web", backend: "default/web-1", error: "refused" }), { text: "✕ connection refused", ok: false, at: "end" });
    assert.equal(outcomeOf({ code: 503 }).ok, false);
  });
});

describe("trafficAt: the connection on screen", () => {
  const events = [{ seq: 563, kind: "cri-request", level: "detail" }, ANSWERED, TOLD];
  test("its own event in flight: the packet part-way", () => {
    const t = trafficAt(events, { ev: ANSWERED, index: 1, inFlight: true, progress: 0.3 });
    assert.equal(t.ev, ANSWERED);
    assert.equal(t.t, 0.3);
    assert.equal(t.done, false);
  });
  test("story mode: under the milestone that tells it, travelling over the first 60% of the headline's time", () => {
    const t = trafficAt(events, { ev: TOLD, index: 2, inFlight: true, progress: 0.3 });
    assert.equal(t.ev, ANSWERED);
    assert.equal(t.t, 0.5);
    assert.equal(trafficAt(events, { ev: TOLD, index: 2, inFlight: true, progress: 0.9 }).done, true);
  });
  test("stopped on it (stepping): arrived, the answer shown", () => {
    assert.equal(trafficAt(events, { ev: TOLD, index: 2, inFlight: false, progress: 1 }).done, true);
  });
  test("other events show none", () => {
    assert.equal(trafficAt(events, { ev: events[0], index: 0, inFlight: true, progress: 0.5 }), null);
    assert.equal(trafficAt(events, { ev: null, index: -1 }), null);
  });
});

describe("legAt and the player's pace", () => {
  test("each leg an equal share of the trip", () => {
    assert.deepEqual(legAt(4, 0), { leg: 0, along: 0 });
    assert.deepEqual(legAt(4, 0.5), { leg: 2, along: 0 });
    assert.deepEqual(legAt(4, 1), { leg: 3, along: 1 });
  });
  test("message by message, a packet gets a message's time per leg", () => {
    const player = new Player({ events: [] }, {});
    player.story = false;
    const one = player.durationOf({ ...ANSWERED, kind: "request" });
    assert.equal(player.durationOf(ANSWERED), 4 * one);
    assert.equal(player.durationOf(REFUSED), 2 * one);
  });
});
