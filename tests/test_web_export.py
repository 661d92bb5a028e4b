"""Share and keep: a cluster exported as a file and imported into another session reproduces
the same history, event for event; a file that was changed, cut short or too big is refused
with a sentence saying why (docs/export.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.test_web_support import DEPLOYMENT, Page, configmap_over_http, dumps, make_app, pod
from web import registry_of
from web.ratelimit import kind_of


@pytest.fixture
def app() -> Iterator[Flask]:
    app = make_app()
    yield app
    registry_of(app).shutdown()


def busy_session(app: Flask) -> Page:
    """A session with kubectl, a click on the picture, time passing and a node failing."""
    page = Page(app)
    page.hello(paused=True)
    assert page.request("apply", {"yaml": DEPLOYMENT})["exit_code"] == 0
    page.request("step")
    for _ in range(40):
        page.request("step")
    pods = [p for p in page.cluster.etcd.range("/registry/pods/default/")]
    name = pods[0].key.rsplit("/", 1)[-1]
    assert page.request("action", {"kind": "delete-pod", "target": f"default/{name}"})["ok"]
    assert page.request("action", {"kind": "fail-node", "target": "node-2"})["ok"]
    added = {"kind": "add-node", "target": {"name": "extra", "cpu": "2", "labels": {"a": "b"}}}
    assert page.request("action", added)["ok"]
    assert page.request("action", {"kind": "crash-container", "target": f"default/{name}"})
    assert page.request("kubectl", {"line": "get pods"})["ok"]
    for _ in range(20):
        page.request("step")
    return page


def exported(page: Page) -> dict[str, Any]:
    reply = page.request("export")
    assert reply["ok"], reply
    assert reply["name"].startswith("podlife-0-") and reply["name"].endswith(".json")
    assert reply["events"] == len(page.session.timeline.events)
    return reply


def test_export_then_import_in_a_fresh_session_gives_the_same_trace(app: Flask) -> None:
    source = busy_session(app)
    reply = exported(source)
    content = json.loads(reply["content"])
    assert content["format"] == "podlife-cluster" and content["version"] == 1
    kinds = [record["op"]["kind"] for record in content["inputs"]]
    assert "kubectl" in kinds and "call" in kinds

    other = Page(app)
    other.hello(paused=True, seed=7)
    answer = other.request("import", {"content": reply["content"]})
    assert answer["ok"], answer
    assert answer["events"] == reply["events"] and answer["seed"] == 0
    other.wait_until(lambda: len(other.events) >= reply["events"])
    original, copy = source.session.timeline, other.session.timeline
    assert dumps(copy.events) == dumps(original.events)
    assert copy.cluster.env.steps == original.cluster.env.steps
    assert copy.cluster.env.now == original.cluster.env.now
    # the page was told: a reset, then the whole history to draw at once
    assert other.named("reset")[-1]["seed"] == 0
    assert other.events == [event.model_dump(mode="json") for event in original.events]
    # and the copy lives on like the original: the same command gives the same answer
    one = source.request("kubectl", {"line": "get pods -o wide"})
    two = other.request("kubectl", {"line": "get pods -o wide"})
    assert one["output"] == two["output"]
    assert dumps(copy.events) == dumps(original.events)


def test_a_lesson_exports_its_name_and_files(app: Flask) -> None:
    page = Page(app)
    page.hello(paused=True)
    lesson = page.request("scenario", {"name": "33-configure-pod-configmap"})
    assert lesson["ok"] and lesson["files"]
    content = json.loads(exported_any(page))
    assert content["lesson"] == "33-configure-pod-configmap"
    assert content["files"] == lesson["files"]


def exported_any(page: Page) -> str:
    reply = page.request("export")
    assert reply["ok"], reply
    return str(reply["content"])


def refusal(page: Page, content: Any) -> str:
    reply = page.request("import", {"content": content})
    assert reply["ok"] is False, reply
    return str(reply["error"])


def test_a_changed_file_is_refused_and_the_cluster_is_kept(app: Flask) -> None:
    source = Page(app)
    source.hello(paused=True)
    source.request("apply", {"yaml": pod("web")})
    text = exported_any(source)
    target = Page(app)
    target.hello(paused=True)
    target.request("apply", {"yaml": pod("mine")})
    before = dumps(target.session.timeline.events)

    tampered = json.loads(text)
    tampered["inputs"][0]["op"]["stdin"] = pod("other")
    error = refusal(target, json.dumps(tampered))
    assert "gave a different history" in error and "another version of Podlife" in error

    tampered = json.loads(text)
    tampered["digest"] = "sha256:" + "0" * 64
    assert "gave a different history" in refusal(target, json.dumps(tampered))

    tampered = json.loads(text)
    tampered["inputs"][0]["steps"] += 10**5  # after the cluster's last step
    assert "out of order" in refusal(target, json.dumps(tampered))
    tampered = json.loads(text)
    tampered["inputs"][0]["now"] = tampered["position"]["now"] + 1  # after the cluster's clock
    assert "out of order" in refusal(target, json.dumps(tampered))

    tampered = json.loads(text)
    tampered["inputs"][0]["steps"] = 0  # before the cluster had booted
    error = refusal(target, json.dumps(tampered))
    assert error.startswith("import: the file does not replay on this Podlife (input 0 was")

    assert "not JSON" in refusal(target, text[: len(text) // 2])  # cut short
    assert "not a Podlife cluster file" in refusal(target, json.dumps({"seed": 1}))
    tampered = json.loads(text)
    tampered["version"] = 99
    assert "version 99" in refusal(target, json.dumps(tampered))
    tampered = json.loads(text)
    tampered["inputs"][0]["op"] = {"kind": "call", "method": "__class__", "args": []}
    assert refusal(target, json.dumps(tampered)).startswith("import: inputs.0.op.call.method")
    tampered = json.loads(text)
    del tampered["position"]
    assert refusal(target, json.dumps(tampered)) == "import: position: Field required"
    assert "payload must be an object" in str(target.request("import", "text")["error"])
    assert refusal(target, 42) == "import: content: Input should be a valid string"

    assert dumps(target.session.timeline.events) == before  # nothing was replaced


def test_import_limits_are_settings() -> None:
    # both cost a token of the connection's command budget (web/ratelimit.py)
    assert kind_of("export") == kind_of("import") == "commands"
    app = make_app(max_import_bytes=2000, max_import_inputs=1, max_import_steps=5000)
    try:
        page = Page(app)
        page.hello(paused=True)
        page.request("kubectl", {"line": "get pods"})
        page.request("kubectl", {"line": "get nodes"})
        text = exported_any(page)
        assert "at most 2,000 are accepted" in refusal(page, text + " " * 2000)
        assert "at most 1 are replayed" in refusal(page, text)
        one = json.loads(text)
        one["inputs"] = one["inputs"][:1]
        one["position"]["steps"] = 6000
        assert "at most 5,000 are run" in refusal(page, json.dumps(one))
    finally:
        registry_of(app).shutdown()


def test_a_cluster_a_real_kubectl_changed_exports_without_its_token(app: Flask) -> None:
    from web.kube_api.kubeconfig import USER

    page = Page(app)
    page.hello(paused=True)
    call = configmap_over_http(app)
    ((token, _user),) = call.credentials
    page.session.timeline.apply(call)
    page.request("step")
    reply = page.request("export")
    assert reply["ok"], reply
    assert token not in reply["content"]  # the server's credential never leaves it
    request = json.loads(reply["content"])["inputs"][0]["op"]
    assert request["kind"] == "request" and request["user"] == USER
    other = Page(app)
    other.hello(paused=True)
    assert other.request("import", {"content": reply["content"]})["ok"]
    assert dumps(other.session.timeline.events) == dumps(page.session.timeline.events)
    assert any("over-http" in line for line in dumps(other.session.timeline.events))
