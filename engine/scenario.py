"""Scenario files: a lesson as data (docs/scenarios.md describes the format).

Loading is strict: anything malformed is reported with the file, the line and the problem, so a
teacher writing a scenario sees at once what to fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
)

from engine import yamlsafe
from engine.cluster import NodeSpec

MAX_SCENARIO_BYTES = 1024 * 1024
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$")


class ScenarioError(Exception):
    """A scenario file that cannot be used; str() names file, line and problem."""


def parse_duration(text: str) -> float:
    """Go-style durations as scenarios write them: `45s`, `6m`, `1h30m`, `1.5s`."""
    match = _DURATION.match(text.strip())
    if not text.strip() or not match or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration (use e.g. 45s, 6m or 1h30m) or 'settled'")
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Say(_Step):
    say: str


class Kubectl(_Step):
    kubectl: str
    stdin: str = ""


class Wait(_Step):
    wait: str

    @field_validator("wait")
    @classmethod
    def _duration_or_settled(cls, value: str) -> str:
        if value != "settled":
            parse_duration(value)
        return value


class FailNode(_Step):
    fail_node: str = Field(alias="fail-node")


class RecoverNode(_Step):
    recover_node: str = Field(alias="recover-node")


_STEP_KEYS: dict[str, type[_Step]] = {
    "say": Say,
    "kubectl": Kubectl,
    "wait": Wait,
    "fail-node": FailNode,
    "recover-node": RecoverNode,
}


def _action_of(step: Any) -> str | None:
    """Which action a step is, so errors speak of that action's fields only."""
    if isinstance(step, dict):
        return next((key for key in _STEP_KEYS if key in step), None)
    return next((key for key, cls in _STEP_KEYS.items() if isinstance(step, cls)), None)


Step = Annotated[
    Annotated[Say, Tag("say")]
    | Annotated[Kubectl, Tag("kubectl")]
    | Annotated[Wait, Tag("wait")]
    | Annotated[FailNode, Tag("fail-node")]
    | Annotated[RecoverNode, Tag("recover-node")],
    Discriminator(_action_of),
]


class ClusterSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nodes: list[NodeSpec] = Field(min_length=1)


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    summary: str = ""
    seed: int = 0
    cluster: ClusterSpec | None = None
    # What `kubectl -f NAME`, `--from-file` and `--key`/`--cert` read, by the name a step types
    # (a path, or the https://k8s.io/examples/… address a tutorial gives): kubectl's disk.
    files: dict[str, str] = {}
    steps: list[Step] = Field(min_length=1)


def load(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read: {error.strerror}") from None
    return loads(text, str(path))


def loads(text: str, name: str = "<scenario>") -> Scenario:
    try:
        root = yamlsafe.compose_all(text, MAX_SCENARIO_BYTES, max_documents=1)[0]
        data = yamlsafe.load_one(text, MAX_SCENARIO_BYTES)
    except yamlsafe.YAMLTooLargeError as error:
        raise ScenarioError(f"{name}: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ScenarioError(f"{name}{line}: invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{name}:1: a scenario is a mapping with title and steps")
    _check_step_kinds(data, root, name)
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location: list[Any] = list(first["loc"])
        if location[:1] == ["steps"] and len(location) > 2 and location[2] in _STEP_KEYS:
            del location[2]  # the union's tag, not a field
        at = _line_of(root, location)
        where = ".".join(str(p) for p in location) or "scenario"
        raise ScenarioError(f"{name}:{at}: {where}: {first['msg']}") from None


def _check_step_kinds(data: dict[str, Any], root: yaml.Node | None, name: str) -> None:
    """Name the step that has no known action, rather than five union errors about it."""
    steps = data.get("steps")
    if not isinstance(steps, list):
        return
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            raise ScenarioError(
                f"{name}:{_line_of(root, ['steps', index])}: steps.{index}: a "
                "step is a mapping such as {kubectl: get pods}"
            )
        actions = [key for key in step if key in _STEP_KEYS]
        if len(actions) != 1:
            known = ", ".join(_STEP_KEYS)
            raise ScenarioError(
                f"{name}:{_line_of(root, ['steps', index])}: steps.{index}: a "
                f"step needs exactly one action out of {known}; found "
                f"{', '.join(map(str, step)) or 'none'}"
            )


def _line_of(node: yaml.Node | None, location: list[Any]) -> int:
    """The 1-based line of the YAML node at `location` (the deepest one that exists)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in location:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == part), None)
            if found is None:
                break
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line
