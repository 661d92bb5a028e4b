// The projector's join screen: the room's code in very large type, its QR code, its join URL
// (a link, whose text is the URL), and how many follow. Hidden, the code and the count stay in
// a small badge in the header, which brings the screen back.

import { $, trapFocus } from "./dom.js";

/** "1 following", "12 following". */
export function followingText(n) {
  return `${Number(n) || 0} following`;
}

export class JoinScreen {
  constructor(root, { badge, stop }) {
    this.root = root;
    this.badge = badge;
    this.room = null; // {code, display, url, followers}
    this.returnTo = null;
    $("#join-hide", root).addEventListener("click", () => this.hide());
    $("#present-stop", root).addEventListener("click", () => stop());
    badge.addEventListener("click", () => this.open());
    // Modal while open: the page's shortcuts are off (classroom.modal) and Tab stays here
    root.addEventListener("keydown", (e) => trapFocus(root, e));
  }

  get isOpen() {
    return !this.root.hidden;
  }

  /** A room to show (after `present`): its QR image is the server's SVG, as a data: URL (the
   * page's img-src allows data:), labelled for screen readers. */
  set(room, { open = true } = {}) {
    const changed = !this.room || this.room.code !== room.code;
    this.room = { code: room.code, display: room.display, url: room.url, followers: room.followers || 0 };
    if (changed) {
      const qr = $("#join-qr", this.root);
      qr.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(room.qr_svg || "")}`;
      qr.alt = `QR code: ${room.url}`;
      $("#join-code", this.root).textContent = room.display;
      $("#join-code", this.root).setAttribute("aria-label", `Class code: ${[...room.code].join(" ")}`);
      const link = $("#join-link", this.root);
      link.href = room.url;
      link.textContent = room.url;
    }
    this.count(this.room.followers);
    this.badge.hidden = false;
    if (open) this.open();
  }

  count(followers) {
    if (!this.room) return;
    this.room.followers = followers;
    $("#join-count", this.root).textContent = followingText(followers);
    $("#room-badge-code", this.badge).textContent = this.room.display;
    $("#room-badge-count", this.badge).textContent = followingText(followers);
    this.badge.setAttribute("aria-label", `Class ${this.room.display}, ${followingText(followers)}: show the join screen`);
  }

  open() {
    if (!this.room) return;
    if (!this.isOpen) this.returnTo = document.activeElement;
    this.root.hidden = false;
    this.badge.setAttribute("aria-expanded", "true");
    $("#join-hide", this.root).focus();
  }

  hide() {
    if (!this.isOpen) return;
    this.root.hidden = true;
    this.badge.setAttribute("aria-expanded", "false");
    (this.returnTo && this.returnTo.isConnected && this.returnTo !== document.body ? this.returnTo : this.badge).focus();
  }

  /** Presenting stopped: no screen, no badge. */
  close() {
    this.room = null;
    this.root.hidden = true;
    this.badge.hidden = true;
  }
}
