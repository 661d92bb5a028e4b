"""A Service's endpoints on the page: once its pods are ready, the story says where the
Service sends traffic (the EndpointSlice controller's milestone) and the narration shows it."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import apply, caught_up, set_speed_100, type_manifest, wait_for_pods

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def test_the_story_says_where_a_service_sends_traffic(page: Any, console: Console) -> None:
    set_speed_100(page)
    type_manifest(page, WEB)
    apply(page)
    wait_for_pods(page, lambda tiles: sum(t["status"] == "Running" for t in tiles) == 2, "2 pods")
    caught_up(page)
    told = page.evaluate(
        "podlife.timeline.events.filter((e) => e.kind === 'milestone'"
        " && e.summary.startsWith('Service web ')).map((e) => e.summary)"
    )
    assert told[-1].startswith("Service web now sends traffic to 2 pods"), told
    page.wait_for_function(
        "document.querySelector('#caption').textContent.includes('Service web now sends')",
        timeout=30_000,
    )
    shot(page, "endpoints-story")
    assert console.errors == []
