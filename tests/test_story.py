"""The story a beginner is told: every lesson's equals its reviewed golden file
(tests/golden/stories/<name>.txt, `make golden`), and the milestones come in the seed's order."""

from __future__ import annotations

import io
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from engine.cluster import Cluster, NodeSpec
from engine.player import play
from engine.scenario import load
from engine.story import story
from engine.trace import TraceEvent
from engine.tracekinds import EventKind

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: nginx
      image: nginx:1.27
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
"""


@pytest.fixture(scope="module")
def lessons() -> dict[str, Cluster]:
    return {path.stem: play(load(path), io.StringIO()) for path in SCENARIOS}


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_story_matches_golden(path: Path, lessons: dict[str, Cluster]) -> None:
    golden = ROOT / "tests" / "golden" / "stories" / f"{path.stem}.txt"
    assert golden.exists(), f"no golden story for {path.name}: run `make golden`"
    assert story(lessons[path.stem].trace) == golden.read_text(encoding="utf-8")


def milestones(events: list[TraceEvent]) -> list[TraceEvent]:
    return [e for e in events if e.kind is EventKind.MILESTONE]


@pytest.mark.parametrize("name", [p.stem for p in SCENARIOS])
def test_a_pods_steps_never_go_back(name: str, lessons: dict[str, Cluster]) -> None:
    """Within a pod's chapter (from the learner's action on it, a new step 1, on), its step
    numbers only go forward: 1, 2 (stored), 3 (scheduled), 4 (on its node), 5 (reported). A
    pod gone from etcd ends its story: one a StatefulSet makes again with its name is new."""
    last: dict[tuple[str, str], int] = defaultdict(int)
    for event in milestones(lessons[name].trace.events):
        assert event.object is not None
        if event.data["of"] != 5:
            continue
        key = (event.object.namespace, event.object.name)
        step = event.data["step"]
        assert step == 1 or step >= last[key], (name, event.seq, event.summary)
        last[key] = step
        if event.summary.startswith(f"Pod {event.object.name} is gone:"):
            del last[key]


def apply(manifest: str) -> Cluster:
    cluster = Cluster(seed=3)
    cluster.files["app.yaml"] = manifest
    result = cluster.kubectl("apply -f app.yaml")
    assert result.exit_code == 0, result.text
    cluster.settle()
    return cluster


def test_a_pods_story_is_its_five_steps_in_order() -> None:
    steps = milestones(apply(POD).trace.events)
    assert [e.data["step"] for e in steps] == [1, 2, 3, 4, 4, 4, 4, 5]
    assert {e.data["of"] for e in steps} == {5}
    assert [e.source.split("/")[0] for e in steps] == [
        "kubectl",
        "api-server",
        "scheduler",
        "kubelet",
        "kubelet",
        "kubelet",
        "kubelet",
        "kubelet",
    ]
    node = steps[2].data["node"]
    assert all(e.data.get("node") in (None, node) for e in steps)
    assert (
        steps[-1].summary
        == f"Pod web is Running and Ready on {node}: the kubelet told the API server"
    )
    # At most 15 steps to Running (the story mode's pace).
    assert len(steps) <= 15


def test_a_deployments_story_is_its_four_steps_then_each_pods() -> None:
    steps = milestones(apply(DEPLOYMENT).trace.events)
    deployment = [e for e in steps if e.data["of"] == 4]
    assert [e.data["step"] for e in deployment] == [1, 2, 3, 4]
    first_pod_step = next(i for i, e in enumerate(steps) if e.data["of"] == 5)
    assert steps[first_pod_step - 1] is deployment[-1]
    pods = {e.object.name for e in steps if e.data["of"] == 5 and e.object is not None}
    assert len(pods) == 3
    running = [e for e in steps if e.data["step"] == 5 and "Running and Ready" in e.summary]
    assert len(running) == 3
    assert len(steps) <= 30
    assert all(e.flow is not None and e.flow.kind == "Deployment" for e in steps)


@pytest.mark.parametrize("after", [0.5, 1.0, 1.726, 2.5])
def test_the_deployment_controller_speaks_before_the_replicaset_controller(after: float) -> None:
    """Applied at other moments of the cluster's life (the ReplicaSet controller may hear of
    the new ReplicaSet before the Deployment controller hears its create answered), the
    Deployment's steps still come in order."""
    cluster = Cluster(seed=0)
    cluster.advance(after)
    cluster.files["app.yaml"] = DEPLOYMENT
    assert cluster.kubectl("apply -f app.yaml").exit_code == 0
    cluster.settle()
    steps = [e.data["step"] for e in milestones(cluster.trace.events) if e.data["of"] == 4]
    assert steps == [1, 2, 3, 4]


def test_deleting_tells_what_becomes_of_the_pod() -> None:
    cluster = apply(POD)
    cluster.kubectl("delete pod web --wait=false")
    cluster.settle()
    steps = milestones(cluster.trace.events)
    start = max(i for i, e in enumerate(steps) if e.data["step"] == 1)
    lines = [e.summary for e in steps[start:]]
    assert lines[0] == "kubectl asks the API server to delete pod default/web"
    assert "nothing owns it, so nothing will replace it" in lines[1]
    assert lines[-1].startswith("Pod web is gone")


def test_play_story_prints_the_story() -> None:
    scenario = ROOT / "scenarios" / "01-first-pod.yaml"
    run = subprocess.run(
        [sys.executable, "app.py", "play", "--story", str(scenario)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == (ROOT / "tests" / "golden" / "stories" / "01-first-pod.txt").read_text()


def test_why_pending_is_said_with_numbers() -> None:
    cluster = apply(
        POD.replace(
            "image: nginx:1.27",
            "image: nginx:1.27\n      resources:\n        requests:\n          cpu: 100",
        )
    )
    pending = [e.summary for e in milestones(cluster.trace.events) if "stays Pending" in e.summary]
    assert pending == [
        "Pod web stays Pending: it asks for 100 CPU, but the largest node has 4 CPU allocatable "
        "and the most free on any node is 4 CPU (0/3 nodes are available: 3 Insufficient cpu)"
    ]


def test_a_failed_nodes_story_comes_before_the_replacements(lessons: dict[str, Cluster]) -> None:
    steps = milestones(lessons["18-node-failure"].trace.events)
    text = [e.summary for e in steps]

    def first(start: str) -> int:
        return next(i for i, line in enumerate(text) if line.startswith(start))

    stopped = first("Node node-2 fails")
    unknown = first("Node node-2 has not been heard from")
    tainted = first("The node lifecycle controller taints node-2")
    evicted = first("The taint eviction controller deletes pod")
    replaced = next(i for i, line in enumerate(text) if i > evicted and "creates 1 pod" in line)
    back = first("Node node-2 is heard from again")
    assert stopped < unknown < tainted < evicted < replaced < back
    assert steps[evicted].data["step"] is None and steps[evicted].data["of"] is None
    # The announced deadlines are when it happens: NotReady once the controller's monitor pass
    # (every 5 s) finds the renewal it last saw (up to 5 s late) older than the grace period;
    # eviction when the default toleration runs out.
    assert 0 <= steps[unknown].time - steps[stopped].data["deadline"] <= 10
    assert steps[evicted].time == pytest.approx(steps[tainted].data["deadline"], abs=0.1)


def test_a_rolling_updates_steps_give_their_arithmetic(lessons: dict[str, Cluster]) -> None:
    text = [e.summary for e in milestones(lessons["13-rolling-update"].trace.events)]
    assert (
        "The Deployment controller creates ReplicaSet web-6d849c5887 (revision 2) for deployment "
        "web's pod template, with 1 replica: there may be 5 pods at once (4 wanted + maxSurge 1) "
        "and the old ReplicaSets have 4"
    ) in text
    ups = [t for t in text if "scaled up ReplicaSet web-6d849c5887" in t]
    downs = [t for t in text if "scaled down ReplicaSet web-87c6cddb6" in t]
    assert ups and all(t.endswith("(4 wanted + maxSurge 1) and there were 4") for t in ups)
    assert downs and all(
        "at least 3 pods must stay available (4 wanted − maxUnavailable 1)" in t for t in downs
    )
    rollback = [t for t in text if "a rollback reuses it" in t]
    assert rollback == [
        "The Deployment controller found ReplicaSet web-87c6cddb6 (revision 1) already made for "
        "this pod template: a rollback reuses it as the new ReplicaSet, now revision 3, and moves "
        "the replicas back to it"
    ]


def test_a_force_delete_says_it_did_not_wait_for_the_kubelet() -> None:
    cluster = Cluster(seed=18)
    assert cluster.kubectl("create deployment web --image=nginx:1.27 --replicas=3").exit_code == 0
    cluster.settle()
    cluster.fail_node("node-2")
    cluster.advance(400)
    stuck = [
        line.split()[0]
        for line in cluster.kubectl("get pods").text.splitlines()
        if "Terminating" in line
    ]
    assert len(stuck) == 1, "the pod evicted from node-2 stays Terminating"
    cluster.kubectl(f"delete pod {stuck[0]} --grace-period=0 --force")
    told = milestones(cluster.trace.events)[-1].summary
    assert told == (
        f"The API server checked pod {stuck[0]} and deleted it from etcd without waiting for "
        "the kubelet on node-2 to confirm its containers stopped (a force delete): if node-2 is "
        "only cut off, they may still be running there; its ReplicaSet had already replaced it"
    )


def test_what_the_learner_does_to_the_machines_is_a_step_of_the_story() -> None:
    """The page's buttons that are no kubectl command begin a chapter, as kubectl's request
    does: a milestone with no step, its `action` named, said the moment it happens."""
    cluster = apply(POD)
    node = next(e.data["node"] for e in milestones(cluster.trace.events) if e.data.get("node"))
    before = len(cluster.trace.events)
    assert cluster.crash_container("default", "web")
    crashed = cluster.trace.events[before]  # first, before anything the crash sets off
    assert (crashed.kind, crashed.source, crashed.data["action"]) == (
        EventKind.MILESTONE,
        f"container-runtime/{node}",
        "crash-container",
    )
    assert crashed.summary == (
        f"The process in the container of pod web on {node} dies with exit code 1, as if it crashed"
    )
    cluster.settle()
    cluster.fail_node(node)
    cluster.fail_node(node)  # already down: nothing happens, nothing is said
    cluster.env.run_until(cluster.now + 5)
    cluster.recover_node(node)
    cluster.add_node(NodeSpec(name="node-9", capacity={"cpu": "4", "memory": "8Gi", "pods": "110"}))
    cluster.settle()
    cluster.remove_node("node-9")
    acts = [e for e in milestones(cluster.trace.events) if e.data.get("action")]
    assert [(e.data["action"], e.source, e.data["step"], e.level) for e in acts] == [
        ("crash-container", f"container-runtime/{node}", None, "story"),
        ("fail-node", f"kubelet/{node}", None, "story"),
        ("recover-node", f"kubelet/{node}", None, "story"),
        ("add-node", "kubelet/node-9", None, "story"),
        ("remove-node", "kubelet/node-9", None, "story"),
    ]
    assert acts[1].summary.startswith(f"Node {node} fails: its kubelet stops")
