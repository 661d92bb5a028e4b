"""autoscaling/v1 HorizontalPodAutoscalers through the official Python client
(`kubernetes`, AutoscalingV1Api) against the real web server: the same HPAs autoscaling/v2
serves, over one storage (engine/apiserver/conversion/autoscaling.py). Create, read, list,
watch, patch, the status subresource, delete."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.test_kube_api_client import api_client, kubeconfig  # noqa: F401 (fixtures)

kubernetes = pytest.importorskip("kubernetes")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _hpa(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v1",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "maxReplicas": 4,
            "targetCPUUtilizationPercentage": 70,
        },
    }


def test_hpa_v1_create_read_list_watch_patch_delete(api_client: Any) -> None:  # noqa: F811
    v1 = kubernetes.client.AutoscalingV1Api(api_client)
    v2 = kubernetes.client.AutoscalingV2Api(api_client)
    created = v1.create_namespaced_horizontal_pod_autoscaler("default", _hpa("client-hpa"))
    assert (created.spec.target_cpu_utilization_percentage, created.spec.min_replicas) == (70, 1)
    # One storage: v2 shows the CPU target as a Resource metric.
    metric = v2.read_namespaced_horizontal_pod_autoscaler("client-hpa", "default").spec.metrics[0]
    assert (metric.type, metric.resource.name, metric.resource.target.average_utilization) == (
        "Resource",
        "cpu",
        70,
    )
    names = [h.metadata.name for h in v1.list_namespaced_horizontal_pod_autoscaler("default").items]
    assert "client-hpa" in names

    watch = kubernetes.watch.Watch()
    for change in watch.stream(
        v1.list_namespaced_horizontal_pod_autoscaler,
        "default",
        field_selector="metadata.name=client-hpa",
        timeout_seconds=5,
    ):
        assert change["object"].spec.target_cpu_utilization_percentage == 70
        watch.stop()

    patched = v1.patch_namespaced_horizontal_pod_autoscaler(
        "client-hpa", "default", {"spec": {"targetCPUUtilizationPercentage": 55}}
    )
    assert patched.spec.target_cpu_utilization_percentage == 55
    # A v2-only metric added at v2 rides at v1 in the metrics annotation.
    v2.patch_namespaced_horizontal_pod_autoscaler(
        "client-hpa",
        "default",
        [
            {
                "op": "add",
                "path": "/spec/metrics/-",
                "value": {
                    "type": "Pods",
                    "pods": {
                        "metric": {"name": "packets-per-second"},
                        "target": {"type": "AverageValue", "averageValue": "1k"},
                    },
                },
            }
        ],
    )
    read = v1.read_namespaced_horizontal_pod_autoscaler("client-hpa", "default")
    annotation = read.metadata.annotations["autoscaling.alpha.kubernetes.io/metrics"]
    assert json.loads(annotation) == [
        {"type": "Pods", "pods": {"metricName": "packets-per-second", "targetAverageValue": "1k"}}
    ]
    assert read.spec.target_cpu_utilization_percentage == 55
    status = v1.read_namespaced_horizontal_pod_autoscaler_status("client-hpa", "default")
    assert status.status.desired_replicas is not None

    v1.delete_namespaced_horizontal_pod_autoscaler("client-hpa", "default")
    with pytest.raises(kubernetes.client.ApiException) as gone:
        v1.read_namespaced_horizontal_pod_autoscaler("client-hpa", "default")
    assert gone.value.status == 404
