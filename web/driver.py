"""The clock driver: one greenlet per session that lets virtual time pass at the page's speed.

Every tick it advances the cluster by the real time since the last tick × speed (when the page
is playing and has played everything sent), streams what happened, and frees the session once
no tab has been attached for the idle limit. Work per tick is bounded and broken into chunks
with a yield between them, so one busy cluster never freezes the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import gevent

from web.sessions import Session, SessionRegistry

log = logging.getLogger("podlife.driver")


def let_others_run() -> None:
    """Yield between two chunks of work so other sessions and clients are served. Not
    `sleep(0)`: under gevent that runs only greenlets already runnable, not timers or socket
    I/O, so a long loop of chunks still froze everyone else (a fork replaying a long history
    stalled the server for seconds). `gevent.idle()` lets the event loop go round once."""
    gevent.idle()


def drive(session: Session, registry: SessionRegistry, sleep: Callable[[float], None]) -> None:
    tick = session.settings.tick_seconds
    last = time.monotonic()
    while True:
        sleep(tick)
        if session.closed or registry.expire_if_idle(session):
            return
        now = time.monotonic()
        elapsed, last = now - last, now
        try:
            session.tick(elapsed, let_others_run)
        except Exception:
            # An engine failure would repeat every tick: log it once and stop the clock; the
            # learner can press play to try again.
            log.exception("session %s: the simulation failed; its clock is paused", session.label)
            session.playing = False
            session.send_clock()
