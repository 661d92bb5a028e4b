// A connection a process in a pod made (`wget`, `curl` in `kubectl exec`), as the legs its
// packet travels on the stage: the DNS question to CoreDNS when the trace says it was asked,
// then the pod's node's kube-proxy, whose rules stand for the Service's ClusterIP, the
// Service, the backend pod kube-proxy picked, and the answer back. Pure: serviceview.js turns
// the places into points and draws the packet.
//
// A place is {pod: "ns/name", node} | {proxy: node} | {service: "ns/name"}.

/** The result of the connection, for the mark at its end: {text, ok, at: "end" | "service"}. */
export function outcomeOf(data) {
  if (data.code) return { text: `${data.code}${data.code === 200 ? " OK" : ""}`, ok: data.code < 400, at: "end" };
  switch (data.error) {
    case "refused":
      return data.backend || !data.service ? { text: "✕ connection refused", ok: false, at: "end" } : { text: "✕ refused: no ready endpoints", ok: false, at: "service" };
    case "timeout":
      return { text: `✕ no answer: no port ${data.port}`, ok: false, at: "service" };
    case "not-http":
      return { text: "✕ not HTTP", ok: false, at: "end" };
    default:
      return { text: `✕ ${data.error || "failed"}`, ok: false, at: "end" };
  }
}

/** The node a trace id such as `container-runtime/node-1` names ("" for none). */
function nodeOf(id) {
  const slash = String(id || "").indexOf("/");
  return slash < 0 ? "" : id.slice(slash + 1);
}

/** The legs of connection event `ev`, in order: [{from, via?, to, label, kind}] (`via`: the
 * places a leg passes on its way). */
export function connectionLegs(ev) {
  const d = ev.data || {};
  const client = { pod: d.fromPod, node: nodeOf(ev.source) };
  const legs = [];
  if (d.dns && d.dns.pod) {
    const dns = { pod: d.dns.pod, node: d.dns.node || "" };
    legs.push({ from: client, to: dns, label: `DNS: ${d.dns.name}?`, kind: "dns" });
    legs.push({ from: dns, to: client, label: d.dns.answer ? `${d.dns.name} = ${d.dns.answer}` : `no such host ${d.dns.name}`, kind: "dns" });
  }
  const backend = d.backend ? { pod: d.backend, node: d.node || "" } : null;
  const outcome = outcomeOf(d);
  if (d.service) {
    const proxy = { proxy: client.node };
    const service = { service: d.service };
    legs.push({ from: client, to: proxy, label: `to ${d.clusterIP}:${d.port}`, kind: "request" });
    legs.push({ from: proxy, to: service, label: `Service ${d.service.split("/").pop()}`, kind: "request" });
    // to the pod's IP, at the Service's targetPort (which the event does not say)
    if (backend) legs.push({ from: service, to: backend, label: `to ${d.backendIP}`, kind: "request" });
  } else if (backend) {
    legs.push({ from: client, to: backend, label: `to ${d.backendIP}:${d.port}`, kind: "request" });
  }
  // the answer comes back the way it went: kube-proxy's NAT undone on the client's node
  const back = d.service ? [{ service: d.service }, { proxy: client.node }] : [];
  if (backend && outcome.ok) legs.push({ from: backend, via: back, to: client, label: outcome.text, kind: "reply" });
  return legs;
}

/**
 * The connection the picture shows at `current` (main.js currentEvent), or null: while its
 * own event is in flight, and while the milestone that tells it is on screen — in story mode
 * the connection flies past in an instant and the packet travels under its headline. `t` is
 * how far along the legs the packet is (0..1); `done` once it has arrived.
 */
export function trafficAt(events, current) {
  const ev = current && current.ev;
  if (!ev) return null;
  let conn = null;
  let progress = current.inFlight ? (current.progress ?? 0) : 1;
  if (ev.kind === "connection") conn = ev;
  else if (ev.level === "story" && current.index > 0) {
    const before = events[current.index - 1];
    if (before && before.kind === "connection" && sameObject(before.object, ev.object)) {
      conn = before;
      // travel over the first part of the headline's time, then hold the answer
      progress = Math.min(1, progress / 0.6);
    }
  }
  if (!conn) return null;
  return { ev: conn, legs: connectionLegs(conn), outcome: outcomeOf(conn.data || {}), t: progress, done: progress >= 1 };
}

function sameObject(a, b) {
  return Boolean(a && b && a.kind === b.kind && a.name === b.name && (a.namespace || "") === (b.namespace || ""));
}

/** Where along its legs a packet at `t` (0..1) is: {leg, along} (each leg an equal share). */
export function legAt(count, t) {
  if (!count) return { leg: -1, along: 0 };
  const at = Math.max(0, Math.min(1, t)) * count;
  const leg = Math.min(count - 1, Math.floor(at));
  return { leg, along: at - leg };
}
