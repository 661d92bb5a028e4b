// Classroom rooms, the protocol side (docs/protocol.md, "Rooms"):
// join codes, where a follower's cursor should be, the presenter's throttled `view`, and what
// the page keeps in sessionStorage to follow again (or present again) after a reload.
//
// Pure: no DOM here (the join screen is joinscreen.js, the follower's banner followmode.js, the
// pointer pointer.js); main.js wires them to the connection and the player.

// The server's alphabet: no 0/O, 1/I/L look-alikes.
export const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const CODE_LENGTH = 6;
export const ROOM_KEY = "podlife.room"; // the presenter's {code, secret}
export const FOLLOW_KEY = "podlife.follow"; // the code a follower follows
export const VIEW_INTERVAL_MS = 1000 / 15; // the presenter's `view` at most ~15 times a second
export const JUMP_SECONDS = 3; // a follower further behind than this jumps instead of playing

/** A typed code, read case-insensitively, spaces and dashes ignored: "ABCDEF", or null when it
 * cannot be a code (wrong length, a letter outside the alphabet). */
export function normalizeCode(text) {
  const code = String(text ?? "")
    .toUpperCase()
    .replace(/[\s-]+/g, "");
  if (code.length !== CODE_LENGTH) return null;
  for (const ch of code) if (!CODE_ALPHABET.includes(ch)) return null;
  return code;
}

/** "ABCDEF" → "ABC-DEF", as the projector shows it. */
export function displayCode(code) {
  const half = Math.ceil(code.length / 2);
  return `${code.slice(0, half)}-${code.slice(half)}`;
}

/** What a typed code is missing, in words, for the join form ("" when it is a code). */
export function codeProblem(text) {
  const raw = String(text ?? "")
    .toUpperCase()
    .replace(/[\s-]+/g, "");
  if (!raw) return "Type the code the projector shows, e.g. ABC-DEF.";
  const odd = [...raw].filter((ch) => !CODE_ALPHABET.includes(ch));
  if (odd.length) return `A class code has no ${[...new Set(odd)].join(", ")}: check the code on the projector.`;
  if (raw.length !== CODE_LENGTH) return `A class code has ${CODE_LENGTH} characters; this one has ${raw.length}.`;
  return "";
}

/** The code in the page's own address: /join/CODE, or ?join=CODE (null: none). */
export function codeFromLocation(pathname, search) {
  const path = /^\/join\/([^/]+)\/?$/.exec(pathname || "");
  if (path) return normalizeCode(decodeURIComponent(path[1]));
  const query = new URLSearchParams(search || "").get("join");
  return query ? normalizeCode(query) : null;
}

/** The code a tab follows on connecting: its address's (/join/CODE, ?join=CODE), else the one
 * it followed before a reload (null: none). Never the room the tab itself presents: a teacher's
 * tab reloaded on its own join URL presents again rather than follow itself. */
export function codeToFollow(pathname, search, storage) {
  const code = codeFromLocation(pathname, search) || normalizeCode(recall(storage, FOLLOW_KEY)?.code);
  const presented = normalizeCode(recall(storage, ROOM_KEY)?.code);
  return code && code === presented ? null : code;
}

/** The seq the presenter's picture shows: the event in flight, else the last one played (0:
 * none yet). That is the `view.seq` followers play up to. */
export function shownSeq(player) {
  const events = player.events;
  const index = player.anim ? player.anim.index : player.cursor - 1;
  return index >= 0 && events[index] ? events[index].seq : 0;
}

/** Where a follower's cursor goes for the presenter's `seq`: past the event of that seq. A seq
 * not received yet (its events are on their way): as far as the follower has. */
export function followTarget(timeline, seq) {
  if (!seq) return 0;
  const index = timeline.indexOfSeq(seq);
  if (index >= 0) return index + 1;
  const last = timeline.events[timeline.events.length - 1];
  if (!last || seq > last.seq) return timeline.events.length;
  // an older seq no longer held (truncated by a fork): the first event after it
  const after = timeline.events.findIndex((ev) => ev.seq > seq);
  return after < 0 ? timeline.events.length : after;
}

/** The refusal a follower reads when it tries to drive (the server's own words). */
export function refusal(display) {
  return `only the presenter drives this room (${display}); press "Fork to my sandbox" to experiment on a copy`;
}

/** At most one call of `send` per `interval` ms; the latest value always goes, a trailing call
 * after the last push. `clock` and `timer` are injectable for tests. */
export class Throttle {
  constructor(send, interval = VIEW_INTERVAL_MS, { now = () => performance.now(), timer = (fn, ms) => setTimeout(fn, ms), cancel = (id) => clearTimeout(id) } = {}) {
    this.send = send;
    this.interval = interval;
    this.now = now;
    this.timer = timer;
    this.cancel = cancel;
    this.last = -Infinity;
    this.pending = null; // [value] waiting for the trailing send
    this.scheduled = null;
  }

  push(value) {
    const wait = this.last + this.interval - this.now();
    if (wait <= 0 && this.scheduled === null) {
      this.fire(value);
      return;
    }
    this.pending = [value];
    if (this.scheduled === null) this.scheduled = this.timer(() => this.flush(), Math.max(0, wait));
  }

  flush() {
    this.scheduled = null;
    if (!this.pending) return;
    const [value] = this.pending;
    this.fire(value);
  }

  fire(value) {
    this.pending = null;
    this.last = this.now();
    this.send(value);
  }

  /** Drop what waits (presenting stopped). */
  clear() {
    if (this.scheduled !== null) this.cancel(this.scheduled);
    this.scheduled = null;
    this.pending = null;
  }
}

/** sessionStorage, tolerant of a browser that refuses it (the page then just forgets). */
export function remember(storage, key, value) {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(value));
  } catch {
    // not remembered: a reload will not follow (or present) again
  }
}

export function recall(storage, key) {
  try {
    const value = JSON.parse(storage.getItem(key) || "null");
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

/** A follower's player, one frame: play up to the presenter's `seq` with the usual animation,
 * jump there at once when further behind than JUMP_SECONDS, go back with the presenter. The
 * player's hooks send nothing meanwhile (a follower does not drive the room's clock). */
export function followTo(player, timeline, seq) {
  const target = followTarget(timeline, seq);
  player.limit = target;
  const ahead = player.anim ? player.anim.index >= target : player.cursor > target;
  if (ahead) player.seek(target);
  else if (player.cursor < target && player.secondsUntil(target - 1, JUMP_SECONDS) > JUMP_SECONDS) player.seek(target);
  player.playing = true;
  player.untilStory = false;
}

/** The object the presenter inspects, as `view.detail`: "Pod/default/web-1", "Node//node-1". */
export function detailKey(obj) {
  if (!obj || !obj.kind || !obj.name) return null;
  return `${obj.kind}/${obj.namespace || ""}/${obj.name}`.slice(0, 200);
}

/** And back: {kind, namespace?, name}, or null. */
export function detailObject(key) {
  const parts = typeof key === "string" ? key.split("/") : [];
  if (parts.length !== 3 || !parts[0] || !parts[2]) return null;
  const [kind, namespace, name] = parts;
  return namespace ? { kind, namespace, name } : { kind, name };
}
