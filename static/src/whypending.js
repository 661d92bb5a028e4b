// Why a pod stays Pending, in plain words with numbers ("it asks for 100 CPU, but the largest
// node has 4 CPU allocatable…"): the scheduler's milestone about the pod, said once per reason
// (engine/scheduler/why_pending.py), shown above the plugin table and in the inspector.

import { podOf } from "./model.js";

/** The scheduler's plain-words sentence on pod "ns/name", or "". For the table of the cycle
 * `cycleSeq`: what it said after that attempt (at the same virtual time, a few events on, so
 * not yet folded into `state`); else the latest it said at `state`. A pod is scheduled once:
 * until it is bound, what the scheduler last said of it is why it waits. */
export function whyPending(timeline, state, pod, cycleSeq = 0) {
  const events = timeline.events;
  if (cycleSeq) {
    const at = timeline.indexOfSeq(cycleSeq);
    for (let i = at + 1; at >= 0 && i < events.length && events[i].time === events[at].time; i += 1) {
      if (said(events[i], pod)) return events[i].summary;
    }
  }
  const seq = state.schedulerSaid[pod];
  const ev = seq ? events[timeline.indexOfSeq(seq)] : null;
  return ev ? String(ev.summary || "") : "";
}

/** A scheduler's milestone about `pod` (what model.js keeps in `schedulerSaid`). */
function said(ev, pod) {
  return ev.kind === "milestone" && ev.source === "scheduler" && podOf(ev) === pod;
}
