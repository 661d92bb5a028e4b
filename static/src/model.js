// The model: state derived from the trace by a reducer, and time travel over it.
//
// `reduce(state, event)` folds one trace event into the state (in place, for speed); the
// Timeline keeps checkpoints so that any cursor position is cheap to reach, forward or back.

import { noteNodeDeadline } from "./countdown.js";

const CHECKPOINT_EVERY = 200;

/** The cluster as the page knows it before the first trace event. */
export function initialState(baseline = {}) {
  return {
    index: 0, // how many events are folded in
    seq: 0,
    time: 0,
    revision: baseline.revision || 0,
    keys: structuredClone(baseline.keys || {}), // etcd key -> {rev, create, version}
    keyHistory: {}, // key -> the last few revisions seen (for the etcd panel)
    seen: {}, // component id -> seq of the last event it took part in
    pulls: {}, // node -> {image, pod, seq, time} image pulls under way
    cycles: {}, // "ns/pod" -> seq of its latest scheduling-cycle event
    lastCycle: 0,
    schedulerSaid: {}, // "ns/pod" -> seq of the scheduler's latest milestone about it (whypending.js)
    narration: 0, // seq of the latest narration
    nodeDeadlines: {}, // node -> {at, from, what}: what a failed node waits for (countdown.js)
    stepCounts: {},
  };
}

/** Fold one event into the state. */
export function reduce(state, ev) {
  state.index += 1;
  state.seq = ev.seq;
  state.time = ev.time;
  state.seen[ev.source] = ev.seq;
  state.seen[ev.target] = ev.seq;
  state.stepCounts[ev.step] = (state.stepCounts[ev.step] || 0) + 1;
  const data = ev.data || {};
  switch (ev.kind) {
    case "etcd-watch": {
      const key = data.key;
      const rev = data.revision;
      if (!key || rev === undefined) break;
      const type = data.type;
      if (type === "DELETE") delete state.keys[key];
      else {
        const old = state.keys[key];
        state.keys[key] = { rev, create: old ? old.create : rev, version: (old ? old.version : 0) + 1 };
      }
      const hist = (state.keyHistory[key] ||= []);
      hist.push({ rev, seq: ev.seq, type: type === "DELETE" ? "DELETE" : "PUT" });
      if (hist.length > 12) hist.shift();
      if (rev > state.revision) state.revision = rev;
      break;
    }
    case "etcd-reply":
      if (typeof data.revision === "number" && data.revision > state.revision) state.revision = data.revision;
      break;
    case "cri-request":
    case "cri-reply": {
      if (data.method !== "PullImage") break;
      const node = ev.kind === "cri-request" ? nodeOf(ev.target) : nodeOf(ev.source);
      if (!node) break;
      if (ev.kind === "cri-request") {
        state.pulls[node] = {
          image: data.image,
          seq: ev.seq,
          time: ev.time,
          expected: typeof data.duration === "number" ? data.duration : null, // seconds the pull should take
          bytes: data.bytes || 0,
          pod: podOf(ev),
        };
      } else {
        delete state.pulls[node];
      }
      break;
    }
    case "scheduling-cycle": {
      const pod = podOf(ev);
      if (pod) state.cycles[pod] = ev.seq;
      state.lastCycle = ev.seq;
      break;
    }
    case "milestone": {
      const pod = ev.source === "scheduler" ? podOf(ev) : "";
      if (pod) state.schedulerSaid[pod] = ev.seq;
      noteNodeDeadline(state.nodeDeadlines, ev);
      break;
    }
    case "narration":
      state.narration = ev.seq;
      break;
    default:
      break;
  }
  return state;
}

function nodeOf(id) {
  const slash = String(id).indexOf("/");
  return slash < 0 ? "" : id.slice(slash + 1);
}

export function podOf(ev) {
  const o = ev.object;
  if (o && o.kind === "Pod" && o.name) return `${o.namespace || "default"}/${o.name}`;
  return "";
}

/**
 * The events the page holds and the state at any cursor position over them.
 * Cursor `i` means the first `i` events have happened.
 */
export class Timeline {
  constructor() {
    this.events = [];
    this.baseline = initialState();
    this.checkpoints = [structuredClone(this.baseline)];
    this.state = structuredClone(this.baseline);
    this.version = 0; // bumps whenever the state at the cursor may have changed
  }

  setBaseline(baseline) {
    this.baseline = initialState(baseline);
    this.invalidateFrom(0);
  }

  reset(baseline) {
    this.events = [];
    this.setBaseline(baseline || {});
  }

  append(events) {
    for (const ev of events) {
      const last = this.events[this.events.length - 1];
      if (last && ev.seq <= last.seq) continue; // never repeated; ignore a duplicate batch
      this.events.push(ev);
    }
  }

  /** Forget events after seq `atSeq` (a fork). */
  truncateAfterSeq(atSeq) {
    const keep = this.events.findIndex((e) => e.seq > atSeq);
    if (keep < 0) return;
    this.events.length = keep;
    this.invalidateFrom(keep);
  }

  invalidateFrom(index) {
    const keepCheckpoints = Math.floor(index / CHECKPOINT_EVERY) + 1;
    if (index === 0) this.checkpoints = [structuredClone(this.baseline)];
    else this.checkpoints.length = Math.min(this.checkpoints.length, keepCheckpoints);
    if (this.state.index > index || index === 0) {
      const cp = this.checkpoints[this.checkpoints.length - 1];
      this.state = structuredClone(cp);
    }
    this.version += 1;
  }

  /** The state after the first `index` events. */
  at(index) {
    index = Math.max(0, Math.min(index, this.events.length));
    if (index === this.state.index) return this.state;
    if (index < this.state.index || index - this.state.index > CHECKPOINT_EVERY) {
      const cpIndex = Math.min(Math.floor(index / CHECKPOINT_EVERY), this.checkpoints.length - 1);
      if (index < this.state.index || cpIndex * CHECKPOINT_EVERY > this.state.index) {
        this.state = structuredClone(this.checkpoints[cpIndex]);
      }
    }
    while (this.state.index < index) {
      reduce(this.state, this.events[this.state.index]);
      const n = this.state.index;
      if (n % CHECKPOINT_EVERY === 0 && this.checkpoints.length === n / CHECKPOINT_EVERY) {
        this.checkpoints.push(structuredClone(this.state));
      }
    }
    this.version += 1;
    return this.state;
  }

  indexOfSeq(seq) {
    // events are in seq order; seq usually equals index + 1, but do not rely on it
    let lo = 0;
    let hi = this.events.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid].seq === seq) return mid;
      if (this.events[mid].seq < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The largest etcd revision mentioned by the first `index` events. */
  revisionAt(index) {
    return this.at(index).revision;
  }
}
