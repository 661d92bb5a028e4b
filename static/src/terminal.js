// The kubectl prompt: a terminal-like line with history (↑/↓). Output is printed exactly as the
// server returns it; `get -w` streams through `kubectl-output` while the command runs. What a
// reply prints is handed to `hold`, which keeps it until the stage shows the answer.

import { h } from "./dom.js";

const HISTORY_KEY = "podlife.kubectl.history";
const MAX_HISTORY = 200;
const MAX_LINES = 4000;

export class Terminal {
  constructor(root, { run, hold = () => {} }) {
    this.run = run; // (line, id, stdin) => Promise<reply>
    this.hold = hold; // (elements, reply) => void: the reply's output, just printed
    this.root = root;
    this.log = h("pre", { class: "term-log", role: "log", "aria-live": "polite", "aria-label": "kubectl output" });
    this.input = h("input", {
      class: "term-input",
      type: "text",
      spellcheck: "false",
      autocomplete: "off",
      "aria-label": "kubectl command (↑ and ↓ for history)",
      placeholder: "get pods -o wide",
    });
    this.prompt = h("label", { class: "term-prompt" }, h("span", { class: "term-ps1", "aria-hidden": "true" }, "$ kubectl"), this.input);
    // Shown while columns of a wide table are hidden to the right; a press scrolls to them.
    this.more = h("button", { class: "term-more link", type: "button", hidden: true, "aria-label": "Scroll the kubectl output right: more columns" }, "more columns → (scroll sideways)");
    this.more.addEventListener("click", () => this.log.scrollBy({ left: this.log.clientWidth * 0.8 }));
    this.log.addEventListener("scroll", () => this.showMore());
    new ResizeObserver(() => this.showMore()).observe(this.log);
    root.append(this.log, this.more, this.prompt);
    this.history = loadHistory();
    this.position = this.history.length;
    this.draft = "";
    this.pending = new Map(); // id -> {streamed text length}
    this.nextId = 1;
    this.widest = 0; // characters in kubectl's longest output line
    this.input.addEventListener("keydown", (e) => this.onKey(e));
    this.log.addEventListener("click", () => this.input.focus());
    // two short lines: nothing to scroll sideways for until kubectl prints a wide table
    this.print("system", "Type a kubectl command, e.g. get pods -o wide,\nget events or scale deployment web --replicas=5\n");
  }

  onKey(e) {
    if (e.key === "Enter") {
      e.preventDefault();
      const line = this.input.value.trim().replace(/^kubectl\s+/, "");
      if (!line) return;
      this.input.value = "";
      this.remember(line);
      this.execute(line);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (this.position === this.history.length) this.draft = this.input.value;
      this.position = Math.max(0, this.position - 1);
      this.input.value = this.history[this.position] ?? this.draft;
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      this.position = Math.min(this.history.length, this.position + 1);
      this.input.value = this.position === this.history.length ? this.draft : this.history[this.position];
    } else if (e.key === "l" && e.ctrlKey) {
      e.preventDefault();
      this.log.replaceChildren();
      this.widest = 0;
      this.showMore();
    }
  }

  remember(line) {
    if (this.history[this.history.length - 1] !== line) this.history.push(line);
    if (this.history.length > MAX_HISTORY) this.history.splice(0, this.history.length - MAX_HISTORY);
    this.position = this.history.length;
    try {
      localStorage.setItem(HISTORY_KEY, JSON.stringify(this.history));
    } catch {
      // private mode: history lives as long as the page
    }
  }

  /** `files`: [{name, text}] the line reads, shown after it as its standard input is. */
  async execute(line, stdin = "", files = []) {
    const id = `k${Date.now().toString(36)}${this.nextId++}`;
    this.print("command", `$ kubectl ${line}\n`);
    for (const { name, text } of files) this.print("system", `# ${name}\n${text.replace(/\n?$/, "\n")}`);
    if (stdin) this.print("system", `${stdin.replace(/\n?$/, "\n")}`);
    this.pending.set(id, { chunks: 0 });
    this.root.classList.add("busy");
    const reply = await this.run(line, id, stdin);
    const seen = this.pending.get(id) || { chunks: 0 };
    this.pending.delete(id);
    if (!this.pending.size) this.root.classList.remove("busy");
    const output = reply.output || [];
    // Chunks already streamed as kubectl-output are not printed twice.
    const skip = typeof reply.streamed === "number" ? Math.max(reply.streamed, seen.chunks) : seen.chunks;
    this.hold(this.printAll(output.slice(skip)), reply);
    if (!reply.ok && reply.error) this.print("stderr", `${reply.error}\n`);
    return reply;
  }

  /** A `kubectl-output` chunk from the server. */
  streamed({ id, stream, text }) {
    const p = this.pending.get(id);
    if (p) p.chunks += 1;
    this.print(stream, text);
  }

  printAll(chunks) {
    return chunks.map(([stream, text]) => this.print(stream, text)).filter(Boolean);
  }

  print(stream, text) {
    if (!text) return null;
    if (stream === "stdout" || stream === "stderr") for (const line of text.split("\n")) this.widest = Math.max(this.widest, line.length);
    const span = h("span", { class: `term-${stream}` }, text);
    this.log.append(span);
    while (this.log.childNodes.length > MAX_LINES) this.log.firstChild.remove();
    this.log.scrollTop = this.log.scrollHeight;
    this.showMore();
    return span;
  }

  showMore() {
    const log = this.log;
    if (!log.clientWidth) return; // its tab is hidden
    this.more.hidden = log.scrollWidth - log.clientWidth - log.scrollLeft <= 1;
    // What kubectl's widest line needs, for a layout that can make room (the presenter drawer).
    const style = getComputedStyle(log);
    const needed = this.widest * charWidth(style.font) + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + (log.offsetWidth - log.clientWidth) + 4;
    document.body.style.setProperty("--kubectl-width", `${Math.ceil(needed)}px`);
  }

  /** Show a command the page ran for the learner (an action, a scenario step). */
  echo(command, reply) {
    this.print("command", `$ ${command}\n`);
    this.hold(this.printAll(reply.output || []), reply);
    if (!reply.ok && reply.error) this.print("stderr", `${reply.error}\n`);
  }

  focus() {
    this.input.focus();
  }
}

const charWidths = new Map();

/** The advance of one character of a monospace `font` ("16px / 1.45 DejaVu Sans Mono"). */
function charWidth(font) {
  if (!charWidths.has(font)) {
    const ctx = document.createElement("canvas").getContext("2d");
    ctx.font = font;
    charWidths.set(font, ctx.measureText("0".repeat(100)).width / 100);
  }
  return charWidths.get(font);
}

function loadHistory() {
  try {
    const list = JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]");
    return Array.isArray(list) ? list.filter((x) => typeof x === "string") : [];
  } catch {
    return [];
  }
}
