// Services and where their traffic goes, from the objects etcd holds: each Service with the
// pods its EndpointSlices list, ready or not. Pure: serviceview.js draws what this says.
//
// A Service's EndpointSlices are the ones labelled kubernetes.io/service-name=<its name> in its
// namespace (staging/src/k8s.io/api/discovery/v1/well_known_labels.go LabelServiceName); an
// endpoint points at its pod by targetRef, and conditions.ready says whether kube-proxy sends
// it traffic (pkg/proxy/topology.go CategorizeEndpoints: the ready ones; serving terminating
// ones only when none is ready, KEP-1669).

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

/** Namespaces whose Services the stage leaves out: the cluster's own (CoreDNS, …). */
const HIDDEN_NAMESPACES = new Set(["kube-system"]);

/** What the stage shows of a Service object: `kubectl get services -o wide`, more or less. */
export function serviceRow(svc) {
  const meta = svc.metadata || {};
  const spec = svc.spec || {};
  const type = spec.type || "ClusterIP";
  const ingress = (svc.status?.loadBalancer?.ingress || []).map((i) => i.ip || i.hostname).filter(Boolean);
  return {
    name: meta.name || "",
    namespace: meta.namespace || "default",
    type,
    clusterIP: spec.clusterIP || "",
    ports: (spec.ports || []).map((p) => ({ port: p.port, protocol: p.protocol || "TCP", nodePort: p.nodePort || null })),
    // printers.go getServiceExternalIP: a LoadBalancer without an ingress yet is "<pending>"
    externalIP: type === "LoadBalancer" ? ingress.join(",") || "<pending>" : (spec.externalIPs || []).join(","),
    selector: spec.selector || null,
  };
}

/** The endpoints of the slices of Service `namespace/name`, one per pod: {pod, ip, node,
 * ready, serving, terminating}. A pod listed in two slices (a port change in flight) counts
 * once, ready if either says so. */
export function endpointsOf(slices, namespace, name) {
  const byPod = new Map();
  for (const slice of slices) {
    const meta = slice.metadata || {};
    if ((meta.namespace || "default") !== namespace || meta.labels?.[SERVICE_NAME_LABEL] !== name) continue;
    for (const ep of slice.endpoints || []) {
      const ref = ep.targetRef;
      if (!ref || ref.kind !== "Pod") continue;
      const pod = `${ref.namespace || namespace}/${ref.name}`;
      const c = ep.conditions || {};
      // discovery/v1 types.go EndpointConditions: a nil ready is to be read as ready
      const ready = c.ready !== false;
      const seen = byPod.get(pod);
      if (seen && (seen.ready || !ready)) continue;
      byPod.set(pod, { pod, ip: (ep.addresses || [])[0] || "", node: ep.nodeName || "", ready, serving: c.serving !== false, terminating: Boolean(c.terminating) });
    }
  }
  return [...byPod.values()].sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0));
}

/**
 * The Services the stage draws, each with its endpoints and counts, from every Service and
 * EndpointSlice object at the cursor. Left out: kube-system's, and Services without a
 * selector — `kubernetes` in front of the API server (drawn already), ExternalName ones —
 * whose endpoints are no pods of the stage. `pods` (the view's podsByKey): an endpoint whose
 * pod the stage no longer has is left out — deleted, it is on its way out of the slice too.
 */
export function deriveServices(services, slices, pods) {
  const rows = [];
  for (const svc of services) {
    const row = serviceRow(svc);
    if (HIDDEN_NAMESPACES.has(row.namespace) || !row.selector || row.type === "ExternalName") continue;
    const endpoints = endpointsOf(slices, row.namespace, row.name).filter((ep) => pods.has(ep.pod));
    rows.push({ ...row, endpoints, ready: endpoints.filter((ep) => ep.ready).length, notReady: endpoints.filter((ep) => !ep.ready).length });
  }
  return rows.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/** kubectl's PORT(S): 80/TCP, 80:30080/TCP (pkg/printers/internalversion/printers.go
 * makePortString). */
export function portsText(row) {
  return row.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol}`).join(",");
}

/** What the node ports / load balancer add: "node port 30080", "external <pending>". */
export function exposureText(row) {
  const nodePorts = row.ports.map((p) => p.nodePort).filter(Boolean);
  const parts = [];
  if (nodePorts.length && (row.type === "NodePort" || row.type === "LoadBalancer")) parts.push(`node port ${nodePorts.join(",")}`);
  if (row.type === "LoadBalancer") parts.push(`external ${row.externalIP}`);
  return parts.join(" · ");
}

/** "2 ready endpoints" / "1 ready · 1 not ready" / "no endpoints". */
export function endpointCountText(row) {
  if (!row.ready && !row.notReady) return "no endpoints";
  const ready = row.ready ? `${row.ready} ready` : "0 ready";
  return row.notReady ? `${ready} · ${row.notReady} not ready` : `${ready} endpoint${row.ready === 1 ? "" : "s"}`;
}
