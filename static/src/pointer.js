// The presenter's pointer over the stage: tracked on the presenter's page as fractions of the
// stage's SVG viewBox (so it lands on the same component whatever each screen's size), drawn on
// a follower's stage as a ring.

import { s } from "./dom.js";

/** Where the mouse is over `svg`, as {x, y} fractions of its viewBox (0..1), null outside. */
export function pointerOf(svg, clientX, clientY) {
  const ctm = svg.getScreenCTM();
  const box = svg.viewBox.baseVal;
  if (!ctm || !box || !box.width || !box.height) return null;
  const at = new DOMPoint(clientX, clientY).matrixTransform(ctm.inverse());
  const x = (at.x - box.x) / box.width;
  const y = (at.y - box.y) / box.height;
  if (x < 0 || x > 1 || y < 0 || y > 1) return null;
  return { x: Math.round(x * 10000) / 10000, y: Math.round(y * 10000) / 10000 };
}

/** Call `moved(pointer | null)` as the presenter's mouse moves over the stage and leaves it. */
export function trackPointer(svg, moved) {
  svg.addEventListener("pointermove", (e) => moved(pointerOf(svg, e.clientX, e.clientY)));
  svg.addEventListener("pointerleave", () => moved(null));
}

/** The presenter's pointer on a follower's stage: a ring above every layer. */
export class PointerRing {
  constructor(svg) {
    this.svg = svg;
    this.at = null;
    this.ring = s(
      "g",
      { class: "room-pointer", "aria-hidden": "true", visibility: "hidden" },
      s("circle", { class: "room-pointer-halo", r: "26" }),
      s("circle", { class: "room-pointer-ring", r: "16" }),
      s("circle", { class: "room-pointer-dot", r: "4" }),
    );
    svg.append(this.ring);
  }

  /** Show the pointer at {x, y} (fractions of the viewBox), or hide it (null). */
  show(pointer) {
    this.at = pointer && Number.isFinite(pointer.x) && Number.isFinite(pointer.y) ? pointer : null;
    this.place();
  }

  /** Place it again (the stage's viewBox grows with the cluster). */
  place() {
    if (this.svg.lastChild !== this.ring) this.svg.append(this.ring); // stay on top
    if (!this.at) {
      this.ring.setAttribute("visibility", "hidden");
      return;
    }
    const box = this.svg.viewBox.baseVal;
    const x = box.x + this.at.x * box.width;
    const y = box.y + this.at.y * box.height;
    this.ring.setAttribute("transform", `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
    this.ring.setAttribute("visibility", "visible");
  }
}
