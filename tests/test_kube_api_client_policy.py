"""The policy kinds through the official Python client (`kubernetes`) against the real web
server: LimitRanges (CoreV1Api) read into the client's models, a pod defaulted by one and a
pod refused by one (ApiException 403 with upstream's message)."""

from __future__ import annotations

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
