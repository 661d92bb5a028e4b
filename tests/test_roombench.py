"""The room fan-out benchmark (`make bench`, web/roombench.py) run tiny: one server process, and
the scaled-out set-up (its own redis-server, two server processes sharing the room, followers
on both). Its report must say that every event reached every follower, in order, once. It runs
as `make bench` runs it, a process of its own (its clients are asyncio's, and the browser tests
keep an event loop running in this one)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from web.config import ROOT


@pytest.mark.parametrize("processes", [1, 2])
def test_a_tiny_run_delivers_every_event_to_every_follower_in_order(processes: int) -> None:
    if processes > 1:
        assert shutil.which("redis-server"), "redis-server is not installed (.ci/run installs it)"
    args = ["--processes", str(processes), "--followers", "20", "--seconds", "3"]
    run = subprocess.run(
        [sys.executable, "-m", "web.roombench", *args, "--history", "300"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    assert "20 followers" in out and "every event reached every follower, in order" in out, out
    if processes > 1:
        assert "on the room's process" in out and "redis-server CPU" in out, out
