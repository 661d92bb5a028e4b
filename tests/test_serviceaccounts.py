"""ServiceAccounts in the engine: the serviceaccount controller keeps `default` in every
active namespace, the controllers' own accounts exist in kube-system, and the ServiceAccount
admission plugin reads the pod's account (refusal, automount, image pull secrets)."""

from __future__ import annotations

import json

from engine.cluster import Cluster


def _json(cluster: Cluster, line: str) -> dict:
    result = cluster.kubectl(line)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _names(cluster: Cluster, namespace: str) -> list[str]:
    listed = _json(cluster, f"get sa -n {namespace} -o json")
    return [item["metadata"]["name"] for item in listed["items"]]


def test_default_accounts_are_made_and_remade() -> None:
    cluster = Cluster(seed=3)
    assert _names(cluster, "default") == ["default"]
    assert "replicaset-controller" in _names(cluster, "kube-system")
    cluster.kubectl("create namespace dev")
    cluster.settle()
    assert _names(cluster, "dev") == ["default"]
    uid = _json(cluster, "get sa default -n dev -o json")["metadata"]["uid"]
    cluster.kubectl("delete sa default -n dev")
    cluster.settle()
    assert _json(cluster, "get sa default -n dev -o json")["metadata"]["uid"] != uid


def test_no_account_is_made_in_a_terminating_namespace() -> None:
    cluster = Cluster(seed=3)
    cluster.kubectl("create namespace gone")
    cluster.settle()
    cluster.kubectl("delete namespace gone --wait=false")
    cluster.settle()
    assert "NotFound" in cluster.kubectl("get namespace gone").stderr


POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  serviceAccountName: {account}
  containers:
  - name: app
    image: nginx:1.27
"""

ROBOT = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: robot
automountServiceAccountToken: false
imagePullSecrets:
- name: regcred
"""


def test_admission_reads_the_pods_account() -> None:
    cluster = Cluster(seed=3)
    cluster.files["ghost.yaml"] = POD.format(name="haunted", account="ghost")
    refused = cluster.kubectl("apply -f ghost.yaml")
    assert refused.exit_code == 1
    assert refused.stderr == (
        'Error from server (Forbidden): error when creating "ghost.yaml": pods "haunted" is '
        "forbidden: error looking up service account default/ghost: "
        'serviceaccount "ghost" not found\n'
    )
    cluster.files["robot.yaml"] = ROBOT
    cluster.files["pod.yaml"] = POD.format(name="bot", account="robot")
    cluster.kubectl("apply -f robot.yaml")
    assert cluster.kubectl("apply -f pod.yaml").exit_code == 0
    spec = _json(cluster, "get pod bot -o json")["spec"]
    assert spec["imagePullSecrets"] == [{"name": "regcred"}]
    assert not any(v["name"].startswith("kube-api-access-") for v in spec.get("volumes", []))
    cluster.files["default.yaml"] = POD.format(name="plain", account="default")
    cluster.kubectl("apply -f default.yaml")
    spec = _json(cluster, "get pod plain -o json")["spec"]
    assert [v["name"][:16] for v in spec["volumes"]] == ["kube-api-access-"]
    assert "imagePullSecrets" not in spec
