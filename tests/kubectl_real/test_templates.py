"""The template output formats with the real kubectl and the in-engine one, side by side:
`-o jsonpath`, `-o go-template` (and `--template`), `-o custom-columns`, on lists and single
objects, with the tutorials' own templates; and `--dry-run=client`, which prints without
sending anything."""

from __future__ import annotations

from tests.kubectl_real.conftest import Twin
from tests.kubectl_real.test_config import same

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
  annotations: {note: "a&b <c>"}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
        resources: {requests: {memory: 1000000}}
"""


def test_jsonpath_go_template_and_custom_columns_print_as_the_real_kubectl(twin: Twin) -> None:
    twin.file("web.yaml", DEPLOYMENT)
    same(twin, "apply -f web.yaml")
    same(twin, "expose deployment web --port=80 --type=NodePort")
    twin.advance(30)
    # Kubernetes Basics keeps names and the node port with go-templates
    assert "web-" in same(
        twin,
        "get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'",
    )
    same(twin, "get services/web -o go-template='{{(index .spec.ports 0).nodePort}}'")
    same(twin, "get deploy web -o go-template='{{.spec.replicas}} {{.metadata.labels}} {{.nope}}'")
    # float64 numbers, as the printer's JSON round trip leaves them
    same(
        twin,
        "get deploy web -o go-template="
        "'{{(index .spec.template.spec.containers 0).resources.requests.memory}}'",
    )
    same(twin, "get deploy web -o go-template='{{if eq .spec.replicas 2}}two{{else}}other{{end}}'")
    same(
        twin,
        "get deploy web -o go-template='{{range $k, $v := .metadata.labels}}{{$k}}={{$v}};{{end}}'",
    )
    same(twin, "get pods -o jsonpath='{.items[*].metadata.name}'")
    same(
        twin,
        'get pods -o jsonpath=\'{range .items[*]}{.metadata.name}{"\\t"}'
        '{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}\'',
    )
    same(twin, "get deploy web -o jsonpath='{.metadata.labels}'")
    same(twin, "get deploy web -o jsonpath='{.metadata.annotations.note}'")
    same(twin, "get deploy web -o jsonpath='{.spec.template.spec.containers[0].ports}'")
    same(twin, "get deploy web -o jsonpath={.spec.replicas}")
    same(twin, "get deploy web -o jsonpath='{..image}'")
    same(twin, "get pods -o jsonpath-as-json='{.items[*].spec.nodeName}'")
    # Connecting Applications with Services prints the pods' IPs with custom columns
    same(twin, "get pods -l app=web -o custom-columns=POD_IP:.status.podIPs")
    same(
        twin,
        "get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,X:.nope --no-headers",
    )
    same(
        twin,
        "get deploy web -o custom-columns="
        "NAME:{.metadata.name},IMAGES:.spec.template.spec.containers[*].image",
    )


def test_template_refusals_are_kubectls(twin: Twin) -> None:
    same(twin, "get pods -o go-template")
    same(twin, "get pods -o bogus")
    same(twin, "get pods -o custom-columns=NAME")


def test_a_client_dry_run_prints_what_would_be_sent_and_sends_nothing(twin: Twin) -> None:
    twin.file("web.yaml", DEPLOYMENT)
    same(twin, "create -f web.yaml --dry-run=client")
    same(twin, "create -f web.yaml --dry-run=client -o jsonpath={.spec.replicas}")
    same(twin, "apply -f web.yaml --dry-run=client -o go-template='{{.kind}}/{{.metadata.name}}'")
    same(twin, "get deploy")
    same(twin, "create -f web.yaml")
    twin.file("web.yaml", DEPLOYMENT.replace("replicas: 2", "replicas: 5"))
    # on an existing object created without apply: no warning, the live object printed
    same(twin, "apply -f web.yaml --dry-run=client -o jsonpath={.spec.replicas}")
    same(twin, "apply -f web.yaml --dry-run=client")
    same(twin, "get deploy web -o jsonpath={.spec.replicas}")
    same(twin, "apply -f web.yaml")
    same(twin, "get deploy web -o jsonpath={.spec.replicas}")
