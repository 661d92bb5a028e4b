// Services on the stage: a band between the scheduler's tray and the nodes, one tag-shaped box
// per Service above its pods, a line down to each pod its EndpointSlices list (solid while
// ready, dashed and faded while not), and the packet of a connection travelling pod →
// kube-proxy → Service → backend pod and back (traffic.js says the legs). stage.js calls
// `servicesBand` and `placeServices` from its layout, the draw functions from renderStage.

import { ellipsize, keyed, s, setAttrs } from "./dom.js";
import { SQUARE } from "./podsquares.js";
import { endpointCountText, exposureText, portsText } from "./services.js";
import { legAt } from "./traffic.js";

const BOX_W = 260;
const BOX_H = 60;
const ROW_GAP = 10;
const LABEL_H = 18; // the band's "SERVICES" label above the boxes
const BOX_GAP = 16;
const POINT = 13; // the tag's pointed ends

/** The height of the band for `count` Services in `width` (0 when there are none). */
export function servicesBand(count, width) {
  if (!count) return 0;
  const rows = Math.ceil(count / perRow(width));
  return LABEL_H + rows * (BOX_H + ROW_GAP) + 6;
}

function perRow(width) {
  return Math.max(1, Math.floor((width + BOX_GAP) / (BOX_W + BOX_GAP)));
}

/** kube-proxy's chip: on the middle of its node's top edge, where the Services' lines come in
 * (the node's name is at the left, its status at the right). */
export function proxyChip(node) {
  const w = 92;
  return { id: `kube-proxy/${node.name}`, x: node.x + node.w / 2 - w / 2, y: node.y - 10, w, h: 20, label: "kube-proxy", chip: true, node: node.name };
}

/**
 * Where each Service's box goes and its lines: boxes in rows from `top` across [left, right],
 * each as near as it can be to the middle of its pods. Pure.
 * `places`: "ns/pod" → {x, y} of the top centre of its card or square.
 */
export function placeServices(services, places, top, left, right) {
  const cols = perRow(right - left);
  const wanted = services.map((svc) => {
    const xs = svc.endpoints.map((ep) => places.get(ep.pod)).filter(Boolean).map((p) => p.x);
    return { svc, want: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null };
  });
  // left to right by where their pods are; Services without pods keep their name order, last
  const order = (w) => (w.want === null ? Infinity : w.want);
  wanted.sort((a, b) => (order(a) === order(b) ? 0 : order(a) < order(b) ? -1 : 1));
  const boxes = [];
  for (let r = 0; r * cols < wanted.length; r += 1) {
    const row = wanted.slice(r * cols, r * cols + cols);
    const y = top + LABEL_H + r * (BOX_H + ROW_GAP);
    const xs = spread(row.map((w, i) => (w.want === null ? left + i * (BOX_W + BOX_GAP) : w.want - BOX_W / 2)), left, right);
    row.forEach((w, i) => boxes.push({ svc: w.svc, key: `${w.svc.namespace}/${w.svc.name}`, x: xs[i], y, w: BOX_W, h: BOX_H }));
  }
  const links = [];
  for (const box of boxes) {
    const eps = box.svc.endpoints.filter((ep) => places.has(ep.pod));
    const step = Math.min(16, (box.w - 2 * POINT - 20) / Math.max(1, eps.length));
    eps.forEach((ep, i) => {
      const from = { x: box.x + box.w / 2 + (i - (eps.length - 1) / 2) * step, y: box.y + box.h };
      links.push({ key: `${box.key}>${ep.pod}`, service: box.key, from, to: places.get(ep.pod), ready: ep.ready });
    });
  }
  return { boxes, links };
}

/** Lefts as near as wanted, at least a gap apart, inside [left, right]: pushed right, then back. */
function spread(wants, left, right) {
  const xs = wants.map((x) => Math.max(left, Math.min(right - BOX_W, x)));
  for (let i = 1; i < xs.length; i += 1) xs[i] = Math.max(xs[i], xs[i - 1] + BOX_W + BOX_GAP);
  for (let i = xs.length - 1; i >= 0; i -= 1) {
    const limit = i === xs.length - 1 ? right - BOX_W : xs[i + 1] - BOX_W - BOX_GAP;
    xs[i] = Math.min(xs[i], limit);
  }
  return xs;
}

/** The Services' part of the stage's layout: where the pods are ("ns/pod" → top centre of
 * its card or square), the boxes and lines, and the band's frame (null without Services).
 * `band`: {top, left, right, height} (height from servicesBand). */
export function layoutServices(services, tiles, squares, band) {
  const places = podPlaces(tiles, squares);
  const { boxes, links } = placeServices(services, places, band.top, band.left, band.right);
  const frame = band.height ? { x: band.left - 12, y: band.top - 4, w: band.right - band.left + 24, h: band.height } : null;
  return { podPlaces: places, serviceBoxes: boxes, serviceLinks: links, serviceBand: frame };
}

/** The band's frame and label, in the stage's frame layer: shown while there are Services. */
export function createServiceBand(layer) {
  const band = { frame: s("rect", { class: "services-frame", rx: 12, visibility: "hidden" }), label: s("text", { class: "frame-label services-label", visibility: "hidden" }, "SERVICES") };
  layer.append(band.frame, band.label);
  return band;
}

/** "ns/pod" → the top centre of its card or square, for lines and packets. */
function podPlaces(tiles, squares) {
  const places = new Map();
  for (const t of tiles) places.set(`${t.pod.namespace}/${t.pod.name}`, { x: t.x + t.w / 2, y: t.y, w: t.w, h: t.h });
  for (const q of squares) places.set(`${q.pod.namespace}/${q.pod.name}`, { x: q.x + SQUARE / 2, y: q.y, w: SQUARE, h: SQUARE });
  return places;
}

/** A line leaving the box downwards and reaching the pod from above. */
function drop(a, b) {
  const k = Math.max(24, (b.y - a.y) * 0.5);
  return `M${a.x},${a.y} C${a.x},${a.y + k} ${b.x},${b.y - k} ${b.x},${b.y}`;
}

function tagPath(b) {
  const { x, y, w, h } = b;
  return `M${x + POINT},${y} H${x + w - POINT} L${x + w},${y + h / 2} L${x + w - POINT},${y + h} H${x + POINT} L${x},${y + h / 2} Z`;
}

/** The band's frame and label, the lines, then the boxes (which open the inspector with
 * `select`); `through`: the Service ("ns/name") a packet is going through, lit. */
export function drawServices(stage, L, selected, through, select) {
  const { frame, label } = stage.serviceBand;
  const band = L.serviceBand;
  setAttrs(frame, band ? { x: band.x, y: band.y, width: band.w, height: band.h, visibility: "visible" } : { visibility: "hidden" });
  setAttrs(label, band ? { x: band.x + 12, y: band.y + 15, visibility: "visible" } : { visibility: "hidden" });
  const chosen = selected && selected.kind === "Service" ? `${selected.namespace || "default"}/${selected.name}` : null;
  keyed(
    stage.layers.svclinks,
    L.serviceLinks,
    (l) => l.key,
    () => s("path", { class: "svc-link" }),
    (el, l) => setAttrs(el, { d: drop(l.from, l.to), class: `svc-link${l.ready ? "" : " not-ready"}${l.service === chosen ? " chosen" : ""}`, "data-ready": String(l.ready) }),
  );
  keyed(
    stage.layers.services,
    L.serviceBoxes,
    (b) => b.key,
    () => {
      const g = s("g", { class: "service", tabindex: "0", role: "button" });
      g.append(s("path", { class: "service-box" }), s("text", { class: "service-name" }), s("text", { class: "service-type", "text-anchor": "end" }), s("text", { class: "service-address" }), s("text", { class: "service-count" }));
      const open = () => select({ kind: "Service", name: g.__svc.name, namespace: g.__svc.namespace });
      g.addEventListener("click", open);
      g.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          open();
        }
      });
      return g;
    },
    (g, b) => {
      const svc = b.svc;
      g.__svc = svc;
      g.setAttribute("class", `service${svc.ready ? "" : " no-ready"}${chosen === b.key ? " selected" : ""}${through === b.key ? " lit" : ""}`);
      g.dataset.ready = String(svc.ready);
      const count = endpointCountText(svc);
      const exposure = exposureText(svc);
      const ip = svc.clusterIP === "None" ? "headless" : svc.clusterIP || "no IP";
      g.setAttribute("aria-label", `Service ${svc.name}, ${svc.type}, ${ip} ${portsText(svc)}${exposure ? `, ${exposure}` : ""}, ${count}. Press Enter to inspect.`);
      const [box, name, type, address, countEl] = g.children;
      const inner = b.w - 2 * POINT - 8;
      setAttrs(box, { d: tagPath(b) });
      setAttrs(type, { x: b.x + b.w - POINT - 4, y: b.y + 18, text: svc.type });
      setAttrs(name, { x: b.x + POINT + 4, y: b.y + 18, text: ellipsize(svc.name, Math.floor((inner - svc.type.length * 6.6 - 8) / 8)) });
      setAttrs(address, { x: b.x + POINT + 4, y: b.y + 35, text: ellipsize(`${ip} · ${portsText(svc)}`, Math.floor(inner / 6.7)) });
      const external = svc.type === "LoadBalancer" ? ` · external ${svc.externalIP}` : "";
      setAttrs(countEl, { x: b.x + POINT + 4, y: b.y + 51, text: ellipsize(`${count}${external}`, Math.floor(inner / 6.5)) });
    },
  );
}

/** Where a place of traffic.js is on the stage, or null when the stage does not show it: a
 * pod's card at its top edge, a Service's box at its bottom, so the route crosses no text. */
function pointOf(place, L) {
  if (place.pod) {
    const p = L.podPlaces.get(place.pod);
    if (p) return { x: p.x, y: p.y };
    const node = L.nodes.find((n) => n.name === place.node); // a pod the stage leaves out (kube-system)
    return node ? { x: node.x + node.w / 2, y: node.y + 20 } : null;
  }
  if (place.proxy) {
    const c = L.comps.get(`kube-proxy/${place.proxy}`);
    return c ? { x: c.x + c.w / 2, y: c.y + c.h / 2 } : null;
  }
  const box = L.serviceBoxes.find((b) => b.key === place.service);
  return box ? { x: box.x + box.w / 2, y: box.y + box.h } : null;
}

/** The legs traffic.js gives, each as the points it passes on the stage; null when the stage
 * draws none of them, or not the Service they go through (kube-system's, `kubernetes`): the
 * event is then drawn as any other message. */
export function routeOf(traffic, L) {
  const service = traffic.ev.data.service;
  if (service && !L.serviceBoxes.some((b) => b.key === service)) return null;
  const legs = [];
  for (const leg of traffic.legs) {
    const points = [leg.from, ...(leg.via || []), leg.to].map((place) => pointOf(place, L)).filter(Boolean);
    if (points.length > 1) legs.push({ ...leg, points });
  }
  return legs.length ? legs : null;
}

/** The point `along` (0..1) the polyline `points`, by length. */
function alongLine(points, along) {
  const lengths = points.slice(1).map((p, i) => Math.hypot(p.x - points[i].x, p.y - points[i].y));
  let left = along * lengths.reduce((a, b) => a + b, 0);
  for (let i = 0; i < lengths.length; i += 1) {
    if (left <= lengths[i] || i === lengths.length - 1) {
      const k = lengths[i] ? Math.min(1, left / lengths[i]) : 1;
      return { x: points[i].x + (points[i + 1].x - points[i].x) * k, y: points[i].y + (points[i + 1].y - points[i].y) * k };
    }
    left -= lengths[i];
  }
  return points[points.length - 1];
}

/** The packet of the connection on screen (trafficAt) along its `legs` (routeOf): the route
 * (in `layers.routes`, under the chips and cards it passes), the packet with the leg's label
 * and the answer once it has arrived (in `layers.traffic`, on top). Reduced motion: the route
 * and the answer, no packet moving. */
export function drawTraffic(layers, traffic, legs, reducedMotion, L) {
  const { routes, traffic: layer } = layers;
  if (!traffic || !legs) {
    if (layer.firstChild) layer.replaceChildren();
    if (routes.firstChild) routes.replaceChildren();
    delete layer.dataset.seq;
    return;
  }
  if (layer.dataset.seq !== String(traffic.ev.seq)) {
    routes.replaceChildren(s("path", { class: "traffic-route" }));
    layer.replaceChildren(
      s("g", { class: "packet" }, s("circle", { class: "packet-halo", r: 14 }), s("circle", { class: "packet-dot", r: 7 }), s("rect", { class: "packet-label-bg", rx: 9, height: 20 }), s("text", { class: "packet-label", "text-anchor": "middle" })),
      s("g", { class: "traffic-outcome" }, s("rect", { rx: 10, height: 20 }), s("text", { "text-anchor": "middle" })),
    );
    layer.dataset.seq = String(traffic.ev.seq);
  }
  const [packet, outcome] = layer.children;
  const done = reducedMotion || traffic.done;
  const tone = `${traffic.outcome.ok ? " ok" : " failed"}${done ? " done" : ""}`;
  layer.setAttribute("class", `layer-traffic${tone}`);
  routes.setAttribute("class", `layer-routes${tone}`);
  layer.dataset.outcome = traffic.outcome.text;
  setAttrs(routes.firstChild, { d: legs.map((l) => l.points.map((p, i) => `${i ? "L" : "M"}${p.x},${p.y}`).join(" ")).join(" ") });
  if (done) setAttrs(packet, { visibility: "hidden" });
  else {
    const { leg, along } = legAt(legs.length, traffic.t);
    const l = legs[leg];
    const { x, y } = alongLine(l.points, along < 0.5 ? 2 * along * along : 1 - (-2 * along + 2) ** 2 / 2);
    const [halo, dot, bg, text] = packet.children;
    setAttrs(packet, { visibility: "visible", class: `packet leg-${l.kind}` });
    setAttrs(halo, { cx: x, cy: y });
    setAttrs(dot, { cx: x, cy: y });
    const w = l.label.length * 7.2 + 18;
    setAttrs(bg, { x: x - w / 2, y: y - 34, width: w });
    setAttrs(text, { x, y: y - 20, text: l.label });
  }
  const [bg, text] = outcome.children;
  const w = traffic.outcome.text.length * 7.8 + 20;
  const at = outcomeAt(traffic.outcome, legs[legs.length - 1], w, L);
  setAttrs(outcome, { visibility: done ? "visible" : "hidden" });
  setAttrs(bg, { x: at.x - w / 2, y: at.y - 10, width: w });
  setAttrs(text, { x: at.x, y: at.y + 4.5, text: traffic.outcome.text });
}

/** Where the answer (`w` wide) is shown, clear of any text: on the card of the pod that got it,
 * right of its short status line; beside the Service's box that refused it, in the band (under
 * the box are the nodes' kube-proxy); else just above where the packet ended. */
function outcomeAt(outcome, last, w, L) {
  const end = last.points[last.points.length - 1];
  if (outcome.at === "service" && L.serviceBand) {
    const band = L.serviceBand;
    const right = end.x + BOX_W / 2 + 10 + w / 2;
    return { x: right + w / 2 < band.x + band.w ? right : end.x - BOX_W / 2 - 10 - w / 2, y: end.y - BOX_H / 2 };
  }
  const card = last.to.pod && L.podPlaces.get(last.to.pod);
  if (card && card.h > SQUARE) return { x: card.x + card.w / 2 - 8 - w / 2, y: card.y + 31 }; // between name and meta lines
  return { x: end.x, y: end.y - 15 };
}
