"""The lessons in scenarios/, as the page lists and loads them.

The page names a scenario by the stem of its file (`01-first-pod`); only names found in the
directory are accepted, so a name can never reach outside it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from engine import Scenario, ScenarioError, load


class UnknownScenario(Exception):
    pass


def catalog(directory: Path) -> list[dict[str, str]]:
    """[{name, title, summary}] of every scenario that loads, in file order."""
    entries = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            scenario = _load(path, path.stat().st_mtime_ns)
        except (ScenarioError, OSError):
            continue  # a broken lesson is the player's and the tests' business, not the page's
        entries.append({"name": path.stem, "title": scenario.title, "summary": scenario.summary})
    return entries


def find(directory: Path, name: str) -> Scenario:
    path = next((p for p in directory.glob("*.yaml") if p.stem == name), None)
    if path is None:
        raise UnknownScenario(f"there is no scenario named {name!r}")
    try:
        return _load(path, path.stat().st_mtime_ns)
    except ScenarioError as error:
        raise UnknownScenario(str(error)) from None


def steps_of(scenario: Scenario) -> list[dict[str, Any]]:
    """The steps as the scenario file writes them (`{kubectl, stdin}`, `{say}`, `{wait}`,
    `{fail-node}`…), for the page to queue."""
    return [step.model_dump(by_alias=True, exclude_defaults=True) for step in scenario.steps]


def say_of(scenario: Scenario, index: int) -> str:
    """The text of the scenario's step `index`, which must be a `say`."""
    if not 0 <= index < len(scenario.steps):
        raise UnknownScenario(f"the scenario has no step {index}")
    text = getattr(scenario.steps[index], "say", None)
    if not isinstance(text, str):
        raise UnknownScenario(f"step {index} of the scenario is not a say step")
    return text


@lru_cache(maxsize=64)
def _load(path: Path, _mtime: int) -> Scenario:
    """Parsed once per version of the file: hello lists them on every page load."""
    return load(path)
