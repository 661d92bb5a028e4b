// The inspector's part for a Service: what `kubectl describe service` leads with, and its
// endpoints, pod by pod, ready or not (inspector.js adds its events and live YAML).

import { h } from "./dom.js";
import { endpointCountText, portsText } from "./services.js";

/** `dl(rows)` is the inspector's facts list. */
export function serviceParts(svc, dl) {
  if (!svc) return [];
  const selector = Object.entries(svc.selector || {}).map(([k, v]) => `${k}=${v}`).join(",");
  const facts = [
    ["Type", svc.type],
    ["Cluster IP", svc.clusterIP || "<none>"],
    ["Port(s)", portsText(svc) || "<none>"],
    ["Selector", selector || "<none>"],
    ["Endpoints", endpointCountText(svc)],
  ];
  if (svc.type === "LoadBalancer") facts.splice(2, 0, ["External IP", svc.externalIP]);
  const endpoints = svc.endpoints.map((ep) => {
    const state = ep.ready ? "ready" : ep.terminating ? "terminating" : "not ready";
    return h("li", { "data-pod": ep.pod, "data-ready": String(ep.ready) }, h("span", { class: `status-text tone-${ep.ready ? "good" : "busy"}` }, state), ` ${ep.pod.split("/").pop()} · ${ep.ip}${ep.node ? ` on ${ep.node}` : ""}`);
  });
  return [
    dl(facts),
    h("h3", {}, "Endpoints"),
    endpoints.length ? h("ul", { class: "pod-list service-endpoints" }, endpoints) : h("p", { class: "muted" }, "No pod matches the selector and has an IP yet: a connection to this Service is refused."),
    h("p", { class: "muted small" }, "The EndpointSlice controller lists the pods the selector picks; kube-proxy on every node sends the Service's traffic to the ready ones only."),
  ];
}
