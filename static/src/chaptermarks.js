// The chapters on the timeline: a mark above the colour strip where each chapter begins, its
// headline as its label, a click jumps there; and "chapter n of m" beside the event count.

import { fill, h } from "./dom.js";
import { chapters } from "./chapters.js";

export class ChapterMarks {
  /** `root`: the marks' layer over the strip; `position`: where "chapter n of m" is written;
   * `jump(index)`: show the event at `index` (a chapter's first). */
  constructor(root, position, { jump }) {
    this.root = root;
    this.position = position;
    this.jump = jump;
    this.builtFor = null; // the events array and its last event the marks were built for
    this.list = [];
    this.marks = [];
  }

  /** `shown`: the index of the event on screen (-1 before any). Cheap when nothing changed. */
  render(events, shown) {
    const last = events[events.length - 1];
    // A reset replaces the array, a fork truncates it and appends new event objects.
    if (!this.builtFor || this.builtFor.events !== events || this.builtFor.last !== last) {
      this.builtFor = { events, last };
      this.list = chapters(events);
      this.marks = this.list.map((chapter, i) => {
        const label = `Chapter ${i + 1}: ${chapter.title}`;
        const mark = h("button", { class: "chapter-mark", type: "button", "aria-label": label, title: label, "data-seq": String(chapter.seq) });
        // CSSOM, not a style attribute: the page's Content-Security-Policy forbids those
        mark.style.left = `${(100 * chapter.index) / Math.max(1, events.length)}%`;
        mark.addEventListener("click", () => this.jump(chapter.index));
        return mark;
      });
      fill(this.root, this.marks);
    }
    let current = -1;
    this.list.forEach((chapter, i) => {
      if (chapter.index <= shown) current = i;
    });
    this.marks.forEach((mark, i) => mark.classList.toggle("current", i === current));
    const n = this.list.length;
    this.position.textContent = !n ? "" : current < 0 ? `${n} chapter${n === 1 ? "" : "s"}` : `chapter ${current + 1} of ${n}`;
  }
}
