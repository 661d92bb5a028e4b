"""The official Python client (`kubernetes`) and the storage kinds, against the real web server
(fixtures of test_kube_api_client.py): CoreV1Api PersistentVolumes and PersistentVolumeClaims,
StorageV1Api StorageClasses — create, read, list, watch, patch, delete — read into the
client's models, and the claim bound by the PersistentVolume controller."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_kube_api_client import api_client, kubeconfig  # noqa: F401 (fixtures)

kubernetes = pytest.importorskip("kubernetes")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _volume(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": name, "labels": {"type": "local"}},
        "spec": {
            "storageClassName": "manual",
            "capacity": {"storage": "10Gi"},
            "accessModes": ["ReadWriteOnce"],
            "hostPath": {"path": "/mnt/data"},
        },
    }


def _claim(name: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "3Gi"}},
            **spec,
        },
    }


def test_volumes_and_claims(api_client: Any) -> None:  # noqa: F811
    core = kubernetes.client.CoreV1Api(api_client)
    pv = core.create_persistent_volume(_volume("client-pv"))
    assert pv.spec.persistent_volume_reclaim_policy == "Retain"
    assert pv.metadata.finalizers == ["kubernetes.io/pv-protection"]
    claim = core.create_namespaced_persistent_volume_claim(
        "default", _claim("client-claim", storageClassName="manual")
    )
    assert claim.status.phase == "Pending"
    watch = kubernetes.watch.Watch()
    phases = []
    for event in watch.stream(
        core.list_namespaced_persistent_volume_claim,
        "default",
        field_selector="metadata.name=client-claim",
        timeout_seconds=5,
    ):
        phases.append(event["object"].status.phase)
        if event["object"].status.phase == "Bound":
            watch.stop()
    assert phases[-1] == "Bound"
    bound = core.read_namespaced_persistent_volume_claim("client-claim", "default")
    assert bound.spec.volume_name == "client-pv"
    assert bound.status.capacity == {"storage": "10Gi"}
    assert core.read_persistent_volume("client-pv").spec.claim_ref.name == "client-claim"
    assert [v.metadata.name for v in core.list_persistent_volume().items] == ["client-pv"]
    patched = core.patch_persistent_volume("client-pv", {"metadata": {"labels": {"tier": "a"}}})
    assert patched.metadata.labels == {"tier": "a", "type": "local"}
    with pytest.raises(kubernetes.client.ApiException) as refused:
        core.patch_namespaced_persistent_volume_claim(
            "client-claim", "default", {"spec": {"accessModes": ["ReadWriteMany"]}}
        )
    assert refused.value.status == 422
    core.delete_namespaced_persistent_volume_claim("client-claim", "default")
    core.delete_persistent_volume("client-pv")
    with pytest.raises(kubernetes.client.ApiException) as missing:
        core.read_persistent_volume("client-pv")
    assert missing.value.status == 404


def test_storage_classes(api_client: Any) -> None:  # noqa: F811
    storage = kubernetes.client.StorageV1Api(api_client)
    classes = storage.list_storage_class().items
    assert [(c.metadata.name, c.provisioner, c.volume_binding_mode) for c in classes] == [
        ("standard", "rancher.io/local-path", "WaitForFirstConsumer")
    ]
    made = storage.create_storage_class(
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": "fast"},
            "provisioner": "example.com/fast",
            "allowVolumeExpansion": True,
        }
    )
    assert (made.reclaim_policy, made.volume_binding_mode) == ("Delete", "Immediate")
    assert storage.read_storage_class("fast").allow_volume_expansion is True
    patched = storage.patch_storage_class("fast", {"metadata": {"annotations": {"note": "ssd"}}})
    assert patched.metadata.annotations == {"note": "ssd"}
    storage.delete_storage_class("fast")
    assert [c.metadata.name for c in storage.list_storage_class().items] == ["standard"]
