// How far an image pull on a node has come, for the stage's progress bar.
//
// The pull ends when its cri-reply comes. Looking for that reply in the trace at every frame,
// for every node pulling, cost O(nodes × events) a frame on a big cluster; the search is
// remembered per pull and resumes where it stopped as events arrive.

import { clamp } from "./dom.js";

const LOOK_AHEAD = 600; // virtual seconds after the pull began: no reply by then, none is sought

export class PullProgress {
  constructor(timeline) {
    this.timeline = timeline;
    this.searches = new Map(); // seq of the PullImage request -> {next: index to look at, end: time | null}
  }

  /** The trace changed under the searches (a fork, a reset): search afresh. */
  forget() {
    this.searches.clear();
  }

  /** 0…1 for the pull under way on `node` at `state`, `now` in virtual seconds; null: unknown. */
  at(state, node, now) {
    const pull = state.pulls[node];
    if (!pull) return null;
    const events = this.timeline.events;
    let search = this.searches.get(pull.seq);
    if (!search) this.searches.set(pull.seq, (search = { next: this.timeline.indexOfSeq(pull.seq) + 1, end: null }));
    const runtime = `container-runtime/${node}`;
    for (; search.end === null && search.next < events.length; search.next += 1) {
      const ev = events[search.next];
      if (ev.kind === "cri-reply" && ev.source === runtime && ev.data.method === "PullImage") search.end = ev.time;
      else if (ev.time - pull.time > LOOK_AHEAD) break;
    }
    if (search.end !== null) return clamp((now - pull.time) / Math.max(1e-6, search.end - pull.time), 0, 1);
    if (pull.expected) return clamp((now - pull.time) / pull.expected, 0, 0.99);
    return null;
  }
}
