"""The policy kinds through the official Python client (`kubernetes`) against the real web
server: LimitRanges (CoreV1Api) read into the client's models, a pod defaulted by one and a
pod refused by one (ApiException 403 with upstream's message)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.test_kube_api_client import api_client, kubeconfig  # noqa: F401 (fixtures)

kubernetes = pytest.importorskip("kubernetes")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _pod(name: str, limits: dict[str, str] | None = None) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": "nginx"}
    if limits:
        container["resources"] = {"limits": limits}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [container]},
    }


def test_limit_ranges_create_read_list_delete(api_client: Any) -> None:  # noqa: F811
    core = kubernetes.client.CoreV1Api(api_client)
    core.create_namespace({"metadata": {"name": "limited"}})
    created = core.create_namespaced_limit_range(
        "limited",
        {
            "metadata": {"name": "cpu-min-max-demo-lr"},
            "spec": {
                "limits": [{"type": "Container", "max": {"cpu": "800m"}, "min": {"cpu": "200m"}}]
            },
        },
    )
    item = created.spec.limits[0]
    assert (item.default, item.default_request) == ({"cpu": "800m"}, {"cpu": "800m"})
    listed = core.list_namespaced_limit_range("limited")
    assert [lr.metadata.name for lr in listed.items] == ["cpu-min-max-demo-lr"]
    pod = core.create_namespaced_pod("limited", _pod("defaulted"))
    assert pod.spec.containers[0].resources.limits == {"cpu": "800m"}
    assert pod.metadata.annotations["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: cpu request for container app; cpu limit for container app"
    )
    with pytest.raises(kubernetes.client.ApiException) as refused:
        core.create_namespaced_pod("limited", _pod("greedy", {"cpu": "1500m"}))
    assert refused.value.status == 403
    assert (
        'pods \\"greedy\\" is forbidden: maximum cpu usage per Container is 800m, but limit is '
        "1500m"
    ) in refused.value.body
    core.delete_namespaced_limit_range("cpu-min-max-demo-lr", "limited")
    assert core.list_namespaced_limit_range("limited").items == []


def test_resource_quotas_status_and_refusals(api_client: Any) -> None:  # noqa: F811
    core = kubernetes.client.CoreV1Api(api_client)
    core.create_namespace({"metadata": {"name": "quoted"}})
    core.create_namespaced_resource_quota(
        "quoted", {"metadata": {"name": "two-pods"}, "spec": {"hard": {"pods": "1"}}}
    )
    deadline = time.monotonic() + 10
    quota = core.read_namespaced_resource_quota("two-pods", "quoted")
    while quota.status.used is None and time.monotonic() < deadline:
        time.sleep(0.1)
        quota = core.read_namespaced_resource_quota_status("two-pods", "quoted")
    assert (quota.status.hard, quota.status.used) == ({"pods": "1"}, {"pods": "0"})
    core.create_namespaced_pod("quoted", _pod("first"))
    with pytest.raises(kubernetes.client.ApiException) as refused:
        core.create_namespaced_pod("quoted", _pod("second"))
    assert refused.value.status == 403
    assert "exceeded quota: two-pods, requested: pods=1, used: pods=1, limited: pods=1" in (
        refused.value.body
    )
    listed = core.list_namespaced_resource_quota("quoted")
    assert [q.status.used for q in listed.items] == [{"pods": "1"}]


def test_priority_classes_through_scheduling_v1(api_client: Any) -> None:  # noqa: F811
    scheduling = kubernetes.client.SchedulingV1Api(api_client)
    names = {pc.metadata.name: pc.value for pc in scheduling.list_priority_class().items}
    assert names == {"system-cluster-critical": 2000000000, "system-node-critical": 2000001000}
    made = scheduling.create_priority_class(
        {"metadata": {"name": "client-high"}, "value": 1000000, "description": "from the client"}
    )
    assert (made.value, made.preemption_policy, made.global_default) == (
        1000000,
        "PreemptLowerPriority",
        None,
    )
    core = kubernetes.client.CoreV1Api(api_client)
    pod = _pod("prioritized")
    pod["spec"]["priorityClassName"] = "client-high"
    assert core.create_namespaced_pod("default", pod).spec.priority == 1000000
    with pytest.raises(kubernetes.client.ApiException) as refused:
        scheduling.delete_priority_class("system-node-critical")
    assert refused.value.status == 403
    core.delete_namespaced_pod("prioritized", "default")
    scheduling.delete_priority_class("client-high")


def test_disruption_budgets_and_evictions(api_client: Any) -> None:  # noqa: F811
    policy = kubernetes.client.PolicyV1Api(api_client)
    core = kubernetes.client.CoreV1Api(api_client)
    core.create_namespace({"metadata": {"name": "budgeted"}})
    pod = _pod("only")
    pod["metadata"]["labels"] = {"app": "only"}
    core.create_namespaced_pod("budgeted", pod)
    policy.create_namespaced_pod_disruption_budget(
        "budgeted",
        {
            "metadata": {"name": "keep-one"},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "only"}}},
        },
    )
    deadline = time.monotonic() + 15
    budget = policy.read_namespaced_pod_disruption_budget_status("keep-one", "budgeted")
    while (budget.status.current_healthy or 0) < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
        budget = policy.read_namespaced_pod_disruption_budget_status("keep-one", "budgeted")
    assert (budget.status.expected_pods, budget.status.desired_healthy) == (1, 1)
    assert budget.status.disruptions_allowed == 0
    assert [c.reason for c in budget.status.conditions] == ["InsufficientPods"]
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "only"}}
    with pytest.raises(kubernetes.client.ApiException) as refused:
        core.create_namespaced_pod_eviction("only", "budgeted", eviction)
    assert refused.value.status == 429
    assert "Cannot evict pod as it would violate the pod's disruption budget." in (
        refused.value.body
    )
    policy.delete_namespaced_pod_disruption_budget("keep-one", "budgeted")
    core.create_namespaced_pod_eviction("only", "budgeted", eviction)
