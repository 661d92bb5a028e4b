// The classroom on the page: presenting a room (the join screen, `view` sent as the presenter's
// picture moves) and following one (the banner, the player held to the presenter's position,
// the pointer, fork and leave). The messages are the rooms protocol's (docs/protocol.md
// "Rooms"); the pure rules are room.js's.

import { $ } from "./dom.js";
import { FollowMode, JoinDialog } from "./followmode.js";
import { JoinScreen } from "./joinscreen.js";
import { PointerRing, trackPointer } from "./pointer.js";
import { codeFromLocation, codeToFollow, detailObject, FOLLOW_KEY, followTo, recall, remember, ROOM_KEY, shownSeq, Throttle } from "./room.js";
import { toast } from "./ui.js";

export class Classroom {
  /**
   * hooks: presenterMode(on), followed(reply) and forked(reply) (the page's own state for the
   * room's cluster / the new sandbox), hello() (back to the page's own session), story(on),
   * select(obj) (the presenter inspects obj), detail() (what this page inspects, a key).
   */
  constructor({ conn, player, timeline, stage, hooks }) {
    this.conn = conn;
    this.player = player;
    this.timeline = timeline;
    this.hooks = hooks;
    this.role = null; // "presenter", "follower", "ended" (the room closed under a follower)
    this.display = null;
    this.view = null; // the presenter's latest `view`, on a follower's page
    this.detail = null; // the object the presenter last inspected (a follower follows changes)
    this.sentKey = ""; // the presenter's last `view`, as sent
    this.pointer = null; // the presenter's pointer over the stage
    this.throttle = new Throttle((view) => conn.send("view", view));
    this.ring = new PointerRing(stage);
    this.joinScreen = new JoinScreen($("#join-screen"), { badge: $("#room-badge"), stop: () => this.unpresent() });
    this.followMode = new FollowMode($("#follow-banner"), { fork: () => this.fork(), leave: () => this.leave() });
    this.joinDialog = new JoinDialog($("#join"), { opener: $("#join-button"), follow: (code) => this.follow(code) });
    $("#present").addEventListener("click", () => this.present());
    trackPointer(stage, (pointer) => {
      this.pointer = pointer;
      if (this.role === "presenter") this.sendView();
    });
    conn.on("room", ({ followers }) => this.joinScreen.count(followers));
    conn.on("view", (view) => this.viewed(view));
    conn.on("room-closed", () => this.closed());
  }

  /** The page's controls do not drive: it follows a room (or followed one that ended). */
  get blocked() {
    return this.role === "follower" || this.role === "ended";
  }

  /** A modal of the classroom is open (the page's shortcuts are off): the dialog to join a
   * class, or the projector's join screen (the teacher hides it to teach). */
  get modal() {
    return this.joinDialog.isOpen || this.joinScreen.isOpen;
  }

  /** Escape: close what the classroom has open; false when nothing was. */
  escape() {
    if (this.joinDialog.isOpen) this.joinDialog.close();
    else if (this.joinScreen.isOpen) this.joinScreen.hide();
    else return false;
    return true;
  }

  // ---- on connecting ----------------------------------------------------------------------
  /** Follow the code in the address (/join/CODE, ?join=CODE) or the one this tab followed
   * before a reload. False when there is none, or the server knows it no more (then the page
   * says so and goes on with its own cluster). */
  async resume() {
    const code = this.codeToFollow();
    if (!code) return false;
    const reply = await this.follow(code);
    if (reply.ok) return true;
    toast(reply.error || "cannot follow that class", "error");
    this.forgetFollow();
    return false;
  }

  /** The code this tab is to follow on connecting, or null. */
  codeToFollow() {
    return codeToFollow(location.pathname, location.search, sessionStorage);
  }

  /** What `hello` carries for a presenter coming back (a reload, a reconnection). */
  helloExtra() {
    const room = recall(sessionStorage, ROOM_KEY);
    return room && room.code && room.secret ? { presenter: { code: room.code, secret: room.secret } } : {};
  }

  /** After `hello` (its reply's `room`: the room this session still is): a presenter coming
   * back has its badge again; one whose room the server forgot presents anew, join screen open
   * (a new code). */
  afterHello(room) {
    if (room) this.presenting(room, false);
    else if (recall(sessionStorage, ROOM_KEY)) this.present();
  }

  // ---- the presenter ----------------------------------------------------------------------
  async present() {
    const reply = await this.conn.request("present", {});
    if (reply.ok) this.presenting(reply, true);
    else {
      toast(reply.error || "the server did not open a room", "error");
      remember(sessionStorage, ROOM_KEY, null);
    }
  }

  /** `reply`: the `present` reply's fields. */
  presenting(reply, open) {
    this.role = "presenter";
    this.display = reply.display;
    remember(sessionStorage, ROOM_KEY, { code: reply.code, secret: reply.secret });
    if (open) this.hooks.presenterMode(true); // a projector's type; a reload keeps the choice
    this.joinScreen.set(reply, { open });
    this.sentKey = ""; // the room hears where this page is at once
    this.sendView();
  }

  async unpresent() {
    const reply = await this.conn.request("unpresent", {});
    if (!reply.ok) toast(reply.error || "the room did not close", "error");
    this.role = null;
    this.throttle.clear();
    remember(sessionStorage, ROOM_KEY, null);
    this.joinScreen.close();
    $("#present").focus();
  }

  /** The presenter's picture: sent when it changes, at most ~15 times a second. */
  sendView() {
    const view = { seq: shownSeq(this.player), story: this.player.story, detail: this.hooks.detail(), pointer: this.pointer };
    const key = JSON.stringify(view);
    if (key === this.sentKey) return;
    this.sentKey = key;
    this.throttle.push(view);
  }

  // ---- a follower -------------------------------------------------------------------------
  /** Follow the room `code`: the server's reply ({ok, error} to show when it refuses). */
  async follow(code) {
    const reply = await this.conn.request("follow", { code });
    if (!reply.ok) return reply;
    if (this.role === "presenter") {
      this.throttle.clear();
      this.joinScreen.close(); // its room goes on; hello with its secret takes it back
    }
    this.role = "follower";
    this.display = reply.display;
    this.view = null;
    this.detail = null;
    remember(sessionStorage, FOLLOW_KEY, { code: reply.code });
    this.hooks.followed(reply);
    this.followMode.start(reply.display);
    return reply;
  }

  viewed(view) {
    if (this.role !== "follower") return;
    this.view = view;
    if (typeof view.story === "boolean" && view.story !== this.player.story) this.hooks.story(view.story);
    this.ring.show(view.pointer || null);
    if (view.detail !== this.detail) {
      this.detail = view.detail;
      const obj = detailObject(view.detail);
      if (obj) this.hooks.select(obj);
    }
  }

  /** Every frame: a follower's player goes where the presenter's is; the presenter's `view`. */
  frame() {
    if (this.role === "follower") followTo(this.player, this.timeline, this.view ? this.view.seq : Infinity);
    else if (this.role === "presenter") this.sendView();
    if (this.blocked) this.ring.place();
  }

  closed() {
    if (this.role !== "follower") return;
    this.role = "ended";
    this.ring.show(null);
    this.forgetFollow();
    this.followMode.ended(this.display);
  }

  /** "Fork to my sandbox": a private copy of the room's cluster up to what this page shows. */
  async fork() {
    const last = this.timeline.events[this.player.cursor - 1];
    const reply = await this.conn.request("fork-room", { at_seq: last ? last.seq : 0 });
    if (!reply.ok) {
      toast(reply.error || "the fork failed", "error");
      return;
    }
    this.stopFollowing();
    this.hooks.forked(reply);
    toast(`Your own copy of the class's cluster, as it was at event #${reply.seq}: change anything, the class is untouched.`);
  }

  /** "Leave" (or, the room ended, "Start my own cluster"): back to the page's own cluster. */
  async leave() {
    if (this.role === "follower") await this.conn.request("unfollow", {});
    this.stopFollowing();
    await this.hooks.hello();
  }

  stopFollowing() {
    this.role = null;
    this.view = null;
    this.player.limit = null;
    this.ring.show(null);
    this.forgetFollow();
    this.followMode.stop();
  }

  forgetFollow() {
    remember(sessionStorage, FOLLOW_KEY, null);
    if (codeFromLocation(location.pathname, location.search)) history.replaceState(null, "", "/");
  }

  /** After the inspector drew: its actions off on a follower's page. */
  guardInspector(root) {
    if (this.blocked) this.followMode.guardInspector(root);
  }

  refuse() {
    this.followMode.refuse();
  }
}
