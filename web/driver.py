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

from web.sessions import Session, SessionRegistry

log = logging.getLogger("podlife.driver")


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
            session.tick(elapsed, lambda: sleep(0))
        except Exception:
            # An engine failure would repeat every tick: log it once and stop the clock; the
            # learner can press play to try again.
            log.exception("session %s: the simulation failed; its clock is paused", session.id)
            session.playing = False
            session.send_clock()
