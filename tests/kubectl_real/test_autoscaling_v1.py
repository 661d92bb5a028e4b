"""autoscaling/v1 HorizontalPodAutoscalers with the real kubectl and the in-engine one: the
same HPAs autoscaling/v2 serves (one storage), read and written at v1
(targetCPUUtilizationPercentage; the other metrics in annotations)."""

from __future__ import annotations

from tests.kubectl_real.conftest import Twin
from tests.kubectl_real.test_config import same
from tests.kubectl_real.test_services import same_but_uid

V1_HPA = """\
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 1
  maxReplicas: 4
  targetCPUUtilizationPercentage: 70
"""

V2_HPA = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: mem
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  maxReplicas: 3
  metrics:
  - type: Resource
    resource:
      name: memory
      target:
        type: AverageValue
        averageValue: 100Mi
"""


def test_an_hpa_at_v1_and_v2(twin: Twin) -> None:
    twin.file("v1.yaml", V1_HPA)
    twin.file("v2.yaml", V2_HPA)
    same(twin, "create deployment web --image=nginx")
    assert same(twin, "apply -f v1.yaml") == "horizontalpodautoscaler.autoscaling/web created\n"
    same(twin, "apply -f v2.yaml")
    twin.advance(30)
    same(twin, "get hpa.v1.autoscaling")
    same(twin, "get hpa")  # v2, the preferred version: no warning for the same resource
    same_but_uid(twin, "get hpa.v1.autoscaling web -o yaml")
    # Only a memory metric: v1 shows no CPU target, the metric rides in an annotation.
    same_but_uid(twin, "get horizontalpodautoscalers.v1.autoscaling mem -o yaml")
    same_but_uid(twin, "get hpa.v2.autoscaling web -o yaml")
    same(twin, "delete hpa.v1.autoscaling web mem")
