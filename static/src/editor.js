// The manifest editor: CodeMirror 6 with YAML highlighting and a lint gutter that shows the
// errors of the last apply at their lines, in kubectl's words.

import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import { HighlightStyle, bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";
import { tags as t } from "@lezer/highlight";

const highlight = HighlightStyle.define([
  { tag: t.propertyName, color: "var(--code-key)" },
  { tag: [t.string, t.special(t.string)], color: "var(--code-string)" },
  { tag: [t.number, t.bool, t.null], color: "var(--code-number)" },
  { tag: [t.comment, t.meta], color: "var(--code-comment)", fontStyle: "italic" },
  { tag: [t.punctuation, t.separator, t.squareBracket, t.brace], color: "var(--ink-2)" },
  { tag: [t.keyword, t.definition(t.propertyName)], color: "var(--code-key)" },
]);

const theme = EditorView.theme(
  {
    "&": { color: "var(--ink)", backgroundColor: "var(--panel-2)", height: "100%", fontSize: "var(--code-size)" },
    ".cm-content": { fontFamily: "var(--mono)", caretColor: "var(--accent)" },
    ".cm-gutters": { backgroundColor: "var(--panel-2)", color: "var(--ink-3)", border: "none" },
    ".cm-activeLine": { backgroundColor: "rgba(120, 160, 255, 0.06)" },
    ".cm-activeLineGutter": { backgroundColor: "rgba(120, 160, 255, 0.10)" },
    "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "-2px" },
    ".cm-cursor": { borderLeftColor: "var(--accent)" },
    ".cm-selectionBackground, &.cm-focused .cm-selectionBackground": { backgroundColor: "rgba(120, 160, 255, 0.28) !important" },
    ".cm-tooltip": { backgroundColor: "var(--panel)", color: "var(--ink)", border: "1px solid var(--line)" },
  },
  { dark: true },
);

export class ManifestEditor {
  constructor(parent, { initial, onApply }) {
    this.onApply = onApply;
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          yaml(),
          syntaxHighlighting(highlight),
          lintGutter(),
          EditorState.tabSize.of(2),
          keymap.of([
            { key: "Mod-Enter", run: () => (this.onApply(), true) },
            ...defaultKeymap,
            ...historyKeymap,
          ]),
          EditorView.contentAttributes.of({ "aria-label": "Manifest (YAML). Ctrl+Enter applies it." }),
          theme,
        ],
      }),
    });
  }

  get text() {
    return this.view.state.doc.toString();
  }

  set text(value) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: value } });
    this.showErrors([]);
  }

  /** errors: [{line, message}] from the apply reply; line 1-based (0/none: the first line). */
  showErrors(errors) {
    const doc = this.view.state.doc;
    const diagnostics = (errors || []).map((e) => {
      const n = Math.min(Math.max(1, Number(e.line) || 1), doc.lines);
      const line = doc.line(n);
      return { from: line.from, to: Math.max(line.from, line.to), severity: "error", message: e.message, source: "kubectl" };
    });
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }

  focus() {
    this.view.focus();
  }
}
