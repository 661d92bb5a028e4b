"""The page's pure JavaScript (static/src/model.js, derive.js, cycle.js, values.js, kube.js,
components.js, rollout.js), unit-tested by node's own test runner on a trace the engine really
produced.

The engine runs a Deployment of three replicas to Running, then the page's delete button
(the `delete-pod` action) removes one pod and the ReplicaSet replaces it. What a tab would
have been sent over Socket.IO — the `reset` payload, the `events` batches, and the replies to
its `etcd` value requests — is written to a JSON file, with the engine's own final objects to
check the page's derivations against; `node --test tests/js/` reads it (PODLIFE_TRACE).
So the JS tests describe what the engine actually sends, not what someone imagined it sends.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from socketio import packet

from engine.cluster import default_nodes
from engine.controllers.controllermanager import _registry as controller_registry
from engine.timeline import Kubectl, Timeline
from web import views
from web.actions import op_for
from web.config import Settings
from web.logs import CheckedPacket
from web.sessions import Session

ROOT = Path(__file__).resolve().parent.parent
NODE_TIMEOUT = 60  # seconds; the run takes about one, the rest is slack for a busy machine

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
      - name: web
        image: nginx:1.27
"""


def wire(message: str, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A message as it crosses the Socket.IO connection: an EVENT packet, text on the wire."""
    encoded = CheckedPacket(packet.EVENT, data=[message, payload]).encode()
    name, decoded = CheckedPacket(encoded_packet=encoded).data
    return name, decoded


class Tab:
    """The receiving end of a session's `send`: the messages, as they cross the wire."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, dict[str, Any]]] = []

    def send(self, message: str, payload: dict[str, Any], _sid: str) -> None:
        # Encoded and decoded by the server's own Socket.IO packet class, so what is kept is
        # what the page's socket.io-client decodes.
        self.messages.append(wire(message, payload))

    def named(self, name: str) -> list[dict[str, Any]]:
        return [payload for message, payload in self.messages if message == name]


def no_pause() -> None:
    """A session yields to the other sessions with this; here there are none."""


def run_scenario() -> tuple[Tab, Session, str]:
    """Deployment of 3 scheduled and running, one pod deleted and replaced; settled."""
    settings = Settings(testing=True)
    timeline = Timeline(seed=1, nodes=default_nodes(), limits=settings.cluster_limits())
    tab = Tab()
    session = Session("page-units", timeline, settings, tab.send)
    session.attach("sid-1")
    session.resync()  # `reset` (with the baseline) and the (empty) history, as after `hello`
    cluster = timeline.cluster

    session.start_command(Kubectl(("apply", "-f", "-"), DEPLOYMENT), None, no_pause)
    assert cluster.settle(), "the Deployment did not settle"
    session.pump()

    first = sorted(kv.key for kv in cluster.etcd.range("/registry/pods/default/"))[0]
    deleted = first.rsplit("/", 1)[1]
    session.start_command(op_for("delete-pod", f"default/{deleted}", cluster), None, no_pause)
    assert cluster.settle(), "the replacement did not settle"
    session.pump()
    return tab, session, deleted


def etcd_reply(session: Session, key: str, revision: int) -> dict[str, Any]:
    """The page's `etcd` request for a value, answered as web/socket.py's handler answers it
    (its acknowledgement travels in the same JSON as an event)."""
    try:
        reply = {"ok": True, **views.etcd_value(session.timeline.cluster.etcd, key, revision)}
    except views.ViewError as error:
        reply = {"ok": False, "error": str(error)}
    return wire("etcd", reply)[1]


def engine_view(session: Session) -> dict[str, Any]:
    """The engine's own final state in the lesson's namespace, to cross-check what the page
    derives (which leaves out the add-ons in kube-system: derive.js isAddon)."""
    etcd = session.timeline.cluster.etcd

    def objects(prefix: str) -> list[dict[str, Any]]:
        return [json.loads(kv.value) for kv in etcd.range(prefix)]

    def owner(obj: dict[str, Any]) -> str | None:
        refs = obj["metadata"].get("ownerReferences") or []
        return refs[0]["name"] if refs else None

    pods = objects("/registry/pods/default/")
    return {
        "revision": etcd.revision,
        "keys": {
            kv.key: {"rev": kv.mod_revision, "create": kv.create_revision, "version": kv.version}
            for kv in etcd.range("")
        },
        "pods": [
            {
                "name": p["metadata"]["name"],
                "namespace": p["metadata"]["namespace"],
                "node": p["spec"].get("nodeName", ""),
                "phase": p["status"].get("phase", ""),
                "owner": owner(p),
                "ready": any(
                    c["type"] == "Ready" and c["status"] == "True"
                    for c in p["status"].get("conditions", [])
                ),
            }
            for p in pods
        ],
        "replicasets": [
            {
                "name": rs["metadata"]["name"],
                "owner": owner(rs),
                "replicas": rs["spec"]["replicas"],
                "ready": rs["status"].get("readyReplicas", 0),
            }
            for rs in objects("/registry/replicasets/default/")
        ],
        "deployments": [
            {
                "name": d["metadata"]["name"],
                "replicas": d["spec"]["replicas"],
                "ready": d["status"].get("readyReplicas", 0),
            }
            for d in objects("/registry/deployments/default/")
        ],
        "nodes": [kv.key.rsplit("/", 1)[1] for kv in etcd.range("/registry/minions/")],
    }


def write_trace(path: Path) -> None:
    tab, session, deleted = run_scenario()
    (reset,) = tab.named("reset")
    events = [event for batch in tab.named("events") for event in batch["events"]]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1)), "a gap or a repeat"

    # Every value the page asks for: the baseline's keys and each key an etcd-watch PUT
    # announces, at that revision (main.js `ingest` and the `reset` handler).
    wanted = {(key, info["rev"]) for key, info in reset["baseline"]["keys"].items()}
    for event in events:
        data = event["data"]
        if event["kind"] == "etcd-watch" and not event["summary"].startswith("DELETE"):
            wanted.add((data["key"], data["revision"]))
    etcd = {f"{key}@{rev}": etcd_reply(session, key, rev) for key, rev in sorted(wanted)}

    fixture = {
        "reset": reset,
        "events": events,
        "etcd": etcd,
        "now": session.timeline.cluster.now,
        "deletedPod": f"default/{deleted}",
        "engine": engine_view(session),
        # every controller the controller manager can run: each needs a learner's name
        "controllers": sorted(controller_registry()),
    }
    path.write_text(json.dumps(fixture))


@pytest.fixture(scope="module")
def trace_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page-units") / "trace.json"
    write_trace(path)
    return path


def test_the_scenario_gives_the_js_tests_something_to_chew_on(trace_file: Path) -> None:
    # The JS tests' time travel must cross several checkpoints (one every 200 events), and
    # their derivations need the replacement pod to exist.
    fixture = json.loads(trace_file.read_text())
    assert len(fixture["events"]) > 600
    pods = {p["name"] for p in fixture["engine"]["pods"]}
    assert len(pods) == 3 and fixture["deletedPod"].split("/")[1] not in pods
    kinds = {e["kind"] for e in fixture["events"]}
    assert {"etcd-watch", "scheduling-cycle", "cri-request", "graceful-delete"} <= kinds


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_page_modules_pass_their_node_tests(trace_file: Path) -> None:
    result = subprocess.run(
        ["node", "--test", "--test-reporter=tap", "tests/js/"],
        cwd=ROOT,
        env={**os.environ, "PODLIFE_TRACE": str(trace_file)},
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Every test ran: none skipped for want of the trace (a skipped suite is only marked
    # "# SKIP" on its line), and there were tests at all.
    assert "# SKIP" not in output and re.search(r"^# skipped 0$", output, re.M), output
    passed = re.search(r"^# pass (\d+)$", output, re.M)
    assert passed and int(passed.group(1)) > 0, output
