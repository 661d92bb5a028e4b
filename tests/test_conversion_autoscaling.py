"""autoscaling/v1 HorizontalPodAutoscalers through the API server: autoscaling/v2's storage,
converted as pkg/apis/autoscaling/v1/conversion.go converts (engine/apiserver/conversion/)."""

from __future__ import annotations

import json
from typing import Any

from engine.apiserver.conversion.autoscaling import from_v2, to_v2
from engine.apiserver.request import Request, Response
from engine.cluster import Cluster

V1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers"
V2 = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers"
REF = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}


def call(c: Cluster, method: str, path: str, body: Any = None) -> Response:
    text = None if body is None else json.dumps(body)
    return c.call(
        Request.from_url(method, path, body=text, headers={"content-type": "application/json"})
    )


def hpa_v1(name: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v1",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name},
        "spec": {"scaleTargetRef": REF, "maxReplicas": 3, **spec},
    }


def test_without_a_cpu_target_v1_means_80_percent() -> None:
    c = Cluster(seed=1, control_plane=False)
    assert call(c, "POST", V1, hpa_v1("h")).code == 201
    metrics = call(c, "GET", f"{V2}/h").body["spec"]["metrics"]
    assert metrics == [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 80},
            },
        }
    ]
    assert call(c, "GET", f"{V1}/h").body["spec"]["targetCPUUtilizationPercentage"] == 80


def test_what_v1_cannot_say_rides_in_annotations_and_comes_back() -> None:
    v2 = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "h", "annotations": {"team": "a"}},
        "spec": {
            "scaleTargetRef": REF,
            "maxReplicas": 3,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 50},
                    },
                },
                {
                    "type": "External",
                    "external": {
                        "metric": {"name": "queue"},
                        "target": {"type": "Value", "value": "30"},
                    },
                },
            ],
        },
        "status": {
            "currentReplicas": 2,
            "desiredReplicas": 2,
            "currentMetrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "current": {"averageUtilization": 40, "averageValue": "40m"},
                    },
                }
            ],
            "conditions": [{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale"}],
        },
    }
    v1 = from_v2(v2)
    assert v1["spec"]["targetCPUUtilizationPercentage"] == 50
    assert v1["status"]["currentCPUUtilizationPercentage"] == 40
    annotations = v1["metadata"]["annotations"]
    assert list(annotations) == [
        "autoscaling.alpha.kubernetes.io/conditions",
        "autoscaling.alpha.kubernetes.io/current-metrics",
        "autoscaling.alpha.kubernetes.io/metrics",
        "team",
    ]
    assert annotations["autoscaling.alpha.kubernetes.io/metrics"] == (
        '[{"type":"External","external":{"metricName":"queue","targetValue":"30"}}]'
    )
    assert annotations["autoscaling.alpha.kubernetes.io/current-metrics"] == (
        '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":40,'
        '"currentAverageValue":"40m"}}]'
    )
    back = to_v2(v1)
    assert back["metadata"]["annotations"] == {"team": "a"}
    assert {m["type"] for m in back["spec"]["metrics"]} == {"Resource", "External"}
    assert back["status"]["conditions"] == v2["status"]["conditions"]
    assert back["status"]["currentMetrics"][0]["resource"]["current"]["averageUtilization"] == 40


def test_an_annotation_that_is_not_json_is_a_bad_request() -> None:
    c = Cluster(seed=1, control_plane=False)
    body = hpa_v1("h")
    body["metadata"]["annotations"] = {"autoscaling.alpha.kubernetes.io/metrics": "{nope"}
    refused = call(c, "POST", V1, body)
    assert refused.code == 400
    assert "autoscaling.alpha.kubernetes.io/metrics" in refused.body["message"]


def test_discovery_prefers_v2() -> None:
    c = Cluster(seed=1, control_plane=False)
    group = call(c, "GET", "/apis/autoscaling").body
    assert [v["version"] for v in group["versions"]] == ["v2", "v1"]
    assert group["preferredVersion"]["version"] == "v2"
    names = [r["name"] for r in call(c, "GET", "/apis/autoscaling/v1").body["resources"]]
    assert names == ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]
