"""ResourceQuota, its admission plugin and the resource quota controller, as the tasks
"Configure Memory and CPU Quotas for a Namespace" and "Configure a Pod Quota for a Namespace"
run them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.cluster import Cluster
from tests import policy_manifests as m

NS = "--namespace=quota-mem-cpu-example"


@pytest.fixture
def cluster() -> Cluster:
    cluster = Cluster(seed=3)
    cluster.kubectl("create namespace quota-mem-cpu-example")
    return cluster


def apply(cluster: Cluster, manifest: str, *flags: str) -> str:
    return cluster.kubectl(["apply", "-f", "-", *flags], stdin=manifest).text


def quota(cluster: Cluster, name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(
        cluster.kubectl(f"get resourcequota {name} {NS} -o json").stdout
    )
    return result


def milestones(cluster: Cluster) -> list[str]:
    return [e.summary for e in cluster.trace if e.kind.value == "milestone"]


def test_memory_and_cpu_quota(cluster: Cluster) -> None:
    assert apply(cluster, m.QUOTA_MEM_CPU, NS) == "resourcequota/mem-cpu-demo created\n"
    cluster.settle()
    assert quota(cluster, "mem-cpu-demo")["status"] == {
        "hard": {
            "limits.cpu": "2",
            "limits.memory": "2Gi",
            "requests.cpu": "1",
            "requests.memory": "1Gi",
        },
        "used": {
            "limits.cpu": "0",
            "limits.memory": "0",
            "requests.cpu": "0",
            "requests.memory": "0",
        },
    }
    apply(cluster, m.QUOTA_MEM_CPU_POD, NS)
    assert quota(cluster, "mem-cpu-demo")["status"]["used"] == {
        "limits.cpu": "800m",
        "limits.memory": "800Mi",
        "requests.cpu": "400m",
        "requests.memory": "600Mi",
    }
    assert apply(cluster, m.QUOTA_MEM_CPU_POD_2, NS) == (
        'Error from server (Forbidden): error when creating "STDIN": pods "quota-mem-cpu-demo-2" '
        "is forbidden: exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi, used: "
        "requests.memory=600Mi, limited: requests.memory=1Gi\n"
    )
    assert cluster.kubectl(f"run nginx --image=nginx {NS}").text == (
        'Error from server (Forbidden): pods "nginx" is forbidden: failed quota: mem-cpu-demo: '
        "must specify limits.cpu for: nginx; limits.memory for: nginx; requests.cpu for: nginx; "
        "requests.memory for: nginx\n"
    )
    assert cluster.kubectl(f"get quota {NS}").stdout == (
        "NAME           AGE   REQUEST                                            LIMIT\n"
        "mem-cpu-demo   0s    requests.cpu: 400m/1, requests.memory: 600Mi/1Gi   "
        "limits.cpu: 800m/2, limits.memory: 800Mi/2Gi\n"
    )
    assert cluster.kubectl(f"describe quota {NS}").stdout == (
        "Name:            mem-cpu-demo\n"
        "Namespace:       quota-mem-cpu-example\n"
        "Resource         Used   Hard\n"
        "--------         ----   ----\n"
        "limits.cpu       800m   2\n"
        "limits.memory    800Mi  2Gi\n"
        "requests.cpu     400m   1\n"
        "requests.memory  600Mi  1Gi\n"
    )
    # Replenishment: the controller counts again once the pod is gone.
    cluster.kubectl(f"delete pod quota-mem-cpu-demo {NS}")
    cluster.settle()
    assert quota(cluster, "mem-cpu-demo")["status"]["used"]["requests.memory"] == "0"
    assert apply(cluster, m.QUOTA_MEM_CPU_POD_2, NS) == "pod/quota-mem-cpu-demo-2 created\n"
    said = milestones(cluster)
    assert (
        "The API server refused pod quota-mem-cpu-demo-2: exceeded quota: mem-cpu-demo, "
        "requested: requests.memory=700Mi, used: requests.memory=600Mi, limited: "
        "requests.memory=1Gi"
    ) in said
    assert (
        "The resource quota controller counted what namespace quota-mem-cpu-example uses against "
        "quota mem-cpu-demo: limits.cpu 0 of 2, limits.memory 0 of 2Gi, requests.cpu 0 of 1, "
        "requests.memory 0 of 1Gi"
    ) in said


def test_a_pod_quota_keeps_a_deployment_short(cluster: Cluster) -> None:
    apply(cluster, m.QUOTA_POD, NS)
    cluster.settle()
    apply(cluster, m.QUOTA_POD_DEPLOYMENT, NS)
    cluster.settle()
    assert cluster.kubectl(f"get deployment pod-quota-demo {NS}").stdout.splitlines()[1].split()[
        :4
    ] == ["pod-quota-demo", "2/3", "2", "2"]
    assert quota(cluster, "pod-demo")["status"] == {"hard": {"pods": "2"}, "used": {"pods": "2"}}
    conditions = json.loads(cluster.kubectl(f"get deploy pod-quota-demo {NS} -o json").stdout)[
        "status"
    ]["conditions"]
    failure = next(c for c in conditions if c["type"] == "ReplicaFailure")
    assert failure["reason"] == "FailedCreate"
    assert (
        "exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2"
        in (failure["message"])
    )
    events = cluster.kubectl(f"get events {NS}").stdout
    assert "FailedCreate" in events
    said = [s for s in milestones(cluster) if s.startswith("The API server refuses the pods")]
    assert len(said) == 1
    assert said[0].endswith(
        "(exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2): "
        "Deployment pod-quota-demo cannot reach its 3 replicas, and the ReplicaSet controller "
        "keeps trying"
    )


def test_object_counts_and_validation(cluster: Cluster) -> None:
    counts = """\
apiVersion: v1
kind: ResourceQuota
metadata:
  name: object-counts
spec:
  hard:
    configmaps: "2"
    count/deployments.apps: "0"
"""
    apply(cluster, counts, NS)
    cluster.settle()
    # the namespace's kube-root-ca.crt counts too, as in any cluster
    assert cluster.kubectl(f"create configmap a {NS}").text == "configmap/a created\n"
    assert cluster.kubectl(f"create configmap b {NS}").text == (
        'error: failed to create configmap: configmaps "b" is forbidden: exceeded quota: '
        "object-counts, requested: configmaps=1, used: configmaps=2, limited: configmaps=2\n"
    )
    assert (
        "count/deployments.apps=1"
        in cluster.kubectl(f"create deployment web --image=nginx {NS}").text
    )
    bad = counts.replace('configmaps: "2"', 'bananas: "1"\n    pods: "1.5"')
    assert apply(cluster, bad.replace("object-counts", "bad"), NS) == (
        'The ResourceQuota "bad" is invalid: \n'
        '* spec.hard[bananas]: Invalid value: "bananas": must be a standard resource for quota\n'
        '* spec.hard[pods]: Invalid value: "1500m": must be an integer\n'
    )


PRIORITY_QUOTAS = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ResourceQuota
  metadata:
    name: pods-high
  spec:
    hard:
      cpu: "1000"
      memory: 200Gi
      pods: "10"
    scopeSelector:
      matchExpressions:
      - operator: In
        scopeName: PriorityClass
        values: ["high"]
- apiVersion: v1
  kind: ResourceQuota
  metadata:
    name: pods-low
  spec:
    hard:
      cpu: "5"
      memory: 10Gi
      pods: "10"
    scopeSelector:
      matchExpressions:
      - operator: In
        scopeName: PriorityClass
        values: ["low"]
- apiVersion: v1
  kind: ResourceQuota
  metadata:
    name: best-effort
  spec:
    hard:
      pods: "1"
    scopes: ["BestEffort"]
"""

HIGH_PRIORITY_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: high-priority
spec:
  containers:
  - name: high-priority
    image: ubuntu
    command: ["/bin/sh"]
    args: ["-c", "while true; do echo hello; sleep 10;done"]
    resources:
      requests:
        memory: "10Gi"
        cpu: "500m"
      limits:
        memory: "10Gi"
        cpu: "500m"
  priorityClassName: high
"""


def test_scoped_quotas_count_only_their_pods() -> None:
    cluster = Cluster(seed=3)
    for name in ("high", "low"):
        manifest = (
            "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n"
            f"metadata:\n  name: {name}\nvalue: 1000\n"
        )
        cluster.kubectl(["apply", "-f", "-"], stdin=manifest)
    apply(cluster, PRIORITY_QUOTAS)
    cluster.settle()
    apply(cluster, HIGH_PRIORITY_POD)
    cluster.kubectl("run one --image=nginx")
    assert cluster.kubectl("run two --image=nginx").text == (
        'Error from server (Forbidden): pods "two" is forbidden: exceeded quota: best-effort, '
        "requested: pods=1, used: pods=1, limited: pods=1\n"
    )
    cluster.settle()
    used = {
        q["metadata"]["name"]: q["status"]["used"]
        for q in json.loads(cluster.kubectl("get quota -o json").stdout)["items"]
    }
    assert used == {
        "best-effort": {"pods": "1"},
        "pods-high": {"cpu": "500m", "memory": "10Gi", "pods": "1"},
        "pods-low": {"cpu": "0", "memory": "0", "pods": "0"},
    }
    assert cluster.kubectl("describe quota best-effort").stdout.startswith(
        "Name:       best-effort\nNamespace:  default\nScopes:     BestEffort\n"
        " * Matches all pods that do not have resource requirements set. These pods have a best "
        "effort quality of service.\n"
    )
