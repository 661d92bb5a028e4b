"""HorizontalPodAutoscalers with the whole control plane: defaults, validation word for word
(pkg/apis/autoscaling/validation), printing, describe, `kubectl autoscale`, and the HPA
controller in a cluster without metrics-server (pkg/controller/podautoscaler/horizontal.go):
the conditions and events it sets when no metric can be read, the bounds it still enforces,
a target it cannot find, a target scaled to zero; its requests all authorized."""

from __future__ import annotations

from typing import Any

import pytest

from engine.cluster import Cluster
from tests.controller_kit import get

HPAS = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers"
NO_METRICS = (
    "unable to get metrics for resource cpu: unable to fetch metrics from resource metrics "
    "API: the server could not find the requested resource (get pods.metrics.k8s.io)"
)


@pytest.fixture
def c() -> Cluster:
    cluster = Cluster(seed=3)
    cluster.settle()
    cluster.kubectl("create deployment web --image=nginx --port=80")
    cluster.settle()
    return cluster


def run(c: Cluster, line: str, stdin: str = "") -> str:
    result = c.kubectl(line, stdin)
    c.settle()
    return result.text


def hpa(c: Cluster, name: str = "web") -> dict[str, Any]:
    return get(c, f"{HPAS}/{name}")


def events(c: Cluster, name: str = "web") -> list[tuple[str, str, str, int]]:
    items = get(c, "/api/v1/namespaces/default/events")["items"]
    return [
        (e["type"], e["reason"], e["message"], e.get("count", 1))
        for e in items
        if e["involvedObject"]["kind"] == "HorizontalPodAutoscaler"
        and e["involvedObject"]["name"] == name
    ]


def replicas(c: Cluster) -> int:
    deployment = get(c, "/apis/apps/v1/namespaces/default/deployments/web")
    number: int = deployment["spec"]["replicas"]
    return number


def test_without_metrics_server_scaling_is_not_active(c: Cluster) -> None:
    out = run(c, "autoscale deployment web --cpu-percent=50 --min=1 --max=10")
    assert out == (
        "Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity "
        "format (e.g., '70%' for utilization or '500m' for milliCPU).\n"
        "horizontalpodautoscaler.autoscaling/web autoscaled\n"
    )
    c.advance(31)
    c.settle()
    status = hpa(c)["status"]
    assert [(x["type"], x["status"], x["reason"]) for x in status["conditions"]] == [
        ("AbleToScale", "True", "SucceededGetScale"),
        ("ScalingActive", "False", "FailedGetResourceMetric"),
    ]
    assert status["conditions"][1]["message"] == (
        "the HPA was unable to compute the replica count: failed to get cpu utilization: "
        + NO_METRICS
    )
    assert (status["currentReplicas"], status["desiredReplicas"]) == (1, 0)
    assert status["currentMetrics"] == [{"type": ""}]
    # First 15 s after it is made, then every 15 s; the recorder counts the repeats.
    assert events(c) == [
        ("Warning", "FailedGetResourceMetric", "failed to get cpu utilization: " + NO_METRICS, 2),
        (
            "Warning",
            "FailedComputeMetricsReplicas",
            "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource "
            "metric value: failed to get cpu utilization: " + NO_METRICS,
            2,
        ),
    ]
    assert replicas(c) == 1
    assert run(c, "get hpa").splitlines()[1].split() == [
        "web",
        "Deployment/web",
        "cpu:",
        "<unknown>/50%",
        "1",
        "10",
        "1",
        "31s",
    ]
    described = run(c, "describe hpa web")
    assert "  resource cpu on pods  (as a percentage of request):  <unknown> / 50%\n" in described
    assert "Deployment pods:                                       1 current / 0 desired\n" in (
        described
    )
    denied = [e for e in c.trace if e.kind.value == "authorization" and not e.data.get("allowed")]
    assert denied == []
    said = [e.summary for e in c.trace if e.kind.value == "milestone"]
    assert (
        "HorizontalPodAutoscaler web cannot read the pods' metrics: no metrics API "
        "(metrics-server) in this cluster, so Deployment web keeps its 1 replica" in said
    )


def test_the_bounds_are_kept_without_metrics(c: Cluster) -> None:
    run(c, "autoscale deployment web --min=3 --max=5")
    c.advance(16)
    c.settle()
    assert replicas(c) == 3
    status = hpa(c)["status"]
    assert (status["desiredReplicas"], "lastScaleTime" in status) == (3, True)
    assert events(c)[0] == (
        "Normal",
        "SuccessfulRescale",
        "New size: 3; reason: Current number of replicas below Spec.MinReplicas",
        1,
    )
    c.kubectl("scale deployment web --replicas=9")
    c.advance(16)
    c.settle()
    assert replicas(c) == 5
    assert (
        "Normal",
        "SuccessfulRescale",
        "New size: 5; reason: Current number of replicas above Spec.MaxReplicas",
        1,
    ) in events(c)
    # At zero replicas autoscaling is off.
    c.kubectl("scale deployment web --replicas=0")
    c.advance(16)
    c.settle()
    active = hpa(c)["status"]["conditions"][1]
    assert (active["reason"], active["message"]) == (
        "ScalingDisabled",
        "scaling is disabled since the replica count of the target is zero",
    )
    assert replicas(c) == 0


def test_a_missing_target(c: Cluster) -> None:
    run(c, "autoscale deployment web --max=3")
    c.kubectl("delete deployment web")
    c.advance(16)
    c.settle()
    able = hpa(c)["status"]["conditions"][0]
    assert (able["status"], able["reason"], able["message"]) == (
        "False",
        "FailedGetScale",
        'the HPA controller was unable to get the target\'s current scale: deployments.apps "web" '
        "not found",
    )
    # (settling waited for the pods' 30 s of grace: two syncs by then)
    assert ("Warning", "FailedGetScale", 'deployments.apps "web" not found', 2) in events(c)


def test_defaults_and_validation(c: Cluster) -> None:
    manifest = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 3
  behavior:
    scaleDown: {stabilizationWindowSeconds: 60}
"""
    run(c, "apply -f -", manifest)
    spec = hpa(c)["spec"]
    assert spec["minReplicas"] == 1
    assert spec["metrics"] == [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 80},
            },
        }
    ]
    assert spec["behavior"]["scaleUp"] == {
        "stabilizationWindowSeconds": 0,
        "selectPolicy": "Max",
        "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15},
        ],
    }
    assert spec["behavior"]["scaleDown"]["stabilizationWindowSeconds"] == 60
    bad = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: bad
spec:
  scaleTargetRef: {kind: Deployment}
  minReplicas: 0
  maxReplicas: 0
  metrics:
  - type: Resource
    pods:
      metric: {name: qps}
      target: {type: AverageValue, averageValue: "1"}
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 0}
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 4000
      policies: [{type: Pods, value: 0, periodSeconds: 15}]
"""
    assert run(c, "apply -f -", bad).splitlines() == [
        'The HorizontalPodAutoscaler "bad" is invalid: ',
        "* spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
        "* spec.maxReplicas: Invalid value: 0: must be greater than 0",
        "* spec.scaleTargetRef.name: Required value",
        "* spec.metrics[0].resource: Required value: must populate information for the given "
        "metric source",
        "* spec.metrics[1].resource.target.averageUtilization: Invalid value: 0: must be "
        "greater than 0",
        "* spec.metrics: Forbidden: must specify at least one Object or External metric to "
        "support scaling to zero replicas",
        "* spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be "
        "less than or equal to 3600",
        "* spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero",
    ]


def test_kubectl_autoscale_refusals(c: Cluster) -> None:
    assert run(c, "autoscale deployment web --min=2") == 'error: required flag(s) "max" not set\n'
    assert run(c, "autoscale deployment web --max=1 --min=2") == (
        "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 1, min: 2\n"
    )
    assert run(c, "autoscale deployment web --max=2 --cpu=fast") == (
        "error: invalid resource cpu value: fast\n"
    )
    run(c, "autoscale deploy/web --max=4 --cpu=500 --memory=70%")
    assert [m["resource"]["target"] for m in hpa(c)["spec"]["metrics"]] == [
        {"type": "AverageValue", "averageValue": "500m"},
        {"type": "Utilization", "averageUtilization": 70},
    ]
