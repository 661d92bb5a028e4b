// services.js: a Service's endpoints from its EndpointSlices, as the EndpointSlice controller
// writes them (engine/controllers/endpointslice_util.py pod_to_endpoint): which pods the
// stage links it to, a pod that stops being ready, a pod that is deleted; and what the stage
// leaves out (kube-system, the `kubernetes` Service). The objects are handmade in that shape.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { parseKey } from "../../static/src/kube.js";
import { deriveServices, endpointCountText, endpointsOf, exposureText, portsText, serviceRow } from "../../static/src/services.js";

function service(name, { namespace = "default", type = "ClusterIP", selector = { app: name }, ports = [{ port: 80, protocol: "TCP" }], ip = "10.96.12.34", status } = {}) {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace }, spec: { type, selector, clusterIP: ip, ports }, status: status || { loadBalancer: {} } };
}

function endpoint(pod, { ready = true, terminating = false, node = "node-1", ip = "10.244.1.2", namespace = "default" } = {}) {
  return { addresses: [ip], conditions: { ready, serving: ready || terminating, terminating }, nodeName: node, targetRef: { kind: "Pod", name: pod, namespace, uid: `uid-${pod}` } };
}

function slice(serviceName, endpoints, { namespace = "default", name = `${serviceName}-abcde` } = {}) {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name, namespace, labels: { "kubernetes.io/service-name": serviceName, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" } },
    addressType: "IPv4",
    endpoints,
    ports: [{ name: "", port: 80, protocol: "TCP" }],
  };
}

const podsNamed = (...keys) => new Map(keys.map((k) => [k, { name: k.split("/")[1] }]));
const linked = (row) => row.endpoints.map((ep) => `${ep.pod}:${ep.ready ? "ready" : "not ready"}`);

describe("etcd keys of Services", () => {
  test("/registry/services/specs/… is a Service, /registry/services/endpoints/… Endpoints", () => {
    assert.deepEqual(parseKey("/registry/services/specs/default/web"), { resource: "services", namespace: "default", name: "web" });
    assert.deepEqual(parseKey("/registry/services/endpoints/default/web"), { resource: "endpoints", namespace: "default", name: "web" });
    assert.deepEqual(parseKey("/registry/endpointslices/default/web-abcde"), { resource: "endpointslices", namespace: "default", name: "web-abcde" });
  });
});

describe("deriveServices: service → ready endpoints → pods", () => {
  const pods = podsNamed("default/web-1", "default/web-2", "default/other");

  test("two ready pods: two links, counted ready", () => {
    const [row] = deriveServices([service("web")], [slice("web", [endpoint("web-1"), endpoint("web-2", { node: "node-2", ip: "10.244.2.2" })])], pods);
    assert.deepEqual(linked(row), ["default/web-1:ready", "default/web-2:ready"]);
    assert.equal(row.ready, 2);
    assert.equal(row.notReady, 0);
    assert.equal(endpointCountText(row), "2 ready endpoints");
    assert.deepEqual(row.endpoints[1], { pod: "default/web-2", ip: "10.244.2.2", node: "node-2", ready: true, serving: true, terminating: false });
  });

  test("a pod that is not ready stays listed, not ready: its link is kept, the count drops", () => {
    const [row] = deriveServices([service("web")], [slice("web", [endpoint("web-1"), endpoint("web-2", { ready: false })])], pods);
    assert.deepEqual(linked(row), ["default/web-1:ready", "default/web-2:not ready"]);
    assert.equal(row.ready, 1);
    assert.equal(endpointCountText(row), "1 ready · 1 not ready");
  });

  test("ready again: back to two ready", () => {
    const slices = [slice("web", [endpoint("web-1"), endpoint("web-2")])];
    assert.equal(deriveServices([service("web")], slices, pods)[0].ready, 2);
  });

  test("a deleted pod: terminating, it is not ready; once gone from the stage, no link even if the slice still lists it", () => {
    const terminating = deriveServices([service("web")], [slice("web", [endpoint("web-1"), endpoint("web-2", { ready: false, terminating: true })])], pods)[0];
    assert.equal(terminating.endpoints[1].terminating, true);
    assert.equal(terminating.ready, 1);
    const gone = deriveServices([service("web")], [slice("web", [endpoint("web-1"), endpoint("web-2")])], podsNamed("default/web-1"))[0];
    assert.deepEqual(linked(gone), ["default/web-1:ready"]);
    assert.equal(gone.ready, 1);
  });

  test("scaled to zero: the controller's empty slice, no links, and the box says so", () => {
    const [row] = deriveServices([service("web")], [slice("web", [])], pods);
    assert.deepEqual(row.endpoints, []);
    assert.equal(endpointCountText(row), "no endpoints");
  });

  test("only the slices labelled with the Service's name, in its namespace", () => {
    const slices = [slice("web", [endpoint("web-1")]), slice("other", [endpoint("other")]), slice("web", [endpoint("web-2", { namespace: "shop" })], { namespace: "shop" })];
    const [row] = deriveServices([service("web")], slices, pods);
    assert.deepEqual(linked(row), ["default/web-1:ready"]);
  });

  test("a pod in two slices (ports changing) counts once, ready if either says so", () => {
    assert.deepEqual(endpointsOf([slice("web", [endpoint("web-1", { ready: false })], { name: "a" }), slice("web", [endpoint("web-1")], { name: "b" })], "default", "web").map((e) => e.ready), [true]);
  });

  test("left out: kube-system's Services, the selectorless `kubernetes`, ExternalName", () => {
    const rows = deriveServices(
      [service("kube-dns", { namespace: "kube-system", selector: { "k8s-app": "kube-dns" } }), service("kubernetes", { selector: null, ip: "10.96.0.1", ports: [{ port: 443, protocol: "TCP" }] }), service("ext", { type: "ExternalName", selector: null, ip: "" }), service("web")],
      [],
      pods,
    );
    assert.deepEqual(rows.map((r) => r.name), ["web"]);
  });
});

describe("what a Service's box says", () => {
  test("a ClusterIP Service: its ports as kubectl prints them", () => {
    const row = serviceRow(service("web", { ports: [{ port: 80, protocol: "TCP" }, { port: 53, protocol: "UDP" }] }));
    assert.equal(portsText(row), "80/TCP,53/UDP");
    assert.equal(exposureText(row), "");
  });
  test("a NodePort Service: its node port; a LoadBalancer: <pending> until it has an ingress", () => {
    const nodePort = serviceRow(service("web", { type: "NodePort", ports: [{ port: 80, protocol: "TCP", nodePort: 30080 }] }));
    assert.equal(exposureText(nodePort), "node port 30080");
    assert.equal(portsText(nodePort), "80:30080/TCP");
    const lb = serviceRow(service("shop", { type: "LoadBalancer", ports: [{ port: 80, protocol: "TCP", nodePort: 31000 }] }));
    assert.equal(lb.externalIP, "<pending>");
    assert.equal(exposureText(lb), "node port 31000 · external <pending>");
    const served = serviceRow(service("shop", { type: "LoadBalancer", status: { loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } } }));
    assert.equal(served.externalIP, "203.0.113.7");
  });
});
