// The narration box under the stage: the step, its headline and caption, what it summarises
// in story mode, the scheduling table of a cycle, and a throttled screen-reader line.

import { fill, h, $ } from "./dom.js";
import { cap, caption, eventHeadline, eventTag } from "./narration.js";
import { renderCycleTable } from "./panels.js";
import { isStory } from "./player.js";

/** Story mode: the milestone on screen (the latest at or before `index`) and the messages it
 * summarises (those since the milestone before it). */
export function storyAt(events, index) {
  let at = index;
  while (at >= 0 && !isStory(events[at])) at -= 1;
  if (at < 0) return { ev: null, index: -1 };
  let before = at - 1;
  while (before >= 0 && !isStory(events[before])) before -= 1;
  return { ev: events[at], index: at, behind: events.slice(before + 1, at) };
}

export class NarrationView {
  /** `lessonTitle()`: the lesson's title for its narration; `everyMessage()`: leave story mode;
   * `showCycle(pod)`: open the Scheduling panel on a pod's table. */
  constructor({ lessonTitle, everyMessage, showCycle }) {
    this.lessonTitle = lessonTitle;
    this.everyMessage = everyMessage;
    this.showCycle = showCycle;
    this.shown = undefined; // seq of the event shown (-1: none yet)
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
    const id = ev ? ev.seq : -1;
    if (id === this.shown) return;
    this.shown = id;
    const box = $("#narration");
    if (!ev) {
      $("#step-tag").textContent = "Ready";
      $("#step-headline").textContent = "Apply a manifest to begin";
      $("#caption").textContent = "Paste a Pod or Deployment into the editor and press Apply (Ctrl+Enter). Every message between the components will travel across the stage, one at a time.";
      box.dataset.step = "none";
      fill($("#narration-detail"));
      return;
    }
    const isSay = ev.kind === "narration";
    box.dataset.step = isSay ? "say" : ev.step;
    $("#step-tag").textContent = isSay ? "Lesson" : eventTag(ev);
    $("#step-headline").textContent = isSay ? this.lessonTitle() || "Narration" : cap(eventHeadline(ev).replace(/^Step \d+ — |^[\w ]+ — /, ""));
    $("#caption").textContent = caption(ev);
    $("#event-meta").textContent = `#${ev.seq} · t = ${ev.time.toFixed(3)} s · ${ev.source}${ev.target !== ev.source ? ` → ${ev.target}` : ""}`;
    const detail = $("#narration-detail");
    if (cycle) renderCycleTable(detail, cycle, { why, showTable: this.showCycle });
    else if (current.behind && current.behind.length) fill(detail, this.behindLine(current.behind));
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

  /** "Behind this step: 9 messages — request → authentication → … · show every message ▸". */
  behindLine(events) {
    const kinds = [];
    for (const ev of events) if (kinds[kinds.length - 1] !== ev.kind) kinds.push(ev.kind);
    const shown = kinds.length > 8 ? [...kinds.slice(0, 7), "…"] : kinds;
    const open = h("button", { class: "link", type: "button" }, "show every message ▸");
    open.addEventListener("click", () => this.everyMessage());
    return h("p", { class: "behind muted" }, `Behind this step: ${events.length} message${events.length === 1 ? "" : "s"} — ${shown.join(" → ")} · `, open);
  }
}
