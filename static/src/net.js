// The Socket.IO connection (docs/protocol.md): promise-returning requests, and server pushes
// handed to whoever subscribed.

import { io } from "socket.io-client";

const RATE_RETRIES = 20; // a message refused for speed is sent again at most this often
const RATE_MARGIN_MS = 20; // after the wait the server gave, so the tokens are surely there

const ROUTE_KEY = "podlife.route";
const ROUTE = /^[a-z0-9]{1,16}$/;

/** This tab's routing key (docs/scale-out.md): a proxy in front of several server processes
 * sends the tab's connection, and its cluster's kubectl requests, to one process by it. The
 * server begins the ids of the sessions it makes for the tab with it; a session kept from
 * before keeps its own. */
export function tabRoute(storage, sessionKey) {
  const kept = /^([a-z0-9]{1,16})\./.exec(storage.getItem(sessionKey) || "");
  let route = kept ? kept[1] : storage.getItem(ROUTE_KEY);
  if (!route || !ROUTE.test(route)) {
    const bytes = crypto.getRandomValues(new Uint8Array(8)); // not only in secure contexts
    route = Array.from(bytes, (b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("");
  }
  storage.setItem(ROUTE_KEY, route);
  return route;
}

/** The Socket.IO connection to the page's server, with `query` in its address. */
export function openSocket(query = {}) {
  return io({ transports: ["websocket", "polling"], reconnectionDelayMax: 4000, query });
}

export class Connection {
  constructor(socket = openSocket()) {
    this.socket = socket;
    this.handlers = new Map();
    this.latest = new Map(); // channel -> the newest [message, payload] given to send()
    this.resending = new Set(); // channels refused for speed, waiting to go again
    this.sessionWaiters = []; // requests refused for want of a session, waiting for hello
    for (const name of ["events", "reset", "forked", "clock", "kubectl-output", "detached", "room", "view", "room-closed"]) {
      this.socket.on(name, (payload) => this.dispatch(name, payload));
    }
    this.socket.on("connect", () => this.dispatch("connect", {}));
    this.socket.on("disconnect", (reason) => this.dispatch("disconnect", { reason }));
  }

  on(name, handler) {
    if (!this.handlers.has(name)) this.handlers.set(name, []);
    this.handlers.get(name).push(handler);
  }

  dispatch(name, payload) {
    for (const handler of this.handlers.get(name) || []) {
      try {
        handler(payload);
      } catch (error) {
        console.error(`while handling ${name}:`, error); // eslint-disable-line no-console
      }
    }
  }

  /** emit(name, payload) → the server's acknowledgement {ok, ...}; never rejects.
   *
   * Socket.IO buffers what is sent while the connection is down and sends it on reconnecting,
   * where it can reach the server before the page's `hello` has given the new connection its
   * session. Such a request is sent again once the session is back (sessionReady). */
  async request(name, payload = {}, timeoutMs = 120000) {
    let reply = await this.emitOnce(name, payload, timeoutMs);
    // Refused for sending too fast (web/ratelimit.py): wait as told, then send it again.
    for (let tries = 0; !reply.ok && typeof reply.retry_after === "number" && tries < RATE_RETRIES; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, reply.retry_after * 1000 + RATE_MARGIN_MS));
      reply = await this.emitOnce(name, payload, timeoutMs);
    }
    if (name === "hello" || reply.ok || !/^no session yet/.test(reply.error || "")) return reply;
    await new Promise((resolve) => {
      this.sessionWaiters.push(resolve);
      setTimeout(resolve, timeoutMs);
    });
    return this.emitOnce(name, payload, timeoutMs);
  }

  emitOnce(name, payload, timeoutMs) {
    return new Promise((resolve) => {
      this.socket
        .timeout(timeoutMs)
        .emit(name, payload, (error, reply) => {
          if (error) resolve({ ok: false, error: `no answer from the server to ${name}` });
          else resolve(reply && typeof reply === "object" ? reply : { ok: true, value: reply });
        });
    });
  }

  /** The page's hello was answered: requests that arrived before it may go again. */
  sessionReady() {
    const waiters = this.sessionWaiters;
    this.sessionWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Fire and forget (ack, speed…): only the newest value of each `channel` counts (play and
   * pause are one channel: the newest of the two wins). One the server refused for sending too
   * fast goes again, the channel's newest, once the wait is over — a lost `ack` would leave
   * the server waiting for the page forever, a late `pause` would stop a playing page. */
  send(name, payload = {}, channel = name) {
    this.latest.set(channel, [name, payload]);
    this.socket.emit(name, payload, (reply) => {
      if (typeof reply?.retry_after !== "number" || this.resending.has(channel)) return;
      this.resending.add(channel);
      setTimeout(() => {
        this.resending.delete(channel);
        const [newest, value] = this.latest.get(channel);
        this.send(newest, value, channel);
      }, reply.retry_after * 1000 + RATE_MARGIN_MS);
    });
  }
}
