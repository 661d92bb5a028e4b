// serviceview.js through stage.js's layout: the Services' band sits between the tray and the
// nodes, each box above its pods without overlapping another, a line from each box down to
// each of its pods (ready or not), and kube-proxy's chip on every node once there is a Service.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { routeOf } from "../../static/src/serviceview.js";
import { layout } from "../../static/src/stage.js";
import { connectionLegs } from "../../static/src/traffic.js";

function cluster(services) {
  const pods = (n, prefix, count) => Array.from({ length: count }, (_, p) => ({ name: `${prefix}-${n}-${p}`, namespace: "default", status: "Running", tone: "good", node: `node-${n + 1}` }));
  const nodes = [0, 1, 2].map((n) => ({ name: `node-${n + 1}`, ready: true, status: "Ready", pods: [...pods(n, "web", 2), ...pods(n, "api", n === 2 ? 0 : 1)] }));
  const view = { nodes, unscheduled: [], deployments: [], replicasets: [], standalone: [], services };
  return layout(view, { seen: {} }, { expanded: new Set(), extra: [] });
}

const svc = (name, pods, ready = pods.map(() => true)) => ({ name, namespace: "default", type: "ClusterIP", clusterIP: "10.96.0.20", ports: [{ port: 80, protocol: "TCP" }], endpoints: pods.map((pod, i) => ({ pod: `default/${pod}`, ready: ready[i] })), ready: ready.filter(Boolean).length, notReady: ready.filter((r) => !r).length });
const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe("the Services' band", () => {
  test("no Service: no band, no kube-proxy, the nodes where they always were", () => {
    const without = cluster([]);
    assert.equal(without.serviceBand, null);
    assert.equal(without.serviceBoxes.length, 0);
    assert.ok(![...without.comps.keys()].some((id) => id.startsWith("kube-proxy/")));
    assert.equal(without.nodes[0].y, 352);
  });

  test("3 nodes, 8 pods, 3 Services: boxes in the band above the nodes, apart, each over its pods", () => {
    const L = cluster([svc("web", ["web-0-0", "web-0-1", "web-1-0", "web-1-1", "web-2-0", "web-2-1"]), svc("api", ["api-0-0", "api-1-0"], [true, false]), svc("empty", [])]);
    const top = Math.min(...L.nodes.map((n) => n.y));
    for (const box of L.serviceBoxes) {
      assert.ok(box.y >= L.serviceBand.y && box.y + box.h <= top, `${box.key} is not in the band`);
      assert.ok(box.x >= L.serviceBand.x && box.x + box.w <= L.serviceBand.x + L.serviceBand.w);
      for (const other of L.serviceBoxes) if (other !== box) assert.ok(!overlap(box, other), `${box.key} overlaps ${other.key}`);
    }
    const api = L.serviceBoxes.find((b) => b.key === "default/api");
    const web = L.serviceBoxes.find((b) => b.key === "default/web");
    assert.ok(api.x + api.w / 2 < web.x + web.w / 2, "api's pods are on the left two nodes: its box is left of web's");
    // a line per endpoint, from the box's bottom to the top of the pod's card; not ready: marked
    const links = L.serviceLinks.filter((l) => l.service === "default/api");
    assert.deepEqual(links.map((l) => l.ready), [true, false]);
    for (const l of links) assert.equal(l.from.y, api.y + api.h);
    const card = L.tiles.find((t) => t.pod.name === "api-0-0");
    assert.deepEqual(links[0].to, { x: card.x + card.w / 2, y: card.y, w: card.w, h: card.h });
    assert.equal(L.serviceLinks.length, 8);
    assert.deepEqual([...L.comps.keys()].filter((id) => id.startsWith("kube-proxy/")), ["kube-proxy/node-1", "kube-proxy/node-2", "kube-proxy/node-3"]);
  });

  test("more Services than a row holds wrap into a second row", () => {
    const L = cluster(["a", "b", "c", "d", "e"].map((n) => svc(n, [])));
    assert.equal(new Set(L.serviceBoxes.map((b) => b.y)).size, 2);
    for (const a of L.serviceBoxes) for (const b of L.serviceBoxes) if (a !== b) assert.ok(!overlap(a, b));
  });
});

describe("a connection's route on the stage", () => {
  const L = cluster([svc("web", ["web-1-0", "web-2-1"])]);
  const ev = {
    source: "container-runtime/node-1",
    target: "container-runtime/node-3",
    kind: "connection",
    data: { fromPod: "default/api-0-0", service: "default/web", clusterIP: "10.96.0.20", port: 80, backend: "default/web-2-1", backendIP: "10.244.3.3", node: "node-3", code: 200, error: null },
  };
  const top = (name) => {
    const t = L.tiles.find((c) => c.pod.name === name);
    return { x: t.x + t.w / 2, y: t.y };
  };
  const proxy = L.comps.get("kube-proxy/node-1");
  const box = L.serviceBoxes[0];
  const at = { proxy: { x: proxy.x + proxy.w / 2, y: proxy.y + proxy.h / 2 }, service: { x: box.x + box.w / 2, y: box.y + box.h } };

  test("client's card → its node's kube-proxy → the Service's box → the backend's card, and back the same way", () => {
    const legs = routeOf({ ev, legs: connectionLegs(ev) }, L);
    assert.deepEqual(
      legs.map((l) => l.points),
      [[top("api-0-0"), at.proxy], [at.proxy, at.service], [at.service, top("web-2-1")], [top("web-2-1"), at.service, at.proxy, top("api-0-0")]],
    );
  });

  test("the DNS question to a CoreDNS pod the stage does not draw goes to its node", () => {
    const asked = { ...ev, data: { ...ev.data, dns: { server: "10.96.0.10", pod: "kube-system/coredns-1", node: "node-2", name: "web", answer: "10.96.0.20" } } };
    const [question] = routeOf({ ev: asked, legs: connectionLegs(asked) }, L);
    const node2 = L.nodes.find((n) => n.name === "node-2");
    assert.deepEqual(question.points, [top("api-0-0"), { x: node2.x + node2.w / 2, y: node2.y + 20 }]);
  });

  test("through a Service the stage does not draw (`kubernetes`): no route, the message as any other", () => {
    const other = { ...ev, data: { ...ev.data, service: "default/kubernetes", backend: null, code: null, error: "not-http" } };
    assert.equal(routeOf({ ev: other, legs: connectionLegs(other) }, L), null);
  });
});
