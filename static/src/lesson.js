// A lesson (a scenario from scenarios/): the server hands the page its steps; the page runs
// them in order. `say` steps are checkpoints — the narration waits for "Continue", as in The
// Secret Lives of Data; kubectl steps run in the kubectl prompt; waits wait on the picture.
// The `say` steps divide a lesson into parts; a lesson resumed at part n starts afresh (the
// server gave it a fresh cluster) and runs without pausing, fast, up to that part's `say`.

const SETTLE_QUIET = 5; // virtual seconds without new work (heartbeats aside) count as settled
const SETTLE_CAP = 600;

export class Lesson {
  constructor({ player, timeline, run, act, narrate, ui }) {
    this.player = player;
    this.timeline = timeline;
    this.run = run; // (line, stdin) => Promise<reply>  (prints in the kubectl prompt)
    this.act = act; // (kind, target, label) => Promise<reply>
    this.narrate = narrate; // (lesson name, step index) => Promise: the server traces the say
    this.ui = ui; // {show(lesson), say(text, lesson), waiting(text), done(lesson), fastForward(on)}
    this.active = null;
  }

  /** Run a lesson; `resumeAt` > 1: without pausing up to its part `resumeAt`. */
  start(name, title, steps, resumeAt = 1, files = {}) {
    this.stop();
    steps = steps || [];
    const parts = steps.filter((step) => "say" in step).length;
    const lesson = { name, title, steps, files, index: 0, part: 0, parts, resumeAt, fast: resumeAt > 1, stopped: false };
    this.active = lesson;
    this.ui.show(lesson);
    if (lesson.fast) this.ui.fastForward(true);
    this.loop(lesson);
  }

  /** Resumed up to where the learner left off: back to their pace. */
  arrived(lesson) {
    if (!lesson.fast) return;
    lesson.fast = false;
    this.ui.fastForward(false);
  }

  stop() {
    if (this.active) {
      this.active.stopped = true;
      this.arrived(this.active);
    }
    this.active = null;
    if (this.resume) this.resume();
    this.ui.hide();
  }

  /** The learner pressed Continue. */
  proceed() {
    if (this.resume) {
      const r = this.resume;
      this.resume = null;
      r();
    }
  }

  async loop(lesson) {
    for (; lesson.index < lesson.steps.length; lesson.index += 1) {
      if (lesson.stopped) return;
      const step = lesson.steps[lesson.index];
      this.ui.progress(lesson);
      if ("say" in step) {
        lesson.part += 1;
        if (lesson.part < lesson.resumeAt) {
          await this.narrate(lesson.name, lesson.index); // resuming: on to the part left off at
          continue;
        }
        await this.caughtUp(lesson);
        if (lesson.stopped) return;
        this.arrived(lesson);
        lesson.saying = step.say;
        this.ui.say(step.say, lesson);
        const continued = new Promise((resolve) => (this.resume = resolve));
        await this.narrate(lesson.name, lesson.index); // in the trace too: a chapter begins
        await continued;
        lesson.saying = null;
      } else if ("kubectl" in step) {
        this.ui.waiting(`kubectl ${step.kubectl}`);
        await this.run(step.kubectl, step.stdin || "", filesNamed(step.kubectl, lesson.files));
      } else if ("wait" in step) {
        this.ui.waiting(step.wait === "settled" ? "waiting for the cluster to settle…" : `waiting ${step.wait} of cluster time…`);
        await (step.wait === "settled" ? this.settled(lesson) : this.elapsed(lesson, parseDuration(step.wait)));
      } else if ("fail-node" in step) {
        await this.act("fail-node", step["fail-node"], `fail node ${step["fail-node"]}`);
      } else if ("recover-node" in step) {
        await this.act("recover-node", step["recover-node"], `recover node ${step["recover-node"]}`);
      }
    }
    if (!lesson.stopped) {
      await this.caughtUp(lesson);
      this.arrived(lesson);
      this.ui.done(lesson);
    }
  }

  poll(lesson, ready) {
    return new Promise((resolve) => {
      const check = () => {
        if (lesson.stopped || ready()) resolve();
        else setTimeout(check, 120);
      };
      check();
    });
  }

  caughtUp(lesson) {
    return this.poll(lesson, () => this.player.cursor >= this.timeline.events.length && !this.player.anim);
  }

  /** Caught up, and nothing but housekeeping has happened for a few virtual seconds. */
  settled(lesson) {
    const start = this.player.live.now;
    return this.poll(lesson, () => {
      const now = this.liveNow();
      if (now - start > SETTLE_CAP) return true;
      if (this.player.cursor < this.timeline.events.length || this.player.anim) return false;
      const events = this.timeline.events;
      let last = start;
      for (let i = events.length - 1; i >= 0; i -= 1) {
        if (events[i].step !== "other") {
          last = Math.max(start, events[i].time + (events[i].duration || 0));
          break;
        }
      }
      return now - last >= SETTLE_QUIET;
    });
  }

  elapsed(lesson, seconds) {
    const start = this.liveNow();
    return this.poll(lesson, () => this.liveNow() - start >= seconds && this.player.cursor >= this.timeline.events.length);
  }

  /** The cluster's time as the server last told it. Not extrapolated: the server holds its
   * clock while the page catches up, so a guess runs ahead of it (at 100× by seconds). */
  liveNow() {
    return this.player.live.now;
  }
}

/** "part 2 of 6": a lesson's parts are its `say` steps (one without any counts its steps). */
export function progressOf(lesson) {
  const { part, parts, index, steps } = lesson;
  return parts ? `part ${Math.max(1, part)} of ${parts}` : `step ${index + 1} of ${steps.length}`;
}

/** Go-style durations as scenarios write them: 45s, 6m, 1h30m, 1.5s. */
export function parseDuration(text) {
  const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(String(text).trim());
  if (!m) return 0;
  return Number(m[1] || 0) * 3600 + Number(m[2] || 0) * 60 + Number(m[3] || 0);
}

/** The lesson's files a kubectl line reads (`-f URL`, `--from-file=default.conf`,
 * `--cert /tmp/nginx.crt`), to show them as the tutorial's page shows its manifests. */
export function filesNamed(line, files = {}) {
  const words = new Set(line.split(/[\s=,]+/));
  return Object.entries(files)
    .filter(([name]) => words.has(name))
    .map(([name, text]) => ({ name, text }));
}
