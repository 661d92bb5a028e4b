// Small pieces of page chrome: accessible tabs, the help dialog, keyboard shortcuts, toasts.

import { h } from "./dom.js";

/** Wire a tablist: buttons[role=tab] with aria-controls; ←/→ move between tabs. */
export function tabs(tablist, onChange) {
  const all = () => Array.from(tablist.querySelectorAll('[role="tab"]'));
  const activate = (tab, focus = false) => {
    for (const t of all()) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      const panel = document.getElementById(t.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
    }
    if (focus) tab.focus();
    if (onChange) onChange(tab.dataset.tab);
  };
  tablist.addEventListener("click", (e) => {
    const tab = e.target.closest('[role="tab"]');
    if (!tab) return;
    activate(tab);
    // A tab clicked with the mouse gives the focus back, so that ← and → step the story again;
    // reached with the keyboard (Tab), the tablist keeps it and ←/→ move between tabs.
    if (e.detail > 0) tab.blur();
  });
  tablist.addEventListener("keydown", (e) => {
    const list = all();
    const i = list.indexOf(document.activeElement);
    if (i < 0) return;
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      e.stopPropagation();
      const next = list[(i + (e.key === "ArrowRight" ? 1 : list.length - 1)) % list.length];
      activate(next, true);
    }
  });
  const initial = all().find((t) => t.getAttribute("aria-selected") === "true") || all()[0];
  activate(initial);
  return {
    show(name) {
      const tab = all().find((t) => t.dataset.tab === name);
      if (tab) activate(tab);
    },
    current() {
      return all().find((t) => t.getAttribute("aria-selected") === "true")?.dataset.tab;
    },
  };
}

function typing(target) {
  if (!target || !(target instanceof Element)) return false;
  if (target.closest(".cm-editor, .editor-plain")) return true;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
}

/** Global shortcuts: space, ←, →, [, ], +, −, ?, S, Escape (only Escape while `modal()` says a
 * dialog is open). */
export function installKeyboard(handlers) {
  document.addEventListener("keydown", (e) => {
    // AltGr (reported with Ctrl and Alt on Windows) is how many keyboards type [ and ]
    const altGr = e.getModifierState && e.getModifierState("AltGraph");
    if (e.defaultPrevented || e.metaKey || (!altGr && (e.ctrlKey || e.altKey))) return;
    if (e.key === "Escape") {
      handlers.escape();
      return;
    }
    if (typing(e.target)) return;
    if (handlers.modal && handlers.modal()) return; // a modal dialog is open: its keys are its own
    const onButton = e.target instanceof Element && e.target.closest("button, [role=button], a, summary");
    switch (e.key) {
      case " ":
      case "Spacebar":
        if (onButton) return; // the focused button gets its own activation
        e.preventDefault();
        handlers.toggle();
        break;
      case "ArrowLeft":
        e.preventDefault();
        handlers.back();
        break;
      case "ArrowRight":
        e.preventDefault();
        handlers.forward();
        break;
      case "[":
        e.preventDefault();
        handlers.chapter(-1);
        break;
      case "]":
        e.preventDefault();
        handlers.chapter(1);
        break;
      case "+":
      case "=":
        e.preventDefault();
        handlers.faster();
        break;
      case "-":
      case "_":
      case "−":
        e.preventDefault();
        handlers.slower();
        break;
      case "?":
        e.preventDefault();
        handlers.help();
        break;
      case "s":
      case "S":
        e.preventDefault();
        handlers.story();
        break;
      default:
        break;
    }
  });
}

/** A short message in the corner; also read out by screen readers. */
export function toast(text, tone = "info") {
  let box = document.getElementById("toasts");
  if (!box) {
    box = h("div", { id: "toasts", role: "status", "aria-live": "polite" });
    document.body.append(box);
  }
  const item = h("div", { class: `toast toast-${tone}` }, text);
  box.append(item);
  setTimeout(() => item.classList.add("leaving"), 4200);
  setTimeout(() => item.remove(), 4800);
}
