// kubectl's output waits for the story. The server answers a command at once, while the stage
// is still at its first message; what kubectl prints is shown when the stage reaches the API
// server's response to it (the reply's `answer_seq`, docs/protocol.md). A learner who is
// behind (paused, stepping, slow) sees it at once, marked as ahead of the stage, until the
// stage gets there. kubectl's own errors (no request made) have nothing to wait for.

import { h } from "./dom.js";

const HOLD_FOR_AT_MOST = 12; // wall-clock seconds the player may take to get there while playing

/** What to do with an answer the stage has not shown: `held` (hidden, it comes shortly),
 * `ahead` (shown, marked) or `shown`. Never hidden again once seen. */
export function outputState(was, { reached, playing, secondsAway }) {
  if (reached) return "shown";
  if (was === "held" && playing && secondsAway <= HOLD_FOR_AT_MOST) return "held";
  return was === "shown" ? "shown" : "ahead";
}

/** "step 2 of 5": where in the story the event at `index` comes (the latest numbered step at or
 * before it, not looking past a lesson's narration); null when there is none. */
export function storyStepAt(events, index) {
  for (let i = index; i >= 0; i -= 1) {
    const ev = events[i];
    if (ev.kind === "narration") return null;
    if (ev.kind === "milestone" && ev.data?.step) return `step ${ev.data.step} of ${ev.data.of}`;
  }
  return null;
}

export class HeldOutput {
  /** `redrawn()`: held lines appeared or changed (the terminal measures its widest line again). */
  constructor(player, timeline, redrawn = () => {}) {
    this.player = player;
    this.timeline = timeline;
    this.redrawn = redrawn;
    this.entries = [];
  }

  /** Hold the elements that show a reply's output (already in the page) until the stage shows
   * the event `answerSeq`. */
  hold(elements, answerSeq) {
    if (typeof answerSeq !== "number" || !elements.length) return;
    const note = h("span", { class: "output-note" });
    elements[0].before(note);
    const entry = { elements, note, seq: answerSeq, state: "held" };
    this.entries.push(entry);
    this.update(); // draws it: its index is not known yet
  }

  /** Every frame: show what the stage has reached. */
  update() {
    const events = this.timeline.events;
    const last = events.length ? events[events.length - 1].seq : 0;
    for (const entry of this.entries) {
      const index = this.timeline.indexOfSeq(entry.seq);
      const arrived = index >= 0; // the reply may overtake the events that lead to its answer
      const state =
        !arrived && entry.seq <= last
          ? "shown" // not in the trace the page holds: nothing to wait for
          : outputState(entry.state, {
              reached: arrived && this.player.cursor > index,
              playing: this.player.playing,
              secondsAway: arrived ? this.player.secondsUntil(index, HOLD_FOR_AT_MOST + 1) : 0,
            });
      if (state !== entry.state || index !== entry.index) this.draw(entry, state, index);
    }
    this.entries = this.entries.filter((entry) => entry.state !== "shown");
  }

  /** A reset or a fork: what was held refers to a trace that is gone; show it as it is. */
  release() {
    for (const entry of this.entries) this.draw(entry, "shown", -1);
    this.entries = [];
  }

  draw(entry, state, index) {
    entry.state = state;
    entry.index = index;
    // A log scrolled to its end stays there as the held lines appear.
    const box = entry.note.parentElement;
    const atEnd = box && box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
    for (const el of entry.elements) {
      el.classList.toggle("output-held", state === "held");
      el.classList.toggle("output-ahead", state === "ahead");
    }
    if (state === "shown") entry.note.remove();
    else this.label(entry, state, index);
    if (atEnd) box.scrollTop = box.scrollHeight;
    this.redrawn();
  }

  label(entry, state, index) {
    const step = index >= 0 ? storyStepAt(this.timeline.events, index) : null;
    const where = `${step ? `${step}, ` : ""}message #${entry.seq}`;
    entry.note.textContent =
      state === "held" ? `kubectl's answer is on its way across the stage (${where})…` : `ahead of the stage — the stage shows this answer at ${where}`;
    entry.note.classList.toggle("ahead", state === "ahead");
  }
}
