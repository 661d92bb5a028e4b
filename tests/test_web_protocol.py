"""The page ↔ server protocol (docs/protocol.md), through Flask-SocketIO's real test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from engine.apiserver.storage.codec import decode
from engine.cluster import Cluster
from engine.kubectl.printers import print_yaml
from engine.scenario import load
from tests.test_web_support import Page, make_app, pod
from web import registry_of

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app() -> Iterator[Flask]:
    app = make_app()
    yield app
    registry_of(app).shutdown()


def test_healthz(app: Flask) -> None:
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "sessions": 0}


def test_hello_creates_a_session_and_sends_reset_then_history(app: Flask) -> None:
    page = Page(app)
    reply = page.hello(seed=7)
    assert reply["ok"] and reply["seed"] == 7 and reply["speed"] == 1.0
    assert [n["name"] for n in reply["nodes"]] == ["node-1", "node-2", "node-3"]
    reset = page.named("reset")[0]
    assert reset["session"] == reply["session"] and reset["seed"] == 7
    # The etcd keys the cluster starts with, which no trace event announces.
    assert "/registry/minions/node-1" in reset["baseline"]["keys"]
    assert "/registry/namespaces/default" in reset["baseline"]["keys"]


def test_hello_lists_the_scenarios_with_title_and_summary(app: Flask) -> None:
    scenarios = Page(app).hello()["scenarios"]
    first = load(ROOT / "scenarios" / "01-first-pod.yaml")
    assert scenarios[0] == {
        "name": "01-first-pod",
        "title": first.title,
        "summary": first.summary,
    }
    assert len(scenarios) == len(list((ROOT / "scenarios").glob("*.yaml")))


def test_reload_reattaches_to_the_same_cluster(app: Flask) -> None:
    first = Page(app)
    session = first.hello(paused=True)["session"]
    assert first.request("apply", {"yaml": pod()})["exit_code"] == 0
    first.pump()
    history = list(first.events)
    first.client.disconnect()

    again = Page(app)  # the reloaded tab, with the id it kept in sessionStorage
    reply = again.hello(session)
    assert reply["session"] == session and reply["playing"] is False
    assert again.events == history
    assert all(payload.get("history") for payload in again.named("events"))
    assert "web" in again.request("kubectl", {"line": "get pods"})["output"][0][1]


def test_unknown_session_id_gets_a_new_session(app: Flask) -> None:
    page = Page(app)
    reply = page.hello("no-such-session")
    assert reply["ok"] and reply["session"] != "no-such-session"


def test_apply_streams_the_request_flow_in_seq_order(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    reply = page.request("apply", {"yaml": pod(), "id": 1})
    assert reply["ok"] and reply["id"] == 1 and reply["exit_code"] == 0
    assert reply["output"] == [["stdout", "pod/web created\n"]] and reply["errors"] == []
    assert reply["command"] == "kubectl apply -f -"

    kinds = [e["kind"] for e in page.events]
    assert [e["seq"] for e in page.events] == list(range(1, len(kinds) + 1))
    assert reply["seq"] == len(kinds)
    assert kinds[:3] == ["request", "authentication", "authorization"]
    for kind in ("mutating-admission", "validation", "etcd-write", "etcd-reply", "response"):
        assert kind in kinds
    # apply first GETs the object (404), then creates it: validated, written, answered
    last_response = len(kinds) - 1 - kinds[::-1].index("response")
    assert kinds.index("validation") < kinds.index("etcd-write") < last_response

    # The same input on a plain Cluster gives the same trace, byte for byte.
    reference = Cluster(seed=0)
    reference.kubectl("apply -f -", pod())
    assert page.events == [e.model_dump(mode="json") for e in reference.trace]


def test_a_reply_names_the_response_that_answers_kubectl(app: Flask) -> None:
    """The page shows kubectl's output when the stage reaches the API server's answer."""
    page = Page(app)
    page.hello(paused=True)
    created = page.request("apply", {"yaml": pod()})
    answer = event(page, created["answer_seq"])
    assert (answer["kind"], answer["target"], answer["data"]) == (
        "response",
        "kubectl",
        {"code": 201},
    )
    # after the stored milestone (step 2), before what the scheduler does with the pod
    milestone = next(e for e in page.events if e["kind"] == "milestone" and e["data"]["step"] == 2)
    assert milestone["seq"] < answer["seq"] <= created["seq"]

    listed = page.request("kubectl", {"line": "get pods"})
    answer = event(page, listed["answer_seq"])
    assert answer["kind"] == "response" and answer["data"] == {"code": 200}
    assert answer["seq"] > created["seq"], "the answer to this command, not to the one before"

    refused = page.request("kubectl", {"line": "get pod nope"})
    assert event(page, refused["answer_seq"])["data"] == {"code": 404}

    # kubectl's own errors come from no request: nothing on the stage to wait for
    unreadable = page.request("apply", {"yaml": "kind: [\n"})
    assert unreadable["exit_code"] == 1 and unreadable["answer_seq"] is None


def event(page: Page, seq: int) -> dict[str, Any]:
    return next(e for e in page.events if e["seq"] == seq)


def test_kubectl_output_is_what_cluster_kubectl_prints(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    page.request("apply", {"yaml": pod()})
    reference = Cluster(seed=0)
    reference.kubectl("apply -f -", pod())
    for line in ("get pods", "kubectl get pods -o wide", "get pod web -o yaml", "get nodes"):
        reply = page.request("kubectl", {"line": line})
        expected = reference.kubectl(line)
        assert reply["output"] == [list(chunk) for chunk in expected.output], line
        assert reply["exit_code"] == expected.exit_code


def test_kubectl_failures_keep_kubectls_words(app: Flask) -> None:
    page = Page(app)
    page.hello()
    reply = page.request("kubectl", {"line": "get pod nope"})
    assert reply["ok"] and reply["exit_code"] == 1
    assert reply["output"] == [["stderr", 'Error from server (NotFound): pods "nope" not found\n']]
    unknown = page.request("kubectl", {"line": "gett pods"})
    assert 'unknown command "gett" for "kubectl"' in unknown["output"][0][1]


def test_two_tabs_have_independent_clusters(app: Flask) -> None:
    one, two = Page(app), Page(app)
    assert one.hello()["session"] != two.hello()["session"]
    one.request("apply", {"yaml": pod()})
    assert two.request("kubectl", {"line": "get pods"})["output"] == [
        ["stderr", "No resources found in default namespace.\n"]
    ]
    assert "web" in one.request("kubectl", {"line": "get pods"})["output"][0][1]
    two.pump()
    assert not [e for e in two.events if e["object"] and e["object"]["name"] == "web"]


def test_a_duplicated_tab_takes_the_session_and_the_old_one_is_told(app: Flask) -> None:
    old = Page(app)
    session = old.hello()["session"]
    new = Page(app)
    assert new.hello(session)["session"] == session
    old.collect()
    assert old.named("detached") == [{"session": session}]
    refused = old.request("kubectl", {"line": "get pods"})
    assert refused == {"ok": False, "error": "this cluster is now open in another tab"}
    assert new.request("kubectl", {"line": "get pods"})["ok"]


def test_messages_before_hello_are_refused(app: Flask) -> None:
    page = Page(app)
    assert page.request("kubectl", {"line": "get pods"}) == {
        "ok": False,
        "error": "no session yet: send hello first",
    }


def test_scenario_loads_a_fresh_cluster_and_returns_its_steps(app: Flask) -> None:
    page = Page(app)
    page.hello()
    page.request("apply", {"yaml": pod()})
    reply = page.request("scenario", {"name": "01-first-pod"})
    assert reply["ok"] and reply["title"] == "Your first Pod" and reply["seed"] == 1
    assert reply["steps"][0]["say"].startswith("A Pod is the smallest thing")
    assert {"kubectl": "get pods"} in reply["steps"] and {"wait": "settled"} in reply["steps"]
    reset = page.named("reset")[-1]
    assert reset["seed"] == 1 and page.events == []
    assert page.request("scenario", {"name": "../app"}) == {
        "ok": False,
        "error": "there is no scenario named '../app'",
    }


def test_say_traces_a_lessons_narration_from_the_scenario_file(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    steps = page.request("scenario", {"name": "01-first-pod"})["steps"]
    reply = page.request("say", {"scenario": "01-first-pod", "step": 0})
    page.pump()
    (told,) = [e for e in page.events if e["kind"] == "narration"]
    assert reply == {"ok": True, "seq": told["seq"]}
    assert (told["source"], told["level"], told["summary"]) == (
        "narrator",
        "story",
        steps[0]["say"],
    )
    assert told == {**told, "step": "other", "object": None, "flow": None}
    # only a say step of a lesson the server has: the page cannot make up what is said
    refused = page.request("say", {"scenario": "01-first-pod", "step": 1})
    assert refused == {"ok": False, "error": "step 1 of the scenario is not a say step"}
    assert not page.request("say", {"scenario": "01-first-pod", "step": 999})["ok"]
    assert not page.request("say", {"scenario": "../etc/passwd", "step": 0})["ok"]


def test_reset_builds_a_fresh_cluster_with_the_nodes_asked_for(app: Flask) -> None:
    page = Page(app)
    page.hello()
    page.request("apply", {"yaml": pod()})
    nodes = [{"name": "big", "capacity": {"cpu": "64", "memory": "256Gi", "pods": "110"}}]
    reply = page.request("reset", {"seed": 3, "nodes": nodes})
    assert reply["ok"] and reply["seed"] == 3 and [n["name"] for n in reply["nodes"]] == ["big"]
    assert page.events == []
    output = page.request("kubectl", {"line": "get nodes"})["output"][0][1]
    assert "big" in output and "node-1" not in output
    bad = page.request("reset", {"nodes": [{"name": "Not_A_Name"}]})
    assert not bad["ok"] and "Not_A_Name" in bad["error"]


def test_inspect_shows_the_object_as_kubectl_get_o_yaml(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    page.request("apply", {"yaml": pod()})
    stored = page.cluster.etcd.get("/registry/pods/default/web")
    expected = decode(stored.value, stored.mod_revision)
    expected["metadata"].pop("managedFields")  # hidden, as kubectl get -o yaml hides them
    before = len(page.cluster.trace)
    reply = page.request("inspect", {"kind": "Pod", "namespace": "default", "name": "web"})
    assert reply["ok"] and reply["object"] == print_yaml(expected)
    assert isinstance(reply["events"], list)
    assert len(page.cluster.trace) == before  # looking does not disturb the simulation
    missing = page.request("inspect", {"kind": "pod", "name": "nope"})
    assert missing == {"ok": False, "error": 'Error from server (NotFound): pods "nope" not found'}
    unknown = page.request("inspect", {"kind": "gizmo", "name": "x"})
    assert unknown["error"] == 'error: the server doesn\'t have a resource type "gizmo"'


def test_etcd_lists_keys_and_reads_values_at_revisions(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    page.request("apply", {"yaml": pod()})
    listing = page.request("etcd")
    key = "/registry/pods/default/web"
    entry = next(k for k in listing["keys"] if k["key"] == key)
    assert entry["version"] == 1 and entry["create_revision"] == entry["mod_revision"]
    assert listing["revision"] >= entry["mod_revision"] and listing["compacted"] == 0

    value = page.request("etcd", {"key": key, "revision": entry["mod_revision"]})
    assert value["ok"] and '"name":"web"' in value["value"]
    assert value["mod_revision"] == entry["mod_revision"]
    before = page.request("etcd", {"key": key, "revision": entry["mod_revision"] - 1})
    assert before["ok"] and before["value"] is None


def test_etcd_after_compaction(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    page.request("apply", {"yaml": pod()})
    node = "/registry/minions/node-1"
    created = page.request("etcd", {"key": node})["mod_revision"]
    page.cluster.apiserver.compact()  # what the API server does every five minutes
    page.request("apply", {"yaml": pod().replace("name: web\n", "name: web\n  labels: {a: b}\n")})
    pod_key = "/registry/pods/default/web"
    old = page.request("etcd", {"key": pod_key, "revision": created})
    assert old["ok"] is False
    assert "compacted" in old["error"] and f"revision {created}" in old["error"]
    # A key unchanged since before the compaction still has a value.
    assert '"name":"node-1"' in page.request("etcd", {"key": node, "revision": created})["value"]


def test_the_page_is_served_or_a_clear_message(app: Flask) -> None:
    response = app.test_client().get("/")
    if (ROOT / "templates" / "index.html").exists():
        assert response.status_code == 200
    else:
        assert response.status_code == 503
        assert b"templates/index.html is missing" in response.data


def test_demo_timings_shorten_node_failure_and_are_kept_by_later_resets(app: Flask) -> None:
    page = Page(app)
    page.hello()
    assert page.request("reset", {})["timings"]["name"] == "default"
    reply = page.request("reset", {"timings": "demo"})
    assert reply["timings"] == {
        "name": "demo",
        "nodeMonitorGracePeriod": 20.0,
        "defaultTolerationSeconds": 30,
    }
    assert page.request("reset", {"seed": 4})["timings"]["name"] == "demo"  # kept
    page.request("action", {"kind": "fail-node", "target": "node-2"})
    page.cluster.advance(30)
    output = page.request("kubectl", {"line": "get nodes"})["output"][0][1]
    assert "node-2   NotReady" in output  # 20 s of silence, not 50
    tolerations = page.request(
        "kubectl", {"line": "run web --image=nginx -o yaml --dry-run=server"}
    )
    assert "tolerationSeconds: 30\n" in tolerations["output"][0][1]
    bad = page.request("reset", {"timings": "fast"})
    assert not bad["ok"] and "timings" in bad["error"]
