// The Socket.IO connection (docs/protocol.md): promise-returning requests, and server pushes
// handed to whoever subscribed.

import { io } from "socket.io-client";

export class Connection {
  constructor() {
    this.socket = io({ transports: ["websocket", "polling"], reconnectionDelayMax: 4000 });
    this.handlers = new Map();
    for (const name of ["events", "reset", "forked", "clock", "kubectl-output", "detached"]) {
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

  /** emit(name, payload) → the server's acknowledgement {ok, ...}; never rejects. */
  request(name, payload = {}, timeoutMs = 120000) {
    return new Promise((resolve) => {
      if (!this.socket.connected && name !== "hello") {
        // Socket.IO buffers emits while disconnected; the answer comes after reconnection.
      }
      this.socket
        .timeout(timeoutMs)
        .emit(name, payload, (error, reply) => {
          if (error) resolve({ ok: false, error: `no answer from the server to ${name}` });
          else resolve(reply && typeof reply === "object" ? reply : { ok: true, value: reply });
        });
    });
  }

  /** Fire and forget (ack, speed…). */
  send(name, payload = {}) {
    this.socket.emit(name, payload, () => {});
  }
}
