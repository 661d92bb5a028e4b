"""The real kubectl's typed commands, which send protobuf bodies (web/kube_api/protobuf.py):
`create deployment`, `debug`; beside them the commands that send JSON and act on what they
made (`run`, `scale`, `expose`). And /openapi/v2, which kubectl reads for a kind the v3
documents do not list: a file mixing served and unserved kinds."""

from __future__ import annotations

import json

from tests.kubectl_real.conftest import Kube, Twin, needs_running_pods, normalized


def same(twin: Twin, line: str) -> str:
    real, engine = twin.both(line)
    assert (real.code, normalized(real.stdout), real.stderr) == (
        engine.exit_code,
        normalized(engine.stdout),
        engine.stderr,
    ), line
    return real.stdout


@needs_running_pods
def test_create_deployment_then_scale_and_expose_it(twin: Twin) -> None:
    out = same(twin, "create deployment hello --image=gcr.io/google-samples/hello-app:1.0")
    assert out == "deployment.apps/hello created\n"
    same(twin, "get deployments")
    assert same(twin, "scale deployment hello --replicas 3") == "deployment.apps/hello scaled\n"
    same(twin, "get deployments")
    expose = "expose deployment hello --type=NodePort --port 8080"
    assert same(twin, expose) == "service/hello exposed\n"
    service = json.loads(twin.real("get service hello -o json").stdout)
    assert service["spec"]["selector"] == {"app": "hello"}
    assert service["spec"]["ports"][0]["targetPort"] == 8080


@needs_running_pods
def test_create_deployment_with_replicas_and_a_port(twin: Twin) -> None:
    line = "create deployment web --image=nginx:1.27 --replicas 3 --port 80"
    assert same(twin, line) == "deployment.apps/web created\n"
    assert normalized(same(twin, "get deployment web")).splitlines()[1].split()[:4] == [
        "web",
        "3/3",
        "3",
        "3",
    ]
    stored = json.loads(twin.real("get deployment web -o json").stdout)
    container = stored["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert stored["spec"]["selector"] == {"matchLabels": {"app": "web"}}


@needs_running_pods
def test_create_deployment_with_a_command(kube: Kube) -> None:
    run = kube("create", "deployment", "sleeper", "--image=busybox:1.36", "--", "sleep", "3600")
    assert (run.code, run.stdout, run.stderr) == (0, "deployment.apps/sleeper created\n", "")
    spec = json.loads(kube("get", "deployment", "sleeper", "-o", "json").stdout)["spec"]
    assert spec["template"]["spec"]["containers"][0]["command"] == ["sleep", "3600"]


@needs_running_pods
def test_run_a_pod(twin: Twin) -> None:
    assert same(twin, "run nginx --image=nginx --port 80 --labels tier=web") == (
        "pod/nginx created\n"
    )
    same(twin, "get pods --show-labels")


@needs_running_pods
def test_debug_a_node_creates_its_pod(kube: Kube) -> None:
    run = kube("debug", "node/node-1", "--image=busybox:1.36")
    assert run.code == 0, run.stderr
    assert "Creating debugging pod node-debugger-node-1-" in run.stdout
    name = run.stdout.split("Creating debugging pod ")[1].split()[0]
    pod = json.loads(kube("get", "pod", name, "-o", "json").stdout)
    assert pod["spec"]["nodeName"] == "node-1"
    assert pod["spec"]["hostPID"] is True
    assert pod["spec"]["volumes"][0] == {"name": "host-root", "hostPath": {"path": "/", "type": ""}}


MIXED = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mixed
spec:
  selector:
    matchLabels: {app: mixed}
  template:
    metadata:
      labels: {app: mixed}
    spec:
      containers:
      - name: web
        image: nginx:1.27
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: gadget
"""
NO_WIDGET = (
    'error: resource mapping not found for name: "gadget" namespace: "" from "mixed.yaml": '
    'no matches for kind "Widget" in version "example.com/v1"\n'
    "ensure CRDs are installed first\n"
)


def test_a_file_with_an_unserved_kind_creates_the_served_ones(kube: Kube) -> None:
    """kubectl validates the Widget against /openapi/v2, finds no such kind there and leaves
    it to the REST mapping, as with a real cluster; without v2 it said `error validating
    data: the server could not find the requested resource` for the whole file."""
    (kube.home / "mixed.yaml").write_text(MIXED)
    run = kube("apply", "-f", "mixed.yaml")
    assert (run.code, run.stdout, run.stderr) == (1, "deployment.apps/mixed created\n", NO_WIDGET)
    assert kube("get", "deployment", "mixed").code == 0
    again = kube("apply", "-f", "mixed.yaml")
    assert (again.code, again.stdout, again.stderr) == (
        1,
        "deployment.apps/mixed unchanged\n",
        NO_WIDGET,
    )


def test_explain_reads_the_v2_document_too(kube: Kube) -> None:
    run = kube("explain", "deployment.spec.replicas", "--output=plaintext-openapiv2")
    assert run.code == 0, run.stderr
    assert run.stdout.startswith("KIND:     Deployment\nVERSION:  apps/v1\n\nFIELD:    replicas")
    v3 = kube("explain", "deployment.spec.replicas")
    assert v3.code == 0 and "FIELD: replicas <integer>" in v3.stdout
