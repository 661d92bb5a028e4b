// A follower's page: the banner ("Following ABC-DEF — the teacher drives", an aria-live
// region) with "Fork to my sandbox" and "Leave"; the driving controls disabled, each saying why
// in its tooltip; and the "Join a class" dialog where a code is typed.

import { $, h, trapFocus } from "./dom.js";
import { codeProblem, normalizeCode, refusal } from "./room.js";
import { toast } from "./ui.js";

// What drives the room: a follower's page disables it (the server would refuse it anyway).
const DRIVING = [
  "#apply",
  "#example",
  "#terminal .term-input",
  "#play",
  "#to-start",
  "#chapter-prev",
  "#step-back",
  "#step-forward",
  "#chapter-next",
  "#to-live",
  "#story-mode",
  "#scrubber",
  "#speed",
  "#reset",
  "#node-count",
  "#demo-timings",
  "#import-file",
  "#scenario",
  "#add-node",
  "#lesson-stop",
  "#continue",
  "#present",
  "#connect-button",
];
// Inside the inspector, drawn as objects are selected: its actions (its links only show).
const INSPECTOR_DRIVING = "#inspector button.action:not(.link), #inspector .add-node input, #inspector .add-node select, #inspector .crash select";

export class FollowMode {
  constructor(banner, { fork, leave }) {
    this.banner = banner;
    this.display = null; // "ABC-DEF" while following (and once the class ended)
    this.reason = ""; // why the controls are off, in the tooltips and the refusals
    $("#fork-room", banner).addEventListener("click", () => fork());
    $("#unfollow", banner).addEventListener("click", () => leave());
    $("#own-cluster", banner).addEventListener("click", () => leave());
  }

  get on() {
    return this.display !== null;
  }

  /** Following the room `display`: the banner, and the controls off. */
  start(display) {
    this.display = display;
    this.reason = refusal(display);
    document.body.classList.add("following");
    this.banner.hidden = false;
    $("#fork-room", this.banner).hidden = false;
    $("#unfollow", this.banner).hidden = false;
    $("#own-cluster", this.banner).hidden = true;
    this.say(`Following ${display} — the teacher drives.`, "Watch, inspect anything, or fork to try things yourself.");
    this.disable(document.querySelectorAll(DRIVING.join(",")));
  }

  /** The presenter stopped: what the follower has stays; only "Start my own cluster" is left. */
  ended(display) {
    this.reason = `the class ${display} has ended: press "Start my own cluster" to use your own`;
    $("#fork-room", this.banner).hidden = true;
    $("#unfollow", this.banner).hidden = true;
    $("#own-cluster", this.banner).hidden = false;
    this.say(`The class ${display} has ended.`, "What you see stays here; start your own cluster to go on.");
    this.disable(document.querySelectorAll(DRIVING.join(",")));
  }

  /** Back to the page's own cluster. */
  stop() {
    this.display = null;
    document.body.classList.remove("following");
    this.banner.hidden = true;
    for (const el of document.querySelectorAll("[data-follow-disabled]")) {
      el.disabled = el.dataset.followDisabled === "was";
      if (el.dataset.followTitle) el.title = el.dataset.followTitle;
      else el.removeAttribute("title");
      delete el.dataset.followDisabled;
      delete el.dataset.followTitle;
    }
  }

  /** The inspector's actions, drawn anew as it renders: off too (called after each render). */
  guardInspector(root) {
    if (this.on) this.disable(root.querySelectorAll(INSPECTOR_DRIVING));
  }

  /** A follower pressed a driving key: say why nothing happens. */
  refuse() {
    toast(this.sentence(), "error");
  }

  say(headline, more) {
    $("#follow-text", this.banner).replaceChildren(h("strong", {}, headline), ` ${more}`);
  }

  sentence() {
    return this.reason[0].toUpperCase() + this.reason.slice(1);
  }

  disable(elements) {
    const title = this.sentence();
    for (const el of elements) {
      if (el.dataset.followDisabled === undefined) {
        el.dataset.followDisabled = el.disabled ? "was" : "";
        el.dataset.followTitle = el.getAttribute("title") || "";
      }
      el.disabled = true;
      if (el.title !== title) el.title = title;
    }
  }
}

/** "Join a class": a code typed → `follow(code)`, which answers {ok, error}. */
export class JoinDialog {
  constructor(root, { opener, follow }) {
    this.root = root;
    this.opener = opener;
    this.input = $("#join-code-input", root);
    this.error = $("#join-error", root);
    opener.addEventListener("click", () => this.open());
    $("#join-cancel", root).addEventListener("click", () => this.close());
    root.addEventListener("click", (e) => {
      if (e.target === root) this.close();
    });
    root.addEventListener("keydown", (e) => trapFocus(root, e));
    $("#join-form", root).addEventListener("submit", async (e) => {
      e.preventDefault();
      const problem = codeProblem(this.input.value);
      if (problem) {
        this.showError(problem);
        return;
      }
      this.showError("");
      this.root.setAttribute("aria-busy", "true");
      const reply = await follow(normalizeCode(this.input.value));
      this.root.setAttribute("aria-busy", "false");
      if (reply.ok) this.close();
      else this.showError(reply.error || "The server did not let this page follow the class.");
    });
  }

  get isOpen() {
    return !this.root.hidden;
  }

  open() {
    this.returnTo = document.activeElement;
    this.root.hidden = false;
    this.showError("");
    this.input.focus();
    this.input.select();
  }

  close() {
    if (!this.isOpen) return;
    this.root.hidden = true;
    if (this.returnTo && this.returnTo.isConnected) this.returnTo.focus();
  }

  showError(text) {
    this.error.hidden = !text;
    this.error.textContent = text;
    this.input.setAttribute("aria-invalid", String(Boolean(text)));
  }
}
