// Podlife's page: connects to the server, keeps the trace, plays it, draws it.
//
//   net.js       the Socket.IO protocol (docs/protocol.md)
//   model.js     reducer + time travel over the trace;  values.js  what objects looked like
//   player.js    playback pacing, step, scrub, fork;     derive.js  state → what views draw
//   stage.js, sequence.js, panels.js, inspector.js, editor.js, terminal.js,
//   rolloutview.js (rollout panel, ReplicaSet colours), serviceview.js (Services, traffic)
//                                                         the views
//
// One entry point draws everything: render(), idempotent, called once per animation frame.
//
// Why past 600 lines: it is the page's wiring — connection handlers, playback controls, keys,
// lessons, dialogs — around that one render(), each a few lines that only connect modules;
// the views themselves (the narration box included: narrationview.js) are modules of their own.

import { ChapterMarks } from "./chaptermarks.js";
import { Classroom } from "./classroom.js";
import { installClusterFile } from "./clusterfile.js";
import { ConnectDialog } from "./connect.js";
import { normalizeCycle } from "./cycle.js";
import { deriveView } from "./derive.js";
import { $, clamp, fill, h } from "./dom.js";
import { EXAMPLES } from "./examples.js";
import { HeldOutput } from "./heldoutput.js";
import { Inspector } from "./inspector.js";
import { LazyEditor } from "./lazyeditor.js";
import { Lesson, progressOf } from "./lesson.js";
import { lessonFromLocation, lessonLink, partWithin } from "./lessonlink.js";
import { CONTINUE, LessonPicker } from "./lessonpicker.js";
import { Timeline } from "./model.js";
import { NarrationView, storyAt } from "./narrationview.js";
import { Connection, openSocket, tabRoute } from "./net.js";
import { EtcdPanel, EventsPanel, ObjectsPanel, ReadyChart, renderCycleTable } from "./panels.js";
import { isStory, MAX_SPEED, MIN_SPEED, Player } from "./player.js";
import { PullProgress } from "./pulls.js";
import { detailKey } from "./room.js";
import { RolloutView } from "./rolloutview.js";
import { SequenceView } from "./sequence.js";
import { createStage, layout, renderStage } from "./stage.js";
import { Terminal } from "./terminal.js";
import { trafficAt } from "./traffic.js";
import { installKeyboard, tabs, toast } from "./ui.js";
import { ValueStore } from "./values.js";
import { whyPending } from "./whypending.js";

const SESSION_KEY = "podlife.session";
const PRESENTER_KEY = "podlife.presenter";
const STEP_COLORS = {
  send: "#60a5fa",
  persist: "#a78bfa",
  control: "#f472b6",
  schedule: "#fbbf24",
  run: "#34d399",
  report: "#22d3ee",
  other: "#64748b",
};

const conn = new Connection(openSocket({ route: tabRoute(sessionStorage, SESSION_KEY) }));
const timeline = new Timeline();
const pulls = new PullProgress(timeline);
const values = new ValueStore((key, revision) => conn.request("etcd", { key, revision }, 30000));
const reducedMotionQuery = window.matchMedia("(prefers-reduced-motion: reduce)");

const app = {
  session: null,
  nodes: [],
  scenarios: [],
  scenario: null,
  listing: null, // the etcd key listing at attach time: the cluster's furniture
  baselineFor: null,
  baselineLoaded: false,
  expanded: new Set(),
  selected: null,
  cycleFocus: null, // "ns/pod" whose scheduling table the panel shows, null = the latest
  dirty: true,
  lastPanels: 0,
  lastShown: null,
  litLog: [],
  batches: [],
  connected: false,
};

// Tests and the curious can look inside.
window.podlife = { app, timeline, values, conn, get player() { return player; }, litLog: app.litLog };

const player = new Player(timeline, {
  ack: (seq) => conn.send("ack", { seq }),
  setPlaying: (playing) => {
    if (!classroom.blocked) conn.send(playing ? "play" : "pause", {}, "playing");
    app.dirty = true;
  },
  setSpeed: (speed) => classroom.blocked || conn.send("speed", { speed }),
  step: () => classroom.blocked || conn.send("step", {}),
});
const heldOutput = new HeldOutput(player, timeline, () => terminal.showMore()); // kubectl's output waits for the story
const narrationView = new NarrationView({
  lessonTitle: () => app.scenarios.find((sc) => sc.name === app.scenario)?.title,
  stepThrough: (index) => {
    setStoryMode(false);
    seekTo(index + 1); // that message on screen, paused: → shows the next one
    player.setPlaying(false);
  },
  lessonSays: () => lesson.active?.saying,
  showCycle: (pod) => showCycle(pod),
  role: () => (classroom.blocked ? classroom.role : null), // a follower cannot apply: told so
});

// ---- the page's pieces --------------------------------------------------------------------
const stage = createStage($("#stage"), {
  selectPod: (key) => {
    const [namespace, name] = key.split("/");
    select({ kind: "Pod", namespace, name });
  },
  selectNode: (name) => select({ kind: "Node", name }),
  selectWorkload: (obj) => {
    if (obj.kind === "Pods") return;
    select(obj);
  },
  selectObject: (obj) => select(obj),
  toggleNode: (name) => {
    if (app.expanded.has(name)) app.expanded.delete(name);
    else app.expanded.add(name);
    app.dirty = true;
  },
});

const sideTabs = tabs($("#side-tabs"), () => (app.dirty = true));
const panelTabs = tabs($("#panel-tabs"), () => {
  app.lastPanels = 0;
  app.dirty = true;
});

const editor = new LazyEditor($("#editor"), { initial: EXAMPLES[0].yaml, onApply: () => applyManifest() });
const terminal = new Terminal($("#terminal"), {
  run: (line, id, stdin) => {
    const payload = { line, id };
    if (stdin) payload.stdin = stdin;
    const at = player.forkPoint();
    if (at !== null) payload.at_seq = at;
    return conn.request("kubectl", payload, 15 * 60 * 1000);
  },
  hold: (elements, reply) => heldOutput.hold(elements, reply.answer_seq),
});
const inspector = new Inspector($("#inspector"), {
  act: (kind, target, label) => act(kind, target, label),
  kubectl: (line) => runForLearner(line),
  values,
  whyPending: (state, pod) => whyPending(timeline, state, pod),
  showCycle: (pod) => showCycle(pod),
});

/** The Scheduling panel, on the table of pod "ns/name". */
function showCycle(pod) {
  app.cycleFocus = pod;
  panelTabs.show("scheduling");
  $("#panel-scheduling").scrollIntoView({ behavior: reducedMotionQuery.matches ? "auto" : "smooth", block: "nearest" });
}

const eventsPanel = new EventsPanel($("#panel-events"), { select: (obj) => select(obj) });
const etcdPanel = new EtcdPanel($("#panel-etcd-body"), { read: (key, revision) => conn.request("etcd", { key, revision }) });
const objectsPanel = new ObjectsPanel($("#panel-objects"), { select: (obj) => select(obj) });
const chart = new ReadyChart($("#panel-chart"));
const sequence = new SequenceView($("#panel-sequence"), { seek: (i) => seekTo(i) });
const rolloutView = new RolloutView($("#rollout"), $("#rs-legend"));
const chapterMarks = new ChapterMarks($("#chapter-marks"), $("#chapter-position"), { jump: (i) => seekTo(i + 1) });

// "Connect your kubectl": a kubeconfig for this page's cluster (docs/kube-api.md).
const connect = new ConnectDialog($("#connect"), { session: () => app.session, opener: $("#connect-button") });

// Classroom rooms (classroom.js): present this cluster to a class, or follow a teacher's.
const classroom = new Classroom({
  conn,
  player,
  timeline,
  stage: $("#stage"),
  hooks: {
    presenterMode: (on) => setPresenter(on),
    followed(reply) {
      lesson.stop(); // the teacher's lesson is the teacher's: its narration comes with the trace
      app.scenario = null;
      $("#scenario").value = "";
      app.nodes = nodeNames(reply.nodes) || app.nodes;
      conn.sessionReady(); // reads (etcd, inspect) now go to the room's cluster
      app.dirty = true;
    },
    forked(reply) {
      editor.load(); // a cluster of its own to edit
      app.session = reply.session;
      sessionStorage.setItem(SESSION_KEY, reply.session);
      connect.sessionChanged();
      conn.sessionReady();
      // the sandbox's clock runs as this page plays
      conn.send(player.playing ? "play" : "pause", {}, "playing");
      conn.send("speed", { speed: player.speed });
      app.dirty = true;
    },
    hello: () => hello(),
    story: (on) => setStoryMode(on),
    select: (obj) => select(obj),
    detail: () => detailKey(app.selected),
  },
});
// A learner edits at once; a class's follower never loads the editor's code, unless it leaves
// the class (hello, below) or forks its own copy.
if (!classroom.codeToFollow()) editor.load();

// ---- examples and apply ---------------------------------------------------------------------
const exampleSelect = $("#example");
fill(exampleSelect, EXAMPLES.map((ex, i) => h("option", { value: String(i) }, ex.name)));
exampleSelect.addEventListener("change", () => {
  editor.text = EXAMPLES[Number(exampleSelect.value)].yaml;
});
$("#apply").addEventListener("click", () => applyManifest());

async function applyManifest() {
  const out = $("#apply-output");
  const payload = { yaml: editor.text };
  const at = player.forkPoint();
  if (at !== null) payload.at_seq = at;
  $("#apply").disabled = true;
  fill(out, h("span", { class: "muted" }, at !== null ? `Applying at event #${at} (the future after it is discarded)…` : "Applying…"));
  const reply = await conn.request("apply", payload, 15 * 60 * 1000);
  $("#apply").disabled = false;
  editor.showErrors(reply.errors || []);
  const lines = (reply.output || []).map(([stream, text]) => h("span", { class: `term-${stream}` }, text));
  if (!reply.ok && reply.error) lines.push(h("span", { class: "term-stderr" }, reply.error));
  fill(out, lines.length ? lines : h("span", { class: "muted" }, "(no output)"));
  heldOutput.hold(lines, reply.answer_seq);
  out.classList.toggle("failed", Boolean(!reply.ok || reply.exit_code));
  terminal.echo("kubectl apply -f -   # from the editor", reply);
  if (!player.playing && reply.ok && !reply.exit_code) toast("Paused: press → to step through the messages, or Space to play.");
}

async function act(kind, target, label) {
  const payload = { kind, target };
  const at = player.forkPoint();
  if (at !== null) payload.at_seq = at;
  const reply = await conn.request("action", payload, 15 * 60 * 1000);
  terminal.echo(`# ${label}${at !== null ? ` (at event #${at})` : ""}`, reply);
  if (!reply.ok) toast(reply.error || `${label} failed`, "error");
  else toast(`${label[0].toUpperCase()}${label.slice(1)}`);
  return reply;
}

async function runForLearner(line) {
  const payload = { line, id: `ui${Date.now().toString(36)}` };
  const at = player.forkPoint();
  if (at !== null) payload.at_seq = at;
  const reply = await conn.request("kubectl", payload, 15 * 60 * 1000);
  terminal.echo(`kubectl ${line}`, reply);
  if (!reply.ok || reply.exit_code) toast(reply.error || "kubectl failed — see the kubectl tab", "error");
  return reply;
}

$("#add-node").addEventListener("click", () => {
  select(null);
  setTimeout(() => $("#inspector .add-node input")?.focus(), 60); // after the next frame drew it
});

function select(obj) {
  app.selected = obj;
  inspector.select(obj);
  sideTabs.show("inspector");
  setTools(true);
  app.dirty = true;
}

// In presenter mode the tools (editor, kubectl, inspector) are a drawer over the stage.
const toolsButton = $("#tools-toggle");
function setTools(open) {
  document.body.classList.toggle("tools-open", open);
  toolsButton.setAttribute("aria-expanded", String(open));
}
toolsButton.addEventListener("click", () => setTools(!document.body.classList.contains("tools-open")));

// ---- playback controls -------------------------------------------------------------------
const playButton = $("#play");
const scrubber = $("#scrubber");
const speedInput = $("#speed");
playButton.addEventListener("click", () => togglePlay());
$("#step-back").addEventListener("click", () => {
  player.stepBack();
  app.dirty = true;
});
$("#step-forward").addEventListener("click", () => {
  player.stepForward();
  app.dirty = true;
});
$("#chapter-prev").addEventListener("click", () => toChapter(-1));
$("#chapter-next").addEventListener("click", () => toChapter(1));
$("#story-mode").addEventListener("click", () => setStoryMode(!player.story));
$("#to-start").addEventListener("click", () => seekTo(0));
$("#to-live").addEventListener("click", () => seekTo(timeline.events.length));
scrubber.addEventListener("input", () => seekTo(Number(scrubber.value)));
speedInput.addEventListener("input", () => {
  player.setSpeed(10 ** Number(speedInput.value));
  app.dirty = true;
});
$("#reset").addEventListener("click", async () => {
  lesson.stop();
  app.scenario = null;
  $("#scenario").value = "";
  const count = Number($("#node-count").value) || 3;
  const nodes = Array.from({ length: count }, (_, i) => ({ name: `node-${i + 1}` }));
  const timings = $("#demo-timings").checked ? "demo" : "default";
  const reply = await conn.request("reset", { nodes, timings });
  if (!reply.ok) toast(reply.error || "reset failed", "error");
});
installClusterFile(conn, {
  exportButton: $("#export"),
  importInput: $("#import-file"),
  onImport: () => {
    lesson.stop();
    app.scenario = null;
    $("#scenario").value = "";
  },
});
$("#node-count").addEventListener("change", () => $("#reset").click());
$("#demo-timings").addEventListener("change", () => $("#reset").click());
$("#continue").addEventListener("click", () => {
  showContinue(false);
  $("#lesson").classList.add("collapsed"); // the text was read: make room for the picture
  narrationView.invalidate(); // and the narration box may say it again
  if (!player.playing) player.setPlaying(true);
  lesson.proceed();
});
$("#lesson-stop").addEventListener("click", () => {
  lesson.stop();
  app.scenario = null;
  $("#scenario").value = "";
});

/** Story mode (the default): the player steps milestone by milestone, the headline stays
 * while the messages behind it fly past. Off: every message, at reading pace. */
function setStoryMode(on) {
  player.setStory(on);
  const button = $("#story-mode");
  button.setAttribute("aria-pressed", String(on));
  button.textContent = on ? "Story" : "Every message";
  $("#step-forward").setAttribute("aria-label", on ? "Next step of the story (→)" : "Step forward one message (→)");
  narrationView.invalidate(); // show the narration of the new mode at once
  app.dirty = true;
}

function togglePlay() {
  player.toggle();
  app.dirty = true;
}

/** Previous/next chapter: on at once to where the next story begins, and stop there. */
function toChapter(direction) {
  if (!player.toChapter(direction)) toast("No later chapter yet: this is the last one.");
  app.dirty = true;
}

function seekTo(index) {
  player.seek(index);
  player.setPlaying(player.playing && index >= timeline.events.length ? player.playing : false);
  app.dirty = true;
}

function changeSpeed(factor) {
  player.setSpeed(clamp(player.speed * factor, MIN_SPEED, MAX_SPEED));
  speedInput.value = String(Math.log10(player.speed));
  app.dirty = true;
}

function showContinue(on) {
  const b = $("#continue");
  b.hidden = !on;
  if (on) b.focus();
}

/** A shortcut that drives the cluster: a follower's page says why it does nothing. */
const driving =
  (fn) =>
  (...args) =>
    classroom.blocked ? classroom.refuse() : fn(...args);
installKeyboard({
  toggle: driving(togglePlay),
  back: driving(() => {
    player.stepBack();
    app.dirty = true;
  }),
  forward: driving(() => {
    player.stepForward();
    app.dirty = true;
  }),
  chapter: driving(toChapter),
  faster: driving(() => changeSpeed(10 ** 0.25)),
  slower: driving(() => changeSpeed(10 ** -0.25)),
  help: () => toggleHelp(),
  story: driving(() => setStoryMode(!player.story)),
  modal: () => connect.isOpen || classroom.modal,
  escape: () => {
    if (!$("#help").hidden) toggleHelp(false);
    else if (connect.isOpen) connect.close();
    else if (classroom.escape()) return;
    else if (document.body.classList.contains("presenter")) setTools(false);
  },
});

function toggleHelp(force) {
  const dialog = $("#help");
  const open = force ?? dialog.hidden;
  dialog.hidden = !open;
  if (open) {
    app.helpReturn = document.activeElement;
    $("#help-close").focus();
  } else if (app.helpReturn) app.helpReturn.focus();
}
$("#help-button").addEventListener("click", () => toggleHelp());
$("#help-close").addEventListener("click", () => toggleHelp(false));

// Presenter mode: large type and a light theme that survives a projector.
const presenterButton = $("#presenter");
function setPresenter(on) {
  document.body.classList.toggle("presenter", on);
  presenterButton.setAttribute("aria-pressed", String(on));
  try {
    localStorage.setItem(PRESENTER_KEY, on ? "1" : "0");
  } catch {
    // fine: presenter mode is just not remembered
  }
  app.dirty = true;
}
presenterButton.addEventListener("click", () => setPresenter(!document.body.classList.contains("presenter")));
setPresenter(localStorage.getItem(PRESENTER_KEY) === "1" || new URLSearchParams(location.search).has("presenter"));

// Scenarios (lessons).
const picker = new LessonPicker($("#scenario"));
$("#scenario").addEventListener("change", (e) => {
  const resuming = e.target.value.startsWith(CONTINUE);
  const name = resuming ? e.target.value.slice(CONTINUE.length) : e.target.value;
  if (name) openLesson(name, resuming ? picker.progress.current.part : 1);
});

/** Lesson `name` in a fresh cluster, run without pausing up to its part `part`. */
async function openLesson(name, part) {
  const reply = await conn.request("scenario", { name });
  if (!reply.ok) {
    toast(reply.error || `cannot load ${name}`, "error");
    return;
  }
  app.scenario = name;
  $("#scenario").value = name;
  if (!player.playing) player.setPlaying(true);
  const steps = reply.steps || [];
  const parts = steps.filter((step) => "say" in step).length;
  lesson.start(name, reply.title || name, steps, partWithin(part, parts), reply.files);
}

/** A lesson the address asks for (/?lesson=NAME&part=N, lessonlink.js), once: the address
 * then drops it, so that a reload keeps the cluster rather than starting over. */
function openLessonOfAddress() {
  const wanted = lessonFromLocation(location.search);
  if (!wanted) return;
  history.replaceState(null, "", location.pathname);
  if (app.scenarios.some((sc) => sc.name === wanted.name)) openLesson(wanted.name, wanted.part);
  else toast(`There is no lesson named "${wanted.name}" on this server: pick one in the Lesson list.`, "error");
}

// "Link": the address of the lesson at the part on screen, to share or to come back to.
$("#lesson-link").addEventListener("click", async () => {
  const l = lesson.active;
  if (!l) return;
  const part = Math.max(1, l.part);
  const url = lessonLink(location.origin, l.name, part);
  try {
    await navigator.clipboard.writeText(url);
    toast(`Copied the link to part ${part} of this lesson: ${url}`);
  } catch {
    toast(`The link to part ${part} of this lesson: ${url}`); // no clipboard (plain http): shown to copy by hand
  }
});

const lesson = new Lesson({
  player,
  timeline,
  run: (line, stdin, files) => {
    sideTabs.show("kubectl");
    return terminal.execute(line, stdin, files);
  },
  act: (kind, target, label) => act(kind, target, label),
  narrate: (scenario, step) => conn.request("say", { scenario, step }),
  ui: {
    show(l) {
      $("#lesson").hidden = false;
      $("#lesson-title").textContent = l.title;
      fill($("#lesson-say"));
      showContinue(false);
    },
    hide() {
      $("#lesson").hidden = true;
      showContinue(false);
    },
    progress(l) {
      $("#lesson-progress").textContent = progressOf(l);
    },
    say(text, l) {
      $("#lesson").classList.remove("collapsed");
      fill($("#lesson-say"), markdownish(text));
      $("#lesson-progress").textContent = progressOf(l);
      picker.reached(l.name, l.part, l.parts);
      narrationView.invalidate(); // the narration box leaves the text to the lesson box
      showContinue(true);
    },
    fastForward(on) {
      // resuming a lesson: what was already seen runs at the top speed, then the learner's pace
      if (on) app.speedBefore = player.speed;
      changeSpeed((on ? MAX_SPEED : app.speedBefore || 1) / player.speed);
      if (on) toast("Replaying the lesson up to where you left off…");
    },
    waiting(text) {
      showContinue(false);
      const say = $("#lesson-say");
      say.querySelector(".lesson-waiting")?.remove();
      say.append(h("p", { class: "lesson-waiting muted" }, text));
    },
    done(l) {
      $("#lesson").classList.remove("collapsed");
      fill($("#lesson-say"), h("p", {}, h("strong", {}, "End of the lesson. "), "Keep playing: delete a pod, fail a node, or apply your own manifest."));
      $("#lesson-progress").textContent = l.parts ? `${l.parts} parts` : `${l.steps.length} steps`;
      picker.finished(l.name);
      showContinue(false);
    },
  },
});

/** Scenario narration is Markdown; show paragraphs and `code`, as text (never as HTML). */
function markdownish(text) {
  return String(text)
    .trim()
    .split(/\n\s*\n/)
    .map((para) => h("p", {}, ...para.replace(/\s*\n\s*/g, " ").split(/(`[^`]+`)/).map((part) => (part.startsWith("`") && part.endsWith("`") && part.length > 1 ? h("code", {}, part.slice(1, -1)) : part.replace(/\*\*([^*]+)\*\*/g, "$1")))));
}

// ---- the protocol --------------------------------------------------------------------------
conn.on("connect", async () => {
  setConnection("connected");
  if (!(await classroom.resume())) await hello();
});

/** This page's own session (its cluster): the one stored, or a new one. */
async function hello() {
  const stored = sessionStorage.getItem(SESSION_KEY);
  const reply = await conn.request("hello", { session: stored || null, ...classroom.helloExtra() });
  if (!reply.ok) {
    toast(reply.error || "the server refused the session", "error");
    return;
  }
  const changed = app.session !== null && app.session !== reply.session;
  app.session = reply.session;
  editor.load(); // a cluster of its own: the editor's code is wanted now
  conn.sessionReady();
  if (changed) connect.sessionChanged(); // a server restart: a new session, a new cluster
  sessionStorage.setItem(SESSION_KEY, reply.session);
  app.nodes = nodeNames(reply.nodes);
  app.scenarios = reply.scenarios || [];
  picker.show(app.scenarios, app.scenario || "");
  if (typeof reply.speed === "number") {
    player.speed = clamp(reply.speed, MIN_SPEED, MAX_SPEED);
    speedInput.value = String(Math.log10(player.speed));
  }
  if (typeof reply.playing === "boolean") player.playing = reply.playing;
  app.dirty = true;
  classroom.afterHello(reply.room);
  openLessonOfAddress();
}
conn.on("disconnect", () => setConnection("disconnected"));

conn.on("reset", (payload) => {
  heldOutput.release();
  timeline.reset();
  pulls.forget();
  values.clear();
  player.reset();
  app.nodes = nodeNames(payload.nodes) || app.nodes;
  if (app.nodes && [...$("#node-count").options].some((o) => Number(o.value) === app.nodes.length)) $("#node-count").value = String(app.nodes.length);
  if (payload.timings) $("#demo-timings").checked = payload.timings.name === "demo";
  app.listing = null;
  app.baselineFor = null;
  app.baselineLoaded = false;
  app.cycleFocus = null;
  chart.computedFor = "";
  showContinue(false);
  if (payload.baseline && payload.baseline.keys) {
    // the furniture the cluster was built with (its bootstrap is not traced)
    app.listing = null;
    timeline.setBaseline(payload.baseline);
    for (const [key, info] of Object.entries(payload.baseline.keys)) values.want(key, info.rev);
    app.baselineLoaded = true;
  } else loadListing();
  app.dirty = true;
});

conn.on("events", (payload) => {
  const events = payload.events || [];
  app.batches.push({ n: events.length, first: events[0]?.seq, history: Boolean(payload.history) });
  if (app.batches.length > 200) app.batches.shift();
  timeline.append(events);
  ingest(events);
  if (payload.history) player.seek(timeline.events.length); // the past: draw it, do not replay it
  else player.received(events);
  if (typeof payload.now === "number") player.clock(payload.now, player.live.playing, player.live.speed);
  app.dirty = true;
});

conn.on("forked", ({ at_seq: atSeq }) => {
  heldOutput.release();
  timeline.truncateAfterSeq(atSeq);
  pulls.forget();
  const revision = timeline.at(timeline.events.length).revision;
  values.dropAfter(revision);
  player.truncated();
  // the values of the furniture are older than any fork point: ask again for what was dropped
  refetchVisible();
  chart.computedFor = "";
  app.dirty = true;
});

conn.on("clock", ({ now, playing, speed }) => {
  player.clock(now, playing, speed);
  if (classroom.blocked && typeof speed === "number") {
    player.speed = clamp(speed, MIN_SPEED, MAX_SPEED); // a follower plays at the presenter's pace
    speedInput.value = String(Math.log10(player.speed));
  }
});

conn.on("kubectl-output", (payload) => terminal.streamed(payload));

conn.on("detached", () => {
  setConnection("detached");
  toast("This cluster is now open in another tab. Reload this page to take it back.", "error");
});

function setConnection(state) {
  app.connected = state === "connected";
  const el = $("#connection");
  el.textContent = { connected: "connected", detached: "open in another tab" }[state] || "reconnecting…";
  el.className = `conn conn-${state}`;
}

function nodeNames(nodes) {
  if (!Array.isArray(nodes)) return null;
  return nodes.map((n) => (typeof n === "string" ? n : n && n.name)).filter(Boolean);
}

/** New events: ask for the objects their etcd changes produced. */
function ingest(events) {
  for (const ev of events) {
    if (ev.kind !== "etcd-watch") continue;
    const d = ev.data || {};
    if (!d.key || typeof d.revision !== "number") continue;
    if (d.type === "DELETE") continue;
    values.want(d.key, d.revision);
  }
  applyBaseline();
}

function refetchVisible() {
  const state = timeline.at(timeline.events.length);
  for (const [key, info] of Object.entries(state.keys)) values.want(key, info.rev);
}

/** The cluster's furniture (nodes, namespaces) is written before the trace starts. */
async function loadListing() {
  const reply = await conn.request("etcd", {});
  if (!reply.ok || !Array.isArray(reply.keys)) {
    app.baselineLoaded = false;
    return;
  }
  app.listing = reply;
  app.baselineFor = null;
  applyBaseline();
}

function applyBaseline() {
  if (!app.listing) return;
  const first = timeline.events.find((e) => e.kind === "etcd-watch" && typeof e.data?.revision === "number");
  const firstRev = first ? first.data.revision : Infinity;
  const signature = `${firstRev}`;
  if (app.baselineFor === signature) return;
  app.baselineFor = signature;
  // Before the first traced change: what existed then, at the newest revision below it.
  const limit = Math.min(app.listing.revision ?? Infinity, firstRev - 1);
  const keys = {};
  for (const k of app.listing.keys) {
    if (k.create_revision > limit) continue;
    if (!Number.isFinite(firstRev) && !/^\/registry\/(minions|namespaces)\//.test(k.key)) continue;
    const rev = Math.min(k.mod_revision, limit);
    keys[k.key] = { rev, create: k.create_revision, version: k.mod_revision <= limit ? k.version : 1 };
    values.want(k.key, rev);
  }
  timeline.setBaseline({ keys, revision: Number.isFinite(limit) ? limit : app.listing.revision });
  app.baselineLoaded = true;
  app.dirty = true;
}

// ---- rendering -----------------------------------------------------------------------------
const memo = { viewKey: "", view: null, layoutKey: "", layout: null };

function currentEvent(t) {
  if (player.anim) {
    return { ev: timeline.events[player.anim.index], index: player.anim.index, inFlight: !player.waiting(t), progress: player.progress(t) };
  }
  const index = player.cursor - 1;
  return index >= 0 ? { ev: timeline.events[index], index, inFlight: false, progress: 1 } : { ev: null, index: -1 };
}

function render(t) {
  app.dirty = false;
  // A milestone takes effect as its headline appears (a countdown it starts shows at once).
  const anim = player.anim;
  const state = timeline.at(anim && isStory(timeline.events[anim.index]) ? anim.index + 1 : player.cursor);
  const now = player.displayTime(t);
  const viewKey = `${state.index}:${timeline.version}:${values.version}:${Math.floor(now * 2)}:${app.baselineLoaded}`;
  if (viewKey !== memo.viewKey) {
    memo.viewKey = viewKey;
    memo.view = deriveView(state, values, now, { nodes: app.nodes, baselineLoaded: app.baselineLoaded });
  }
  const view = memo.view;
  const current = currentEvent(t);
  // a controller the trace has not shown before gets its chip as its first message leaves
  const extra = current.ev ? [current.ev.source, current.ev.target].filter((id) => id.startsWith("controller-manager/") && !(id in state.seen)) : [];
  const layoutKey = `${viewKey}:${[...app.expanded].join(",")}:${extra.join(",")}`;
  if (layoutKey !== memo.layoutKey) {
    memo.layoutKey = layoutKey;
    memo.layout = layout(view, state, { expanded: app.expanded, extra });
  }
  if (player.anim) player.anim.shown = true;
  const cycleEv = current.ev && current.ev.kind === "scheduling-cycle" ? current.ev : null;
  const cycle = cycleEv ? normalizeCycle(cycleEv) : null;
  const touchedPod = current.ev && current.ev.object && current.ev.object.kind === "Pod" ? view.podsByKey.get(`${current.ev.object.namespace || "default"}/${current.ev.object.name}`) : null;
  renderStage(stage, {
    view,
    state,
    layout: memo.layout,
    current,
    cycle,
    selected: app.selected,
    reducedMotion: reducedMotionQuery.matches,
    highlightOwner: touchedPod ? touchedPod.group : null,
    highlightDeployment: touchedPod ? touchedPod.deployment : null,
    pullProgress: (node) => pulls.at(state, node, now),
    traffic: trafficAt(timeline.events, current),
  });
  recordLit(current);
  narrationView.render(player.story ? storyAt(timeline.events, current.index) : current, player.story ? null : cycle, cycle ? whyPending(timeline, state, cycle.pod, cycle.seq) : "");
  renderControls(t, now);
  rolloutView.render(view);
  heldOutput.update();
  if (sideTabs.current() === "inspector") {
    inspector.render(view, state);
    classroom.guardInspector($("#inspector"));
  }
  if (t - app.lastPanels > 120) {
    app.lastPanels = t;
    renderPanels(view, state, now, current);
  }
}

function recordLit(current) {
  const ev = current.ev;
  if (!ev || app.lastShown === ev.seq) return;
  app.lastShown = ev.seq;
  const lit = Array.from(stage.svg.querySelectorAll(".comp.lit")).map((el) => el.dataset.component);
  app.litLog.push({ seq: ev.seq, kind: ev.kind, source: ev.source, target: ev.target, lit });
  if (app.litLog.length > 20000) app.litLog.splice(0, 5000);
  $("#stage").dataset.seq = String(ev.seq);
}

let stripFor = "";
let stripAt = 0;
function renderControls(t, now) {
  const n = timeline.events.length;
  scrubber.max = String(n);
  if (document.activeElement !== scrubber) scrubber.value = String(player.cursor);
  scrubber.setAttribute("aria-valuetext", `event ${player.cursor} of ${n}`);
  const playing = classroom.blocked ? player.live.playing : player.playing; // a follower: the teacher's
  if (playButton.dataset.state !== String(playing)) {
    playButton.dataset.state = String(playing);
    playButton.innerHTML = `<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="${playing ? "M6 5h4v14H6zM14 5h4v14h-4z" : "M7 4v16l13-8z"}"/></svg>`;
  }
  playButton.setAttribute("aria-label", playing ? "Pause (Space)" : "Play (Space)");
  playButton.setAttribute("aria-pressed", String(playing));
  $("#speed-value").textContent = `${formatSpeed(player.speed)}×`;
  speedInput.setAttribute("aria-valuetext", `${formatSpeed(player.speed)} times`);
  $("#clock").textContent = `t = ${formatTime(now)}`;
  $("#position").textContent = `event ${player.cursor} / ${n}`;
  chapterMarks.render(timeline.events, player.anim ? player.anim.index : player.cursor - 1);
  const past = player.cursor < n && player.rewound;
  const live = $("#live");
  live.textContent = classroom.blocked ? "following the teacher" : past ? "viewing the past — acting forks" : n && player.cursor < n ? "catching up" : "live";
  live.className = `live ${classroom.blocked ? "now" : past ? "past" : n && player.cursor < n ? "behind" : "now"}`;
  const stripId = `${n}:${timeline.version}`;
  if (stripId !== stripFor && (t - stripAt > 700 || !player.playing)) {
    stripFor = stripId;
    stripAt = t;
    drawStrip();
  }
}

/** The timeline's colour strip: one pixel column per slice of the trace, coloured by step. */
function drawStrip() {
  const canvas = $("#strip");
  const w = Math.max(1, Math.round(canvas.clientWidth || 600));
  if (canvas.width !== w) canvas.width = w;
  canvas.height = 1;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, w, 1);
  const events = timeline.events;
  if (!events.length) return;
  const per = events.length / w;
  for (let x = 0; x < w; x += 1) {
    const from = Math.floor(x * per);
    const to = Math.max(from + 1, Math.floor((x + 1) * per));
    if (from >= events.length) break;
    // the slice shows its most telling event: the learner's flow before housekeeping
    let pick = events[from];
    for (let i = from; i < to && i < events.length; i += 1) {
      if (events[i].step !== "other") {
        pick = events[i];
        break;
      }
    }
    ctx.fillStyle = pick.kind === "narration" ? "#f8fafc" : STEP_COLORS[pick.step] || STEP_COLORS.other;
    ctx.fillRect(x, 0, 1, 1);
  }
}

function renderPanels(view, state, now, current) {
  const panel = panelTabs.current();
  if (panel === "events") eventsPanel.render(view);
  else if (panel === "etcd") etcdPanel.render(state);
  else if (panel === "objects") objectsPanel.render(view);
  else if (panel === "sequence") sequence.render(timeline.events, current.index, $("#panel-sequence").clientWidth);
  else if (panel === "chart") {
    chart.compute(timeline.events, values);
    chart.render(now);
  } else if (panel === "scheduling") {
    const seq = app.cycleFocus ? state.cycles[app.cycleFocus] : state.lastCycle;
    const i = seq ? timeline.indexOfSeq(seq) : -1;
    const cycle = i >= 0 ? normalizeCycle(timeline.events[i]) : null;
    const why = cycle ? whyPending(timeline, state, cycle.pod, cycle.seq) : "";
    const key = `${seq}:${app.cycleFocus}:${why}`;
    if (app.lastCycleKey !== key) {
      app.lastCycleKey = key;
      renderCycleTable($("#panel-scheduling-body"), cycle, { why });
      $("#cycle-focus").textContent = app.cycleFocus ? `Showing pod ${app.cycleFocus}. ` : "Showing the latest cycle. ";
    }
  }
}

$("#cycle-latest").addEventListener("click", () => {
  app.cycleFocus = null;
  app.lastCycleKey = null;
  app.dirty = true;
});

function formatSpeed(x) {
  return x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1).replace(/\.0$/, "") : x.toFixed(2).replace(/0$/, "");
}

function formatTime(seconds) {
  if (seconds < 60) return `${seconds.toFixed(3)} s`;
  const m = Math.floor(seconds / 60);
  return `${m}m ${(seconds - m * 60).toFixed(1)}s`;
}

function frame(t) {
  classroom.frame();
  const changed = player.tick(t);
  if (changed || app.dirty || t - (app.lastRender || 0) > 250) {
    app.lastRender = t;
    try {
      render(t);
    } catch (error) {
      console.error(error); // eslint-disable-line no-console
    }
  }
  requestAnimationFrame(frame);
}
values.onChange(() => (app.dirty = true));
reducedMotionQuery.addEventListener("change", () => (app.dirty = true));
window.addEventListener("resize", () => {
  stripFor = "";
  app.dirty = true;
});
requestAnimationFrame(frame);
