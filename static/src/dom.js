// Tiny DOM helpers: element builders and keyed reconciliation, so every view can be an
// idempotent function of the state without a framework.

const SVG_NS = "http://www.w3.org/2000/svg";

/** Build an HTML element: h("div", {class: "x", onclick: fn}, child, "text"). */
export function h(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** Build an SVG element the same way. */
export function s(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(el, attrs, children) {
  setAttrs(el, attrs);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Set attributes, skipping unchanged ones (cheap to call every frame). */
export function setAttrs(el, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith("on") && typeof value === "function") {
      el[name.toLowerCase()] = value;
    } else if (name === "text") {
      if (el.textContent !== String(value)) el.textContent = String(value);
    } else if (value === null || value === undefined || value === false) {
      if (el.hasAttribute(name)) el.removeAttribute(name);
    } else {
      const text = value === true ? "" : String(value);
      if (el.getAttribute(name) !== text) el.setAttribute(name, text);
    }
  }
  return el;
}

/**
 * Keep `parent`'s children in step with `items`: reuse the element of each key, create the
 * missing ones, remove the rest, keep the order. `update(el, item)` runs on every item.
 */
export function keyed(parent, items, keyOf, create, update) {
  const existing = new Map();
  for (const child of Array.from(parent.children)) {
    if (child.dataset && child.dataset.key !== undefined) existing.set(child.dataset.key, child);
  }
  let previous = null;
  for (const item of items) {
    const key = String(keyOf(item));
    let el = existing.get(key);
    if (el) existing.delete(key);
    else {
      el = create(item);
      el.dataset.key = key;
    }
    update(el, item);
    const want = previous ? previous.nextSibling : parent.firstChild;
    if (want !== el) parent.insertBefore(el, want);
    previous = el;
  }
  for (const el of existing.values()) el.remove();
}

/** Replace an element's children with the given ones. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function clamp(x, lo, hi) {
  return Math.max(lo, Math.min(hi, x));
}

/** Shorten text to n characters with an ellipsis in the middle (keeps pod hash suffixes). */
export function ellipsize(text, n) {
  if (text.length <= n) return text;
  const head = Math.ceil((n - 1) * 0.6);
  const tail = n - 1 - head;
  return `${text.slice(0, head)}…${text.slice(text.length - tail)}`;
}

/** Keep Tab and Shift+Tab inside a modal dialog `root`: from its last focusable control back to
 * the first, and the other way round (a keydown listener on the dialog calls this). */
export function trapFocus(root, e) {
  if (e.key !== "Tab") return;
  const focusable = [...root.querySelectorAll("input, button, a[href], textarea, summary, [tabindex]:not([tabindex='-1'])")].filter(
    (el) => !el.disabled && el.offsetParent !== null,
  );
  if (!focusable.length) return;
  const [first, last] = [focusable[0], focusable[focusable.length - 1]];
  if (e.shiftKey ? document.activeElement === first : document.activeElement === last) {
    e.preventDefault();
    (e.shiftKey ? last : first).focus();
  }
}
