"""`podlife play`: transcripts, traces and clear errors for malformed scenarios."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.scenario import ScenarioError, loads, parse_duration

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
title: Tiny
seed: 3
steps:
  - say: Hello
  - kubectl: get nodes
  - wait: 2s
  - kubectl: get ns default
"""


def run_podlife(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_play_prints_each_kubectl_step_and_its_output(tmp_path: Path) -> None:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(GOOD)
    trace = tmp_path / "trace.jsonl"
    result = run_podlife("play", str(scenario), "--trace", str(trace))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "$ kubectl get nodes\n"
        "NAME     STATUS   ROLES    AGE   VERSION\n"
        "node-1   Ready    <none>   20s   v1.37.0\n"
        "node-2   Ready    <none>   20s   v1.37.0\n"
        "node-3   Ready    <none>   20s   v1.37.0\n"
        "$ kubectl get ns default\n"
        "NAME      STATUS   AGE\n"
        "default   Active   22s\n"
    )
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    assert events[0]["kind"] == "narration" and events[0]["summary"] == "Hello"
    assert {"seq", "time", "source", "target", "kind", "summary", "step"} <= set(events[1])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "title: x\nsteps:\n  - kubectl: get pods\n  - wait: soon\n",
            "<s>:4: steps.1.wait: Value error, 'soon' is not a duration",
        ),
        (
            "title: x\nsteps:\n  - kubectl: get pods\n  - dance: now\n",
            "<s>:4: steps.1: a step needs exactly one action out of say, kubectl, wait, fail-node, "
            "recover-node; found dance",
        ),
        ("title: x\nsteps:\n  - kubectl: [get, pods\n", "<s>:4: invalid YAML"),
        ("steps:\n  - kubectl: get pods\n", "<s>:1: title: Field required"),
        ("title: x\nseed: many\nsteps:\n  - kubectl: get pods\n", "<s>:2: seed: Input should be"),
        ("title: x\nsteps: []\n", "<s>:2: steps: List should have at least 1 item"),
        ("- just a list\n", "<s>:1: a scenario is a mapping"),
    ],
)
def test_malformed_scenarios_name_the_line_and_problem(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        loads(text, "<s>")
    assert str(raised.value).startswith(message)


def test_a_malformed_file_exits_2_with_the_file_name(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("title: x\nsteps:\n  - wait: later\n")
    result = run_podlife("play", str(scenario))
    assert result.returncode == 2
    assert result.stderr.startswith(f"podlife: {scenario}:3: steps.0.wait:")
    missing = run_podlife("play", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_durations() -> None:
    assert parse_duration("45s") == 45
    assert parse_duration("6m") == 360
    assert parse_duration("1h30m") == 5400
    assert parse_duration("1.5s") == 1.5
    with pytest.raises(ValueError):
        parse_duration("10")
