"""Quotas on the page: a ResourceQuota of two pods pasted in the editor, then a Deployment of
three. The story says why the third pod never comes, the terminal shows the Deployment at 2/3
and the quota's count."""

from __future__ import annotations

from typing import Any

from tests import policy_manifests as m
from tests.browser.conftest import Console, shot
from tests.browser.pagekit import apply, running, set_speed_18, type_manifest, wait_for_pods
from tests.browser.test_rbac import kubectl

STUCK = "The API server refuses the pods of ReplicaSet pod-quota-demo-"


def test_a_quota_keeps_a_deployment_short(page: Any, console: Console) -> None:
    # Not 100×: above 20× a milestone may pass unshown (static/src/player.js
    # ALWAYS_DRAWN_UP_TO), and the refusal is followed by others.
    set_speed_18(page)
    # Every caption the story shows, as it shows them (it moves on to later milestones).
    page.evaluate(
        """() => {
          window.captions = [];
          const caption = document.querySelector('#caption');
          new MutationObserver(() => window.captions.push(caption.textContent))
            .observe(caption, {childList: true, subtree: true, characterData: true});
        }"""
    )
    type_manifest(page, m.QUOTA_POD)
    assert "resourcequota/pod-demo created" in apply(page)
    type_manifest(page, m.QUOTA_POD_DEPLOYMENT)
    assert "deployment.apps/pod-quota-demo created" in apply(page)
    page.wait_for_function(
        "([text]) => window.captions.some(c => c.includes(text))",
        arg=[STUCK],
        timeout=60_000,
    )
    shot(page, "quota-refused")
    caption = page.evaluate(f"window.captions.find(c => c.includes({STUCK!r}))")
    assert "exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2" in caption
    assert "Deployment pod-quota-demo cannot reach its 3 replicas" in caption
    wait_for_pods(page, lambda tiles: len(running(tiles)) == 2, "the two pods the quota lets in")
    page.click("#tab-btn-kubectl")
    log = kubectl(page, "get quota", "pods: 2/2")
    assert "pod-demo" in log
    log = kubectl(page, "get deploy pod-quota-demo", "2/3")
    shot(page, "quota-terminal")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("#presenter")
    page.wait_for_timeout(600)  # the drawer's slide-in
    shot(page, "quota-presenter")
    assert console.errors == []
