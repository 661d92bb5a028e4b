// A lesson at a checkpoint as an address: /?lesson=13-rolling-update&part=3 opens that lesson
// in a fresh cluster and runs it without pausing up to its part 3 (as "Continue" does,
// lesson.js), then at the learner's pace: a teacher's slide, a learner's bookmark, a link in
// a course's notes. A part is a `say` step of the lesson, its checkpoints.

const NAME = /^[\w.-]{1,100}$/; // a scenario's file name (scenarios/<name>.yaml)

/** The address of lesson `name` at part `part` (1: its start), on the server at `origin`. */
export function lessonLink(origin, name, part = 1) {
  const url = new URL("/", origin);
  url.searchParams.set("lesson", name);
  if (part > 1) url.searchParams.set("part", String(part));
  return url.href;
}

/** The lesson an address asks for, `{name, part}`, or null (none, or not a lesson's name). */
export function lessonFromLocation(search) {
  const params = new URLSearchParams(search || "");
  const name = params.get("lesson");
  if (!name || !NAME.test(name)) return null;
  const part = Number.parseInt(params.get("part") || "1", 10);
  return { name, part: Number.isFinite(part) && part >= 1 ? part : 1 };
}

/** The part to start at: `part`, within the lesson's `parts` (its `say` steps). */
export function partWithin(part, parts) {
  return Math.min(Math.max(1, part), Math.max(1, parts));
}
