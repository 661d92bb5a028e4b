// What objects looked like: the value of an etcd key at a revision.
//
// The trace says *that* a key changed (etcd-watch: key and revision); the object itself comes
// either inline with the event (`data.object`, when the engine carries it) or from the server's
// `etcd` message, which reads a key at a revision (etcd's MVCC keeps history until
// compaction). A (key, revision) pair never changes meaning until a fork rewrites history,
// so the cache is safe for time travel.

const SKIP_PREFIXES = ["/registry/leases/", "/registry/masterleases/"];
const MAX_IN_FLIGHT = 8;
const RETRY_MS = 1000; // after the server's rate limit refused a read (web/ratelimit.py)

export class ValueStore {
  constructor(fetchValue, { retryMs = RETRY_MS } = {}) {
    this.fetchValue = fetchValue; // (key, revision) => Promise<{ok, value}>
    this.retryMs = retryMs;
    this.byKey = new Map(); // key -> sorted [{rev, obj}] (obj null: deleted / missing)
    this.queue = [];
    this.queued = new Set();
    this.inFlight = 0;
    this.generation = 0;
    this.version = 0; // bumps on every change, for views that cache what they computed
    this.listeners = [];
    this.changedSoon = null;
  }

  onChange(listener) {
    this.listeners.push(listener);
  }

  wanted(key) {
    return !SKIP_PREFIXES.some((p) => key.startsWith(p));
  }

  /** The object at `rev`: the newest value known at or before it. */
  get(key, rev) {
    const list = this.byKey.get(key);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    let found;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].rev <= rev) {
        found = list[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found ? found.obj : undefined;
  }

  has(key, rev) {
    return (this.byKey.get(key) || []).some((v) => v.rev === rev);
  }

  put(key, rev, obj) {
    let list = this.byKey.get(key);
    if (!list) this.byKey.set(key, (list = []));
    const at = list.findIndex((v) => v.rev >= rev);
    if (at >= 0 && list[at].rev === rev) list[at].obj = obj;
    else if (at < 0) list.push({ rev, obj });
    else list.splice(at, 0, { rev, obj });
    this.changed();
  }

  /** Ask the server for (key, rev) unless known or already asked. */
  want(key, rev) {
    if (!this.wanted(key) || this.has(key, rev)) return;
    const id = `${key}@${rev}`;
    if (this.queued.has(id)) return;
    this.queued.add(id);
    this.queue.push({ key, rev });
    this.pump();
  }

  pump() {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length) {
      const { key, rev } = this.queue.shift();
      const generation = this.generation;
      this.inFlight += 1;
      this.fetchValue(key, rev).then((reply) => {
        this.inFlight -= 1;
        const id = `${key}@${rev}`;
        if (generation === this.generation) {
          if (reply && /^too many requests/.test(reply.error || "")) {
            // Refused, not answered: ask again once the connection's bucket has refilled,
            // or a burst of pods would stay drawn as they were before it, for good.
            setTimeout(() => {
              if (generation !== this.generation || !this.queued.has(id)) return;
              this.queue.push({ key, rev });
              this.pump();
            }, this.retryMs);
            this.pump();
            return;
          }
          if (reply && reply.ok) this.put(key, rev, decodeValue(reply.value));
          else if (reply && /compacted/.test(reply.error || "")) this.put(key, rev, null);
          this.queued.delete(id);
        }
        this.pump();
      });
    }
  }

  /** A fork rewrote history after `revision`: forget every value newer than it. */
  dropAfter(revision) {
    this.generation += 1;
    this.queue = [];
    this.queued.clear();
    for (const [key, list] of this.byKey) {
      const kept = list.filter((v) => v.rev <= revision);
      if (kept.length) this.byKey.set(key, kept);
      else this.byKey.delete(key);
    }
    this.changed();
  }

  clear() {
    this.dropAfter(-1);
  }

  changed() {
    this.version += 1;
    // Values arrive in bursts; tell the listeners once per frame.
    if (this.changedSoon) return;
    this.changedSoon = requestAnimationFrame(() => {
      this.changedSoon = null;
      for (const listener of this.listeners) listener();
    });
  }
}

/** The server may send the value as an object or as the JSON text etcd holds. */
export function decodeValue(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === "object") return value;
  if (typeof value === "string") {
    try {
      return JSON.parse(value);
    } catch {
      return null;
    }
  }
  return null;
}
