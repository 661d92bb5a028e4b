"""The API server's decoder: bodies that do not fit their Go types are refused in the real
server's words, never stored, and never answered with a traceback; the cluster keeps working.

Driven through the real request path (cluster.call, the in-engine kubectl, and the Kubernetes
HTTP API over Flask's test client)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from flask.testing import FlaskClient

from engine.apiserver.gotime import RFC3339, RFC3339_MICRO, parse_error
from engine.apiserver.request import Request, Response
from engine.cluster import Cluster
from web import create_app
from web.kube_api import LocalHost, kube_api_of

PODS = "/api/v1/namespaces/default/pods"
DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
HANDLED = 'Deployment in version "v1" cannot be handled as a Deployment: '
POD_HANDLED = 'Pod in version "v1" cannot be handled as a Pod: '
UNRECOGNIZED = "the object provided is unrecognized (must be of type Pod): "
STRUCT = (
    'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; '
    'Kind string "json:\\"kind,omitempty\\"" }'
)


def find_kind(kind: str) -> str:
    return (
        f"couldn't get version/kind; json parse error: json: cannot unmarshal {kind} into Go "
        f"value of type {STRUCT}"
    )


def deployment(**spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
            },
        },
    }
    body["spec"].update(spec)
    return body


def pod(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}], **spec},
    }


def send(cluster: Cluster, method: str, path: str, body: Any, content_type: str) -> Response:
    return cluster.call(
        Request.from_url(method, path, body=body, headers={"content-type": content_type})
    )


def assert_refused(response: Response, code: int, message: str, reason: str = "BadRequest"):
    assert (response.code, response.body["message"]) == (code, message)
    assert response.body.get("reason", "") == reason


def assert_keeps_scheduling(cluster: Cluster) -> None:
    """After whatever was refused, a valid pod still gets a node and runs."""
    ok = send(cluster, "POST", PODS, pod(), "application/json")
    assert ok.code == 201, ok.body
    cluster.settle()
    stored = cluster.call(Request.from_url("GET", PODS + "/web")).body
    assert stored["spec"]["nodeName"] and stored["status"]["phase"] == "Running"
    assert not [event for event in cluster.trace.events if event.kind == "error"]


# ---- create: the Go type of every field ------------------------------------------------------

NODE_AFFINITY_AS_LIST = {  # the shape of a docs manifest with one level of nesting wrong
    "nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [
            {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]}
                ]
            }
        ]
    }
}

# (what the body is, its JSON text) -> the exact message of the 400
DEPLOYMENT_CASES = [
    (
        json.dumps(deployment(replicas="three")),
        HANDLED + "json: cannot unmarshal string into Go struct field DeploymentSpec.spec."
        "replicas of type int32",
    ),
    (
        json.dumps(deployment(replicas=2.5)),
        HANDLED + "json: cannot unmarshal number 2.5 into Go struct field DeploymentSpec.spec."
        "replicas of type int32",
    ),
    (
        json.dumps(deployment(replicas=1)).replace('"replicas": 1', '"replicas": 2.0'),
        HANDLED + "json: cannot unmarshal number 2.0 into Go struct field DeploymentSpec.spec."
        "replicas of type int32",
    ),
    (
        json.dumps(deployment(replicas=True)),
        HANDLED + "json: cannot unmarshal bool into Go struct field DeploymentSpec.spec.replicas"
        " of type int32",
    ),
    (
        json.dumps(deployment(replicas=10000000000)),
        HANDLED + "json: cannot unmarshal number 10000000000 into Go struct field "
        "DeploymentSpec.spec.replicas of type int32",
    ),
    (
        json.dumps(deployment(strategy={"rollingUpdate": {"maxSurge": True}})),
        HANDLED + "json: cannot unmarshal bool into Go struct field RollingUpdateDeployment."
        "spec.strategy.rollingUpdate.maxSurge of type int32",
    ),
    (
        json.dumps(deployment(selector={"matchLabels": ["app"]})),
        HANDLED + "json: cannot unmarshal array into Go struct field LabelSelector.spec.selector"
        ".matchLabels of type map[string]string",
    ),
    (
        json.dumps(deployment(strategy={"type": 1})),
        HANDLED + "json: cannot unmarshal number into Go struct field DeploymentStrategy.spec."
        "strategy.type of type v1.DeploymentStrategyType",
    ),
    (
        # Go keeps the first type error and goes on; a quantity's own error ends decoding.
        json.dumps(deployment(replicas="x", minReadySeconds="y")),
        HANDLED + "json: cannot unmarshal string into Go struct field DeploymentSpec.spec."
        "replicas of type int32",
    ),
]

POD_CASES = [
    (json.dumps({**pod(), "metadata": [1, 2]}), "array", "Pod.metadata", "v1.ObjectMeta"),
    (json.dumps({**pod(), "spec": 5}), "number", "Pod.spec", "v1.PodSpec"),
    (json.dumps(pod(containers={})), "object", "PodSpec.spec.containers", "[]v1.Container"),
    (json.dumps(pod(containers=["nginx"])), "string", "PodSpec.spec.containers", "v1.Container"),
    (
        json.dumps({**pod(), "metadata": {"name": "web", "labels": ["a"]}}),
        "array",
        "ObjectMeta.metadata.labels",
        "map[string]string",
    ),
    (json.dumps(pod(restartPolicy=5)), "number", "PodSpec.spec.restartPolicy", "v1.RestartPolicy"),
    (
        json.dumps(pod(affinity=NODE_AFFINITY_AS_LIST)),
        "array",
        "NodeAffinity.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution",
        "v1.NodeSelector",
    ),
    (
        json.dumps(
            pod(containers=[{"name": "a", "image": "x", "ports": [{"containerPort": "80"}]}])
        ),
        "string",
        "ContainerPort.spec.containers.ports.containerPort",
        "int32",
    ),
    (
        json.dumps(pod(containers=[{"name": "a", "image": "x", "args": [1]}])),
        "number",
        "Container.spec.containers.args",
        "string",
    ),
    (
        json.dumps({**pod(), "metadata": {"name": "web", "uid": 5}}),
        "number",
        "ObjectMeta.metadata.uid",
        "types.UID",
    ),
]


@pytest.mark.parametrize(("text", "message"), DEPLOYMENT_CASES)
def test_a_deployment_of_the_wrong_types_is_refused_and_not_stored(text: str, message: str):
    cluster = Cluster(seed=1, control_plane=False)
    assert_refused(send(cluster, "POST", DEPLOYMENTS, text, "application/json"), 400, message)
    assert cluster.etcd.get("/registry/deployments/default/web") is None


@pytest.mark.parametrize(("text", "kind", "where", "go_type"), POD_CASES)
def test_a_pod_of_the_wrong_types_is_refused_and_not_stored(
    text: str, kind: str, where: str, go_type: str
):
    cluster = Cluster(seed=1, control_plane=False)
    message = f"json: cannot unmarshal {kind} into Go struct field {where} of type {go_type}"
    assert_refused(
        send(cluster, "POST", PODS, text, "application/json"), 400, POD_HANDLED + message
    )
    # The same body given as values (the in-engine kubectl's way) meets the same decoder.
    assert_refused(
        send(cluster, "POST", PODS, json.loads(text), "application/json"),
        400,
        POD_HANDLED + message,
    )
    assert cluster.etcd.count("/registry/pods/") == 0


def test_unmarshal_errors_of_the_value_types_with_their_own_decoders():
    cluster = Cluster(seed=1, control_plane=False)
    cases = {
        # metav1.Time: a string, then time.Parse(RFC3339)
        json.dumps({**pod(), "metadata": {"name": "web", "creationTimestamp": "yesterday"}}): (
            'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday"'
            ' as "2006"'
        ),
        json.dumps({**pod(), "metadata": {"name": "web", "creationTimestamp": 5}}): (
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata."
            "creationTimestamp of type string"
        ),
        # resource.Quantity, and a later quantity error beats an earlier type error
        json.dumps(
            {
                **pod(
                    containers=[{"name": "a", "image": "x", "resources": {"limits": {"cpu": "x"}}}]
                ),
                "metadata": {"name": "web", "labels": {"a": 1}},
            }
        ): "quantities must match the regular expression "
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    }
    for text, message in cases.items():
        assert_refused(
            send(cluster, "POST", PODS, text, "application/json"), 400, POD_HANDLED + message
        )
    assert cluster.etcd.count("/registry/pods/") == 0


def test_null_leaves_the_zero_value_and_yaml_whole_numbers_are_integers():
    cluster = Cluster(seed=1, control_plane=False)
    body = deployment(replicas=None)
    body["metadata"]["annotations"] = None
    created = send(cluster, "POST", DEPLOYMENTS, json.dumps(body), "application/json")
    assert created.code == 201 and created.body["spec"]["replicas"] == 1
    assert "annotations" not in created.body["metadata"]
    # YAML's 3.0 reaches Go's decoder as the JSON number 3 (sigs.k8s.io/yaml YAMLToJSON).
    yaml_body = json.dumps(deployment(replicas=3)).replace('"web"', '"api"')
    text = yaml_body.replace('"replicas": 3', '"replicas": 3.0')
    as_yaml = send(cluster, "POST", DEPLOYMENTS, "# yaml\n" + text, "application/yaml")
    assert as_yaml.code == 201 and type(as_yaml.body["spec"]["replicas"]) is int


# ---- bodies the decoder cannot read ------------------------------------------------------------

UNREADABLE = [
    (b"[1,2]", find_kind("array") + " (5b312c325d)"),
    (b'"x"', find_kind("string") + " (227822)"),
    (
        b'{"apiVersion": 5, "kind": "Pod"}',
        "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go "
        'struct field .apiVersion of type string ({"apiVersion": 5, "kind": "Pod ...)',
    ),
    (
        b'{"kind": []}',
        "couldn't get version/kind; json parse error: json: cannot unmarshal array into Go "
        'struct field .kind of type string ({"kind": []})',
    ),
    (
        b'{"spec": {"replicas": NaN}}',
        "couldn't get version/kind; json parse error: invalid character 'N' looking for "
        'beginning of value ({"spec": {"replicas": NaN}})',
    ),
    (
        b'{"a": -Infinity}',
        "couldn't get version/kind; json parse error: invalid character 'I' in numeric literal "
        '({"a": -Infinity})',
    ),
    (b"", "couldn't get version/kind; json parse error: unexpected end of JSON input (<empty>)"),
    (
        b'{"a" 1}',
        "couldn't get version/kind; json parse error: invalid character '1' after object key "
        '({"a" 1})',
    ),
    (
        b"[" * 1000 + b"]" * 1000,
        "couldn't get version/kind; json parse error: invalid character '[' exceeded max depth "
        "(" + "5b" * 30 + " ...)",
    ),
]


@pytest.mark.parametrize(("raw", "message"), UNREADABLE)
def test_an_unreadable_body_is_an_unrecognized_object(raw: bytes, message: str):
    cluster = Cluster(seed=1, control_plane=False)
    assert_refused(
        send(cluster, "POST", PODS, raw, "application/json"), 400, UNRECOGNIZED + message
    )
    assert cluster.etcd.count("/registry/pods/") == 0


def test_lone_surrogates_and_bad_utf8_decode_to_the_replacement_character():
    cluster = Cluster(seed=1, control_plane=False)
    annotated = pod()
    annotated["metadata"]["annotations"] = {"note": "LONE!"}
    body = json.dumps(annotated).replace("LONE", "\\ud800")
    created = send(cluster, "POST", PODS, body.encode(), "application/json")
    assert created.code == 201, created.body
    assert created.body["metadata"]["annotations"]["note"] == "\ufffd!"
    # A byte that is not UTF-8, inside a string, is U+FFFD too (decode.go unquoteBytes).
    raw = json.dumps(pod()).replace("nginx:1.27", "nginx:1.27\udcff")
    other = send(
        cluster,
        "POST",
        PODS.replace("default", "kube-system"),
        raw.encode("utf-8", "surrogateescape"),
        "application/json",
    )
    assert other.code == 201
    assert other.body["spec"]["containers"][0]["image"] == "nginx:1.27\ufffd"


def test_yaml_bodies_go_through_the_safe_loader():
    cluster = Cluster(seed=1, control_plane=False)
    levels = [b"a: &a [" + b"x," * 99 + b"x]"]
    for name, below in zip("bcdefg", "abcdef", strict=False):
        levels.append(
            b"%s: &%s [" % (name.encode(), name.encode())
            + b"*%s," % below.encode() * 99
            + b"*%s]" % below.encode()
        )
    bomb = b"\n".join(levels) + b"\n"
    assert len(bomb) < 20_000
    started = time.monotonic()
    refused = send(cluster, "POST", PODS, bomb, "application/yaml")
    assert time.monotonic() - started < 5
    assert refused.code == 400
    assert refused.body["message"].startswith(
        UNRECOGNIZED + "yaml: document contains excessive aliasing ("
    )
    broken = send(cluster, "POST", PODS, b"metadata: [1, 2\n", "application/yaml")
    assert broken.code == 400 and broken.body["message"].startswith(UNRECOGNIZED + "yaml: line ")
    # goyaml.v2 Unmarshal reads the first document only (kubernetes-sigs/yaml#37).
    two = json.dumps(pod()) + "\n---\n" + json.dumps(pod()).replace('"web"', '"other"')
    assert send(cluster, "POST", PODS, two, "application/yaml").code == 201
    assert [kv.key for kv in cluster.etcd.range("/registry/pods/")] == [
        "/registry/pods/default/web"
    ]
    typed = send(cluster, "POST", DEPLOYMENTS, "spec:\n  replicas: three\n", "application/yaml")
    assert_refused(
        typed,
        400,
        HANDLED + "json: cannot unmarshal string into Go struct field DeploymentSpec.spec."
        "replicas of type int32",
    )


# ---- updates and patches: the result must decode before it is stored ----------------------------


def test_every_kind_of_write_refuses_a_result_that_does_not_decode():
    cluster = Cluster(seed=1)
    assert send(cluster, "POST", DEPLOYMENTS, deployment(), "application/json").code == 201
    cluster.settle()
    path = DEPLOYMENTS + "/web"
    stored = cluster.etcd.get("/registry/deployments/default/web")
    assert stored is not None
    current = cluster.call(Request.from_url("GET", path)).body
    current["spec"]["replicas"] = "three"
    put = send(cluster, "PUT", path, json.dumps(current), "application/json")
    assert_refused(
        put,
        400,
        HANDLED + "json: cannot unmarshal string into Go struct field DeploymentSpec.spec."
        "replicas of type int32",
    )
    strategic = send(
        cluster,
        "PATCH",
        path,
        '{"spec":{"replicas":"three"}}',
        "application/strategic-merge-patch+json",
    )
    assert_refused(
        strategic,
        422,
        ' "" is invalid: patch: Invalid value: "map[spec:map[replicas:three]]": unrecognized type:'
        " int32",
        "Invalid",
    )
    assert strategic.body["details"] == {
        "causes": [
            {
                "reason": "FieldValueInvalid",
                "message": 'Invalid value: "map[spec:map[replicas:three]]": unrecognized type: '
                "int32",
                "field": "patch",
            }
        ]
    }
    suffix = (
        '": json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas'
        " of type int32"
    )
    for content_type, patch in (
        ("application/merge-patch+json", '{"spec":{"replicas":"three"}}'),
        (
            "application/json-patch+json",
            '[{"op":"replace","path":"/spec/replicas","value":"three"}]',
        ),
    ):
        response = send(cluster, "PATCH", path, patch, content_type)
        assert response.code == 422, response.body
        assert response.body["message"].startswith(' "" is invalid: patch: Invalid value: "{')
        assert response.body["message"].endswith(suffix)
        assert '\\"replicas\\":\\"three\\"' in response.body["message"]
    configuration = deployment(replicas="three")
    configuration["metadata"]["namespace"] = "default"
    applied = send(
        cluster,
        "PATCH",
        path + "?fieldManager=me&force=true",
        json.dumps(configuration),
        "application/apply-patch+yaml",
    )
    # structuredmerge.go: a plain error (500 upstream; 400 here: a client error is never a 500).
    assert_refused(
        applied,
        400,
        "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): "
        ".spec.replicas: expected numeric (int or float), got string",
        "BadRequest",
    )
    scale = {
        "apiVersion": "autoscaling/v1",
        "kind": "Scale",
        "metadata": {"name": "web"},
        "spec": {"replicas": "x"},
    }
    assert_refused(
        send(cluster, "PUT", path + "/scale", json.dumps(scale), "application/json"),
        400,
        'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal string into Go'
        " struct field ScaleSpec.spec.replicas of type int32",
    )
    assert cluster.etcd.get("/registry/deployments/default/web") == stored  # nothing written
    assert_refused(
        send(cluster, "DELETE", path, '{"gracePeriodSeconds": "now"}', "application/json"),
        400,
        "json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of"
        " type int64",
    )
    assert_refused(
        send(cluster, "PATCH", path, "5", "application/json-patch+json"),
        400,
        "json: cannot unmarshal number into Go value of type jsonpatch.Patch",
    )
    cluster.settle()
    assert not [event for event in cluster.trace.events if event.kind == "error"]
    send(cluster, "DELETE", path, None, "application/json")
    assert_keeps_scheduling(cluster)


# ---- etcd's request size limit ----------------------------------------------------------------


def test_a_write_over_etcds_request_limit_is_refused_and_nothing_is_stored():
    cluster = Cluster(seed=1, control_plane=False)
    args = ["x" * 100_000] * 16  # 1.6 MB: under the API server's 3 MiB, over etcd's 1.5 MiB
    big = pod(containers=[{"name": "app", "image": "nginx:1.27", "args": args}])
    refused = send(cluster, "POST", PODS, json.dumps(big), "application/json")
    # storage/etcd3 passes etcd's error on (a 500 upstream; 413 here: the client's object).
    assert_refused(refused, 413, "etcdserver: request is too large", "RequestEntityTooLarge")
    assert cluster.etcd.get("/registry/pods/default/web") is None
    assert send(cluster, "POST", DEPLOYMENTS, deployment(), "application/json").code == 201
    stored = cluster.etcd.get("/registry/deployments/default/web")
    containers = [{"name": "app", "image": "nginx:1.27", "args": args}]
    grown = send(
        cluster,
        "PATCH",
        DEPLOYMENTS + "/web",
        json.dumps({"spec": {"template": {"spec": {"containers": containers}}}}),
        "application/merge-patch+json",
    )
    assert_refused(grown, 413, "etcdserver: request is too large", "RequestEntityTooLarge")
    assert cluster.etcd.get("/registry/deployments/default/web") == stored


# ---- the in-engine kubectl -------------------------------------------------------------------

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: three
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: nginx:1.27
"""


def test_kubectl_apply_reports_the_decoders_error_and_the_cluster_goes_on():
    cluster = Cluster(seed=1)
    result = cluster.kubectl("apply -f -", MANIFEST)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" '
        "cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field "
        "DeploymentSpec.spec.replicas of type int32\n",
    )
    assert cluster.etcd.get("/registry/deployments/default/web") is None
    fixed = cluster.kubectl("apply -f -", MANIFEST.replace("three", "2"))
    assert fixed.stdout == "deployment.apps/web created\n"
    patched = cluster.kubectl('patch deployment web -p \'{"spec":{"replicas":"x"}}\'')
    assert patched.stderr == (
        'The request is invalid: patch: Invalid value: "map[spec:map[replicas:x]]": '
        "unrecognized type: int32\n"
    )
    cluster.settle()
    ready = cluster.call(Request.from_url("GET", DEPLOYMENTS + "/web")).body["status"]
    assert ready.get("readyReplicas") == 2
    assert not [event for event in cluster.trace.events if event.kind == "error"]


# ---- over HTTP ---------------------------------------------------------------------------------


@pytest.fixture
def http() -> tuple[FlaskClient, str, str, Cluster]:
    app = create_app({"testing": True})
    cluster = Cluster(seed=3)
    kube = kube_api_of(app)
    kube.local.add("c1", LocalHost(cluster, owner="the-page", speed=None))
    return app.test_client(), "/clusters/c1", kube.tokens.issue("c1"), cluster


def test_bad_bodies_over_http_are_client_errors(http: tuple[FlaskClient, str, str, Cluster]):
    client, base, token, cluster = http

    def post(path: str, data: bytes, content_type: str = "application/json") -> Any:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
        return client.post(base + path, data=data, headers=headers)

    cases = [
        (PODS, json.dumps({**pod(), "metadata": [1, 2]}).encode(), "application/json", 400),
        (DEPLOYMENTS, MANIFEST.encode(), "application/yaml", 400),
        (PODS, b"{" * 5000 + b"}" * 5000, "application/json", 400),
        (PODS, b'{"metadata": {"name": "\xff\xfe"}}', "application/json", 422),
        (PODS, b"\xef\xbb\xbf{}", "application/json", 400),
        (PODS, b'{"a": 1e999999}', "application/json", 422),
        (PODS, b"? [a]\n: b\n", "application/yaml", 400),
    ]
    for path, data, content_type, code in cases:
        response = post(path, data, content_type)
        assert response.status_code == code, (data[:40], response.get_json())
        assert response.get_json()["kind"] == "Status"
    replicas = post(DEPLOYMENTS, MANIFEST.encode(), "application/yaml").get_json()
    assert replicas["message"] == (
        HANDLED + "json: cannot unmarshal string into Go struct field DeploymentSpec.spec."
        "replicas of type int32"
    )
    assert cluster.etcd.count("/registry/pods/default/") == 0
    assert cluster.etcd.get("/registry/deployments/default/web") is None
    assert post(PODS, json.dumps(pod()).encode()).status_code == 201


# ---- Go's time.Parse, for the timestamp fields ---------------------------------------------------


def test_timestamps_are_parsed_as_gos_time_parse_parses_them():
    assert parse_error(RFC3339, "2026-01-01T00:00:00Z") is None
    assert parse_error(RFC3339, "2026-01-01T10:00:00.25+02:00") is None
    assert parse_error(RFC3339, "2026-02-30T00:00:00Z") == (
        'parsing time "2026-02-30T00:00:00Z": day out of range'
    )
    assert parse_error(RFC3339, "2026-01-01 00:00:00Z") == (
        'parsing time "2026-01-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse '
        '" 00:00:00Z" as "T"'
    )
    assert parse_error(RFC3339, "2026-01-01T24:00:00Z") == (
        'parsing time "2026-01-01T24:00:00Z": hour out of range'
    )
    assert parse_error(RFC3339_MICRO, "2026-01-01T00:00:00.000001Z") is None
    assert parse_error(RFC3339_MICRO, "2026-01-01T00:00:00Z") == (
        'parsing time "2026-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot '
        'parse "Z" as ".000000"'
    )
