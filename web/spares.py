"""Spare clusters: fresh clusters set up ahead of time, while the server has nothing better to
do, so that a page's `hello` does not wait for one (docs/performance.md, "Spare clusters").

Setting up a cluster is some 1,700 engine steps, about 0.14 s of CPU: what a learner opening
the page waits for, and what a class's latecomers, arriving while everyone else presses
Apply, add to the busiest moment. A spare is exactly what `hello` would build — the server's
seed, the default nodes, the settings' limits, its clock not yet started — so a session given
one tells the same story, event for event, as one built on the spot (tests/test_spares.py).

The filler builds one spare at a time, only after the event loop has been on time for a
while (nothing else waiting) and no spare was taken for a second: a class arriving gets the
spares, then its clusters built on demand, and the spares are made again once it has settled.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from engine import NodeSpec, Timeline, default_nodes
from web.config import Settings

log = logging.getLogger("podlife.spares")
QUIET_AFTER_ASKED = 1.0  # seconds without a new cluster asked for before the filler builds
LOOK_EVERY = 0.1  # seconds between the filler's looks
ON_TIME = 0.01  # the event loop ran the filler's timer at most this late: nothing is waiting
QUIET_LOOKS = 3  # that many looks in a row


class Spares:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ready: list[Timeline] = []
        self.asked_at = 0.0  # when a new cluster was last asked for
        self.closed = False

    def take(self, seed: int, nodes: list[NodeSpec] | None) -> Timeline | None:
        """A spare for a new cluster of `seed` on `nodes` (None: the default nodes), if one
        is what that cluster would be."""
        self.asked_at = time.monotonic()
        if not self.ready or seed != self.settings.seed:
            return None
        if nodes is not None and nodes != default_nodes():
            return None
        return self.ready.pop()

    def build(self, pause: Callable[[], None]) -> Timeline:
        return Timeline(
            self.settings.seed, default_nodes(), limits=self.settings.cluster_limits(), pause=pause
        )

    def run(self, sleep: Callable[[float], None], pause: Callable[[], None]) -> None:
        """The filler: a background greenlet for the server's life."""
        quiet = 0
        while not self.closed:
            due = time.monotonic() + LOOK_EVERY
            sleep(LOOK_EVERY)
            late = time.monotonic() - due
            quiet = quiet + 1 if late <= ON_TIME else 0
            arriving = time.monotonic() - self.asked_at < QUIET_AFTER_ASKED
            if quiet < QUIET_LOOKS or arriving:
                continue
            if len(self.ready) >= self.settings.spare_clusters:
                continue
            try:
                self.ready.append(self.build(pause))
            except Exception:  # a bug, not a client's doing: hello builds its own meanwhile
                log.exception("setting up a spare cluster failed; no more spares")
                return
            quiet = 0

    def close(self) -> None:
        self.closed = True
        self.ready.clear()
