// components.js: how the trace's component ids are named and ordered on the stage and in
// the sequence diagram.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { CONTROLLER_NAMES, compareFlow, lifelineName, naturalCompare, shortName } from "../../static/src/components.js";
import { needsTrace, trace } from "./fixture.mjs";

describe("naturalCompare", () => {
  test("orders numbers inside names by value", () => {
    const sorted = ["node-10", "node-2", "node-1", "node-3"].sort(naturalCompare);
    assert.deepEqual(sorted, ["node-1", "node-2", "node-3", "node-10"]);
    assert.equal(naturalCompare("a", "a"), 0);
    assert.ok(naturalCompare(2, 10) < 0, "numbers are compared as text, naturally");
  });
});

describe("the components of the real trace", needsTrace, () => {
  const ids = trace ? [...new Set(trace.events.flatMap((e) => [e.source, e.target]))] : [];

  test("sort in the order of the flow: kubectl, API server, etcd, scheduler, controllers, nodes", () => {
    const sorted = [...ids].sort(compareFlow);
    const roles = sorted.map((id) => id.split("/")[0]);
    const order = ["kubectl", "api-server", "etcd", "scheduler", "controller-manager"];
    const firstNode = roles.findIndex((r) => ["kubelet", "container-runtime", "cni"].includes(r));
    assert.deepEqual([...new Set(roles.slice(0, firstNode))], order);
    // After those, each node's kubelet, runtime and CNI together, node by node.
    const perNode = sorted.slice(firstNode).map((id) => id.split("/"));
    const nodes = [...new Set(perNode.map(([, node]) => node))];
    assert.deepEqual(nodes, trace.engine.nodes);
    for (const node of nodes) {
      const roleOrder = perNode.filter(([, n]) => n === node).map(([role]) => role);
      assert.deepEqual(roleOrder, ["kubelet", "container-runtime", "cni"].filter((r) => roleOrder.includes(r)), node);
    }
  });

  test("sorting is consistent whichever way round", () => {
    for (const a of ids) {
      assert.equal(compareFlow(a, a), 0, a);
      for (const b of ids) assert.equal(Math.sign(compareFlow(a, b)) + Math.sign(compareFlow(b, a)), 0, `${a} vs ${b}`);
    }
  });

  test("every component has a lifeline name a learner can read", () => {
    const names = new Map(ids.map((id) => [id, lifelineName(id)]));
    assert.equal(names.get("api-server"), "API server");
    assert.equal(names.get("controller-manager/replicaset-controller"), "ReplicaSet controller");
    assert.equal(names.get("controller-manager/deployment-controller"), "Deployment controller");
    assert.equal(names.get("kubelet/node-1"), "kubelet node-1");
    assert.equal(names.get("container-runtime/node-2"), "runtime node-2");
    // an unnamed controller still reads as words
    assert.equal(names.get("controller-manager/shared-informers"), "Shared informers");
    assert.equal(new Set(names.values()).size, ids.length, "two components share a name");
  });
});

describe("every controller the controller manager runs has a learner's name", () => {
  test("Kubernetes' own spelling, never a title-cased id", () => {
    assert.equal(lifelineName("controller-manager/endpointslice-controller"), "EndpointSlice controller");
    assert.equal(lifelineName("controller-manager/endpoints-controller"), "Endpoints controller");
    assert.equal(lifelineName("controller-manager/daemonset-controller"), "DaemonSet controller");
    assert.equal(lifelineName("controller-manager/pod-garbage-collector-controller"), "Pod garbage collector");
    assert.equal(lifelineName("controller-manager/replicationcontroller-controller"), "Replication manager");
    assert.equal(shortName("controller-manager/replicationcontroller-controller"), "Replication");
  });

  test("each controller the engine can run is in components.js", needsTrace, () => {
    const missing = trace.controllers.filter((controller) => !Object.hasOwn(CONTROLLER_NAMES, controller));
    assert.deepEqual(missing, []);
  });
});
