"""The web server's settings: one frozen object, built from defaults, the environment and the
caller's overrides (the app factory's `config`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    seed: int = 0  # the seed of a new session when the page does not ask for one
    tick_seconds: float = 0.05  # how often the clock driver wakes
    clock_every: float = 0.25  # real seconds between `clock` messages while playing
    max_tick_seconds: float = 0.2  # a stalled tick does not owe the cluster more than this
    idle_seconds: float = 1800.0  # a session with no tab attached is freed after this
    max_sessions: int = 500
    max_paste_bytes: int = MIB
    max_line_chars: int = 8192  # a kubectl command line
    max_nodes: int = 200  # nodes a page may ask for in `reset`
    kubectl_head_start: float = 1.0  # virtual seconds a command runs before its first reply
    steps_per_chunk: int = 2000  # engine steps between yields to other sessions
    max_events_per_tick: int = 5000  # a burst larger than this is sent over several ticks
    events_per_message: int = 1000
    step_limit: float = 600.0  # `step` looks this far ahead for the next trace event
    scenarios_dir: Path = ROOT / "scenarios"
    testing: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        idle = os.environ.get("PODLIFE_IDLE_SECONDS")
        if not idle:
            return cls()
        try:
            return cls(idle_seconds=float(idle))
        except ValueError:
            raise ValueError(f"PODLIFE_IDLE_SECONDS is {idle!r}, not a number of seconds") from None

    @classmethod
    def testing_defaults(cls) -> Settings:
        """Fast ticks so tests spend milliseconds, not seconds, waiting for the clock."""
        return replace(cls.from_env(), tick_seconds=0.005, clock_every=0.02, testing=True)

    def merged(self, overrides: Mapping[str, Any]) -> Settings:
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        return replace(self, **overrides)
