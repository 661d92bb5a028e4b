// Time travel and pacing (docs/protocol.md "The clock model").
//
// The page plays the trace one message at a time: the event under the cursor travels from its
// source to its target, then the next one starts. `cursor` counts the events that have
// happened; while `anim` is set, event `anim.index` is in flight. When the page has played
// everything it holds it acknowledges the last seq, and the server lets virtual time run on.

import { chapterFrom, chapters } from "./chapters.js";
import { clamp } from "./dom.js";
import { connectionLegs } from "./traffic.js";

const BASE_MESSAGE = 0.7; // seconds per travelling message at 1×
const BASE_STAGE = 0.45; // seconds per stage inside one component at 1×
const LIVE_AHEAD = 0.5; // wall seconds the page runs the server's clock on by itself
const BASE_CHORE = 0.12; // housekeeping (heartbeats, leases) hurries past at 1×
const MAX_GAP = 1.5; // a replayed pause in virtual time is shown for at most this long at 1×
const ALWAYS_DRAWN_UP_TO = 20; // speeds at which no message of the flow goes undrawn
const STORY_DETAIL = 0.04; // story mode: what a milestone summarises flies past at 1×
const READING = 0.22; // seconds a word of a headline is on screen at 1× (at least 2.5 s)
export const MIN_SPEED = 0.1;
export const MAX_SPEED = 100;

/**
 * Housekeeping a learner does not need to watch at reading pace: node heartbeats (Lease
 * renewals), periodic status, compaction. Its step is `other`; etcd's watch notifications are
 * `other` too but belong to whatever changed, so they count only when the change is a Lease.
 */
export function isChore(ev) {
  if (ev.object && ev.object.kind === "Lease") return true;
  return ev.step === "other" && ev.kind !== "etcd-watch" && ev.kind !== "narration";
}

/** A step of the story (docs/trace.md "Levels"): a milestone, or a lesson's narration. */
export function isStory(ev) {
  return ev.level === "story";
}

function readingTime(ev) {
  return Math.max(2.5, String(ev.summary).split(/\s+/).length * READING);
}

export class Player {
  constructor(timeline, hooks) {
    this.timeline = timeline;
    this.hooks = hooks; // {ack(seq), setPlaying(bool), setSpeed(x), step()}
    this.cursor = 0;
    this.playing = true;
    this.speed = 1;
    this.anim = null;
    this.acked = 0;
    this.idleArrivals = new Set(); // seqs that arrived while the page had caught up
    this.stepWanted = false;
    this.live = { now: 0, at: performance.now(), playing: true, speed: 1 };
    this.rewound = false; // the learner moved back in time: acting now forks
    this.story = true; // story mode: play milestone by milestone; detail mode: every message
    this.untilStory = false; // a story step is under way: stop once the next milestone is shown
    this.shown = { cursor: 0, time: 0 }; // the last time displayTime gave, and at which cursor
    this.limit = null; // a room's follower plays up to here (the presenter's position), not on
  }

  /** Where playing on stops: the last event held, or a follower's limit. */
  get end() {
    return this.limit === null ? this.events.length : Math.min(this.limit, this.events.length);
  }

  get events() {
    return this.timeline.events;
  }

  get atLiveEdge() {
    return this.cursor >= this.events.length && !this.anim;
  }

  /** New events arrived from the server (the timeline holds them already). */
  received(events) {
    // Caught up: the page had played everything before them. Then they start at once rather
    // than after the quiet virtual time before them (a learner's click shows its first message
    // now, not up to MAX_GAP later).
    const firstNew = this.events.length - events.length;
    const caughtUp = !this.anim && this.cursor >= firstNew;
    for (const ev of events) if (caughtUp) this.idleArrivals.add(ev.seq);
    this.hurryUpkeep(firstNew);
    if (this.stepWanted && events.length) {
      this.stepWanted = false;
      if (!this.anim && this.cursor < this.events.length) this.startAnim(this.cursor, performance.now(), true);
    }
  }

  /**
   * Behind only by housekeeping when something else arrives (events from `firstNew` on, which
   * may begin with more of it): skip the housekeeping and start the newcomer at once, as if the
   * page had caught up.
   * The nodes renew their Leases together, a burst of some 30 messages every 10 virtual
   * seconds that takes 1.2 s to play in story mode (3.6 s in detail mode); a learner's click
   * during one waited for all of it, and seemed ignored for a second (docs/performance.md,
   * "Interaction latency"). Only while playing on at the live edge: a learner stepping or
   * replaying the past still sees every message.
   */
  hurryUpkeep(firstNew) {
    if (!this.playing || this.rewound) return;
    let next = this.anim ? this.anim.index : this.cursor;
    while (next < this.events.length && this.events[next].level === "housekeeping") next += 1;
    if (next < firstNew || next >= this.end) return; // a backlog that matters, or nothing new to show
    this.anim = null;
    this.cursor = next;
    for (let i = next; i < this.events.length; i += 1) this.idleArrivals.add(this.events[i].seq);
  }

  /** The page forgot events after a fork or reset: keep the cursor inside what is left. */
  truncated() {
    if (this.anim && this.anim.index >= this.events.length) this.anim = null;
    this.cursor = Math.min(this.cursor, this.events.length);
    const last = this.events[this.events.length - 1];
    this.acked = Math.min(this.acked, last ? last.seq : 0);
  }

  reset() {
    this.rewound = false;
    this.cursor = 0;
    this.anim = null;
    this.acked = 0;
    this.idleArrivals.clear();
    this.shown = { cursor: 0, time: 0 };
  }

  durationOf(ev) {
    // a lesson's narration is read in the lesson box, which waits for Continue: not here
    if (isStory(ev)) return ev.kind !== "narration" && this.story ? readingTime(ev) : BASE_STAGE;
    if (this.story) return STORY_DETAIL;
    if (isChore(ev)) return BASE_CHORE;
    // a connection's packet travels several wires (traffic.js): a message's time for each
    if (ev.kind === "connection") return BASE_MESSAGE * Math.max(1, connectionLegs(ev).length);
    return ev.source === ev.target ? BASE_STAGE : BASE_MESSAGE;
  }

  gapBefore(index) {
    const ev = this.events[index];
    const prev = this.events[index - 1];
    if (!prev || this.idleArrivals.has(ev.seq)) return 0;
    const gap = ev.time - (prev.time + (prev.duration || 0));
    return gap > 0.0005 ? Math.min(gap, MAX_GAP) : 0;
  }

  /** About how many wall-clock seconds playing on takes to finish the event at `index` (0 when
   * it is done); counting stops past `cap`. */
  secondsUntil(index, cap = Infinity) {
    let seconds = 0;
    for (let i = this.anim ? this.anim.index : this.cursor; i <= index && seconds <= cap; i += 1) {
      seconds += (this.gapBefore(i) + this.durationOf(this.events[i])) / this.speed;
    }
    return seconds;
  }

  startAnim(index, start, stopAfter = false) {
    const ev = this.events[index];
    if (this.untilStory && isStory(ev)) {
      this.untilStory = false; // the story step ends with this milestone on screen
      stopAfter = true;
    }
    this.anim = {
      index,
      start,
      wait: this.gapBefore(index) / this.speed,
      dur: this.durationOf(ev) / this.speed,
      stopAfter,
    };
  }

  /** Advance playback to wall-clock `t` (ms). Returns true when the picture changed. */
  tick(t) {
    let changed = false;
    if (!this.anim && this.playing && this.cursor < this.end) {
      this.startAnim(this.cursor, t);
      changed = true;
    }
    let guard = 0;
    while (this.anim && guard < 5000) {
      guard += 1;
      const a = this.anim;
      const end = a.start + (a.wait + a.dur) * 1000;
      if (t < end) break;
      // Up to 20×, every message of the flow is drawn at least once, even when several fall
      // within one frame. (Housekeeping and inner stages may pass unseen; above 20× so may
      // messages: the picture then shows the flow's shape rather than each message.)
      const ev = this.events[a.index];
      const drawn = !this.story || isStory(ev); // story mode: only milestones must be seen
      if (!a.shown && drawn && this.speed <= ALWAYS_DRAWN_UP_TO && ev && ev.source !== ev.target && !isChore(ev)) break;
      this.finishAnim();
      changed = true;
      if (a.stopAfter && this.playing && !this.untilStory) this.setPlaying(false); // a story step ended
      if (a.stopAfter || !this.playing) break;
      if (this.cursor < this.end) this.startAnim(this.cursor, end);
    }
    if (this.anim) changed = true;
    if (this.cursor >= this.events.length) this.rewound = false;
    this.maybeAck();
    return changed;
  }

  finishAnim() {
    const a = this.anim;
    this.anim = null;
    this.cursor = a.index + 1;
  }

  maybeAck() {
    if (this.cursor < this.events.length || this.anim) return;
    const last = this.events[this.events.length - 1];
    if (last && last.seq > this.acked) {
      this.acked = last.seq;
      this.hooks.ack(last.seq);
    }
  }

  /** How far the event in flight has travelled, 0..1 (null when nothing is in flight). */
  progress(t) {
    if (!this.anim) return null;
    const a = this.anim;
    const into = (t - a.start) / 1000 - a.wait;
    if (into < 0) return 0;
    return clamp(into / a.dur, 0, 1);
  }

  waiting(t) {
    return Boolean(this.anim && (t - this.anim.start) / 1000 < this.anim.wait);
  }

  /** The virtual time the picture shows. */
  /**
   * The virtual time the picture shows. It never goes back while the cursor does not: at the
   * live edge the clock runs on with the server's, and events already under way there may
   * arrive stamped a little earlier (countdowns would jump back).
   */
  displayTime(t) {
    let time = this.timeAt(t);
    if (this.cursor >= this.shown.cursor && time < this.shown.time) time = this.shown.time;
    this.shown = { cursor: this.cursor, time };
    return time;
  }

  timeAt(t) {
    const evs = this.events;
    if (this.anim) {
      const ev = evs[this.anim.index];
      const prev = evs[this.anim.index - 1];
      const into = (t - this.anim.start) / 1000;
      if (into < this.anim.wait && prev) {
        const from = prev.time + (prev.duration || 0);
        return from + (ev.time - from) * (into / this.anim.wait);
      }
      if (!ev.duration && isStory(ev)) {
        // The cluster's time goes on while a headline is read: up to the next event (or the
        // live clock), so a countdown keeps counting under it.
        const next = evs[this.anim.index + 1];
        const limit = next ? next.time : Math.max(ev.time, this.liveNow(t));
        return Math.min(limit, ev.time + Math.max(0, into - this.anim.wait) * this.speed);
      }
      return ev.time + (ev.duration || 0) * (this.progress(t) || 0);
    }
    const last = evs[this.cursor - 1];
    const settled = last ? last.time + (last.duration || 0) : 0;
    if (this.cursor >= evs.length) return Math.max(settled, this.liveNow(t));
    return settled;
  }

  /** The server's clock now, from its last `clock` message: extrapolated at most LIVE_AHEAD
   * seconds, since the server waits for the page to acknowledge what it sent before it goes
   * on (a clock run ahead would be held there by displayTime). */
  liveNow(t) {
    const ahead = Math.min(LIVE_AHEAD, Math.max(0, (t - this.live.at) / 1000));
    return this.live.now + (this.live.playing ? ahead * this.live.speed : 0);
  }

  clock(now, playing, speed) {
    this.live = { now, at: performance.now(), playing, speed };
    // What is shown is never behind what the page ran on by itself, but a page that ran ahead
    // by more than it may at this speed did so at an older, faster one while the server held
    // its clock (at 100×, up to 50 virtual seconds): the server's word brings it back, or a
    // countdown would say "any moment" until real time caught up.
    if (this.shown.time - now > LIVE_AHEAD * speed) this.shown.time = -Infinity;
  }

  // ---- the learner's controls ------------------------------------------------------------
  setPlaying(playing) {
    if (this.playing === playing) return;
    this.playing = playing;
    if (!playing && this.anim) this.anim.stopAfter = true;
    if (playing && this.anim) this.anim.stopAfter = false;
    this.rebaseLive({ playing });
    this.hooks.setPlaying(playing);
  }

  toggle() {
    this.setPlaying(!this.playing);
  }

  setSpeed(speed) {
    speed = clamp(speed, MIN_SPEED, MAX_SPEED);
    if (this.anim) {
      // keep the message where it is, let the rest of its trip run at the new speed
      const t = performance.now();
      const done = (t - this.anim.start) / 1000;
      const ratio = this.speed / speed;
      this.anim.start = t - done * ratio * 1000;
      this.anim.wait *= ratio;
      this.anim.dur *= ratio;
    }
    this.speed = speed;
    this.rebaseLive({ speed });
    this.shown.time = -Infinity; // a clock run ahead at the old speed may come back now
    this.hooks.setSpeed(speed);
  }

  /** The server's clock follows the page's speed and pause: extrapolate it that way from now
   * on, not at the old rate until the next `clock` message says so. */
  rebaseLive(change) {
    const t = performance.now();
    this.live = { ...this.live, now: this.liveNow(t), at: t, ...change };
  }

  /** Story mode on or off: milestone by milestone, or every message. */
  setStory(on) {
    this.story = on;
    this.untilStory = false;
  }

  stepForward() {
    if (this.story) {
      // Play on until the next milestone is on screen (the messages it summarises fly past).
      if (this.anim && isStory(this.events[this.anim.index])) this.finishAnim();
      this.untilStory = true;
      if (this.anim) this.anim.stopAfter = false;
      this.playing = true;
      this.hooks.setPlaying(true);
      return;
    }
    this.setPlaying(false);
    if (this.anim) this.finishAnim();
    if (this.cursor < this.events.length) this.startAnim(this.cursor, performance.now(), true);
    else {
      this.stepWanted = true;
      this.hooks.step();
    }
  }

  stepBack() {
    this.setPlaying(false);
    this.rewound = true;
    if (this.story) {
      // Back to the milestone before the one on screen (the latest at or before the cursor).
      let shown = this.anim ? this.anim.index : this.cursor - 1;
      while (shown >= 0 && !isStory(this.events[shown])) shown -= 1;
      let i = shown - 1;
      while (i >= 0 && !isStory(this.events[i])) i -= 1;
      this.anim = null;
      this.cursor = Math.max(0, i + 1); // before the first milestone: the very start
      return;
    }
    if (this.anim) {
      this.cursor = this.anim.index;
      this.anim = null;
      return;
    }
    this.cursor = Math.max(0, this.cursor - 1);
  }

  /** Next chapter (`direction` 1) or previous (-1): on at once to that chapter's first event
   * and stop with it on screen; back before the first chapter is the very start. False when
   * there is no next chapter. */
  toChapter(direction) {
    const shown = this.anim ? this.anim.index : this.cursor - 1;
    const target = chapterFrom(chapters(this.events), shown, direction);
    if (!target && direction > 0) return false;
    this.setPlaying(false);
    this.untilStory = false;
    this.seek(target ? target.index + 1 : 0);
    return true;
  }

  seek(index) {
    this.anim = null;
    this.cursor = clamp(Math.round(index), 0, this.events.length);
    this.rewound = this.cursor < this.events.length;
  }

  /** The seq to send as `at_seq` when the learner acts in the past (null at the live edge). */
  forkPoint() {
    if (!this.rewound || this.cursor >= this.events.length) return null;
    const last = this.events[this.cursor - 1];
    return last ? last.seq : 0;
  }
}
