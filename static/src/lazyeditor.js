// The manifest editor, loaded when it is first needed. CodeMirror is two thirds of the page's
// script, and a class following its teacher never edits: its followers' first load leaves it
// out (docs/performance.md "Page weight"). Until it arrives, the editor's text shows as plain
// text, and what the page sets (an example, an apply's errors) waits for it.

import { h } from "./dom.js";

export class LazyEditor {
  constructor(parent, { initial, onApply }) {
    this.parent = parent;
    this.onApply = onApply;
    this.pending = { text: initial, errors: [] };
    this.editor = null;
    this.loading = null;
    this.plain = h("pre", { class: "editor-plain", tabindex: "0", "aria-label": "Manifest (YAML): the editor opens when you click or focus it" }, initial);
    for (const event of ["pointerdown", "focus"]) this.plain.addEventListener(event, () => this.load(), { once: true });
    parent.append(this.plain);
  }

  /** Fetch CodeMirror (once) and put the real editor in place of the plain text. */
  load() {
    this.loading ??= import("./editor.js").then(({ ManifestEditor }) => {
      this.plain.remove();
      this.editor = new ManifestEditor(this.parent, { initial: this.pending.text, onApply: this.onApply });
      this.editor.showErrors(this.pending.errors);
      return this.editor;
    });
    return this.loading;
  }

  get text() {
    return this.editor ? this.editor.text : this.pending.text;
  }

  set text(value) {
    if (this.editor) this.editor.text = value;
    else {
      this.pending = { text: value, errors: [] };
      this.plain.textContent = value;
    }
  }

  /** errors: [{line, message}] from the apply reply (ManifestEditor.showErrors). */
  showErrors(errors) {
    if (this.editor) this.editor.showErrors(errors);
    else this.pending.errors = errors;
  }
}
