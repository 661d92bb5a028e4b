// The lesson picker: the three beginner lessons first ("Start here"), then the rest; and the
// lesson the learner was in, remembered in localStorage, offered as "Continue: … (part 3 of 6)".
// A lesson's parts are its `say` steps, where it waits for Continue.

import { fill, h } from "./dom.js";

export const START_HERE = ["01-first-pod", "02-deployment", "02-pod-vs-deployment"];
const PROGRESS_KEY = "podlife.lessons";
export const CONTINUE = "continue:"; // an option's value prefix: resume that lesson

/** {current: {name, part, of} | null, done: [name…]} from what was stored (anything else: none). */
export function readProgress(text) {
  try {
    const stored = JSON.parse(text || "{}");
    const c = stored.current;
    const current = c && typeof c.name === "string" && Number.isInteger(c.part) && Number.isInteger(c.of) && c.part >= 1 && c.part <= c.of ? { name: c.name, part: c.part, of: c.of } : null;
    const done = Array.isArray(stored.done) ? stored.done.filter((n) => typeof n === "string") : [];
    return { current, done };
  } catch {
    return { current: null, done: [] };
  }
}

/** The picker's content: [{value, label, title}] options and [{label, options}] groups, in order. */
export function pickerEntries(scenarios, progress) {
  const title = (sc) => sc.title || sc.name;
  const option = (sc) => ({ value: sc.name, label: `${progress.done.includes(sc.name) ? "✓ " : ""}${title(sc)}`, title: sc.summary || "" });
  const entries = [{ value: "", label: "— free play —" }];
  const current = progress.current && scenarios.find((sc) => sc.name === progress.current.name);
  if (current && progress.current.part > 1) {
    entries.push({ value: CONTINUE + current.name, label: `Continue: ${title(current)} (part ${progress.current.part} of ${progress.current.of})`, title: current.summary || "" });
  }
  const first = START_HERE.map((name) => scenarios.find((sc) => sc.name === name)).filter(Boolean);
  const rest = scenarios.filter((sc) => !START_HERE.includes(sc.name));
  if (first.length) entries.push({ label: "Start here", options: first.map(option) });
  if (rest.length) entries.push({ label: first.length ? "More lessons" : "Lessons", options: rest.map(option) });
  return entries;
}

export class LessonPicker {
  constructor(select) {
    this.select = select;
    this.progress = readProgress(load());
    this.scenarios = [];
  }

  /** (Re)draw the options, keeping `value` selected. */
  show(scenarios, value = "") {
    this.scenarios = scenarios;
    const build = (e) => h("option", { value: e.value, title: e.title || null }, e.label);
    fill(
      this.select,
      pickerEntries(scenarios, this.progress).map((e) => (e.options ? h("optgroup", { label: e.label }, e.options.map(build)) : build(e))),
    );
    this.select.value = value;
  }

  /** The learner reached part `part` of `of` of a lesson (a `say`). */
  reached(name, part, of) {
    this.progress.current = { name, part, of };
    this.save(name);
  }

  /** The lesson ran to its end: marked done, nothing to continue. */
  finished(name) {
    if (!this.progress.done.includes(name)) this.progress.done.push(name);
    if (this.progress.current?.name === name) this.progress.current = null;
    this.save(name);
  }

  save(selected) {
    try {
      localStorage.setItem(PROGRESS_KEY, JSON.stringify(this.progress));
    } catch {
      // private mode: progress lasts as long as the page
    }
    this.show(this.scenarios, selected);
  }
}

function load() {
  try {
    return localStorage.getItem(PROGRESS_KEY);
  } catch {
    return null;
  }
}
