"""Random abuse of a live server: whatever a page and a real client send, nothing breaks.

Hypothesis drives short random sequences against an app from `create_app`: page messages over
Socket.IO (docs/protocol.md) — apply of valid and broken YAML, kubectl lines, clicks on the
picture, reset, the clock's messages, with valid payloads and payloads of the wrong shape — mixed
with requests to the same cluster's Kubernetes API over HTTP (docs/kube-api.md): valid and
broken bodies, wrong methods, paths, content types and query parameters, patches of every type.

Properties:
- nothing escapes: every Socket.IO reply is a dict with `ok` and never an internal failure;
  every HTTP answer is JSON (a Status for an error, whose code it carries) below 500; no log
  record with a traceback or at ERROR (but for a simulated component's report of what its
  upstream counterpart logs as an error too), nothing printed with a traceback;
- the cluster stays sound (checked as it happens by a passive etcd watcher, and after the clock
  has run on): no node over-committed, every stored object passes the API server's own decoder
  and validation, no bound pod moves, resourceVersions only grow, the pods never exceed the
  cluster's quota; and a fresh Deployment applied at the end still becomes ready.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gevent
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine.apiserver.registry.kinds import STRATEGIES
from engine.apiserver.resources import RESOURCES, ResourceType
from engine.apiserver.storage.codec import decode
from engine.apiserver.validation import decode_error
from engine.cluster import Cluster
from engine.etcd import WatchEvent
from engine.utilruntime import LOGGER_PREFIX
from tests.test_properties import assert_no_node_overcommitted
from tests.test_web_support import Page
from web import create_app, registry_of
from web.config import UNLIMITED_MESSAGES

MAX_PODS = 30  # small, so that `scale --replicas=1000000000` reaches the quota
SETTINGS: dict[str, Any] = {
    "testing": True,
    "max_pods": MAX_PODS,
    # The rate limit has its own test: here no message may be refused for coming too fast.
    **UNLIMITED_MESSAGES,
}
REPLY_WAIT = 0.3  # real seconds a step waits for its reply before it goes on (the page does)
SETTLE_VIRTUAL = 60.0  # virtual seconds the clock runs after the sequence
SETTLE_WALL = 4.0  # ... bounded in real seconds
READY_WALL = 15.0  # real seconds the final Deployment has to become ready
WATCH_WALL = 4.0  # real seconds a watch over HTTP may stream (every one asks for at most 1 s)
FINAL_NODE = "zz-final"  # a node name the sequences never use
# What a refusal says when the server, not the client, is at fault: an exception in a handler,
# or a fork whose replay did not reproduce the past (the engine would not be deterministic).
BROKEN = ("failed inside the server", "replaying the inputs", "was applied at step", "replay ran")

NAMES = ["web", "api", "x"]
NODES = ["node-1", "node-2", "node-3", "node-9"]
NAMESPACES = ["default", "team", "nope"]
HUGE = "a" * 300  # over every name limit (253 for a subdomain, 63 for a label)
NASTY_TEXT = ["", "three", "\ud800", "a\ud800b", HUGE, "1Gi", "-1", "100m", "null", "ü", "a b"]


# ---- manifests -------------------------------------------------------------------------------


def pod_manifest(name: str, cpu: str = "100m", node: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "containers": [
            {"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": cpu}}}
        ]
    }
    if node is not None:  # bypasses the scheduler: the kubelet's admission must refuse overload
        spec["nodeName"] = node
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": spec,
    }


def workload_manifest(
    kind: str, name: str, replicas: int, cpu: str = "100m", selector: dict[str, str] | None = None
) -> dict[str, Any]:
    template_spec: dict[str, Any] = {
        "containers": [
            {"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": cpu}}}
        ]
    }
    if selector:
        template_spec["nodeSelector"] = selector
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": template_spec},
        },
    }


def namespace_manifest(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def node_manifest(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name},
        "status": {"capacity": {"cpu": "2", "memory": "4Gi", "pods": "10"}},
    }


def eviction_manifest(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "Eviction",
        "metadata": {"name": name, "namespace": "default"},
    }


def binding_manifest(name: str, node: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": name},
        "target": {"apiVersion": "v1", "kind": "Node", "name": node},
    }


def scale_manifest(name: str, replicas: Any) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v1",
        "kind": "Scale",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"replicas": replicas},
    }


# Where a wrong value hurts most: (kind, path into the manifest)
MUTATION_PATHS: list[tuple[Any, ...]] = [
    ("kind",),
    ("apiVersion",),
    ("metadata",),
    ("metadata", "name"),
    ("metadata", "namespace"),
    ("metadata", "labels"),
    ("metadata", "annotations"),
    ("metadata", "finalizers"),
    ("metadata", "ownerReferences"),
    ("metadata", "resourceVersion"),
    ("metadata", "deletionTimestamp"),
    ("spec",),
    ("spec", "replicas"),
    ("spec", "selector"),
    ("spec", "selector", "matchLabels"),
    ("spec", "selector", "matchExpressions"),
    ("spec", "strategy", "rollingUpdate", "maxSurge"),
    ("spec", "template", "metadata", "labels"),
    ("spec", "template", "spec", "containers"),
    ("spec", "template", "spec", "containers", 0, "image"),
    ("spec", "template", "spec", "containers", 0, "resources", "requests", "cpu"),
    ("spec", "template", "spec", "containers", 0, "ports"),
    ("spec", "template", "spec", "nodeName"),
    ("spec", "template", "spec", "tolerations"),
    ("spec", "containers"),
    ("spec", "containers", 0, "name"),
    ("spec", "containers", 0, "image"),
    ("spec", "containers", 0, "resources", "limits", "memory"),
    ("spec", "containers", 0, "command"),
    ("spec", "containers", 0, "env"),
    ("spec", "containers", 0, "livenessProbe"),
    ("spec", "nodeName"),
    ("spec", "nodeSelector"),
    ("spec", "affinity"),
    ("spec", "restartPolicy"),
    ("spec", "terminationGracePeriodSeconds"),
    ("status",),
    ("status", "phase"),
]

leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, 1, 3, -1, 2.5, 2.0, 1e308, 10**10]),
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=8),
)
json_value = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["name", "a", "$patch", "image", ""]), inner, max_size=3),
    ),
    max_leaves=6,
)


def mutated(obj: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of `obj` with `value` at `path` (made where missing; a list index past the end
    appends)."""
    copy = json.loads(json.dumps(obj))
    here: Any = copy
    for part, following in itertools.pairwise(path):
        if isinstance(here, dict):
            here = here.setdefault(part, [] if isinstance(following, int) else {})
        elif isinstance(here, list) and isinstance(part, int) and part < len(here):
            here = here[part]
        else:
            return copy  # a wrong type is already on the way: leave it
    last = path[-1]
    if isinstance(here, dict):
        here[last] = value
    elif isinstance(here, list) and isinstance(last, int):
        if last < len(here):
            here[last] = value
        else:
            here.append(value)
    return copy


@st.composite
def manifests(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(NAMES))
    base = draw(
        st.sampled_from(
            [
                pod_manifest(name),
                pod_manifest(name, cpu="3"),
                pod_manifest(name, cpu="100", node="node-1"),  # more than any node has
                workload_manifest("Deployment", name, draw(st.integers(0, 4))),
                workload_manifest("ReplicaSet", name, draw(st.integers(0, 3))),
                namespace_manifest(draw(st.sampled_from(["team", "default", "Bad_Name"]))),
            ]
        )
    )
    if draw(st.booleans()):
        return base
    return mutated(base, draw(st.sampled_from(MUTATION_PATHS)), draw(json_value))


def alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        previous, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


BINARY_NAME = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: !!binary eA==\n"
    "spec:\n  containers: [{name: a, image: nginx}]\n"
)
NAN_REPLICAS = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: .nan}\n"
)
RAW_YAML = [
    "",
    "---\n---\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: web\n",  # a tab: a syntax error
    "apiVersion: v1\nkind: Pod\nmetadata: {name: web\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: three\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  - name: web\nspec: {}\n",
    "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
    "apiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n",
    "kind: Pod\nmetadata:\n  name: web\n",
    "apiVersion: v1\nmetadata:\n  name: web\n",
    "- 1\n- 2\n",
    "just a string\n",
    "42\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \ud800\nspec:\n  containers:\n"
    "  - name: a\n    image: nginx\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + "a" * 70000 + "\nspec:\n  containers:\n"
    "  - name: a\n    image: nginx\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  name: api\nspec:\n  containers:\n"
    "  - name: a\n    image: nginx\n",
    "apiVersion: v1\nkind: Pod\nmetadata: &m\n  name: web\n  labels: *m\nspec:\n  containers:\n"
    "  - name: a\n    image: nginx\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    ? [a, b]\n    : c\n",
    BINARY_NAME,
    "!!python/object/apply:os.system [echo hi]\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  <<: {labels: {a: b}}\nspec:\n"
    "  containers: [{name: a, image: nginx, resources: {requests: {cpu: 1e400}}}]\n",
    NAN_REPLICAS,
    "[" * 150 + "]" * 150,
    "".join(" " * i + "a:\n" for i in range(120)),
    alias_bomb(),
    "\x00\x01\x02",
    "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n"
    "  metadata: {name: team}\n- 7\n",
]


def yaml_texts() -> st.SearchStrategy[str]:
    documents = st.lists(manifests(), min_size=1, max_size=3).map(
        lambda objs: "---\n".join(json.dumps(obj) + "\n" for obj in objs)
    )
    return st.one_of(documents, st.sampled_from(RAW_YAML))


# ---- kubectl lines ---------------------------------------------------------------------------

KUBECTL_LINES = [
    "get pods",
    "get pods -A -o wide",
    "get all",
    "get deploy,rs,po -o yaml",
    "get pods -o json",
    "get nodes --show-labels",
    "get pods -w --request-timeout=1s",
    "get pods -w --request-timeout=abc",
    "get pods --request-timeout=-1",
    "get pods -o jsonpath='{.items[*].metadata.name}'",
    "get pods -o jsonpath='{.items['",
    "get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName",
    "get pods -o go-template='{{.x}}'",
    "get pods -l 'app in (web'",
    "get pods --field-selector=spec.nodeName=node-1",
    "get pods --field-selector=bogus=1",
    "get pods --sort-by=.metadata.name",
    "get widgets",
    "get events -A",
    "describe pod web",
    "describe nodes",
    "describe deployment web",
    "scale deployment web --replicas=1000000000",
    "scale deployment web --replicas=-1",
    "scale deployment web --replicas=abc",
    "scale deployment web --replicas=3",
    "scale rs --all --replicas=2",
    "delete pod x",
    "delete pods --all --wait=false",
    "delete pod web --grace-period=-5 --wait=false",
    "delete pod web --force --grace-period=0",
    "delete deployment web --wait=false",
    "delete namespace default --wait=false",
    "delete namespace kube-system --wait=false",
    "delete namespace team --wait=false",
    "delete node node-1",
    "create deployment web --image=nginx:1.27 --replicas=2",
    "create deployment api --image=redis:7.4 --replicas=40",
    "create deployment bad --image=''",
    "create namespace team",
    "create namespace Bad_Name",
    "run x --image=busybox --restart=Never -- sh -c 'exit 1'",
    "run web --image=nginx --overrides='{\"spec\": 5}'",
    "set image deployment/web app=nginx:1.29",
    "set image deployment/web '*=nginx:does-not-exist'",
    "rollout status deployment/web --timeout=2s",
    "rollout undo deployment/web",
    "rollout restart deployment/web",
    "rollout history deployment/web --revision=99",
    "label pods --all color=blue --overwrite",
    "label node node-1 disk=ssd",
    "label pods web 'a=b c'",
    "cordon node-2",
    "uncordon node-2",
    "drain node-2 --ignore-daemonsets --timeout=2s",
    "drain node-3 --force --ignore-daemonsets --delete-emptydir-data --timeout=3s",
    "wait --for=condition=Ready pod --all --timeout=2s",
    "wait --for=delete pod/web --timeout=1s",
    "wait --for=jsonpath='{.status' pod/web --timeout=1s",
    "logs web",
    "logs deploy/web --tail=-5",
    "logs web -c nope",
    "events -A",
    "events -w --request-timeout=1s",
    'patch deployment web -p \'{"spec":{"replicas":2}}\'',
    'patch deployment web --type=json -p \'[{"op":"remove","path":"/spec/x"}]\'',
    'patch pod web --type=merge -p \'{"metadata":{"labels":null}}\'',
    'patch pod web -p \'{"spec":{"containers":[{"name":"app","$patch":"delete"}]}}\'',
    "patch deploy web -p 'not json'",
    'patch deploy web -p \'{"metadata": {"labels": {"a": !!binary aGk=}}}\'',
    'patch deploy web --type=json -p \'[{"op":"add","path":"/spec/replicas","value":"x"}]\'',
    "api-resources",
    "version",
    "cluster-info",
    "explain pod.spec",
    "top pods",
    "exec web -- ls",
    "",
    "   ",
    "kubectl",
    "--help",
    "get",
    "get pods 'unclosed",
    "get " + "x" * 9000,
]
WORDS = ["get", "delete", "scale", "pods", "deploy", "web", "-n", "team", "--all", "-o", "yaml"]
WORDS += ["--replicas=2", "-l", "app=web", "node-1", "--force", "--grace-period=0", "-A", "rs"]


def kubectl_lines() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(KUBECTL_LINES),
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join),
        st.text(max_size=30),
    )


# ---- Socket.IO messages ----------------------------------------------------------------------


OWN_SESSION = "<the page's own session id>"  # replaced when the step runs


@dataclass(frozen=True)
class PodRef:
    """An existing pod's target (`namespace/name`), picked when the step runs."""

    index: int
    container: str = ""


at_seqs = st.one_of(st.none(), st.none(), st.sampled_from([0, 1, 5, 40, 10**9, -1, True, "3"]))


def with_at_seq(payload: dict[str, Any], at_seq: Any) -> dict[str, Any]:
    return payload if at_seq is None else {**payload, "at_seq": at_seq}


wrong_payloads = st.one_of(
    json_value, st.dictionaries(st.sampled_from(["speed", "seq", "kind", "line"]), json_value)
)
node_targets = st.sampled_from([*NODES, "--all", "", "NODE", HUGE, "node-1/x"])
pod_targets = st.one_of(
    st.builds(PodRef, st.integers(0, 20), st.sampled_from(["", "app", "nope"])),
    st.sampled_from(["default/web", "web", "default/", "nope/x", "default/web/app/x", "-n/x"]),
)
actions = st.one_of(
    st.tuples(st.sampled_from(["delete-pod", "force-delete-pod", "crash-container"]), pod_targets),
    st.tuples(
        st.sampled_from(
            ["cordon", "uncordon", "drain", "fail-node", "recover-node", "remove-node"]
        ),
        node_targets,
    ),
    st.tuples(
        st.just("add-node"),
        st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "name": st.sampled_from(["node-4", "node-1", "Bad", HUGE, ""]),
                    "cpu": st.sampled_from(["2", 1, "0", "-1", "lots", "1e400", 0.5]),
                    "memory": st.sampled_from(["4Gi", "0", "x", "1Ei"]),
                    "labels": st.sampled_from([{"a": "b"}, {"a": 1}, {"": ""}, []]),
                },
            ),
            json_value,
        ),
    ),
    st.tuples(st.sampled_from(["explode", "", "delete-pod "]), json_value),
)

reset_nodes = st.lists(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["node-1", "node-2", "n", "Bad_Name", HUGE])},
        optional={
            "capacity": st.sampled_from(
                [{"cpu": "2", "memory": "4Gi", "pods": "5"}, {"cpu": "lots"}, {"cpu": "0"}, {}]
            ),
            "taints": st.sampled_from(
                [[{"key": "k", "effect": "NoSchedule"}], [{"key": "k", "effect": "Bogus"}], [1]]
            ),
            "labels": st.sampled_from([{"zone": "a"}, {"bad key!": "x"}]),
        },
    ),
    min_size=0,
    max_size=3,
)


def io_steps() -> st.SearchStrategy[tuple[str, Any]]:
    return st.one_of(
        st.tuples(
            st.just("apply"),
            st.builds(lambda text, at: with_at_seq({"yaml": text}, at), yaml_texts(), at_seqs),
        ),
        st.tuples(
            st.just("kubectl"),
            st.builds(lambda line, at: with_at_seq({"line": line}, at), kubectl_lines(), at_seqs),
        ),
        st.tuples(
            st.just("kubectl"),
            st.builds(lambda text: {"line": "apply -f -", "stdin": text}, yaml_texts()),
        ),
        st.tuples(
            st.just("action"),
            st.builds(
                lambda action, at: with_at_seq({"kind": action[0], "target": action[1]}, at),
                actions,
                at_seqs,
            ),
        ),
        st.tuples(
            st.just("reset"),
            st.one_of(
                st.just({}),
                st.fixed_dictionaries({"nodes": reset_nodes}),
                st.fixed_dictionaries({"seed": st.sampled_from([3, -1, 2**64, "7", 1.5])}),
            ),
        ),
        st.tuples(st.just("speed"), st.builds(lambda s: {"speed": s}, leaf)),
        st.tuples(st.just("speed"), st.sampled_from([{"speed": 100}, {"speed": 0.1}])),
        st.tuples(st.sampled_from(["play", "pause", "step"]), st.one_of(st.just({}), json_value)),
        st.tuples(st.just("ack"), st.one_of(st.builds(lambda s: {"seq": s}, leaf), json_value)),
        st.tuples(
            st.just("inspect"),
            st.one_of(
                st.fixed_dictionaries(
                    {
                        "kind": st.sampled_from(["pod", "deploy", "widget", "node", ""]),
                        "name": st.sampled_from([*NAMES, "node-1", "", HUGE]),
                        "namespace": st.sampled_from(["", "default", "team"]),
                    }
                ),
                json_value,
            ),
        ),
        st.tuples(
            st.just("etcd"),
            st.one_of(
                st.just({}),
                st.fixed_dictionaries(
                    {
                        "key": st.sampled_from(
                            ["/registry/pods/default/web", "/registry/minions/node-1", "", "x"]
                        ),
                        "revision": st.sampled_from([1, 2, 10**6, 0]),
                    }
                ),
                json_value,
            ),
        ),
        st.tuples(
            st.just("scenario"),
            st.builds(lambda name: {"name": name}, st.sampled_from(["01-first-pod", "../x", ""])),
        ),
        st.tuples(st.just("hello"), st.just({"session": OWN_SESSION})),
        st.tuples(st.just("export"), st.one_of(st.just({}), json_value)),
        st.tuples(
            st.just("import"),  # a cluster file that is not one (docs/export.md)
            st.builds(lambda value: {"content": json.dumps(value)}, json_value),
        ),
        st.tuples(
            st.sampled_from(["kubectl", "apply", "action", "reset", "hello", "import"]),
            wrong_payloads,
        ),
    )


# ---- HTTP requests ---------------------------------------------------------------------------

JSON = "application/json"
PATCH_TYPES = [
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
]
CONTENT_TYPES = [
    JSON,
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
    "text/plain",
    "a/b;c=",
    "",
    *PATCH_TYPES,
]
ACCEPTS = [
    "",
    JSON,
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    "application/vnd.kubernetes.protobuf",
    "text/html",
    "*/*",
]
PATHS = [
    "/api",
    "/apis",
    "/api/v1",
    "/apis/apps/v1",
    "/apis/coordination.k8s.io/v1",
    "/version",
    "/openapi/v3",
    "/openapi/v3/api/v1",
    "/openapi/v3/apis/apps/v1",
    "/openapi/v2",
    "/healthz",
    "/api/v1/pods",
    "/api/v1/namespaces/{ns}/pods",
    "/api/v1/namespaces/{ns}/pods/{name}",
    "/api/v1/namespaces/{ns}/pods/{name}/status",
    "/api/v1/namespaces/{ns}/pods/{name}/log",
    "/api/v1/namespaces/{ns}/pods/{name}/eviction",
    "/api/v1/namespaces/{ns}/pods/{name}/binding",
    "/api/v1/namespaces/{ns}/pods/{name}/exec",
    "/apis/apps/v1/deployments",
    "/apis/apps/v1/namespaces/{ns}/deployments",
    "/apis/apps/v1/namespaces/{ns}/deployments/{name}",
    "/apis/apps/v1/namespaces/{ns}/deployments/{name}/scale",
    "/apis/apps/v1/namespaces/{ns}/deployments/{name}/status",
    "/apis/apps/v1/namespaces/{ns}/replicasets",
    "/apis/apps/v1/namespaces/{ns}/replicasets/{name}",
    "/apis/apps/v1/namespaces/{ns}/replicasets/{name}/scale",
    "/api/v1/nodes",
    "/api/v1/nodes/{node}",
    "/api/v1/nodes/{node}/status",
    "/api/v1/namespaces",
    "/api/v1/namespaces/{ns}",
    "/api/v1/namespaces/{ns}/status",
    "/api/v1/namespaces/{ns}/finalize",
    "/api/v1/namespaces/{ns}/events",
    "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{node}",
    "/api/v1/watch/namespaces/{ns}/pods",
    "/api/v2/pods",
    "/apis/apps/v1/namespaces/{ns}/widgets",
    "/apis/example.com/v1/things",
    "/api/v1/namespaces/{ns}/pods/{name}/status/extra",
    "/",
]
PATH_NAMES = [*NAMES, "", "..", HUGE, "%ff", "%ED%A0%80", "web%2Fx", "Web", "ü"]
PATH_NAMESPACES = [*NAMESPACES, "kube-system", "", "..", HUGE, "Default"]
QUERY = {
    "fieldValidation": ["Strict", "Warn", "Ignore", "bogus", ""],
    "dryRun": ["All", "bogus", ""],
    "fieldManager": ["me", "", HUGE],
    "force": ["true", "false", "yes"],
    "labelSelector": ["app=web", "app in (web", "!!", "a=" + HUGE],
    "fieldSelector": ["spec.nodeName=node-1", "metadata.name=web", "bogus=1", "a"],
    "limit": ["1", "abc", "-1", "0", "99999999999999999999"],
    "continue": ["abc", "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ"],
    "resourceVersion": ["0", "abc", "1", "999999999", "-1"],
    "resourceVersionMatch": ["Exact", "NotOlderThan", "bogus"],
    "gracePeriodSeconds": ["0", "-1", "abc", "30"],
    "propagationPolicy": ["Orphan", "Foreground", "Background", "bogus"],
    "pretty": ["true", "x"],
    "tailLines": ["1", "-1", "x"],
    "container": ["app", "nope"],
}
# Watches end on their own: every one carries a short timeoutSeconds (or a malformed one).
WATCH_TIMEOUTS = ["0", "0", "1", "-1", "abc", "1_0", " 1", "1.5", "99999999999999999999", "٣"]


@dataclass(frozen=True)
class HttpStep:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    content_type: str
    accept: str
    body: bytes | None
    auth: str  # "bearer", "path" (the token in the URL), "none", "wrong"


def json_patch_ops() -> st.SearchStrategy[Any]:
    op = st.fixed_dictionaries(
        {
            "op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test", "bogus"]),
            "path": st.sampled_from(
                [
                    "/metadata/labels/a",
                    "/metadata/labels/a~1b",
                    "/spec/replicas",
                    "/spec/template/spec/containers/0/image",
                    "/spec/template/spec/containers/-",
                    "/spec/containers/0/image",
                    "/spec/containers/99999999999",
                    "/x/y/z",
                    "",
                    "/",
                    "spec",
                    "/metadata/~2",
                ]
            ),
        },
        optional={"value": json_value, "from": st.sampled_from(["/metadata/labels", "/nope"])},
    )
    return st.one_of(st.lists(op, max_size=3), json_value)


def smp_bodies() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(
            [
                {
                    "spec": {
                        "template": {"spec": {"containers": [{"name": "app", "$patch": "delete"}]}}
                    }
                },
                {"spec": {"containers": [{"name": "app", "image": "nginx:1.28"}]}},
                {"spec": {"containers": [{"$patch": "replace"}]}},
                {"$patch": "replace"},
                {"$patch": "delete"},
                {"spec": {"$retainKeys": ["replicas"], "replicas": 2}},
                {"spec": {"$retainKeys": "x"}},
                {"metadata": {"$setElementOrder/finalizers": ["a"], "finalizers": ["a"]}},
                {"$deleteFromPrimitiveList/finalizers": ["a"]},
                {"metadata": {"labels": {"a": None}, "finalizers": ["example.com/x"]}},
                {"spec": {"containers": [{"name": None}]}},
                {"spec": {"replicas": "three"}},
                {"status": {"phase": "Succeeded"}},
                {"spec": {"nodeName": "node-2"}},
            ]
        ),
        json_value,
    )


def body_for(path: str, name: str, node: str) -> dict[str, Any] | None:
    """A valid object of the kind `path` takes, or None."""
    if path.endswith("/eviction"):
        return eviction_manifest(name)
    if path.endswith("/binding"):
        return binding_manifest(name, node)
    if path.endswith("/scale"):
        return scale_manifest(name, 3)
    if "/deployments" in path:
        return workload_manifest("Deployment", name, 2)
    if "/replicasets" in path:
        return workload_manifest("ReplicaSet", name, 1)
    if "/pods" in path:
        return pod_manifest(name)
    if "/nodes" in path:
        return node_manifest(node)
    if "/namespaces" in path:
        return namespace_manifest(name if path.endswith("/namespaces") else "team")
    return None


@st.composite
def http_steps(draw: st.DrawFn) -> HttpStep:
    # Mostly names that exist (the prelude's, the default namespace), sometimes anything.
    name = draw(st.sampled_from(["web", "web", "x", *PATH_NAMES]))
    node = draw(st.sampled_from(NODES))
    template = draw(st.sampled_from(PATHS))
    path = template.format(
        ns=draw(st.sampled_from(["default", "default", *PATH_NAMESPACES])), name=name, node=node
    )
    method = draw(st.sampled_from(["GET", "GET", "POST", "PUT", "PATCH", "PATCH", "DELETE"]))
    method = draw(st.sampled_from([method] * 9 + ["HEAD"]))
    keys = draw(st.lists(st.sampled_from(sorted(QUERY)), max_size=3, unique=True))
    query = [(key, draw(st.sampled_from(QUERY[key]))) for key in keys]
    if method == "GET" and draw(st.integers(0, 3)) == 0:
        query.append(("watch", draw(st.sampled_from(["true", "1"]))))
        query.append(("timeoutSeconds", draw(st.sampled_from(WATCH_TIMEOUTS))))
        if draw(st.booleans()):
            query += [("sendInitialEvents", "true"), ("allowWatchBookmarks", "true")]
    elif draw(st.integers(0, 5)) == 0:
        query.append(("timeoutSeconds", draw(st.sampled_from(WATCH_TIMEOUTS))))
    body: bytes | None = None
    content_type = JSON
    valid = body_for(path, name, node)
    fitting = st.just(valid) if valid is not None else manifests()
    if method in ("POST", "PUT", "PATCH", "DELETE") and draw(st.integers(0, 5)) > 0:
        if method == "PATCH":
            content_type = draw(st.sampled_from([*PATCH_TYPES, *PATCH_TYPES, JSON, "text/plain"]))
            if content_type == "application/json-patch+json":
                value = draw(json_patch_ops())
            elif content_type == "application/strategic-merge-patch+json":
                value = draw(smp_bodies())
            elif content_type == "application/apply-patch+yaml":
                value = draw(st.one_of(fitting, fitting, manifests(), json_value))
                if draw(st.integers(0, 3)) > 0:  # server-side apply requires a field manager
                    query.append(("fieldManager", "abuse"))
            else:
                value = draw(st.one_of(smp_bodies(), manifests()))
        elif method == "DELETE":
            content_type = JSON
            value = draw(
                st.one_of(
                    st.fixed_dictionaries(
                        {"kind": st.just("DeleteOptions"), "apiVersion": st.just("v1")},
                        optional={
                            "gracePeriodSeconds": leaf,
                            "propagationPolicy": leaf,
                            "preconditions": json_value,
                            "dryRun": json_value,
                        },
                    ),
                    json_value,
                )
            )
        else:
            content_type = draw(st.sampled_from([JSON, JSON, JSON, *CONTENT_TYPES]))
            value = draw(
                st.one_of(
                    fitting,
                    fitting,
                    fitting.map(lambda obj: mutated(obj, ("metadata", "name"), "other")),
                    manifests(),
                    json_value,
                )
            )
            if draw(st.booleans()):
                value = mutated(value, draw(st.sampled_from(MUTATION_PATHS)), draw(json_value))
        raw = draw(
            st.sampled_from(
                [None] * 12
                + [
                    b"{not json",
                    b"\xff\xfe\x00",
                    b"[" * 5000 + b"]" * 5000,
                    b'{"metadata": {"name": "\\ud800"}, "kind": "Pod", "apiVersion": "v1"}',
                    b'{"spec": {"replicas": 1e400}}',
                    b'{"a": NaN}',
                    b'{"kind": "Pod", "kind": "Deployment"}',
                    b"null",
                    b"",
                ]
            )
        )
        if raw is not None:
            body = raw
        elif content_type.endswith("yaml") and draw(st.booleans()):
            body = yaml.safe_dump(value).encode("utf-8", "surrogatepass")
        else:
            body = json.dumps(value).encode()
    return HttpStep(
        method=method,
        path=path,
        query=tuple(query),
        content_type=content_type if body is not None else "",
        accept=draw(st.sampled_from(ACCEPTS)),
        body=body,
        auth=draw(st.sampled_from(["bearer"] * 12 + ["path", "path", "none", "wrong"])),
    )


steps_strategy = st.lists(
    st.one_of(
        st.tuples(st.just("io"), io_steps()),
        st.tuples(st.just("io"), io_steps()),
        st.tuples(st.just("http"), http_steps()),
    ),
    min_size=1,
    max_size=12,
)
starts = st.tuples(st.sampled_from([1.0, 100.0]), st.booleans())  # speed, playing


# ---- watching etcd -----------------------------------------------------------------------------


def resource_of(key: str) -> ResourceType:
    return max(
        (r for r in RESOURCES if key.startswith(r.etcd_prefix + "/")),
        key=lambda r: len(r.etcd_prefix),
    )


@dataclass
class ClusterWatch:
    """What one cluster stored, as etcd tells a watcher: passive (no virtual time, no trace,
    no heap step), so replay and forks see exactly the same cluster as without it."""

    problems: list[str]
    last_revision: int = 0
    revisions: dict[str, int] = field(default_factory=dict)  # key -> last mod revision
    bound: dict[str, str] = field(default_factory=dict)  # pod uid -> node
    pods: set[str] = field(default_factory=set)

    def on_event(self, event: WatchEvent) -> None:
        # Runs inside the engine's etcd write: it records, it never raises.
        key = event.kv.key
        if event.revision <= self.last_revision:
            self.problems.append(f"etcd revision {event.revision} after {self.last_revision}")
        self.last_revision = event.revision
        if event.kv.mod_revision <= self.revisions.get(key, 0):
            self.problems.append(f"{key}: resourceVersion {event.kv.mod_revision} went back")
        self.revisions[key] = event.kv.mod_revision
        if not key.startswith("/registry/pods/"):
            return
        if event.type == "DELETE":
            self.pods.discard(key)
            return
        self.pods.add(key)
        if len(self.pods) > MAX_PODS:
            self.problems.append(f"{len(self.pods)} pods stored, over the quota of {MAX_PODS}")
        obj = json.loads(event.kv.value)
        node = obj.get("spec", {}).get("nodeName")
        uid = obj.get("metadata", {}).get("uid", "")
        if node and self.bound.setdefault(uid, node) != node:
            self.problems.append(f"{key}: moved from {self.bound[uid]} to {node}")


class Observer:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.clusters: list[Cluster] = []

    def attach(self, cluster: Cluster) -> None:
        """Watch every cluster the session has had (a reset or a fork makes a new one), from
        the oldest revision its etcd still has."""
        if any(seen is cluster for seen in self.clusters):
            return
        self.clusters.append(cluster)
        watch = ClusterWatch(self.problems)
        cluster.etcd.watch("/registry/", cluster.etcd.compacted + 1, watch.on_event)


# ---- one run -----------------------------------------------------------------------------------


class Run:
    def __init__(self) -> None:
        self.app = create_app(SETTINGS)
        self.page = Page(self.app)
        self.http = self.app.test_client()
        self.observer = Observer()
        self.failures: list[str] = []
        self.pending: list[tuple[str, Any, gevent.Greenlet]] = []
        self.base = ""
        self.token = ""

    # ---- the page side -------------------------------------------------------------------------
    def begin(self, speed: float, playing: bool) -> None:
        # Paused from the start: until something plays, time passes only as the steps make it
        # (a command's head start, a request's own milliseconds), whatever the real time.
        assert self.page.hello(paused=True)["ok"]
        self.connect_kubectl()
        # Something to act on: a Deployment and a bare pod.
        prelude = [workload_manifest("Deployment", "web", 2), pod_manifest("x")]
        self.emit("apply", {"yaml": "\n---\n".join(json.dumps(obj) for obj in prelude)})
        self.check_reply("speed", self.page.request("speed", {"speed": speed}))
        if playing:
            self.check_reply("play", self.page.request("play"))

    def connect_kubectl(self) -> None:
        """The kubeconfig of the page's cluster, as the page's Connect dialog gets it."""
        self.observer.attach(self.page.cluster)
        session = {"X-Podlife-Session": self.page.session_id or ""}
        cluster_id = self.http.get("/clusters", headers=session).get_json()["cluster"]
        config = self.http.get(f"/clusters/{cluster_id}/kubeconfig", headers=session)
        self.token = yaml.safe_load(config.get_data(as_text=True))["users"][0]["user"]["token"]
        self.base = f"/clusters/{cluster_id}"

    def emit(self, name: str, payload: Any, wait: float = REPLY_WAIT) -> None:
        """Send as a page does: the reply may come later (a command waiting on the clock);
        meanwhile the page plays along, acknowledging what it is sent."""
        greenlet = gevent.spawn(self.page.client.emit, name, payload, callback=True)
        self.pending.append((name, payload, greenlet))
        self.play_along(lambda: greenlet.ready(), wait)
        self.reap()

    def play_along(self, done: Callable[[], bool], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not done() and time.monotonic() < deadline:
            self.page.ack()
            self.page.pump(0.002)
            self.observer.attach(self.page.cluster)
        self.page.collect()
        self.observer.attach(self.page.cluster)

    def reap(self) -> None:
        for entry in [entry for entry in self.pending if entry[2].ready()]:
            self.pending.remove(entry)
            name, payload, greenlet = entry
            reply = greenlet.get()
            self.check_reply(name, reply, payload)
            if name == "hello" and isinstance(reply, dict) and reply.get("ok"):
                # A hello without a known session id opens a new session: the page follows it
                # (and so does its kubectl).
                self.page.session_id = reply["session"]
                self.connect_kubectl()

    def check_reply(self, name: str, reply: Any, payload: Any = None) -> None:
        where = f"{name} {_short(payload)}"
        if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
            self.failures.append(f"{where}: the reply {_short(reply)} has no ok")
        elif any(sign in str(reply.get("error", "")) for sign in BROKEN):
            self.failures.append(f"{where}: {reply['error']}")

    def resolve(self, payload: Any) -> Any:
        """A PodRef target becomes an existing pod's `namespace/name[/container]`, OWN_SESSION
        the page's session id."""
        if isinstance(payload, dict) and payload.get("session") == OWN_SESSION:
            return {**payload, "session": self.page.session_id}
        if not isinstance(payload, dict) or not isinstance(payload.get("target"), PodRef):
            return payload
        ref: PodRef = payload["target"]
        keys = [kv.key for kv in self.page.cluster.etcd.range("/registry/pods/")]
        target = "default/none"
        if keys:
            target = keys[ref.index % len(keys)].removeprefix("/registry/pods/")
        if ref.container:
            target += "/" + ref.container
        return {**payload, "target": target}

    # ---- the HTTP side ---------------------------------------------------------------------------
    def request(self, step: HttpStep) -> None:
        headers = {}
        base = self.base
        if step.auth == "bearer":
            headers["Authorization"] = f"Bearer {self.token}"
        elif step.auth == "wrong":
            headers["Authorization"] = "Bearer wrong"
        elif step.auth == "path":
            base += f"/token/{self.token}"
        if step.content_type:
            headers["Content-Type"] = step.content_type
        if step.accept:
            headers["Accept"] = step.accept
        response = self.http.open(
            base + step.path,
            method=step.method,
            query_string=list(step.query),
            data=step.body,
            headers=headers,
            buffered=False,
        )
        where = f"{step.method} {step.path} {_short(step.query)}"
        try:
            self.check_response(where, step, response)
        finally:
            response.close()  # a watch ends here: its RemoteStop is an input like any other
        self.page.collect()
        self.observer.attach(self.page.cluster)

    def check_response(self, where: str, step: HttpStep, response: Any) -> None:
        code = response.status_code
        if code >= 500:
            self.failures.append(f"{where}: {code} {response.get_data(as_text=True)[:300]}")
            return
        if step.method == "HEAD":
            return  # no body, by definition
        streaming = dict(step.query).get("watch") in ("true", "1") and step.method == "GET"
        if code == 200 and streaming:
            self.check_watch(where, response)
            return
        text = response.get_data(as_text=True)
        if response.mimetype == "text/plain" and code == 200 and step.path.endswith("/log"):
            return  # pods/log is text
        try:
            body = json.loads(text)
        except ValueError:
            self.failures.append(f"{where}: {code} is not JSON: {text[:200]!r}")
            return
        if code >= 300:
            if body.get("kind") != "Status" or body.get("code") != code:
                self.failures.append(f"{where}: {code} with a body that is no Status: {text[:200]}")
            return
        metadata = body.get("metadata") if isinstance(body, dict) else None
        if isinstance(body.get("items"), list) and isinstance(metadata, dict):
            # A list is a snapshot at its resourceVersion: no item is newer.
            listed = int(metadata.get("resourceVersion") or 0)
            for item in body["items"]:
                version = int(item.get("metadata", {}).get("resourceVersion") or 0)
                if version > listed:
                    self.failures.append(f"{where}: an item at {version} in a list at {listed}")

    def check_watch(self, where: str, response: Any) -> None:
        """Newline-delimited watch events whose resourceVersions never go back; the stream
        ends when its timeoutSeconds (a second at most, here) are up. ADDED events may be the
        initial state, in key order, each at its object's version (a watch from version 0 or
        with sendInitialEvents): every other event is at least as new as all before it."""
        highest = 0
        buffer = b""
        timer = gevent.Timeout(WATCH_WALL)
        try:
            with timer:
                for chunk in response.response:
                    buffer += chunk
                    while b"\n" in buffer:
                        line, buffer = buffer.split(b"\n", 1)
                        event = json.loads(line)
                        kind, obj = event.get("type"), event.get("object", {})
                        if kind == "ERROR" or not isinstance(obj, dict):
                            continue
                        version = int(obj.get("metadata", {}).get("resourceVersion") or 0)
                        if kind != "ADDED" and version < highest:
                            self.failures.append(f"{where}: {kind} at {version} after {highest}")
                        highest = max(highest, version)
        except gevent.Timeout as error:
            if error is not timer:
                raise
            self.failures.append(f"{where}: the watch outlived its timeoutSeconds")

    # ---- after the sequence -------------------------------------------------------------------
    def settle(self) -> None:
        """Let the clock run at the top speed, acknowledging what arrives, for a minute of
        virtual time (or a few real seconds)."""
        self.check_reply("speed", self.page.request("speed", {"speed": 100}))
        self.check_reply("play", self.page.request("play"))
        cluster = self.page.cluster
        until = cluster.env.now + SETTLE_VIRTUAL
        self.play_along(lambda: self.page.cluster.env.now >= until, SETTLE_WALL)
        self.reap()

    def check_cluster(self) -> None:
        """Paused: the overcommit check's own GETs (tests/test_properties.py) run the clock
        only for themselves."""
        self.check_reply("pause", self.page.request("pause"))
        cluster = self.page.cluster
        for kv in cluster.etcd.range("/registry/"):
            resource = resource_of(kv.key)
            kind = resource.kind
            obj = decode(kv.value, kv.mod_revision)
            problem = decode_error(kind, obj)
            if problem:
                self.failures.append(f"stored {kv.key} would not decode: {problem}")
            # What the API server runs on a create of this object (its own _validate).
            invalid = STRATEGIES[resource.name].validate(obj, None)
            if invalid:
                self.failures.append(f"stored {kv.key} is invalid: {invalid}")
        assert_no_node_overcommitted(cluster)

    def check_still_works(self) -> None:
        """Clear away the workloads the sequence left (they may hold the whole pod quota), add
        a fresh node (the others may be cordoned, failed, tainted or gone), and apply a fresh
        Deployment pinned to it: it becomes ready."""
        self.emit("action", {"kind": "add-node", "target": {"name": FINAL_NODE}})
        for line in (
            "delete deployments,replicasets --all -A --wait=false",
            "delete pods --all -A --force --grace-period=0",
        ):
            self.emit("kubectl", {"line": line}, wait=5.0)
        final = workload_manifest(
            "Deployment", "final", 2, "10m", {"kubernetes.io/hostname": FINAL_NODE}
        )
        self.check_reply("play", self.page.request("play"))
        self.emit("apply", {"yaml": json.dumps(final)}, wait=5.0)
        etcd = self.page.cluster.etcd

        def ready() -> bool:
            kv = etcd.get("/registry/deployments/default/final")
            return (
                kv is not None and json.loads(kv.value).get("status", {}).get("readyReplicas") == 2
            )

        self.play_along(ready, READY_WALL)
        if not ready():
            kv = etcd.get("/registry/deployments/default/final")
            self.failures.append(f"the final Deployment is not ready: {kv and kv.value[-400:]}")

    def finish(self) -> None:
        """Leave: the commands still waiting are interrupted, and every one replies."""
        self.page.client.disconnect()
        for name, payload, greenlet in self.pending:
            reply = greenlet.get(timeout=5)
            self.check_reply(name, reply, payload)
        self.pending = []
        registry_of(self.app).shutdown()


def io(name: str, payload: Any) -> tuple[str, Any]:
    return ("io", (name, payload))


def http(
    method: str, path: str, accept: str = "", query: tuple[tuple[str, str], ...] = ()
) -> tuple[str, Any]:
    return ("http", HttpStep(method, path, query, "", accept, None, "bearer"))


WATCH_LIST = (("watch", "true"), ("sendInitialEvents", "true"), ("timeoutSeconds", "0"))


# The inputs that found bugs, run (paused, so deterministically) whatever hypothesis draws:
# YAML that a go-yaml reader turns into JSON its own way (!!binary, a 5000-digit number, NaN),
# annotations that are no map, the immortal namespaces, a deletecollection of a kind that has
# none and one asked as a Table, a timeoutSeconds Go does not parse, and a watch opened while
# the prelude's changes were still on their way to the watch cache.
REGRESSIONS = [
    *[http("GET", "/api/v1/namespaces/default/pods", query=WATCH_LIST)] * 4,
    io("apply", {"yaml": BINARY_NAME}),
    io(
        "apply",
        {
            "yaml": "kind: Pod\napiVersion: v1\nmetadata: {name: y, labels: {a: 1%s}}\n"
            % ("0" * 5000)
        },
    ),
    io("kubectl", {"line": "apply -f -", "stdin": NAN_REPLICAS}),
    io("apply", {"yaml": json.dumps(mutated(pod_manifest("y"), ("metadata", "annotations"), [1]))}),
    io("kubectl", {"line": "delete namespace default --wait=false", "at_seq": 5}),
    http("DELETE", "/api/v1/namespaces/kube-system"),
    http("DELETE", "/api/v1/namespaces"),
    http("DELETE", "/api/v1/namespaces/default/pods", ACCEPTS[2]),
    http("GET", "/api/v1/pods", query=(("watch", "true"), ("timeoutSeconds", "1_0"))),
]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 160 else text[:157] + "..."


def serious(record: logging.LogRecord) -> bool:
    """A record that says something failed inside Podlife: a traceback, or an ERROR. Except a
    simulated component's report of an error its upstream counterpart logs as well, with no
    Python exception behind it (engine/utilruntime.py ErrorReporter, which appends where an
    exception was raised when there was one): kube-scheduler's `"Error scheduling pod;
    retrying" err="running Bind plugin ... not found"` for a pod deleted while it was bound is
    klog's E line upstream too."""
    if record.exc_info or record.exc_text:
        return True
    if record.levelno < logging.ERROR:
        return False
    reported = record.name.startswith(LOGGER_PREFIX + ".") and record.msg == "%s%s"
    return not (reported and isinstance(record.args, tuple) and record.args[1] == "")


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(start=starts, steps=steps_strategy)
@example(start=(1.0, False), steps=REGRESSIONS)
def test_random_abuse_leaves_the_server_and_its_cluster_sound(
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    start: tuple[float, bool],
    steps: list[tuple[str, Any]],
) -> None:
    caplog.clear()
    capfd.readouterr()
    run = Run()
    try:
        run.begin(*start)
        for where, step in steps:
            if where == "http":
                run.request(step)
            else:
                name, payload = step
                run.emit(name, run.resolve(payload))
        run.settle()
        run.check_cluster()
        run.check_still_works()
    finally:
        run.finish()
    printed = capfd.readouterr()
    assert not run.failures, "\n".join(run.failures)
    assert not run.observer.problems, "\n".join(run.observer.problems[:20])
    serious_records = [f"{r.name}: {r.getMessage()[:300]}" for r in caplog.records if serious(r)]
    assert not serious_records, "\n".join(serious_records)
    assert "Traceback" not in printed.out + printed.err
