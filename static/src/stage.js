// The stage: the cluster as a picture (SVG). kubectl on the left, the control plane across the
// top with the API server at its centre, worker nodes below as boxes holding their kubelet,
// container runtime, CNI and pods. Each trace event travels as a message from its source to
// its target; the components it involves light up.
//
// `renderStage` is idempotent: same inputs, same picture. Elements are reused by key, so pods
// glide from the scheduling tray to their node, and a render per animation frame is cheap.
//
// Why past 600 lines: layout, component boxes, pod cards and message flight share the one
// keyed SVG tree and its geometry. A crowded node's pods are squares drawn by podsquares.js;
// splitting the pod cards and the message layer out is left for when the stage next changes.

import { batchWorkloadRows, batchWorkloadText } from "./batchview.js";
import { statefulSetWorkloadRows } from "./statefulsetview.js";
import { replicationControllerWorkloadRows } from "./replicationcontrollerview.js";
import { naturalCompare, parseComponent, shortName } from "./components.js";
import { ellipsize, keyed, s, setAttrs } from "./dom.js";
import { countdownText } from "./countdown.js";
import { ownerHue, replicaSetColour } from "./derive.js";
import { messageLabel } from "./narration.js";
import { drawSquares, placeSquares, squaresHeight } from "./podsquares.js";
import { createServiceBand, drawServices, drawTraffic, layoutServices, proxyChip, routeOf, servicesBand } from "./serviceview.js";

const W = 1200;
const LEFT = 212; // where the control plane and the nodes start
const RIGHT = 1184;
const CP_TOP = 16;
const CP_BOTTOM = 262;
const TRAY_TOP = 276;
const TRAY_H = 60;
const NODES_TOP = TRAY_TOP + TRAY_H + 16;
const GAP = 14;
const TILE_H = 64;
const TILE_GAP = 8;
const FULL_ROWS = 3; // cards shown per node before its pods become small squares
const POD_TOP = 84; // below the node's name, its three components and the image-pull strip

const FIXED = {
  kubectl: { x: 16, y: 72, w: 180, h: 86, label: "kubectl", sub: "you" },
  scheduler: { x: 240, y: 26, w: 300, h: 62, label: "Scheduler", sub: "kube-scheduler" },
  "api-server": { x: 640, y: 60, w: 200, h: 110, label: "API server", sub: "kube-apiserver" },
  etcd: { x: 956, y: 48, w: 172, h: 134, label: "etcd", sub: "" },
};
// The controller manager sits below a corridor (y ≈ 88–140) that carries kubectl's wire
// straight to the API server.
const CM = { x: 240, y: 140, w: 300, h: 112 };

/** Where everything goes, from the view model. Pure. */
export function layout(view, state, ui) {
  const comps = new Map();
  for (const [id, box] of Object.entries(FIXED)) comps.set(id, { id, ...box });

  // Controllers inside the controller manager: the ones the trace has shown, at least the two
  // every Deployment needs.
  const controllers = new Set(["controller-manager/deployment-controller", "controller-manager/replicaset-controller"]);
  for (const id of [...Object.keys(state.seen), ...(ui.extra || [])]) if (id.startsWith("controller-manager/")) controllers.add(id);
  const chips = [...controllers].sort(naturalCompare);
  const chipW = (CM.w - 24 - 8) / 2;
  const chipRows = Math.ceil(chips.length / 2);
  const chipH = Math.min(30, (CM.h - 30 - (chipRows - 1) * 6) / chipRows);
  chips.forEach((id, i) => {
    const col = i % 2;
    const row = Math.floor(i / 2);
    comps.set(id, {
      id,
      x: CM.x + 12 + col * (chipW + 8),
      y: CM.y + 26 + row * (chipH + 6),
      w: chipW,
      h: chipH,
      label: shortName(id),
      chip: true,
    });
  });

  // Worker nodes.
  const n = view.nodes.length;
  const cols = n <= 3 ? Math.max(1, n) : n === 4 ? 4 : n <= 10 ? 5 : 6;
  const nodeW = (RIGHT - LEFT - (cols - 1) * GAP) / cols;
  const tileCols = Math.max(1, Math.floor((nodeW - 16 + TILE_GAP) / (150 + TILE_GAP)));
  const tileW = (nodeW - 16 - (tileCols - 1) * TILE_GAP) / tileCols;
  const nodes = [];
  const tiles = [];
  const squares = [];
  // The Services' band, when there are Services, between the tray and the nodes.
  const shownServices = view.services || [];
  const bandH = servicesBand(shownServices.length, RIGHT - LEFT);
  let y = NODES_TOP + (bandH ? bandH + GAP : 0);
  for (let r = 0; r * cols < n; r += 1) {
    const rowNodes = view.nodes.slice(r * cols, r * cols + cols);
    const plans = rowNodes.map((node) => planNode(node, tileCols, nodeW - 16, ui.expanded.has(node.name)));
    const h = Math.max(...plans.map((p) => p.height), 150);
    rowNodes.forEach((node, c) => {
      const x = LEFT + c * (nodeW + GAP);
      const box = { name: node.name, node, x, y, w: nodeW, h, plan: plans[c] };
      nodes.push(box);
      const chipY = y + 30;
      const cw = (nodeW - 16 - 12) / 3;
      ["kubelet", "container-runtime", "cni"].forEach((role, k) => {
        const id = `${role}/${node.name}`;
        comps.set(id, { id, x: x + 8 + k * (cw + 6), y: chipY, w: cw, h: 26, label: shortName(id), chip: true, node: node.name });
      });
      // kube-proxy matters once there are Services: its chip comes with the first one
      if (bandH) comps.set(`kube-proxy/${node.name}`, proxyChip(box));
      const podTop = y + POD_TOP;
      if (plans[c].mode === "tiles") {
        node.pods.forEach((pod, i) => {
          const col = i % tileCols;
          const row = Math.floor(i / tileCols);
          tiles.push({ pod, x: x + 8 + col * (tileW + TILE_GAP), y: podTop + row * (TILE_H + TILE_GAP), w: tileW, h: TILE_H });
        });
      } else squares.push(...placeSquares(node.pods, x + 8, podTop, nodeW - 16));
    });
    y += h + GAP;
  }
  const height = Math.max(y + 8, 520);

  // Pods waiting for the scheduler, in the tray.
  const trayTiles = [];
  const trayW = 176;
  const trayRoom = Math.floor((RIGHT - LEFT - 190) / (trayW + 8));
  view.unscheduled.slice(0, trayRoom).forEach((pod, i) => {
    trayTiles.push({ pod, x: LEFT + 184 + i * (trayW + 8), y: TRAY_TOP + 4, w: trayW, h: TRAY_H - 8, compact: true });
  });
  const trayMore = Math.max(0, view.unscheduled.length - trayRoom);

  // Workloads (ownership) in the left column under kubectl.
  const workloads = [];
  let wy = 206;
  const rows = [];
  for (const d of view.deployments) {
    rows.push({ kind: "Deployment", item: d, depth: 0 });
    for (const rs of d.replicasets || []) rows.push({ kind: "ReplicaSet", item: rs, depth: 1 });
  }
  for (const rs of view.replicasets) if (!rs.owner) rows.push({ kind: "ReplicaSet", item: rs, depth: 0 });
  rows.push(...replicationControllerWorkloadRows(view), ...statefulSetWorkloadRows(view), ...batchWorkloadRows(view));
  if (view.standalone.length) rows.push({ kind: "Pods", item: { name: "standalone pods", count: view.standalone.length }, depth: 0 });
  for (const row of rows) {
    const h = row.kind === "Deployment" ? 44 : 40;
    workloads.push({ ...row, x: 16 + row.depth * 14, y: wy, w: 180 - row.depth * 14, h });
    wy += h + 6;
  }

  const services = layoutServices(shownServices, tiles, squares, { top: NODES_TOP, left: LEFT, right: RIGHT, height: bandH });
  return { comps, nodes, tiles: tiles.concat(trayTiles), squares, trayMore, workloads, height, nodeW, ...services };
}

/** A card per pod while they fit in a few rows (or the learner asked for them), else squares. */
function planNode(node, tileCols, width, expanded) {
  const count = node.pods.length;
  const fullMax = tileCols * FULL_ROWS;
  if (count <= fullMax || expanded) {
    const rows = Math.ceil(count / tileCols);
    return { mode: "tiles", height: POD_TOP + 8 + rows * (TILE_H + TILE_GAP) + (count > fullMax ? 22 : 0), collapsible: count > fullMax };
  }
  return { mode: "squares", height: POD_TOP + 8 + squaresHeight(count, width) + 30 };
}

/** Build the static skeleton once. */
export function createStage(svg, actions) {
  svg.setAttribute("viewBox", `0 0 ${W} 600`);
  svg.append(
    s(
      "defs",
      {},
      s(
        "filter",
        { id: "glow", x: "-30%", y: "-30%", width: "160%", height: "160%" },
        s("feGaussianBlur", { stdDeviation: "5", result: "b" }),
        s("feMerge", {}, s("feMergeNode", { in: "b" }), s("feMergeNode", { in: "SourceGraphic" })),
      ),
      s(
        "marker",
        { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" },
        s("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }),
      ),
    ),
  );
  const layers = {};
  // Service lines and a packet's route run under the chips of the nodes they cross and end
  // under the pods' cards; the packet itself flies on top.
  for (const name of ["frame", "wires", "workloads", "nodes", "svclinks", "routes", "comps", "pods", "squares", "services", "badges", "messages", "traffic"]) {
    layers[name] = s("g", { class: `layer-${name}` });
    svg.append(layers[name]);
  }
  // Frames that never move.
  layers.frame.append(
    s("rect", { class: "cp-frame", x: LEFT - 12, y: CP_TOP - 8, width: RIGHT - LEFT + 24, height: CP_BOTTOM - CP_TOP + 8, rx: 18 }),
    s("text", { class: "frame-label", x: RIGHT - 4, y: CP_TOP + 14, "text-anchor": "end" }, "CONTROL PLANE"),
    s("rect", { class: "cm-frame", x: CM.x, y: CM.y, width: CM.w, height: CM.h, rx: 12 }),
    s("text", { class: "cm-label", x: CM.x + 12, y: CM.y + 17 }, "Controller manager"),
    s("rect", { class: "tray-frame", x: LEFT - 12, y: TRAY_TOP - 4, width: RIGHT - LEFT + 24, height: TRAY_H + 4, rx: 12 }),
    s("text", { class: "tray-label", x: LEFT + 4, y: TRAY_TOP + 24 }, "Waiting for the"),
    s("text", { class: "tray-label", x: LEFT + 4, y: TRAY_TOP + 42 }, "scheduler"),
    s("text", { class: "frame-label workloads-label", x: 16, y: 198 }, "WORKLOADS"),
  );
  const trayMore = s("text", { class: "tray-more", x: RIGHT - 4, y: TRAY_TOP + 34, "text-anchor": "end" });
  layers.frame.append(trayMore);
  const trayEmpty = s("text", { class: "tray-empty", x: LEFT + 184, y: TRAY_TOP + 34 }, "no pod is waiting");
  layers.frame.append(trayEmpty);
  return { svg, layers, actions, trayMore, trayEmpty, serviceBand: createServiceBand(layers.frame), height: 600 };
}

/**
 * Draw. `scene` = {view, state, layout, current: {ev, progress, inFlight}, cycle, pullProgress,
 * reducedMotion}.
 */
export function renderStage(stage, scene) {
  const { view, layout: L } = scene;
  if (stage.height !== L.height) {
    stage.svg.setAttribute("viewBox", `0 0 ${W} ${L.height}`);
    stage.svg.style.aspectRatio = `${W} / ${L.height}`;
    stage.height = L.height;
  }
  const lit = litSet(scene);
  // a connection's packet (serviceview.js) replaces the message it would be drawn as
  const traffic = scene.traffic;
  const route = traffic ? routeOf(traffic, L) : null;
  if (route) for (const leg of route) if (leg.to.proxy) lit.set(`kube-proxy/${leg.to.proxy}`, "recv");
  drawWires(stage, L, lit);
  drawComponents(stage, L, lit, scene);
  drawNodes(stage, L, scene);
  drawServices(stage, L, scene.selected, route ? traffic.ev.data.service : null, stage.actions.selectObject);
  drawWorkloads(stage, L, scene);
  // the pods at both ends of a connection light up as a pod an event is about does
  const ends = route ? new Set([traffic.ev.data.fromPod, traffic.ev.data.backend]) : null;
  drawPods(stage, L, scene, ends);
  drawSquares(stage.layers.squares, L.squares, scene.selected, stage.actions.selectPod);
  drawBadges(stage, L, scene);
  drawMessage(stage, L, route ? { ...scene, current: null } : scene);
  drawTraffic(stage.layers, route && traffic, route, scene.reducedMotion, L);
  setAttrs(stage.trayMore, { text: L.trayMore ? `+${L.trayMore} more` : "" });
  setAttrs(stage.trayEmpty, { visibility: view.unscheduled.length ? "hidden" : "visible" });
}

/** The components the current event involves: {id: "send" | "recv" | "both"}. */
function litSet(scene) {
  const lit = new Map();
  const c = scene.current;
  if (!c || !c.ev || c.ev.kind === "narration") return lit;
  const src = anchorId(c.ev.source);
  const dst = anchorId(c.ev.target);
  lit.set(src, "send");
  if (dst !== src) lit.set(dst, !c.inFlight || c.progress > 0.8 ? "recv" : "await");
  else lit.set(src, "both");
  return lit;
}

/** Trace ids we do not draw separately are shown at the nearest thing we do draw. */
export function anchorId(id) {
  const c = parseComponent(id);
  if (FIXED[id] || c.role === "controller-manager" || c.node) return id;
  if (c.role === "narrator") return "narrator";
  return "kubectl"; // a real kubectl over HTTP, or any other client, stands where the user is
}

function drawWires(stage, L, lit) {
  // Everything talks to the API server, never to each other (except a kubelet to its runtime
  // and the runtime to its CNI): the wires show that hub.
  const api = L.comps.get("api-server");
  const wires = [];
  for (const comp of L.comps.values()) {
    const role = parseComponent(comp.id).role;
    // kube-proxy watches the API server too; its wires would cross the Services' band
    if (comp.id === "api-server" || role === "container-runtime" || role === "cni" || role === "kube-proxy") continue;
    wires.push({ key: comp.id, from: centre(api), to: centre(comp), hot: lit.has(comp.id) && lit.has("api-server") });
  }
  for (const node of L.nodes) {
    const k = L.comps.get(`kubelet/${node.name}`);
    const r = L.comps.get(`container-runtime/${node.name}`);
    const c = L.comps.get(`cni/${node.name}`);
    wires.push({ key: `kr/${node.name}`, from: centre(k), to: centre(r), hot: lit.has(k.id) && lit.has(r.id), local: true });
    wires.push({ key: `rc/${node.name}`, from: centre(r), to: centre(c), hot: lit.has(r.id) && lit.has(c.id), local: true });
  }
  keyed(
    stage.layers.wires,
    wires,
    (w) => w.key,
    () => s("path", { class: "wire" }),
    (el, w) => {
      const d = w.local ? `M${w.from.x},${w.from.y} L${w.to.x},${w.to.y}` : curve(w.from, w.to);
      setAttrs(el, { d, class: `wire${w.hot ? " hot" : ""}${w.local ? " local" : ""}` });
    },
  );
}

/** A gently bent wire from a to b (straight when nearly level): {d, at(t)}. */
function bend(a, b) {
  if (Math.abs(a.y - b.y) < 24) {
    return { d: `M${a.x},${a.y} L${b.x},${b.y}`, at: (t) => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t }) };
  }
  const mx = (a.x + b.x) / 2;
  const my = (a.y + b.y) / 2;
  const k = Math.abs(a.x - b.x) > 300 ? 0.12 : 0.06;
  const cx = mx - (b.y - a.y) * k;
  const cy = my + (b.x - a.x) * k;
  return {
    d: `M${a.x},${a.y} Q${cx},${cy} ${b.x},${b.y}`,
    at: (t) => ({
      x: (1 - t) ** 2 * a.x + 2 * (1 - t) * t * cx + t * t * b.x,
      y: (1 - t) ** 2 * a.y + 2 * (1 - t) * t * cy + t * t * b.y,
    }),
  };
}

function curve(a, b) {
  return bend(a, b).d;
}

function straight(a, b) {
  return { d: `M${a.x},${a.y} L${b.x},${b.y}`, at: (t) => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t }) };
}

/** Where the line from the centre of `box` towards `p` leaves the box. */
function edgePoint(box, p) {
  const c = centre(box);
  const dx = p.x - c.x;
  const dy = p.y - c.y;
  if (!dx && !dy) return c;
  const sx = dx ? box.w / 2 / Math.abs(dx) : Infinity;
  const sy = dy ? box.h / 2 / Math.abs(dy) : Infinity;
  const k = Math.min(sx, sy, 1);
  return { x: c.x + dx * k, y: c.y + dy * k };
}

function centre(c) {
  return { x: c.x + c.w / 2, y: c.y + c.h / 2 };
}

function drawComponents(stage, L, lit, scene) {
  const comps = [...L.comps.values()];
  keyed(
    stage.layers.comps,
    comps,
    (c) => c.id,
    (c) => {
      const g = s("g", { class: "comp", "data-component": c.id, role: "img" });
      if (c.id === "etcd") {
        const { x, y, w, h } = c;
        const ry = 14;
        g.append(
          s("path", {
            class: "comp-body cylinder",
            d: `M${x},${y + ry} a${w / 2},${ry} 0 0 0 ${w},0 v${h - 2 * ry} a${w / 2},${ry} 0 0 1 ${-w},0 z`,
          }),
          s("ellipse", { class: "comp-body cylinder-top", cx: x + w / 2, cy: y + ry, rx: w / 2, ry }),
          s("text", { class: "comp-label", x: x + w / 2, y: y + 52, "text-anchor": "middle" }, "etcd"),
          s("text", { class: "comp-sub etcd-rev", x: x + w / 2, y: y + 76, "text-anchor": "middle" }),
          s("text", { class: "comp-sub etcd-keys", x: x + w / 2, y: y + 96, "text-anchor": "middle" }),
        );
      } else {
        g.append(s("rect", { class: "comp-body", x: c.x, y: c.y, width: c.w, height: c.h, rx: c.chip ? 8 : 14 }));
        if (c.chip) {
          g.append(s("text", { class: "chip-label", x: c.x + c.w / 2, y: c.y + c.h / 2 + 4.5, "text-anchor": "middle" }, c.label));
        } else {
          const icon = c.id === "kubectl" ? "›_" : c.id === "scheduler" ? "⚖" : "⬡";
          g.append(
            s("text", { class: "comp-icon", x: c.x + 16, y: c.y + c.h / 2 + 7 }, icon),
            s("text", { class: "comp-label", x: c.x + 46, y: c.y + c.h / 2 - 2 }, c.label),
            s("text", { class: "comp-sub", x: c.x + 46, y: c.y + c.h / 2 + 17 }, c.sub),
          );
        }
      }
      return g;
    },
    (g, c) => {
      const state = lit.get(c.id);
      g.setAttribute("class", `comp${c.chip ? " chip" : ""}${state ? ` lit lit-${state}` : ""}`);
      g.setAttribute("aria-label", `${c.label}${c.node ? ` on ${c.node}` : ""}${state ? " (active)" : ""}`);
      // Chips move when nodes are added or removed: keep the geometry current.
      if (c.chip) {
        const rect = g.firstChild;
        setAttrs(rect, { x: c.x, y: c.y, width: c.w, height: c.h });
        const narrow = c.w < 64;
        setAttrs(g.lastChild, {
          x: c.x + c.w / 2,
          y: c.y + c.h / 2 + 4.5,
          class: `chip-label${narrow ? " narrow" : ""}`,
          text: ellipsize(c.label, Math.floor(c.w / (narrow ? 6.1 : 7.4))),
        });
      }
      if (c.id === "etcd") {
        setAttrs(g.querySelector(".etcd-rev"), { text: `revision ${scene.state.revision || "—"}` });
        const keyCount = Object.keys(scene.state.keys).length;
        setAttrs(g.querySelector(".etcd-keys"), { text: keyCount ? `${keyCount} keys` : "" });
      }
    },
  );
}

function drawNodes(stage, L, scene) {
  keyed(
    stage.layers.nodes,
    L.nodes,
    (n) => n.name,
    (n) => {
      const g = s("g", { class: "node", tabindex: "0", role: "button" });
      g.append(
        s("rect", { class: "node-box", rx: 14 }),
        s("text", { class: "node-name" }),
        s("text", { class: "node-status", "text-anchor": "end" }),
        s("g", { class: "node-pull" }),
        s("text", { class: "node-toggle", "text-anchor": "middle" }),
        s("text", { class: "node-empty", "text-anchor": "middle" }, "no pods"),
      );
      g.addEventListener("click", (e) => {
        if (e.target.classList.contains("node-toggle")) {
          stage.actions.toggleNode(n.name);
          return;
        }
        stage.actions.selectNode(g.dataset.key);
      });
      g.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          e.stopPropagation();
          stage.actions.selectNode(g.dataset.key);
        }
      });
      return g;
    },
    (g, n) => {
      const node = n.node;
      const tone = !node.ready ? "bad" : node.unschedulable ? "busy" : "good";
      const selected = scene.selected && scene.selected.kind === "Node" && scene.selected.name === n.name;
      const cycle = scene.cycle && scene.cycle.verdicts.get(n.name);
      g.setAttribute(
        "class",
        `node node-${tone}${selected ? " selected" : ""}${cycle ? ` cycle-${cycle.verdict}` : ""}`,
      );
      g.setAttribute("aria-label", `Node ${n.name}, ${nodeStatusText(node)}, ${node.pods.length} pods. Press Enter for actions.`);
      const [box, name, status, pull, toggle, empty] = g.children;
      setAttrs(box, { x: n.x, y: n.y, width: n.w, height: n.h });
      setAttrs(name, { x: n.x + 12, y: n.y + 21, text: n.name });
      setAttrs(status, { x: n.x + n.w - 12, y: n.y + 21, text: nodeStatusText(node), class: node.countdown ? "node-status counting" : "node-status" });
      drawPull(pull, n, scene);
      const plan = n.plan;
      const foot = n.y + n.h - 10;
      if (plan.mode === "squares") setAttrs(toggle, { x: n.x + n.w / 2, y: foot, text: `${node.pods.length} pods · show as cards ▾`, visibility: "visible" });
      else if (plan.collapsible) setAttrs(toggle, { x: n.x + n.w / 2, y: foot, text: `${node.pods.length} pods · show as squares ▴`, visibility: "visible" });
      else setAttrs(toggle, { text: "", visibility: "hidden" });
      setAttrs(empty, { x: n.x + n.w / 2, y: n.y + 110, visibility: node.pods.length ? "hidden" : "visible" });
    },
  );
}

function nodeStatusText(node) {
  const status = node.status.replace(",", " · ");
  return node.countdown ? `${status} · ${countdownText(node.countdown)}` : status;
}

function drawPull(g, n, scene) {
  const pull = n.node.pull;
  if (!pull) {
    g.replaceChildren();
    return;
  }
  const x = n.x + 8;
  const y = n.y + 71;
  const w = n.w - 16;
  const frac = scene.pullProgress ? scene.pullProgress(n.name) : null;
  if (!g.firstChild) {
    g.append(s("rect", { class: "pull-track", rx: 3, height: 6 }), s("rect", { class: "pull-bar", rx: 3, height: 6 }), s("text", { class: "pull-text" }));
  }
  const [track, bar, text] = g.children;
  setAttrs(track, { x, y, width: w });
  setAttrs(bar, { x, y, width: frac === null ? w * 0.3 : Math.max(4, w * frac), class: `pull-bar${frac === null ? " indeterminate" : ""}` });
  const pct = frac === null ? "" : ` ${Math.round(frac * 100)}%`;
  setAttrs(text, { x, y: y - 3, text: ellipsize(`pulling ${pull.image || "image"}${pct}`, Math.floor(w / 6.2)) });
}

function drawWorkloads(stage, L, scene) {
  keyed(
    stage.layers.workloads,
    L.workloads,
    (w) => `${w.kind}/${w.item.namespace || ""}/${w.item.name}`,
    () => {
      const g = s("g", { class: "workload", tabindex: "0", role: "button" });
      g.append(s("rect", { class: "workload-box", rx: 8 }), s("rect", { class: "workload-stripe", rx: 2 }), s("text", { class: "workload-kind" }), s("text", { class: "workload-name" }), s("text", { class: "workload-count", "text-anchor": "end" }), s("path", { class: "workload-link" }));
      g.addEventListener("click", () => stage.actions.selectWorkload(g.__item));
      g.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          stage.actions.selectWorkload(g.__item);
        }
      });
      return g;
    },
    (g, w) => {
      g.__item = { kind: w.kind, name: w.item.name, namespace: w.item.namespace };
      const [box, stripe, kind, name, count, link] = g.children;
      const hl = scene.highlightOwner && (scene.highlightOwner === w.item.name || (w.kind === "Deployment" && scene.highlightDeployment === w.item.name));
      g.setAttribute("class", `workload workload-${w.kind.toLowerCase()}${hl ? " lit" : ""}`);
      setAttrs(box, { x: w.x, y: w.y, width: w.w, height: w.h });
      setAttrs(stripe, { x: w.x + 4, y: w.y + 5, width: 5, height: w.h - 10, style: `fill: ${replicaSetColour(["ReplicaSet", "ReplicationController", "Job", "StatefulSet"].includes(w.kind) ? w.item.name : "")}` });
      setAttrs(kind, { x: w.x + 16, y: w.y + 16, text: w.kind === "Pods" ? "Pods" : w.kind });
      let countText = "";
      if (w.kind === "Deployment" || w.kind === "StatefulSet") countText = w.item.ready || "";
      else if (w.kind === "ReplicaSet" || w.kind === "ReplicationController") countText = w.item.placeholder ? "" : `${w.item.ready}/${w.item.desired}`;
      else if (w.kind === "Job" || w.kind === "CronJob") countText = batchWorkloadText(w).count;
      else countText = String(w.item.count);
      // The name (13px bold, ~8.2px a character) stops a gap short of the count (~8px a digit).
      setAttrs(name, { x: w.x + 16, y: w.y + 33, text: ellipsize(w.item.name, Math.floor((w.w - 34 - countText.length * 8) / 8.2)) });
      setAttrs(count, { x: w.x + w.w - 8, y: w.y + 33, text: countText });
      setAttrs(link, { d: w.depth ? `M${w.x - 8},${w.y - 10} V${w.y + w.h / 2} H${w.x}` : "" });
      const batch = w.kind === "Job" || w.kind === "CronJob";
      g.setAttribute("aria-label", batch ? batchWorkloadText(w).label : `${w.kind} ${w.item.name}, ${countText} ready`);
    },
  );
}

function drawPods(stage, L, scene, ends) {
  const reduced = scene.reducedMotion;
  const touched = scene.current && scene.current.ev && scene.current.ev.object && scene.current.ev.object.kind === "Pod" ? scene.current.ev.object : null;
  keyed(
    stage.layers.pods,
    L.tiles,
    (t) => `${t.pod.namespace}/${t.pod.name}`,
    (t) => {
      const g = s("g", { class: "pod entering", tabindex: "0", role: "button" });
      g.append(
        s("rect", { class: "pod-box", rx: 8 }),
        s("rect", { class: "pod-stripe", rx: 2 }),
        s("text", { class: "pod-name" }),
        s("text", { class: "pod-status" }),
        s("text", { class: "pod-meta" }),
        s("rect", { class: "pod-count-track", rx: 2, height: 4 }),
        s("rect", { class: "pod-count-bar", rx: 2, height: 4 }),
      );
      g.addEventListener("click", () => stage.actions.selectPod(g.dataset.key));
      g.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          stage.actions.selectPod(g.dataset.key);
        }
      });
      // first placement without a glide
      g.style.transform = `translate(${t.x}px, ${t.y}px)`;
      requestAnimationFrame(() => g.classList.remove("entering"));
      return g;
    },
    (g, t) => {
      const p = t.pod;
      const selected = scene.selected && scene.selected.kind === "Pod" && scene.selected.name === p.name && scene.selected.namespace === p.namespace;
      const isTouched = (touched && touched.name === p.name && (touched.namespace || "default") === p.namespace) || (ends && ends.has(`${p.namespace}/${p.name}`));
      const cls = `pod tone-${p.tone}${selected ? " selected" : ""}${isTouched ? " touched" : ""}${g.classList.contains("entering") ? " entering" : ""}${reduced ? " still" : ""}`;
      if (g.getAttribute("class") !== cls) g.setAttribute("class", cls);
      const transform = `translate(${t.x}px, ${t.y}px)`;
      if (g.style.transform !== transform) g.style.transform = transform;
      g.dataset.status = p.status;
      g.dataset.node = p.node || "";
      const cd = p.countdown;
      g.setAttribute(
        "aria-label",
        `Pod ${p.name}, status ${p.status}, ready ${p.ready}, restarts ${p.restarts}${p.ip ? `, IP ${p.ip}` : ""}${p.node ? `, on ${p.node}` : ", not scheduled yet"}${cd ? `, ${countdownText(cd)}` : ""}${p.stuck ? `, ${p.stuck}` : ""}`,
      );
      const [box, stripe, name, status, meta, track, bar] = g.children;
      const compact = t.compact;
      setAttrs(box, { width: t.w, height: t.h });
      setAttrs(stripe, { x: 4, y: 5, width: 4, height: t.h - 10, style: `fill: ${replicaSetColour(p.group)}` });
      const chars = Math.floor((t.w - 22) / 7.1);
      setAttrs(name, { x: 14, y: 17, text: ellipsize(p.name, chars) });
      setAttrs(status, { x: 14, y: compact ? 36 : 35, text: statusLine(p) });
      // The image tag is what a rolling update changes: shown on every tile.
      const image = imageTag(p.images);
      let metaText = compact ? "" : `${p.ready} ready · ↻ ${p.restartsText}${image ? ` · ${image}` : ""}${p.ip ? ` · ${p.ip}` : ""}`;
      if (cd && !compact) metaText = `${countdownText(cd)} · ${p.ready} ready · ↻ ${p.restarts}`;
      else if (p.stuck && !compact) metaText = `${p.stuck} · ${p.ready} ready`;
      setAttrs(meta, { x: 14, y: 53, text: ellipsize(metaText, Math.floor((t.w - 20) / 6.3)), visibility: compact ? "hidden" : "visible" });
      if (cd) {
        const frac = cd.total ? Math.max(0, Math.min(1, cd.remaining / cd.total)) : 0;
        setAttrs(track, { x: 12, y: t.h - 7, width: t.w - 24, visibility: "visible" });
        setAttrs(bar, { x: 12, y: t.h - 7, width: Math.max(0, (t.w - 24) * frac), visibility: "visible" });
      } else {
        setAttrs(track, { visibility: "hidden" });
        setAttrs(bar, { visibility: "hidden" });
      }
    },
  );
}

/** "nginx:1.27" for registry.example.com/library/nginx:1.27; "+1" more for a second image. */
function imageTag(images) {
  if (!images || !images.length) return "";
  const last = String(images[0]).split("/").pop();
  return images.length > 1 ? `${last} +${images.length - 1}` : last;
}

function statusLine(p) {
  const mark = { good: "●", busy: "◐", bad: "✖", gone: "◌", done: "✔" }[p.tone] || "•";
  return `${mark} ${p.status}`;
}

/** During a scheduling cycle: each node's verdict (✓ chosen, ✕ filtered, score). */
function drawBadges(stage, L, scene) {
  const badges = [];
  if (scene.cycle) {
    for (const n of L.nodes) {
      const v = scene.cycle.verdicts.get(n.name);
      if (!v) continue;
      const text = v.verdict === "chosen" ? `✓ chosen${v.score !== null ? ` · ${v.score}` : ""}` : v.verdict === "filtered" ? `✕ ${v.reason || "filtered out"}` : `score ${v.score ?? "—"}`;
      badges.push({ key: n.name, x: n.x + n.w / 2, y: n.y - 2, text, verdict: v.verdict, w: n.w });
    }
  }
  keyed(
    stage.layers.badges,
    badges,
    (b) => b.key,
    () => {
      const g = s("g", { class: "badge" });
      g.append(s("rect", { rx: 10, height: 22 }), s("text", { "text-anchor": "middle" }));
      return g;
    },
    (g, b) => {
      g.setAttribute("class", `badge badge-${b.verdict}`);
      const text = ellipsize(b.text, Math.floor((b.w - 24) / 7));
      const width = Math.min(b.w - 8, text.length * 7.2 + 20);
      setAttrs(g.children[0], { x: b.x - width / 2, y: b.y - 11, width });
      setAttrs(g.children[1], { x: b.x, y: b.y + 4.5, text });
    },
  );
}

function drawMessage(stage, L, scene) {
  const layer = stage.layers.messages;
  const c = scene.current;
  if (!c || !c.ev || c.ev.kind === "narration" || !c.inFlight) {
    if (layer.firstChild) layer.replaceChildren();
    return;
  }
  const ev = c.ev;
  const from = L.comps.get(anchorId(ev.source));
  const to = L.comps.get(anchorId(ev.target));
  if (!from || !to) {
    layer.replaceChildren();
    return;
  }
  if (!layer.firstChild || layer.dataset.seq !== String(ev.seq)) {
    layer.replaceChildren(
      s("path", { class: "msg-path", "marker-end": "url(#arrow)" }),
      s("circle", { class: "msg-ring", r: 10 }),
      s("g", { class: "msg" }, s("circle", { class: "msg-halo", r: 17 }), s("circle", { class: "msg-dot", r: 9 }), s("rect", { class: "msg-label-bg", rx: 9, height: 20 }), s("text", { class: "msg-label" })),
    );
    layer.dataset.seq = String(ev.seq);
  }
  const [path, ring, msg] = layer.children;
  const a = centre(from);
  const b = centre(to);
  const p = c.progress ?? 0;
  const label = messageLabel(ev);
  const tone = ev.kind === "response" && ev.data && ev.data.code >= 400 ? "error" : ev.step;
  layer.setAttribute("class", `layer-messages step-${tone}`);
  if (from === to) {
    // a stage inside one component: a ring pulses out of it
    setAttrs(path, { d: "", visibility: "hidden" });
    const r = Math.min(from.w, from.h) * (0.25 + 0.3 * (scene.reducedMotion ? 1 : p));
    setAttrs(ring, { cx: a.x, cy: a.y, r, visibility: "visible", opacity: scene.reducedMotion ? 0.6 : 1 - p * 0.7 });
    placeLabel(msg, a.x, from.y < 60 ? from.y + from.h + 34 : from.y - 12, label, true);
    return;
  }
  setAttrs(ring, { visibility: "hidden" });
  // from the sender's edge to the receiver's edge, so labels inside the boxes stay readable
  const a2 = edgePoint(from, b);
  const b2 = edgePoint(to, a);
  const wire = from.chip && to.chip && from.node && from.node === to.node ? straight(a2, b2) : bend(a2, b2);
  setAttrs(path, { d: wire.d, visibility: "visible" });
  const pos = wire.at(scene.reducedMotion ? 0.5 : easeInOut(p));
  placeLabel(msg, pos.x, pos.y, label, false);
}

function placeLabel(g, x, y, label, inside) {
  const [halo, dot, bg, text] = g.children;
  setAttrs(halo, { cx: x, cy: y, visibility: inside ? "hidden" : "visible" });
  setAttrs(dot, { cx: x, cy: y, visibility: inside ? "hidden" : "visible" });
  const w = label.length * 7.4 + 18;
  setAttrs(bg, { x: x - w / 2, y: y - 32, width: w });
  setAttrs(text, { x, y: y - 18, "text-anchor": "middle", text: label });
}

function easeInOut(t) {
  return t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
}
