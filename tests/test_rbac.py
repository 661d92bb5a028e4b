"""RBAC in the engine: the four kinds (validation texts of pkg/apis/rbac/validation, printing,
describe), the default policy written at bootstrap, and the authorizer that every request now
passes (system:masters, the Node authorizer, RBAC by binding), with upstream's 403 texts."""

from __future__ import annotations

import json

import pytest

from engine.apiserver.request import Request, Response
from engine.cluster import Cluster

SA_USER = "system:serviceaccount:default:reader"
SA_GROUPS = ("system:serviceaccounts", "system:serviceaccounts:default")

POD_READER = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  namespace: default
  name: pod-reader
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  resourceNames: ["web"]
  verbs: ["get", "update"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
  namespace: default
subjects:
- kind: User
  name: jane
  apiGroup: rbac.authorization.k8s.io
- kind: ServiceAccount
  name: reader
roleRef:
  kind: Role
  name: pod-reader
  apiGroup: rbac.authorization.k8s.io
"""


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    cluster = Cluster(seed=5)
    result = cluster.kubectl("apply -f -", POD_READER)
    assert result.exit_code == 0, result.stderr
    return cluster


def call(
    cluster: Cluster,
    method: str,
    path: str,
    user: str = SA_USER,
    groups: tuple[str, ...] = SA_GROUPS,
    headers: dict[str, str] | None = None,
) -> Response:
    return cluster.call(Request(method, path, user=user, groups=groups, headers=headers or {}))


def last_authorization(cluster: Cluster) -> tuple[str, dict]:
    event = [e for e in cluster.trace if e.kind == "authorization"][-1]
    return event.summary, dict(event.data or {})


# ---- the kinds --------------------------------------------------------------------------------


def test_get_and_describe(cluster: Cluster) -> None:
    wide = cluster.kubectl("get rolebinding read-pods -o wide").stdout.splitlines()
    assert wide[0].split() == ["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"]
    assert wide[1].split() == ["read-pods", "Role/pod-reader", "0s", "jane", "/reader"]
    assert cluster.kubectl("get roles").stdout.splitlines()[0].split() == ["NAME", "CREATED", "AT"]
    described = cluster.kubectl("describe role pod-reader").stdout
    assert described.splitlines()[4:] == [
        "  Resources         Non-Resource URLs  Resource Names  Verbs",
        "  ---------         -----------------  --------------  -----",
        "  deployments.apps  []                 [web]           [get update]",
        "  pods              []                 []              [get watch list]",
        "  pods/log          []                 []              [get]",
    ]
    binding = cluster.kubectl("describe rolebinding read-pods").stdout
    assert "Role:\n  Kind:  Role\n  Name:  pod-reader\n" in binding
    assert "  ServiceAccount  reader  \n" in binding


def test_defaults_and_field_order(cluster: Cluster) -> None:
    stored = json.loads(cluster.kubectl("get rolebinding read-pods -o json").stdout)
    assert stored["subjects"] == [
        {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "jane"},
        {"kind": "ServiceAccount", "name": "reader"},
    ]
    cluster.kubectl(
        "apply -f -",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: empty\n",
    )
    assert "rules: null" in cluster.kubectl("get role empty -o yaml").stdout


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (
            "kind: Role\nmetadata: {name: r}\nrules: [{apiGroups: [''], resources: [pods]}]",
            'The Role "r" is invalid: rules[0].verbs: Required value: verbs must contain at '
            "least one value",
        ),
        (
            "kind: Role\nmetadata: {name: r}\nrules: [{nonResourceURLs: [/healthz], verbs: [get]}]",
            'The Role "r" is invalid: rules[0].nonResourceURLs: Invalid value: '
            '[]string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
        ),
        (
            "kind: ClusterRole\nmetadata: {name: r}\nrules: [{verbs: [get]}]",
            'The ClusterRole "r" is invalid: \n* rules[0].apiGroups: Required value: resource '
            "rules must supply at least one api group\n* rules[0].resources: Required value: "
            "resource rules must supply at least one resource",
        ),
        (
            "kind: RoleBinding\nmetadata: {name: b}\nroleRef: {kind: Pod, name: x}",
            'The RoleBinding "b" is invalid: roleRef.kind: Unsupported value: "Pod": supported '
            'values: "Role", "ClusterRole"',
        ),
        (
            "kind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {kind: Role, name: x}\n"
            "subjects: [{kind: ServiceAccount, name: sa}, {kind: Robot, name: r2}]",
            'The ClusterRoleBinding "b" is invalid: \n* roleRef.kind: Unsupported value: "Role": '
            'supported values: "ClusterRole"\n* subjects[0].namespace: Required value\n'
            '* subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", '
            '"User", "Group"',
        ),
    ],
)
def test_validation_texts(cluster: Cluster, manifest: str, message: str) -> None:
    result = cluster.kubectl("create -f -", "apiVersion: rbac.authorization.k8s.io/v1\n" + manifest)
    assert result.stderr.strip() == message


def test_role_ref_cannot_change(cluster: Cluster) -> None:
    changed = POD_READER.split("---\n")[1].replace(
        "kind: Role\n  name: pod-reader", "kind: ClusterRole\n  name: view"
    )
    result = cluster.kubectl("apply -f -", changed)
    assert result.stderr.strip() == (
        'The RoleBinding "read-pods" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:'
        '"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"view"}: cannot change roleRef'
    )


# ---- the default policy ---------------------------------------------------------------------


def test_bootstrap_policy_and_aggregation() -> None:
    cluster = Cluster(seed=1)
    admin = json.loads(cluster.kubectl("get clusterrole admin -o json").stdout)
    assert admin["aggregationRule"]["clusterRoleSelectors"] == [
        {"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-admin": "true"}}
    ]
    # admin has edit's rules (edit is aggregated into admin) and view's (through edit).
    resources = {r for rule in admin["rules"] for r in rule.get("resources", [])}
    assert {"rolebindings", "secrets", "pods/log", "deployments/scale"} <= resources
    binding = cluster.kubectl("get clusterrolebinding cluster-admin -o wide").stdout
    assert "ClusterRole/cluster-admin" in binding and "system:masters" in binding


# ---- evaluation ------------------------------------------------------------------------------


def test_denied_requests_get_upstreams_403(cluster: Cluster) -> None:
    response = call(cluster, "DELETE", "/api/v1/namespaces/default/pods/web")
    assert response.code == 403
    assert response.body["message"] == (
        'pods "web" is forbidden: User "system:serviceaccount:default:reader" cannot delete '
        'resource "pods" in API group "" in the namespace "default"'
    )
    assert response.body["details"] == {"name": "web", "kind": "pods"}
    summary, data = last_authorization(cluster)
    assert summary == "Forbidden: " + response.body["message"]
    assert data["allowed"] is False and data["mode"] == "RBAC"
    other_ns = call(cluster, "GET", "/api/v1/namespaces/kube-system/pods")
    assert other_ns.code == 403 and 'in the namespace "kube-system"' in other_ns.body["message"]
    nodes = call(cluster, "GET", "/api/v1/nodes")
    assert nodes.body["message"].endswith(
        'cannot list resource "nodes" in API group "" at the cluster scope'
    )


def test_allowed_requests_name_their_binding(cluster: Cluster) -> None:
    assert call(cluster, "GET", "/api/v1/namespaces/default/pods").code == 200
    summary, data = last_authorization(cluster)
    assert summary == (
        "RBAC: system:serviceaccount:default:reader may list pods in namespace default, allowed by "
        'RoleBinding "read-pods/default" of Role "pod-reader" to ServiceAccount "reader"'
    )
    assert (data["binding"], data["role"]) == ("RoleBinding/read-pods", "Role/pod-reader")
    # A subresource is its own resource; resourceNames restrict by name.
    assert call(cluster, "GET", "/api/v1/namespaces/default/pods/x/log").code == 404
    assert call(cluster, "GET", "/api/v1/namespaces/default/pods/x/status").code == 403
    assert call(cluster, "GET", "/apis/apps/v1/namespaces/default/deployments/web").code == 404
    assert call(cluster, "GET", "/apis/apps/v1/namespaces/default/deployments/db").code == 403
    # Users and groups: jane by name, and everyone authenticated may discover the API.
    assert call(cluster, "GET", "/api/v1/namespaces/default/pods", "jane", ()).code == 200
    assert call(cluster, "GET", "/api", "nobody", ()).code == 200
    healthz = call(cluster, "POST", "/healthz", "nobody", ())
    assert healthz.body["message"] == 'forbidden: User "nobody" cannot post path "/healthz"'


def test_components_and_admins(cluster: Cluster) -> None:
    cluster.kubectl("run probe --image=nginx")
    cluster.settle()
    summaries = {
        e.summary.split(" may ")[0] + " | " + e.summary.rpartition(", ")[2]
        for e in cluster.trace
        if e.kind == "authorization"
    }
    assert any(
        s.startswith("RBAC: system:kube-scheduler")
        and 'ClusterRoleBinding "system:kube-scheduler"' in s
        for s in summaries
    )
    assert any(s.startswith("Node: system:node:") for s in summaries)
    assert any(
        "system:controller:replicaset-controller" in s or "system:masters" in s for s in summaries
    )
    assert all(
        not e.summary.startswith("Forbidden") or "reader" in e.summary or "nobody" in e.summary
        for e in cluster.trace
        if e.kind == "authorization"
    )


def test_a_missing_role_is_the_reason() -> None:
    cluster = Cluster(seed=2)
    cluster.kubectl("create -f -", POD_READER.split("---\n")[1])
    response = call(cluster, "GET", "/api/v1/namespaces/default/pods")
    assert response.body["message"].endswith(
        ': RBAC: role.rbac.authorization.k8s.io "pod-reader" not found'
    )
    cluster.kubectl("create -f -", POD_READER.split("---\n")[0])
    assert call(cluster, "GET", "/api/v1/namespaces/default/pods").code == 200


def test_impersonation(cluster: Cluster) -> None:
    as_reader = {"impersonate-user": SA_USER}
    admin = ("kubernetes-admin", ("system:masters",))
    assert call(cluster, "GET", "/api/v1/namespaces/default/pods", *admin, as_reader).code == 200
    denied = call(cluster, "DELETE", "/api/v1/namespaces/default/pods/x", *admin, as_reader)
    assert (
        denied.code == 403
        and 'User "system:serviceaccount:default:reader"' in denied.body["message"]
    )
    refused = call(cluster, "GET", "/api/v1/pods", "jane", (), {"impersonate-user": "bob"})
    assert refused.body["message"] == (
        'users "bob" is forbidden: User "jane" cannot impersonate resource "users" in API group ""'
        " at the cluster scope"
    )


def test_the_aggregation_controller_fills_aggregated_roles() -> None:
    cluster = Cluster(seed=3)
    cluster.kubectl(
        "create clusterrole monitoring "
        "--aggregation-rule=rbac.example.com/aggregate-to-monitoring=true"
    )
    extra = (
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n"
        "  name: crontabs-view\n  labels:\n"
        '    rbac.authorization.k8s.io/aggregate-to-view: "true"\n'
        '    rbac.example.com/aggregate-to-monitoring: "true"\n'
        "rules:\n- {apiGroups: [stable.example.com], resources: [crontabs], verbs: [get]}\n"
    )
    cluster.kubectl("apply -f -", extra)
    cluster.settle()
    for role in ("monitoring", "view", "edit", "admin"):
        described = cluster.kubectl(f"describe clusterrole {role}").stdout
        assert "crontabs.stable.example.com" in described, role
    cluster.kubectl("delete clusterrole crontabs-view")
    cluster.settle()
    assert "crontabs" not in cluster.kubectl("describe clusterrole admin").stdout


def test_a_refusal_is_a_milestone_of_the_story(cluster: Cluster) -> None:
    cluster.kubectl("delete pod web --as=system:serviceaccount:default:reader")
    milestones = [e.summary for e in cluster.trace if e.kind == "milestone"]
    assert milestones[-1] == (
        "The API server refused: ServiceAccount default/reader may only get, watch and list pods"
        " in namespace default (Role pod-reader, bound by RoleBinding read-pods); it asked to "
        "delete pod web"
    )


def test_as_group_needs_as() -> None:
    result = Cluster(seed=1).kubectl("get pods --as-group=devs")
    assert (result.stderr, result.exit_code) == (
        "error: requesting uid, groups or user-extra for kubernetes-admin without "
        "impersonating a user\n",
        1,
    )
