"""What the page sends is checked: editor errors on the right line, limits, clear refusals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.test_web_support import Page, make_app, pod
from web import registry_of
from web.editor_errors import locate


@pytest.fixture
def page() -> Iterator[Page]:
    app = make_app()
    page = Page(app)
    page.hello()
    yield page
    registry_of(app).shutdown()


NO_IMAGE = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: sidecar
    image: busybox
  - name: web
    ports:
    - containerPort: 80
"""


def test_missing_image_is_shown_on_the_containers_line(page: Page) -> None:
    reply = page.request("apply", {"yaml": NO_IMAGE})
    assert reply["ok"] and reply["exit_code"] == 1
    message = 'The Pod "web" is invalid: spec.containers[1].image: Required value'
    assert reply["output"] == [["stderr", message + "\n"]]
    assert reply["errors"] == [{"line": 9, "message": message}]


def test_missing_image_of_the_only_container(page: Page) -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n"
    )
    [error] = page.request("apply", {"yaml": text})["errors"]
    assert error == {
        "line": 7,
        "message": 'The Pod "web" is invalid: spec.containers[0].image: Required value',
    }


def test_yaml_syntax_error_is_shown_on_the_parsers_line(page: Page) -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: web\n"
    reply = page.request("apply", {"yaml": text})
    assert reply["exit_code"] == 1
    expected = (
        "error: error parsing STDIN: error converting YAML to JSON: yaml: line 4: "
        "found character that cannot start any token"
    )
    assert reply["errors"] == [{"line": 4, "message": expected}]
    assert page.events == []  # nothing reached the API server


def test_several_causes_each_on_their_line() -> None:
    deployment = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  selector:
    matchLabels:
      app: x
  template:
    metadata:
      labels:
        app: y
    spec:
      containers:
      - name: a
"""
    stderr = (
        'The Deployment "d" is invalid: \n'
        "* spec.template.metadata.labels: Invalid value: "
        'map[string]string{"app":"y"}: `selector` does not match template `labels`\n'
        "* spec.template.spec.containers[0].image: Required value\n"
    )
    assert [e["line"] for e in locate(deployment, stderr)] == [11, 15]
    assert locate(deployment, stderr)[1]["message"] == (
        'The Deployment "d" is invalid: spec.template.spec.containers[0].image: Required value'
    )


def test_errors_find_their_document_and_bracketed_keys() -> None:
    text = (
        pod("ok")
        + "---\n"
        + pod("bad").replace(
            "  name: bad\n", "  name: bad\n  labels:\n    app.kubernetes.io/name: -x\n"
        )
    )
    stderr = (
        'pod/ok created\nThe Pod "bad" is invalid: metadata.labels[app.kubernetes.io/name]: '
        'Invalid value: "-x": a valid label must be an empty string or consist of …\n'
    )
    [error] = locate(text, stderr)
    assert text.splitlines()[error["line"] - 1] == "    app.kubernetes.io/name: -x"


def test_a_missing_top_level_field_points_at_its_parent() -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {}\nspec: {}\n"
    [error] = locate(text, 'The Pod "" is invalid: spec.containers: Required value\n')
    assert error["line"] == 5


def test_an_oversized_paste_is_refused_before_kubectl(page: Page) -> None:
    big = pod() + "#" * (1024 * 1024)
    reply = page.request("apply", {"yaml": big})
    assert reply["ok"] is False
    assert reply["error"] == (
        f"the paste is {len(big.encode())} bytes; at most 1048576 bytes (1 MiB) are accepted"
    )
    assert page.events == []


def test_an_alias_bomb_is_refused_before_kubectl(page: Page) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        previous, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    reply = page.request("apply", {"yaml": "\n".join(lines) + "\n"})
    assert reply == {
        "ok": False,
        "error": "the paste: YAML aliases expand to more than 1048576 bytes",
    }
    stdin = page.request("kubectl", {"line": "apply -f -", "stdin": "\n".join(lines)})
    assert stdin["error"] == "stdin: YAML aliases expand to more than 1048576 bytes"


def test_deeply_nested_yaml_is_refused_quickly(page: Page) -> None:
    flow = page.request("apply", {"yaml": "[" * 20000 + "]" * 20000})
    assert flow == {"ok": False, "error": "the paste: YAML nests deeper than 100 levels"}
    block = "".join(" " * i + "a:\n" for i in range(600))
    assert page.request("apply", {"yaml": block}) == {
        "ok": False,
        "error": "the paste: YAML nests deeper than 100 levels",
    }
    assert page.request("kubectl", {"line": "apply -f -", "stdin": block})["error"] == (
        "stdin: YAML nests deeper than 100 levels"
    )


@pytest.mark.parametrize(
    ("name", "payload", "error"),
    [
        ("kubectl", {"line": "get " + "x" * 9000}, "the command line is 9004 characters long"),
        ("kubectl", {"line": 'get pods "unclosed'}, "cannot read the command line"),
        ("kubectl", {}, "kubectl: line: Field required"),
        ("kubectl", "get pods", "kubectl: the payload must be an object"),
        ("kubectl", {"line": "get pods", "at_seq": -1}, "kubectl: at_seq: Input should be"),
        ("kubectl", {"line": "get pods", "at_seq": True}, "at_seq: Input should be a valid"),
        ("speed", {"speed": 0.05}, "speed: speed must be between 0.1 and 100, not 0.05"),
        ("speed", {"speed": 101}, "speed: speed must be between 0.1 and 100, not 101"),
        ("speed", {"speed": "fast"}, "speed: Input should be a valid number"),
        ("ack", {"seq": "3"}, "ack: seq: Input should be a valid integer"),
        ("action", {"kind": "explode", "target": "x"}, "unknown action 'explode'; the actions"),
        ("action", {"kind": "delete-pod", "target": "web"}, "namespace/pod[/container]"),
        ("action", {"kind": "cordon", "target": "--all"}, "'--all' is not a valid node name"),
        ("action", {"kind": "add-node", "target": {"cpu": "lots"}}, "add-node: cpu 'lots'"),
        ("hello", {"seed": -1}, "hello: seed: Input should be greater than or equal to 0"),
        ("etcd", {"key": "/x", "revision": "1"}, "etcd: revision: Input should be a valid"),
    ],
)
def test_bad_messages_get_a_clear_error(page: Page, name: str, payload: object, error: str) -> None:
    reply = page.request(name, payload)
    assert reply["ok"] is False
    assert error in reply["error"]


def test_actions_run_as_the_kubectl_command_they_stand_for(page: Page) -> None:
    page.request("apply", {"yaml": pod()})
    reply = page.request("action", {"kind": "force-delete-pod", "target": "default/web"})
    assert reply["ok"] and reply["command"] == (
        "kubectl delete pod web -n default --force --grace-period=0"
    )
    assert 'pod "web" force deleted' in "".join(text for _, text in reply["output"])


def test_actions_the_engine_does_not_offer_yet_say_so(page: Page) -> None:
    cluster = page.cluster
    reply = page.request("action", {"kind": "fail-node", "target": "node-1"})
    if callable(getattr(cluster, "fail_node", None)):
        assert reply["ok"], reply
    else:
        assert reply == {
            "ok": False,
            "error": "fail-node is not available in this version of Podlife yet",
        }


def test_unknown_fields_in_a_message_are_ignored(page: Page) -> None:
    assert page.request("play", {"future": 1})["ok"]
    assert page.request("kubectl", {"line": "get ns", "colour": "blue"})["exit_code"] == 0


def test_a_type_error_points_at_its_field() -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
        '  replicas: "three"\n  selector: {}\n'
    )
    stderr = (
        'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" '
        "cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field "
        "DeploymentSpec.spec.replicas of type int32\n"
    )
    [error] = locate(text, stderr)
    assert text.splitlines()[error["line"] - 1] == '  replicas: "three"'
