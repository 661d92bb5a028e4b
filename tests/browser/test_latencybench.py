"""The interaction-latency benchmark (`make bench`, web/latencybench.py) measures what it says:
a few trials against the real server in real Chromium, each an Apply or a kubectl line timed
to its first animated message."""

from __future__ import annotations

from typing import Any

from web.latencybench import HEARTBEAT_EVERY, measure
from web.pageweight import running_server


def test_each_trial_times_an_action_to_its_first_animated_message(browser: Any) -> None:
    with running_server() as base:
        times = measure(browser, base, 2)
    assert len(times) == 2
    # Timed in the page: positive, the events before their animation, and far below the 30 s
    # a trial may wait.
    assert all(0 < t.arrived <= t.first < 10_000 for t in times), times


def test_an_action_during_a_heartbeat_starts_before_the_heartbeat_is_over(browser: Any) -> None:
    """The nodes' Lease renewals (a burst of ~30 housekeeping messages every 10 virtual
    seconds, 1.2 s to play in story mode) are skipped when an action's messages arrive behind
    them: before, the action's first message waited for the whole burst (Player.hurryUpkeep)."""
    with running_server() as base:
        times = measure(browser, base, HEARTBEAT_EVERY)
    met = times[HEARTBEAT_EVERY - 1]
    assert met.upkeep, times
    # Played in order, the action's first message would start exactly when the heartbeat ends.
    assert met.first < met.backlog, met
