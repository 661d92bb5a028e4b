"""Same seed, same inputs -> the same trace, byte for byte, in any process (docs/trace.md).

tests/scenarios/determinism.yaml (a Deployment of 6 spread over 3 nodes, node-2 failing, its pods
evicted and replaced, a rolling update, node-2 recovering) is played by `podlife play` in several
processes at once, each with its own PYTHONHASHSEED, so anything that leaks set or dict-of-str
order, object ids, wall-clock time or an unseeded random source into the run shows up as a
difference. The full trace (`--trace`: every event's model_dump_json) and the transcript must be
identical; a run with another seed must not be, and the run must have done what the scenario
says, so that the comparison cannot pass vacuously.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "scenarios" / "determinism.yaml"
HASH_SEEDS = ("0", "1", "12345", "random")
OTHER_SEED = 21  # the scenario's seed is 20

# `podlife play` exactly as the console script runs it (app:main), after printing this process's
# hash of a string to stderr so the test can see the hash seeds really differed.
_RUNNER = (
    "import sys, app; "
    "print(hash('podlife'), file=sys.stderr, flush=True); "
    "sys.exit(app.main(sys.argv[1:]))"
)
_TIMEOUT = 120


@dataclass
class Run:
    label: str
    trace: bytes
    transcript: bytes
    string_hash: int


def _start(out: Path, hash_seed: str, *extra: str) -> tuple[subprocess.Popen[bytes], Path]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    process = subprocess.Popen(
        [sys.executable, "-c", _RUNNER, "play", str(SCENARIO), "--trace", str(out), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    return process, out


def _play_all(tmp_path: Path) -> tuple[list[Run], Run]:
    """Every process at once (they are independent); the last one plays another seed."""
    started = [
        (f"PYTHONHASHSEED={seed}", *_start(tmp_path / f"hash-{seed}.jsonl", seed))
        for seed in HASH_SEEDS
    ]
    started.append(
        (
            f"--seed {OTHER_SEED}",
            *_start(tmp_path / "other-seed.jsonl", "0", "--seed", str(OTHER_SEED)),
        )
    )
    runs = []
    try:
        for label, process, out in started:
            stdout, stderr = process.communicate(timeout=_TIMEOUT)
            assert process.returncode == 0, f"{label}: exit {process.returncode}\n{stderr.decode()}"
            first, _, rest = stderr.partition(b"\n")
            assert not rest.strip(), f"{label} wrote to stderr:\n{rest.decode()}"
            runs.append(Run(label, out.read_bytes(), stdout, int(first)))
    finally:
        for _, process, _ in started:
            if process.poll() is None:
                process.kill()
                process.wait()
    return runs[:-1], runs[-1]


def _first_difference(name: str, a: Run, b: Run, what: str) -> str:
    """Where two outputs first differ, line by line, for the assertion message."""
    left: bytes = getattr(a, what)
    right: bytes = getattr(b, what)
    left_lines, right_lines = left.splitlines(), right.splitlines()
    for number, (x, y) in enumerate(zip(left_lines, right_lines, strict=False), start=1):
        if x != y:
            column = next(
                (i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q),
                min(len(x), len(y)),
            )
            before = left_lines[number - 2].decode() if number > 1 else "(start)"
            return (
                f"{name} differs between {a.label} and {b.label} first at line {number}, "
                f"column {column + 1}\n"
                f"  previous line: {before}\n"
                f"  {a.label}: {x.decode()}\n"
                f"  {b.label}: {y.decode()}"
            )
    return (
        f"{name} differs between {a.label} ({len(left_lines)} lines) and {b.label} "
        f"({len(right_lines)} lines): one is a prefix of the other"
    )


def _outputs(transcript: str) -> list[tuple[str, str]]:
    """The transcript as (kubectl command, what it printed) pairs, in order."""
    pairs: list[tuple[str, str]] = []
    for line in transcript.splitlines(keepends=True):
        if line.startswith("$ kubectl "):
            pairs.append((line.removeprefix("$ kubectl ").rstrip("\n"), ""))
        else:
            assert pairs, f"output before the first command: {line!r}"
            command, text = pairs[-1]
            pairs[-1] = (command, text + line)
    return pairs


def _check_the_run_did_what_it_claims(run: Run) -> None:
    events: list[dict[str, Any]] = [json.loads(line) for line in run.trace.splitlines()]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))

    def of(kind: str, source: str = "") -> list[dict[str, Any]]:
        return [e for e in events if e["kind"] == kind and e["source"].startswith(source)]

    # node-2 stopped: the node lifecycle controller noticed and tainted it NoExecute…
    lifecycle = of("reconcile", "controller-manager/node-lifecycle-controller")
    silent = [e for e in lifecycle if e["summary"].startswith("Node node-2: no heartbeat")]
    tainted = [e for e in lifecycle if e["summary"].startswith("Node node-2 is Ready=Unknown")]
    assert silent and tainted, "node-2 was never found silent and tainted NoExecute"
    assert "node.kubernetes.io/unreachable:NoExecute" in tainted[0]["summary"]
    silent_at, tainted_at = silent[0]["time"], tainted[0]["time"]

    # Before that, the Deployment's 6 pods were spread over all three nodes, and running.
    cycles = of("scheduling-cycle")
    first_hash = cycles[0]["object"]["name"].split("-")[1]
    originals = {
        e["object"]["name"]: e["data"]["chosen"]
        for e in cycles
        if e["time"] < silent_at and e["object"]["name"].split("-")[1] == first_hash
    }
    assert len(originals) == 6 and set(originals.values()) == {"node-1", "node-2", "node-3"}
    on_node_2 = {name for name, node in originals.items() if node == "node-2"}
    transcript = _outputs(run.transcript.decode())
    running = next(text for command, text in transcript if command == "get pods -o wide")
    assert sorted(
        (row.split()[0], row.split()[6]) for row in running.splitlines()[1:] if " Running " in row
    ) == sorted(originals.items()), running

    # …and after the 300 s toleration the taint eviction controller deleted every pod on it
    # (the CoreDNS pod there too, in kube-system).
    evictions = [
        e
        for e in of("request", "controller-manager/taint-eviction-controller")
        if e["data"].get("method") == "DELETE" and e["object"]["namespace"] == "default"
    ]
    assert {e["object"]["name"] for e in evictions} == on_node_2
    evicted_at = min(e["time"] for e in evictions)
    assert evicted_at >= tainted_at + 300 > silent_at + 300

    # The ReplicaSet replaced them, on the nodes still up.
    replacing = [
        e
        for e in of("reconcile", "controller-manager/replicaset-controller")
        if e["time"] >= evicted_at
        and e["object"]["name"] == f"web-{first_hash}"
        and e["data"].get("creating")
    ]
    # (in one sync, or in two if the second eviction came after the first sync began)
    assert sum(e["data"]["creating"] for e in replacing) == len(on_node_2)
    replacements = [
        e
        for e in of("scheduling-cycle")
        if e["time"] >= evicted_at and e["object"]["name"].split("-")[1] == first_hash
    ]
    assert len(replacements) == len(on_node_2)
    assert all(e["data"]["chosen"] in {"node-1", "node-3"} for e in replacements)

    # The rolling update made revision 2's ReplicaSet, which ended with every replica available
    # and the old one with none (read from the transcript's last command, made after settling).
    revisions = [
        e["data"]
        for e in of("reconcile", "controller-manager/deployment-controller")
        if "revision" in e["data"]
    ]
    assert [r["revision"] for r in revisions] == ["1", "2"]
    new_hash = revisions[1]["podTemplateHash"]
    assert new_hash != first_hash

    assert "successfully rolled out" in dict(transcript)["rollout status deployment/web"]
    command, text = transcript[-1]
    assert command == "get replicasets -o json"
    sets = {rs["metadata"]["name"]: rs for rs in json.loads(text)["items"]}
    new, old = sets[f"web-{new_hash}"], sets[f"web-{first_hash}"]
    assert new["spec"]["replicas"] == 6
    assert new["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
    for field in ("replicas", "readyReplicas", "availableReplicas", "fullyLabeledReplicas"):
        assert new["status"].get(field) == 6, (field, new["status"])
    assert old["spec"]["replicas"] == 0 and old["status"]["replicas"] == 0
    # Settled: the last `get pods` shows only the new ReplicaSet's pods, all running.
    pods = [text for command, text in transcript if command == "get pods -o wide"][-1]
    rows = pods.splitlines()[1:]
    assert len(rows) == 6, pods
    assert all(row.startswith(f"web-{new_hash}-") and " Running " in row for row in rows), pods


def test_a_scenario_gives_the_same_trace_in_any_process(tmp_path: Path) -> None:
    runs, other_seed = _play_all(tmp_path)
    reference = runs[0]

    # The processes did hash strings differently (the last one, "random", almost surely too).
    assert len({run.string_hash for run in runs[:3]}) == 3

    _check_the_run_did_what_it_claims(reference)
    for run in runs[1:]:
        assert run.trace == reference.trace, _first_difference("trace", reference, run, "trace")
        assert run.transcript == reference.transcript, _first_difference(
            "transcript", reference, run, "transcript"
        )

    # The comparison can tell runs apart: the seed's choices (tie-breaks, generated names) are in
    # the trace, so another seed gives another trace.
    assert other_seed.trace != reference.trace
    _check_the_run_did_what_it_claims(other_seed)
