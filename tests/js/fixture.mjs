// The real trace the engine produced, written by tests/test_page_units.py (PODLIFE_TRACE):
// what a tab was sent (`reset`, `events`), the replies to its `etcd` value requests, and the
// engine's own final objects to cross-check the page's derivations against.
//
// Run through pytest: `.venv/bin/pytest tests/test_page_units.py`. Run directly, without the
// variable, every test that needs the trace is skipped (and pytest fails on any skip).

import { readFileSync } from "node:fs";

import { initialState, reduce } from "../../static/src/model.js";
import { ValueStore } from "../../static/src/values.js";

const path = process.env.PODLIFE_TRACE;

/** The fixture, or null when the tests run without it. */
export const trace = path ? JSON.parse(readFileSync(path, "utf8")) : null;

/** Options for `test(name, needsTrace, fn)`: skip, saying why, when there is no trace. */
export const needsTrace = { skip: trace ? false : "PODLIFE_TRACE is not set: run tests/test_page_units.py" };

// ValueStore batches its change notices per animation frame; node has no frames, so give it
// the nearest thing (the page's code is unchanged).
globalThis.requestAnimationFrame ??= (callback) => setTimeout(callback, 0);

/** The state after folding the first `n` events (all of them by default) from the baseline. */
export function foldFromScratch(n = trace.events.length, events = trace.events) {
  const state = initialState(trace.reset.baseline);
  for (const ev of events.slice(0, n)) reduce(state, ev);
  return state;
}

/** The index (cursor) just after the first event matching `predicate`. */
export function cursorAfter(predicate) {
  const i = trace.events.findIndex(predicate);
  if (i < 0) throw new Error("no such event in the trace");
  return i + 1;
}

/**
 * A ValueStore fed as the page feeds it (main.js): it asks for the baseline's keys and for
 * every key an etcd-watch PUT announces, and the "server" answers with the recorded replies.
 * Resolves once every request has been answered.
 */
export async function loadedValues() {
  const asked = [];
  const values = new ValueStore((key, revision) => {
    asked.push(`${key}@${revision}`);
    const reply = trace.etcd[`${key}@${revision}`] ?? { ok: false, error: `no recorded reply for ${key}@${revision}` };
    return Promise.resolve(reply);
  });
  for (const [key, info] of Object.entries(trace.reset.baseline.keys)) values.want(key, info.rev);
  for (const ev of trace.events) {
    if (ev.kind !== "etcd-watch" || ev.data.type === "DELETE") continue;
    values.want(ev.data.key, ev.data.revision);
  }
  while (values.inFlight > 0 || values.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 0));
  return { values, asked };
}

/** The engine's final pods, by "namespace/name". */
export function enginePods() {
  return new Map(trace.engine.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
}
