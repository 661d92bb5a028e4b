"""What the docs' networking and autoscaling tasks paste, on the real page: a Deployment with
its Service, an Ingress, a NetworkPolicy and a HorizontalPodAutoscaler applied together. The
story says that nothing serves the Ingress nor enforces the policy in this cluster, and the
HPA controller, finding no metrics API, still scales the Deployment up to minReplicas."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import (
    apply,
    caught_up,
    running,
    set_speed_100,
    type_manifest,
    wait_for_pods,
)

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: php-apache
spec:
  selector:
    matchLabels: {run: php-apache}
  template:
    metadata:
      labels: {run: php-apache}
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: php-apache
spec:
  selector: {run: php-apache}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: php
spec:
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: php-apache, port: {number: 80}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: php-apache}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 50}
"""


def milestones(page: Any) -> list[str]:
    return list(
        page.evaluate(
            "podlife.timeline.events.filter(e => e.kind === 'milestone').map(e => e.summary)"
        )
    )


def test_ingress_policy_and_autoscaler_on_the_page(page: Any, console: Console) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    set_speed_100(page)
    type_manifest(page, MANIFEST)
    output = apply(page)
    for made in (
        "deployment.apps/php-apache created",
        "service/php-apache created",
        "ingress.networking.k8s.io/php created",
        "networkpolicy.networking.k8s.io/default-deny-ingress created",
        "horizontalpodautoscaler.autoscaling/php-apache created",
    ):
        assert made in output
    # The HPA's first sync, 15 s on: below minReplicas, it scales up without metrics.
    wait_for_pods(page, lambda tiles: len(running(tiles)) == 2, "2 php-apache pods Running")
    caught_up(page)
    said = milestones(page)
    assert any("no ingress controller is installed in this cluster" in m for m in said), said
    assert any("a network plugin (CNI) with policy support would enforce it" in m for m in said)
    assert any(
        "HorizontalPodAutoscaler php-apache scaled Deployment php-apache from 1 to 2 replicas: "
        "current number of replicas below Spec.MinReplicas" in m
        for m in said
    ), said
    shot(page, "netkinds-1440")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("#presenter")
    page.wait_for_function("document.body.classList.contains('presenter')")
    shot(page, "netkinds-presenter-1920")
    assert console.errors == []
