"""The kinds the other client tests leave out, through the official Python client's typed APIs
(`kubernetes`) against the real web server: for each, create, read, list, watch, patch and
delete, as any program written against client-go's shapes does. The client's models check
what the server sends (a field of the wrong type or a required one missing fails there)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.test_kube_api_client import api_client, kubeconfig  # noqa: F401 (fixtures)

kubernetes = pytest.importorskip("kubernetes")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NAMESPACE = "default"
TEMPLATE = {
    "metadata": {"labels": {"app": "client-kinds"}},
    "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
}
SELECTOR = {"matchLabels": {"app": "client-kinds"}}


@dataclass
class Kind:
    api: str  # the client's class, e.g. AppsV1Api
    method: str  # the client's name of the kind in its methods, e.g. daemon_set
    body: dict[str, Any]
    namespaced: bool = True

    @property
    def name(self) -> str:
        return str(self.body["metadata"]["name"])


def _kind(api: str, method: str, api_version: str, kind: str, name: str, **rest: Any) -> Kind:
    namespaced = rest.pop("namespaced", True)
    body = {"apiVersion": api_version, "kind": kind, "metadata": {"name": name}, **rest}
    return Kind(api, method, body, namespaced)


KINDS = [
    _kind(
        "AppsV1Api",
        "daemon_set",
        "apps/v1",
        "DaemonSet",
        "client-ds",
        spec={"selector": SELECTOR, "template": TEMPLATE},
    ),
    _kind(
        "AppsV1Api",
        "replica_set",
        "apps/v1",
        "ReplicaSet",
        "client-rs",
        spec={"replicas": 0, "selector": SELECTOR, "template": TEMPLATE},
    ),
    _kind(
        "AppsV1Api",
        "controller_revision",
        "apps/v1",
        "ControllerRevision",
        "client-rev",
        revision=1,
        data={"spec": {"template": TEMPLATE}},
    ),
    _kind(
        "CoreV1Api",
        "endpoints",
        "v1",
        "Endpoints",
        "client-ep",
        subsets=[{"addresses": [{"ip": "10.244.9.9"}], "ports": [{"port": 80}]}],
    ),
    _kind(
        "DiscoveryV1Api",
        "endpoint_slice",
        "discovery.k8s.io/v1",
        "EndpointSlice",
        "client-slice",
        addressType="IPv4",
        endpoints=[{"addresses": ["10.244.9.9"], "conditions": {"ready": True}}],
        ports=[{"name": "http", "port": 80, "protocol": "TCP"}],
    ),
    _kind(
        "CoordinationV1Api",
        "lease",
        "coordination.k8s.io/v1",
        "Lease",
        "client-lease",
        spec={"holderIdentity": "client", "leaseDurationSeconds": 15},
    ),
    _kind(
        "RbacAuthorizationV1Api",
        "cluster_role_binding",
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        "client-crb",
        namespaced=False,
        subjects=[{"kind": "ServiceAccount", "name": "default", "namespace": NAMESPACE}],
        roleRef={"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
    ),
]


def _calls(client: Any, kind: Kind) -> dict[str, Any]:
    """verb → a function of the remaining arguments: the namespace filled in where it goes."""
    api = getattr(kubernetes.client, kind.api)(client)
    if kind.namespaced:
        scope = f"namespaced_{kind.method}"
        return {
            "create": lambda body: getattr(api, f"create_{scope}")(NAMESPACE, body),
            "read": lambda name: getattr(api, f"read_{scope}")(name, NAMESPACE),
            "list": getattr(api, f"list_{scope}"),
            "list_args": (NAMESPACE,),
            "patch": lambda name, body: getattr(api, f"patch_{scope}")(name, NAMESPACE, body),
            "delete": lambda name: getattr(api, f"delete_{scope}")(name, NAMESPACE),
        }
    return {
        "create": getattr(api, f"create_{kind.method}"),
        "read": getattr(api, f"read_{kind.method}"),
        "list": getattr(api, f"list_{kind.method}"),
        "list_args": (),
        "patch": getattr(api, f"patch_{kind.method}"),
        "delete": getattr(api, f"delete_{kind.method}"),
    }


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.body["kind"])
def test_create_read_list_watch_patch_delete(api_client: Any, kind: Kind) -> None:  # noqa: F811
    call = _calls(api_client, kind)
    created = call["create"](kind.body)
    assert (created.kind, created.metadata.name) == (kind.body["kind"], kind.name)
    assert created.metadata.uid and created.metadata.resource_version
    assert call["read"](kind.name).metadata.uid == created.metadata.uid
    listed = call["list"](*call["list_args"])
    assert kind.name in [item.metadata.name for item in listed.items]
    assert listed.metadata.resource_version

    watch = kubernetes.watch.Watch()
    seen = []
    for event in watch.stream(
        call["list"],
        *call["list_args"],
        field_selector=f"metadata.name={kind.name}",
        timeout_seconds=2,
    ):
        seen.append((event["type"], event["object"].metadata.name))
        watch.stop()
    assert seen == [("ADDED", kind.name)]

    patched = call["patch"](kind.name, {"metadata": {"labels": {"patched": "yes"}}})
    assert patched.metadata.labels["patched"] == "yes"
    assert int(patched.metadata.resource_version) > int(created.metadata.resource_version)

    call["delete"](kind.name)
    with pytest.raises(kubernetes.client.ApiException) as missing:
        call["read"](kind.name)
    assert missing.value.status == 404


def test_a_self_subject_rules_review(api_client: Any) -> None:  # noqa: F811
    """`kubectl auth can-i --list` through the client: the kubeconfig's user is an admin."""
    authz = kubernetes.client.AuthorizationV1Api(api_client)
    review = authz.create_self_subject_rules_review(
        {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectRulesReview",
            "spec": {"namespace": NAMESPACE},
        }
    )
    rules = review.status.resource_rules
    assert any(rule.verbs == ["*"] and rule.resources == ["*"] for rule in rules), rules
    assert review.status.incomplete is False
