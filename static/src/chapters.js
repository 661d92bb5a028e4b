// The story's chapters: a chapter begins where the learner starts a new story (docs/trace.md
// "Milestones": a learner's later action starts again at step 1). The timeline marks them, and
// "previous/next chapter" jumps between them.

import { plainWords } from "./narration.js";

/** Does a new chapter begin with this event? kubectl's request (step 1 of the seed story: an
 * Apply, a command typed or run by a lesson, a button that is a kubectl command, such as
 * deleting a pod), the learner's act on the machines (failing or recovering a node, crashing a
 * container, adding or removing a node: `data.action`), or a lesson's narration. */
export function startsChapter(ev) {
  if (ev.kind === "narration") return true;
  return ev.kind === "milestone" && (ev.data?.step === 1 || Boolean(ev.data?.action));
}

/**
 * The chapters of `events`, in order: [{index, seq, title}], `index` being the event's place in
 * `events` and `title` its headline. An action that follows another start with no other story
 * event in between belongs to it (a lesson's narration, then the command it introduces; one
 * command's several objects); a narration always begins its own (a lesson's part).
 */
export function chapters(events) {
  const found = [];
  let open = false; // the last story event began a chapter
  events.forEach((ev, index) => {
    if (ev.level !== "story") return;
    const starts = startsChapter(ev);
    if (starts && (!open || ev.kind === "narration")) found.push({ index, seq: ev.seq, title: plainWords(ev.summary) });
    open = starts;
  });
  return found;
}

/** The chapter to go to from the event on screen (`shown`, -1 before any): the next one after
 * it, or the one before it (a chapter's own start counts as in it: "previous" from there goes
 * to the chapter before). Null when there is none that way. */
export function chapterFrom(list, shown, direction) {
  if (direction > 0) return list.find((c) => c.index > shown) ?? null;
  return list.findLast((c) => c.index < shown) ?? null;
}
