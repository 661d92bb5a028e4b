"""The cluster's add-ons (CoreDNS, kube-proxy) run in kube-system from before the learner
arrives: the real page, served by the real server, leaves them off the stage (derive.js
isAddon), so its nodes show only the learner's pods."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import POD, apply, set_speed_100, type_manifest, wait_for_pods


def test_the_stage_shows_the_learners_pods_not_the_add_ons(page: Any, console: Console) -> None:
    page.wait_for_function("document.querySelector('#connection').textContent === 'connected'")
    page.wait_for_function("document.querySelectorAll('#stage .node').length === 3")
    # The baseline holds them (the page knows the cluster's keys), the stage draws none.
    page.wait_for_function(
        "Object.keys(podlife.timeline.baseline.keys)"
        ".some(k => k.startsWith('/registry/pods/kube-system/coredns-'))"
    )
    assert page.eval_on_selector_all("#stage .pod", "els => els.length") == 0
    set_speed_100(page)
    type_manifest(page, POD)
    assert "pod/solo created" in apply(page)
    tiles = wait_for_pods(
        page, lambda tiles: any(p["status"] == "Running" for p in tiles), "pod solo Running"
    )
    assert [p["key"] for p in tiles] == ["default/solo"]
    # Nor do their Events fill the Events table (the Deployment's ScalingReplicaSet and all).
    page.wait_for_function("document.querySelector('main').innerText.includes('solo')")
    text = page.inner_text("main")
    assert "coredns" not in text and "kube-proxy" not in text
    shot(page, "addons-stage-with-one-pod")
    assert console.errors == []


def test_the_connecting_applications_lesson_looks_names_up_through_coredns(
    page: Any, console: Console
) -> None:
    from tests.browser.test_tutorial_lessons import resume

    page.set_viewport_size({"width": 1440, "height": 900})
    # Part 9: after `nslookup my-nginx` and `wget http://my-nginx` in pod dns-test.
    resume(page, "28-connecting-applications-with-services", 9, 14)
    assert "Securing the Service" in page.inner_text("#lesson-say")
    tiles = wait_for_pods(
        page,
        lambda seen: len(seen) == 3 and all(p["status"] == "Running" for p in seen),
        "two my-nginx pods and dns-test running",
    )
    assert sorted(p["key"].rsplit("-", 2)[0] for p in tiles) == [
        "default/dns",
        "default/my-nginx",
        "default/my-nginx",
    ]
    dns = page.evaluate(
        "podlife.timeline.events.filter(e => e.kind === 'connection').map(e => e.data.dns)"
    )
    assert len(dns) == 1 and dns[0]["server"] == "10.96.0.10" and dns[0]["name"] == "my-nginx"
    assert dns[0]["pod"].startswith("kube-system/coredns-")
    shot(page, "addons-lesson-28-1440")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("#presenter")
    page.wait_for_function("document.body.classList.contains('presenter')")
    shot(page, "addons-lesson-28-presenter-1920")
    assert console.errors == []
