"""The docs' ValidatingAdmissionPolicy example on the real page: a namespace labelled
environment=test, the policy (replicas <= 5) and its binding, then a Deployment of 6 replicas
there. The API server refuses it: the apply output shows kubectl's error, and the story's
headline names the policy and the expression that failed."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import apply, caught_up, set_speed_100, type_manifest
from tests.docs_examples import BINDING, DENIAL, POLICY

MANIFEST = (
    """\
apiVersion: v1
kind: Namespace
metadata:
  name: test
  labels:
    environment: test
---
"""
    + POLICY
    + "---\n"
    + BINDING
    + """\
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  namespace: test
spec:
  replicas: 6
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx
"""
)
HEADLINE = (
    "The ValidatingAdmissionPolicy demo-policy.example.com refuses deployment nginx: "
    "failed expression: object.spec.replicas <= 5"
)


def test_the_policy_refuses_six_replicas_on_the_page(page: Any, console: Console) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    set_speed_100(page)
    type_manifest(page, MANIFEST)
    output = apply(page)
    for made in (
        "namespace/test created",
        "validatingadmissionpolicy.admissionregistration.k8s.io/demo-policy.example.com created",
        "validatingadmissionpolicybinding.admissionregistration.k8s.io/"
        "demo-binding-test.example.com created",
    ):
        assert made in output
    assert f'The deployments "nginx" is invalid: : {DENIAL}' in output
    caught_up(page)
    said = page.evaluate(
        "podlife.timeline.events.filter(e => e.kind === 'milestone').map(e => e.summary)"
    )
    assert said[-1] == HEADLINE, said
    page.wait_for_function(
        "([text]) => document.querySelector('#caption').textContent.includes(text)",
        arg=[HEADLINE],
    )
    assert page.locator("#stage .pod").count() == 0  # nothing was created
    shot(page, "vap-denied-1440")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("#presenter")
    page.wait_for_function("document.body.classList.contains('presenter')")
    page.wait_for_timeout(600)  # the drawer's slide-in (the stage's own animations never end)
    shot(page, "vap-denied-presenter-1920")
    assert console.errors == []
