"""PodDisruptionBudgets (policy/v1): the disruption controller's status, the pods/eviction
subresource that reads it (429 while no disruption is allowed, the DisruptionTarget condition
on an evicted pod), and kubectl drain retrying until the budget allows it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.apiserver.request import Request
from engine.cluster import Cluster
from tests import policy_manifests as m


@pytest.fixture
def cluster() -> Cluster:
    cluster = Cluster(seed=3)
    cluster.kubectl(["apply", "-f", "-"], stdin=m.ZK_DEPLOYMENT)
    cluster.settle()
    return cluster


def apply(cluster: Cluster, manifest: str) -> str:
    return cluster.kubectl(["apply", "-f", "-"], stdin=manifest).text


def status(cluster: Cluster) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(cluster.kubectl("get pdb zk-pdb -o json").stdout)["status"]
    return result


def pods_on(cluster: Cluster, node: str) -> list[str]:
    out = cluster.kubectl(f"get pods --field-selector spec.nodeName={node} -o name").stdout
    return [line.split("/")[1] for line in out.split()]


def evict(cluster: Cluster, pod: str) -> Any:
    body = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": pod}}
    path = f"/api/v1/namespaces/default/pods/{pod}/eviction"
    return cluster.call(Request("POST", path, body=body))


def test_status_get_and_describe(cluster: Cluster) -> None:
    assert apply(cluster, m.ZK_PDB) == "poddisruptionbudget.policy/zk-pdb created\n"
    cluster.settle()
    got = status(cluster)
    condition = got.pop("conditions")
    assert got == {
        "observedGeneration": 1,
        "disruptionsAllowed": 1,
        "currentHealthy": 3,
        "desiredHealthy": 2,
        "expectedPods": 3,
    }
    assert [(c["type"], c["status"], c["reason"]) for c in condition] == [
        ("DisruptionAllowed", "True", "SufficientPods")
    ]
    assert cluster.kubectl("get pdb").stdout == (
        "NAME     MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE\n"
        "zk-pdb   2               N/A               1                     0s\n"
    )
    assert cluster.kubectl("describe pdb zk-pdb --show-events=false").stdout == (
        "Name:           zk-pdb\n"
        "Namespace:      default\n"
        "Min available:  2\n"
        "Selector:       app=zookeeper\n"
        "Status:\n"
        "    Allowed disruptions:  1\n"
        "    Current:              3\n"
        "    Desired:              2\n"
        "    Total:                3\n"
    )
    # maxUnavailable counts against the Deployment's replicas.
    apply(cluster, m.ZK_PDB.replace("minAvailable: 2", 'maxUnavailable: "34%"'))
    cluster.settle()
    assert (status(cluster)["desiredHealthy"], status(cluster)["disruptionsAllowed"]) == (1, 2)


def test_eviction_takes_from_the_budget_then_refuses(cluster: Cluster) -> None:
    apply(cluster, m.ZK_PDB)
    cluster.settle()
    first, second = pods_on(cluster, "node-1")[0], pods_on(cluster, "node-2")[0]
    assert evict(cluster, first).code == 201
    refused = evict(cluster, second)  # before the replacement is Ready
    assert (refused.code, refused.body["reason"], refused.body["message"]) == (
        429,
        "TooManyRequests",
        "Cannot evict pod as it would violate the pod's disruption budget.",
    )
    assert refused.body["details"]["causes"] == [
        {
            "reason": "DisruptionBudget",
            "message": "The disruption budget zk-pdb needs 2 healthy pods and has 2 currently",
        }
    ]
    cluster.settle()
    assert status(cluster)["disruptionsAllowed"] == 1  # the replacement is Ready
    assert "disruptedPods" not in status(cluster)


def test_the_evicted_pod_is_marked_disruption_target() -> None:
    cluster = Cluster(seed=3)
    cluster.kubectl("run lone --image=nginx")
    cluster.settle()
    assert evict(cluster, "lone").code == 201
    pod = json.loads(cluster.kubectl("get pod lone -o json").stdout)
    target = next(c for c in pod["status"]["conditions"] if c["type"] == "DisruptionTarget")
    assert (target["reason"], target["message"]) == (
        "EvictionByEvictionAPI",
        "Eviction API: evicting",
    )


def test_drain_waits_for_the_budget(cluster: Cluster) -> None:
    apply(cluster, m.ZK_PDB)
    cluster.settle()
    first, second = pods_on(cluster, "node-1")[0], pods_on(cluster, "node-2")[0]
    # only the zookeeper pods (CoreDNS pods on those nodes would be evicted too, first)
    result = cluster.kubectl("drain node-1 node-2 --ignore-daemonsets --pod-selector=app=zookeeper")
    retry = (
        f'error when evicting pods/"{second}" -n "default" (will retry after 5s): Cannot evict '
        "pod as it would violate the pod's disruption budget.\n"
    )
    # node-1's pod goes at once; node-2's waits until its replacement on node-3 is Ready.
    assert result.stdout == (
        "node/node-1 cordoned\nnode/node-2 cordoned\n"
        f"evicting pod default/{first}\npod/{first} evicted\nnode/node-1 drained\n"
        + f"evicting pod default/{second}\n" * 2
        + f"pod/{second} evicted\nnode/node-2 drained\n"
    )
    assert result.stderr == retry
    said = [e.summary for e in cluster.trace if e.kind.value == "milestone"]
    assert [s for s in said if s.startswith("The API server refused to evict")] == [
        f"The API server refused to evict pod {second}: PodDisruptionBudget zk-pdb allows no "
        "disruption now (The disruption budget zk-pdb needs 2 healthy pods and has 2 currently); "
        "it is asked again every 5 s, by kubectl drain, until the budget allows it"
    ]


def test_drain_gives_up_when_nothing_can_change() -> None:
    """Without --timeout kubectl retries forever; Podlife stops once the cluster has nothing
    left to do, as if that endless timeout had been reached."""
    cluster = Cluster(seed=3)
    cluster.kubectl("run lone --image=nginx --labels=app=zookeeper")
    apply(cluster, m.ZK_PDB.replace("minAvailable: 2", "minAvailable: 1"))
    cluster.settle()
    node = json.loads(cluster.kubectl("get pod lone -o json").stdout)["spec"]["nodeName"]
    result = cluster.kubectl(f"drain {node} --ignore-daemonsets --force")
    ends = 'error when evicting pods/"lone" -n "default": global timeout reached: '
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"There are pending nodes to be drained:\n {node}\n{ends}2562047h47m16.854775807s\n"
    )


def test_validation(cluster: Cluster) -> None:
    both = m.ZK_PDB.replace("minAvailable: 2", 'minAvailable: 2\n  maxUnavailable: "150%"')
    assert apply(cluster, both) == (
        'The PodDisruptionBudget "zk-pdb" is invalid: \n'
        "* spec: Invalid value: {MinAvailable: 2, MaxUnavailable: 150%}: minAvailable and "
        "maxUnavailable cannot be both set\n"
        '* spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%\n'
    )
