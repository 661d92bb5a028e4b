"""PriorityClasses (scheduling.k8s.io/v1): the two system classes every cluster has, the
Priority admission plugin turning a pod's priorityClassName into its priority (and the
globalDefault class into everyone's), and ValidatePriorityClass, as the concept page "Pod
Priority and Preemption" uses them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.cluster import Cluster
from tests import policy_manifests as m


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=3)


def apply(cluster: Cluster, manifest: str) -> str:
    return cluster.kubectl(["apply", "-f", "-"], stdin=manifest).text


def spec_of(cluster: Cluster, pod: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(cluster.kubectl(f"get pod {pod} -o json").stdout)["spec"]
    return spec


def test_system_classes_and_get(cluster: Cluster) -> None:
    assert cluster.kubectl("get priorityclass").stdout == (
        "NAME                      VALUE        GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY\n"
        "system-cluster-critical   2000000000   false            20s   PreemptLowerPriority\n"
        "system-node-critical      2000001000   false            20s   PreemptLowerPriority\n"
    )
    assert cluster.kubectl("delete pc system-node-critical").text == (
        "Error from server (Forbidden): system-node-critical.scheduling.k8s.io "
        '"system-node-critical" is forbidden: this is a system priority class and cannot be '
        "deleted\n"
    )
    assert cluster.kubectl("describe pc system-cluster-critical").stdout == (
        "Name:              system-cluster-critical\n"
        "Value:             2000000000\n"
        "GlobalDefault:     false\n"
        "PreemptionPolicy:  PreemptLowerPriority\n"
        "Description:       Used for system critical pods that must run in the cluster, but can "
        "be moved to another node if necessary.\n"
        "Annotations:       <none>\n"
        "Events:            <none>\n"
    )


def test_pods_get_their_class_value(cluster: Cluster) -> None:
    assert apply(cluster, m.HIGH_PRIORITY) == (
        "priorityclass.scheduling.k8s.io/high-priority created\n"
    )
    apply(cluster, m.HIGH_PRIORITY_NONPREEMPTING)
    apply(cluster, m.NGINX_HIGH_PRIORITY)
    spec = spec_of(cluster, "nginx")
    assert (spec["priority"], spec["preemptionPolicy"]) == (1000000, "PreemptLowerPriority")
    quiet = m.NGINX_HIGH_PRIORITY.replace("name: nginx\n  labels", "name: quiet\n  labels")
    apply(cluster, quiet.replace("high-priority", "high-priority-nonpreempting"))
    assert spec_of(cluster, "quiet")["preemptionPolicy"] == "Never"
    missing = m.NGINX_HIGH_PRIORITY.replace("name: nginx\n  labels", "name: lost\n  labels")
    assert apply(cluster, missing.replace("high-priority", "gold")) == (
        'Error from server (Forbidden): error when creating "STDIN": pods "lost" is forbidden: '
        "no PriorityClass with name gold was found\n"
    )
    cluster.kubectl("run before --image=nginx")
    assert spec_of(cluster, "before")["priority"] == 0
    default = m.HIGH_PRIORITY.replace("high-priority", "everyone").replace(
        "globalDefault: false", "globalDefault: true"
    )
    apply(cluster, default.replace("1000000", "1000"))
    cluster.kubectl("run after --image=nginx")
    spec = spec_of(cluster, "after")
    assert (spec["priorityClassName"], spec["priority"]) == ("everyone", 1000)
    assert apply(cluster, default.replace("everyone", "second")) == (
        'Error from server (Forbidden): error when creating "STDIN": '
        'priorityclasses.scheduling.k8s.io "second" is forbidden: PriorityClass everyone is '
        "already marked as default. Only one default can exist\n"
    )


def test_validation(cluster: Cluster) -> None:
    assert apply(cluster, m.HIGH_PRIORITY.replace("high-priority", "system-mine")) == (
        'The PriorityClass "system-mine" is invalid: metadata.name: Forbidden: priority class '
        "names with 'system-' prefix are reserved for system use only. error: system-mine is not "
        "a known system priority class\n"
    )
    too_high = m.HIGH_PRIORITY.replace("1000000", "1000000001")
    assert apply(cluster, too_high) == (
        'The PriorityClass "high-priority" is invalid: value: Forbidden: maximum allowed value of '
        "a user defined priority is 1000000000\n"
    )
    apply(cluster, m.HIGH_PRIORITY)
    assert apply(cluster, m.HIGH_PRIORITY.replace("1000000", "5")) == (
        'The PriorityClass "high-priority" is invalid: value: Forbidden: may not be changed in an '
        "update.\n"
    )
