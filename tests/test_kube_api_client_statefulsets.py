"""StatefulSets through the official Python client (`kubernetes`, AppsV1Api) against the real
web server: create, read (into the client's models), list, a watch until web-0 and web-1 are
ready, patch (replicas, and a forbidden serviceName refused), the scale subresource, delete
with the claims kept."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.test_kube_api_client import api_client, kubeconfig  # noqa: F401 (fixtures)

kubernetes = pytest.importorskip("kubernetes")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _statefulset(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name},
        "spec": {
            "serviceName": name,
            "replicas": 2,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24"}]
                },
            },
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "www"},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "1Gi"}},
                    },
                }
            ],
        },
    }


def test_statefulsets_create_read_list_watch_patch_scale_delete(api_client: Any) -> None:  # noqa: F811
    apps = kubernetes.client.AppsV1Api(api_client)
    core = kubernetes.client.CoreV1Api(api_client)
    created = apps.create_namespaced_stateful_set("default", _statefulset("client-sts"))
    assert created.spec.pod_management_policy == "OrderedReady"
    assert created.spec.update_strategy.rolling_update.partition == 0
    assert created.spec.persistent_volume_claim_retention_policy.when_deleted == "Retain"
    names = [s.metadata.name for s in apps.list_namespaced_stateful_set("default").items]
    assert names == ["client-sts"]

    watch = kubernetes.watch.Watch()
    for event in watch.stream(
        apps.list_namespaced_stateful_set,
        "default",
        field_selector="metadata.name=client-sts",
        timeout_seconds=30,
    ):
        if (event["object"].status.ready_replicas or 0) == 2:
            watch.stop()
    read = apps.read_namespaced_stateful_set("client-sts", "default")
    assert read.status.current_revision == read.status.update_revision
    pods = core.list_namespaced_pod("default", label_selector="app=client-sts").items
    assert sorted(p.metadata.name for p in pods) == ["client-sts-0", "client-sts-1"]
    assert {p.spec.hostname for p in pods} == {"client-sts-0", "client-sts-1"}

    patched = apps.patch_namespaced_stateful_set("client-sts", "default", {"spec": {"replicas": 1}})
    assert patched.spec.replicas == 1
    with pytest.raises(kubernetes.client.ApiException) as refused:
        apps.patch_namespaced_stateful_set(
            "client-sts", "default", {"spec": {"serviceName": "other"}}
        )
    assert refused.value.status == 422
    assert "updates to statefulset spec for fields other than 'replicas'" in refused.value.body
    scale = apps.read_namespaced_stateful_set_scale("client-sts", "default")
    assert (scale.spec.replicas, scale.status.selector) == (1, "app=client-sts")
    apps.patch_namespaced_stateful_set_scale("client-sts", "default", {"spec": {"replicas": 0}})

    apps.delete_namespaced_stateful_set("client-sts", "default")
    assert apps.list_namespaced_stateful_set("default").items == []
    deadline = time.monotonic() + 30
    while core.list_namespaced_pod("default", label_selector="app=client-sts").items:
        assert time.monotonic() < deadline, "its pods were never deleted"
        time.sleep(0.2)
    claims = core.list_namespaced_persistent_volume_claim(
        "default", label_selector="app=client-sts"
    )
    assert sorted(c.metadata.name for c in claims.items) == ["www-client-sts-0", "www-client-sts-1"]
    for claim in claims.items:
        core.delete_namespaced_persistent_volume_claim(claim.metadata.name, "default")
