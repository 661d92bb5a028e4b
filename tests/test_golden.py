"""Every scenario's transcript equals its reviewed golden file (tests/golden/<name>.txt).

A changed transcript is a reviewed diff: regenerate with `make golden`, read the diff, commit.
"""

import io
import re
from pathlib import Path

import pytest

from engine.player import play
from engine.scenario import Kubectl, load

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


# A name the API server or a controller generated: a prefix, then 5 characters of
# names.random_string's alphabet (k8s.io/apimachinery/pkg/util/rand).
_GENERATED = re.compile(
    r"(?<![\w.])[a-z0-9]+(?:-[a-z0-9]+)*-[bcdfghjklmnpqrstvwxz2456789]{5}(?![\w-])"
)


def test_no_lesson_names_an_object_by_its_generated_name() -> None:
    """Generated names depend on every random draw before them, so a lesson that types one
    breaks when anything earlier changes (its command then answers NotFound): lessons pick
    such objects by label, field selector or owner (deployment/NAME)."""
    found = [
        (path.name, step.kubectl)
        for path in SCENARIOS
        for step in load(path).steps
        if isinstance(step, Kubectl) and _GENERATED.search(step.kubectl)
    ]
    assert found == []
