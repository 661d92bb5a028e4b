// Why a pod stays Pending, in plain words with numbers ("it asks for 100 CPU, but the largest
// node has 4 CPU allocatable…"): the scheduler's milestone about the pod, said once per reason
// (engine/scheduler/why_pending.py), shown above the plugin table and in the inspector.

/** The scheduler's latest plain-words sentence on pod "ns/name" at `state`, or "". A pod is
 * scheduled once: until it is bound, what the scheduler last said of it is why it waits. */
export function whyPending(timeline, state, pod) {
  const seq = state.schedulerSaid[pod];
  if (!seq) return "";
  const ev = timeline.events[timeline.indexOfSeq(seq)];
  return ev ? String(ev.summary || "") : "";
}
