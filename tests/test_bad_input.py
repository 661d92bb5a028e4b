"""The bad-input corpus: what people paste and send, answered in Kubernetes' or kubectl's words
within a bounded time, over the page's protocol and over the REST API, while another session
keeps working, and with nothing stored that Kubernetes would refuse."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gevent
import pytest
from flask import Flask

from tests import protobuf_kit
from tests.test_web_support import Page, make_app
from web import registry_of
from web.config import UNLIMITED_MESSAGES
from web.kube_api import kube_api_of, protobuf

ANSWER_SECONDS = 2.0  # every case is answered within this, however bad


def deployment(replicas: str = "2", extra: str = "") -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
{extra}      containers:
      - name: web
        image: nginx:1.27
"""


def pod(name: str = "web", labels: str = "{app: web}", head: str = "") -> str:
    return f"""\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels: {labels}
{head}spec:
  containers:
  - name: web
    image: nginx:1.27
"""


NODE_AFFINITY_LIST = """\
      affinity:
        nodeAffinity:
        - requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms: []
"""

ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{new}: &{new} [" + ",".join([f"*{old}"] * 9) + "]\n"
    for new, old in zip("bcdefghi", "abcdefgh", strict=True)
)


def pods(count: int) -> str:
    return "".join(f"---\n{pod(f'p{i}')}" for i in range(count))


# (case, YAML pasted, the words the answer must hold). Every one is refused.
REFUSED = [
    ('"---\\n" x 20,000', "---\n" * 20_000, "more than 1000 YAML documents"),
    ("1,001 objects", pods(1001), "more than 1000 YAML documents"),
    (
        "replicas: three",
        deployment('"three"'),
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal '
        "string into Go struct field DeploymentSpec.spec.replicas of type int32",
    ),
    (
        "replicas: 2.5",
        deployment("2.5"),
        "cannot unmarshal number 2.5 into Go struct field DeploymentSpec.spec.replicas of type "
        "int32",
    ),
    (
        "replicas: true",
        deployment("true"),
        "cannot unmarshal bool into Go struct field DeploymentSpec.spec.replicas of type int32",
    ),
    (
        "a list where nodeAffinity's map belongs",
        deployment(extra=NODE_AFFINITY_LIST),
        "cannot unmarshal array into Go struct field Affinity.spec.template.spec.affinity."
        "nodeAffinity of type v1.NodeAffinity",
    ),
    (
        "metadata: [1, 2]",
        "apiVersion: v1\nkind: Pod\nmetadata: [1, 2]\nspec: {containers: [{name: a, image: b}]}\n",
        # kubectl apply reads it as unstructured: no name, so it asks nothing of the server
        "resource name may not be empty",
    ),
    ("an alias bomb", ALIAS_BOMB, "YAML aliases expand to more than 1048576 bytes"),
    ("1,000 levels of [", "[" * 1000 + "]" * 1000, "YAML nests deeper than 100 levels"),
    ("a lone surrogate", pod().replace("nginx:1.27", "nginx\ud800"), "invalid Unicode character"),
    ("a tab for indentation", pod().replace("  name: web\n", "\tname: web\n", 1), "yaml: line 4"),
    ("an unknown kind", pod().replace("kind: Pod", "kind: Frobnicator"), 'kind "Frobnicator"'),
    ("a 254-character name", pod("a" * 254), "must be no more than 253 characters"),
    (
        "a 64-character label value",
        pod(labels="{app: " + "v" * 64 + "}"),
        "must be no more than 63 characters",
    ),
    ("over 1 MiB", pod() + "#" * (1024 * 1024), "at most 1048576 bytes (1 MiB) are accepted"),
]

# At the limits: accepted as Kubernetes accepts them.
ACCEPTED = [
    ("a 253-character name", pod("a" * 253)),
    ("a 63-character label value", pod(labels="{app: " + "v" * 63 + "}")),
    ("a date as a label value", pod(labels="{released: 2024-01-01}")),
    (
        "1,000 objects",
        "".join(
            f"---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: n{i}}}\n" for i in range(1000)
        ),
    ),
]


@pytest.fixture
def app() -> Iterator[Flask]:
    app = make_app(**UNLIMITED_MESSAGES, max_objects_per_kind=2000)
    yield app
    registry_of(app).shutdown()


def stored_keys(page: Page) -> set[str]:
    """What the cluster holds, but for what components write on their own."""
    own = ("/registry/events/", "/registry/leases/", "/registry/nodes/")
    return {kv.key for kv in page.cluster.etcd.range("/registry/") if not kv.key.startswith(own)}


def answer_text(reply: dict[str, Any]) -> str:
    if not reply["ok"]:
        return str(reply["error"])
    return "".join(text for _, text in reply["output"])


class Neighbour:
    """Another learner's tab, asking its own cluster for its nodes all along: how long each
    answer takes is how long the bad input held the server."""

    def __init__(self, app: Flask) -> None:
        self.page = Page(app)
        self.page.hello(paused=True)
        self.latencies: list[float] = []
        self.failures: list[Any] = []
        self.running = True
        self.greenlet = gevent.spawn(self._loop)

    def _loop(self) -> None:
        while self.running:
            start = time.perf_counter()
            reply = self.page.client.emit("kubectl", {"line": "get nodes"}, callback=True)
            self.latencies.append(time.perf_counter() - start)
            if not (isinstance(reply, dict) and reply.get("exit_code") == 0):
                self.failures.append(reply)
            gevent.sleep(0.01)

    def stop(self) -> None:
        self.running = False
        self.greenlet.join()


@pytest.mark.parametrize(("case", "text", "words"), REFUSED, ids=[c[0] for c in REFUSED])
def test_a_bad_paste_is_answered_in_kubernetes_words_and_nothing_is_stored(
    app: Flask, case: str, text: str, words: str
) -> None:
    page = Page(app)
    page.hello(paused=True)
    neighbour = Neighbour(app)
    before = stored_keys(page)
    start = time.perf_counter()
    reply = page.request("apply", {"yaml": text})
    took = time.perf_counter() - start
    gevent.sleep(0.05)
    neighbour.stop()
    assert words in answer_text(reply), (case, answer_text(reply)[:500])
    assert "inside the server" not in answer_text(reply)
    assert reply.get("exit_code", 1) != 0
    assert took < ANSWER_SECONDS, f"{case}: answered after {took:.2f} s"
    assert stored_keys(page) == before, case
    assert not neighbour.failures and neighbour.latencies
    assert max(neighbour.latencies) < ANSWER_SECONDS


@pytest.mark.parametrize(("case", "text"), ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_what_kubernetes_accepts_at_the_limits_is_accepted(
    app: Flask, case: str, text: str
) -> None:
    page = Page(app)
    page.hello()
    page.request("speed", {"speed": 100})
    pending = gevent.spawn(page.client.emit, "apply", {"yaml": text}, callback=True)

    def played_along() -> bool:  # a page acknowledges what it plays, so the clock runs
        page.ack()
        return bool(pending.ready())

    page.wait_until(played_along, timeout=60)
    reply = pending.get()
    assert reply["ok"] and reply["exit_code"] == 0, answer_text(reply)[-300:]


# ---- the same over the REST API: what a real kubectl or any client sends --------------------


class Rest:
    def __init__(self, app: Flask, page: Page) -> None:
        self.client = app.test_client()
        assert page.session_id is not None
        mine = self.client.get("/clusters", headers={"X-Podlife-Session": page.session_id})
        cluster_id = mine.json["cluster"]  # type: ignore[index]
        self.base = f"/clusters/{cluster_id}"
        self.token = kube_api_of(app).tokens.issue(cluster_id)

    def send(self, method: str, path: str, body: bytes | str, content_type: str) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": content_type}
        return self.client.open(self.base + path, method=method, data=body, headers=headers)


PROTOBUF = protobuf.MEDIA_TYPE
PROTOBUF_DEPLOYMENT = (
    Path(__file__).parent / "protobuf_bodies" / "deployment-replicas-port.bin"
).read_bytes()
# A pod whose name is written as a varint: protobuf_kit writes what the table says, an int.
POD_NAMED_5 = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": 5}}
PODS = "/api/v1/namespaces/default/pods"
DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
REST_REFUSED = [
    ("alias bomb as YAML", PODS, ALIAS_BOMB, "application/yaml", 400),
    ("deep JSON", PODS, "[" * 5000 + "]" * 5000, "application/json", 400),
    ("binary", PODS, b"\x00\xff\xfe\x89PNG\r\n", "application/json", 400),
    ("not UTF-8", PODS, b'{"apiVersion": "v1", "kind": "Pod\xff"}', "application/json", 400),
    (
        "metadata: [1,2]",
        PODS,
        '{"apiVersion":"v1","kind":"Pod","metadata":[1,2]}',
        "application/json",
        400,
    ),
    ("a string body", PODS, '"pod"', "application/json", 400),
    ("NaN", DEPLOYMENTS, '{"spec": {"replicas": NaN}}', "application/json", 400),
    ("replicas: three", DEPLOYMENTS, deployment('"three"'), "application/yaml", 400),
    (
        "nodeAffinity list",
        DEPLOYMENTS,
        deployment(extra=NODE_AFFINITY_LIST),
        "application/yaml",
        400,
    ),
    ("protobuf without its magic", DEPLOYMENTS, b"\x0a\x02hi", PROTOBUF, 400),
    ("protobuf cut short", DEPLOYMENTS, PROTOBUF_DEPLOYMENT[:-9], PROTOBUF, 400),
    ("protobuf name as a number", PODS, protobuf_kit.body(POD_NAMED_5), PROTOBUF, 400),
    ("protobuf 3 MiB", PODS, protobuf.MAGIC + b"\x0a" * (3 * 1024 * 1024), PROTOBUF, 413),
    ("wrong content type", PODS, "x", "text/plain", 415),
    ("3 MiB", PODS, "x" * (3 * 1024 * 1024 + 1), "application/json", 413),
]


@pytest.mark.parametrize(
    ("case", "path", "body", "content_type", "code"), REST_REFUSED, ids=[c[0] for c in REST_REFUSED]
)
def test_a_bad_request_gets_its_status_and_nothing_is_stored(
    app: Flask, case: str, path: str, body: bytes | str, content_type: str, code: int
) -> None:
    page = Page(app)
    page.hello(paused=True)
    rest = Rest(app, page)
    before = stored_keys(page)
    start = time.perf_counter()
    response = rest.send("POST", path, body, content_type)
    assert time.perf_counter() - start < ANSWER_SECONDS
    status = json.loads(response.data)
    assert (response.status_code, status["kind"], status["code"]) == (code, "Status", code), status
    assert status["message"]
    assert stored_keys(page) == before
