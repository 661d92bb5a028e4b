"""The interaction-latency benchmark (`make bench`, web/latencybench.py) measures what it says:
a few trials against the real server in real Chromium, each an Apply or a kubectl line timed
to its first animated message."""

from __future__ import annotations

from typing import Any

from web.latencybench import measure
from web.pageweight import running_server


def test_each_trial_times_an_action_to_its_first_animated_message(browser: Any) -> None:
    with running_server() as base:
        times = measure(browser, base, 2)
    assert len(times) == 2
    # Timed in the page: positive, the events before their animation, and far below the 30 s
    # a trial may wait.
    assert all(0 < arrived <= first < 10_000 for arrived, first in times), times
