// The narration box under the stage: the step, its headline and caption, what it summarises
// in story mode, the scheduling table of a cycle, and a throttled screen-reader line.

import { fill, h, $ } from "./dom.js";
import { cap, caption, emptyNarration, eventHeadline, eventTag } from "./narration.js";
import { renderCycleTable } from "./panels.js";
import { isStory } from "./player.js";

const MAX_LISTED = 60; // an unfolded step lists this many of its messages

/** Story mode: the milestone on screen (the latest at or before `index`) and the messages it
 * summarises (those since the milestone before it). */
export function storyAt(events, index) {
  let at = index;
  while (at >= 0 && !isStory(events[at])) at -= 1;
  if (at < 0) return { ev: null, index: -1 };
  let before = at - 1;
  while (before >= 0 && !isStory(events[before])) before -= 1;
  return { ev: events[at], index: at, behind: events.slice(before + 1, at), behindFrom: before + 1 };
}

export class NarrationView {
  /** `lessonTitle()`: the lesson's title for its narration; `lessonSays()`: what the lesson box
   * shows now (not said twice); `stepThrough(index)`: leave story mode, paused on the event at
   * `index`, so that → goes on message by message; `showCycle(pod)`: open the Scheduling panel
   * on a pod's table; `role()`: the page's part in a class ("follower", "ended" or null), which
   * says what the box tells before anything happened. */
  constructor({ lessonTitle, lessonSays, stepThrough, showCycle, role = () => null }) {
    this.lessonTitle = lessonTitle;
    this.role = role;
    this.lessonSays = lessonSays;
    this.stepThrough = stepThrough;
    this.showCycle = showCycle;
    this.shown = undefined; // seq of the event shown ("none:<role>": none yet)
    this.liveAt = 0;
    this.liveTimer = null;
    this.liveText = "";
  }

  /** Show it afresh at the next render (the mode changed). */
  invalidate() {
    this.shown = undefined;
  }

  /** `cycle`: a scheduling cycle to show (every-message mode); `why`: why its pod stays Pending. */
  render(current, cycle, why = "") {
    const ev = current.ev;
    // Nothing yet: what to say depends on who watches (following a class or not), so that is
    // part of what is shown.
    const id = ev ? ev.seq : `none:${this.role() || ""}`;
    if (id === this.shown) return;
    this.shown = id;
    const box = $("#narration");
    if (!ev) {
      const empty = emptyNarration(this.role());
      $("#step-tag").textContent = empty.tag;
      $("#step-headline").textContent = empty.headline;
      $("#caption").textContent = empty.caption;
      $("#event-meta").textContent = "";
      box.dataset.step = "none";
      fill($("#narration-detail"));
      return;
    }
    const isSay = ev.kind === "narration";
    box.dataset.step = isSay ? "say" : ev.step;
    $("#step-tag").textContent = isSay ? "Lesson" : eventTag(ev);
    $("#step-headline").textContent = isSay ? this.lessonTitle() || "Narration" : cap(eventHeadline(ev).replace(/^Step \d+ — |^[\w ]+ — /, ""));
    $("#caption").textContent = isSay && ev.summary === this.lessonSays() ? "The lesson says this above: read it, then press Continue." : caption(ev);
    $("#event-meta").textContent = `#${ev.seq} · t = ${ev.time.toFixed(3)} s · ${ev.source}${ev.target !== ev.source ? ` → ${ev.target}` : ""}`;
    const detail = $("#narration-detail");
    if (cycle) renderCycleTable(detail, cycle, { why, showTable: this.showCycle });
    else if (current.behind && current.behind.length) fill(detail, this.behindFold(current.behind, current.behindFrom));
    else fill(detail);
    // The live region: not every event at 100× — the latest one, at a readable pace.
    // Throttled, not debounced: at speed the latest caption is read every 1.5 s at most.
    this.liveText = `${isSay ? "" : `${eventHeadline(ev)}. `}${caption(ev)}`;
    if (this.liveTimer === null) {
      const wait = Math.max(0, this.liveAt + 1500 - performance.now());
      this.liveTimer = setTimeout(() => {
        this.liveTimer = null;
        this.liveAt = performance.now();
        $("#sr-live").textContent = this.liveText;
      }, wait);
    }
  }

  /**
   * What a story step summarises, folded: "Behind this step: 9 messages — request →
   * authentication → … ▸". Unfolded, each message is listed; choosing one (or "step through
   * them") leaves story mode paused there, so → goes on one message at a time.
   */
  behindFold(events, from) {
    const kinds = [];
    for (const ev of events) if (kinds[kinds.length - 1] !== ev.kind) kinds.push(ev.kind);
    const shown = kinds.length > 8 ? [...kinds.slice(0, 7), "…"] : kinds;
    const list = events.slice(0, MAX_LISTED).map((ev, i) =>
      h("li", {}, h("button", { class: "link", type: "button", onclick: () => this.stepThrough(from + i) }, `${ev.kind}: ${ev.source}${ev.target !== ev.source ? ` → ${ev.target}` : ""}`), ` ${ev.summary || ""}`),
    );
    if (events.length > MAX_LISTED) list.push(h("li", { class: "muted" }, `… and ${events.length - MAX_LISTED} more`));
    const through = h("button", { class: "link", type: "button", onclick: () => this.stepThrough(from) }, "step through them one by one ▸");
    return h(
      "details",
      { class: "behind" },
      h("summary", { class: "muted" }, `Behind this step: ${events.length} message${events.length === 1 ? "" : "s"} — ${shown.join(" → ")}`),
      h("div", { class: "behind-panel" }, h("ol", { class: "behind-list" }, list), h("p", {}, through)),
    );
  }
}
