"""Every scenario's transcript equals its reviewed golden file (tests/golden/<name>.txt).

A changed transcript is a reviewed diff: regenerate with `make golden`, read the diff, commit.
"""

import io
from pathlib import Path

import pytest

from engine.player import play
from engine.scenario import load

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_transcript_matches_golden(path: Path) -> None:
    golden = ROOT / "tests" / "golden" / f"{path.stem}.txt"
    out = io.StringIO()
    play(load(path), out)
    assert golden.exists(), f"no golden transcript for {path.name}: run `make golden`"
    assert out.getvalue() == golden.read_text(encoding="utf-8")


def test_there_are_enough_scenarios() -> None:
    assert len(SCENARIOS) >= 8
