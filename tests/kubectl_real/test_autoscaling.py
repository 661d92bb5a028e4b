"""HorizontalPodAutoscalers with the real kubectl and the in-engine one, side by side:
kubectl autoscale (and its refusals), get, describe and -o yaml while the HPA controller finds
no metrics API, the bounds it still enforces, an HPA applied from a manifest, delete."""

from __future__ import annotations

from tests.kubectl_real.conftest import Twin
from tests.kubectl_real.test_config import same
from tests.kubectl_real.test_services import same_but_uid

# The docs' php-apache HPA (k8s.io/examples/application/hpa/php-apache.yaml)
PHP_APACHE_HPA = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: php-apache
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 50
"""


def test_autoscale_a_deployment_without_metrics_server(twin: Twin) -> None:
    same(twin, "create deployment php-apache --image=registry.k8s.io/hpa-example --port=80")
    twin.advance(20)
    assert same(twin, "autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10") == (
        "horizontalpodautoscaler.autoscaling/php-apache autoscaled\n"
    )
    same(twin, "autoscale deployment php-apache --min=2")
    same(twin, "autoscale deployment php-apache --max=2 --min=3")
    same(twin, "autoscale deployment php-apache --max=0")
    same(twin, "autoscale deployment php-apache --max=3 --cpu-percent=50 --cpu=60%")
    same(twin, "autoscale configmap kube-root-ca.crt --max=3")
    twin.advance(40)
    assert "cpu: <unknown>/50%" in same(twin, "get hpa")
    same(twin, "get hpa -o wide")
    same(twin, "describe hpa php-apache")
    same_but_uid(twin, "get hpa php-apache -o yaml")
    # Out of bounds the controller scales without metrics: up to minReplicas.
    same(
        twin,
        "autoscale deployment php-apache --name=floor --min=3 --max=5 --cpu=200m --memory=60%",
    )
    twin.advance(40)
    same(twin, "get hpa")
    same(twin, "get deploy php-apache")
    same(twin, "describe hpa floor")
    same(twin, "delete hpa php-apache floor")


def test_an_hpa_from_a_manifest(twin: Twin) -> None:
    twin.file("hpa.yaml", PHP_APACHE_HPA)
    same(twin, "apply -f hpa.yaml")
    twin.advance(20)
    # No such Deployment: the controller cannot read its scale.
    same(twin, "describe hpa php-apache")
    twin.file("bad.yaml", PHP_APACHE_HPA.replace("minReplicas: 1", "minReplicas: 20"))
    same(twin, "apply -f bad.yaml")
    same(twin, "delete -f hpa.yaml")
