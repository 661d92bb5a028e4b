"""A ReplicationController on the page: the official docs' replication.yaml, picked from the
examples and applied. Three pods come up, the RC has its row in WORKLOADS (DESIRED/READY, the
colour of its pods) and its inspector; a pod deleted in the inspector is replaced by the
replication manager, and the story says so."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import apply, caught_up, running, set_speed_100, wait_for_pods


def test_the_docs_replication_controller_replaces_a_deleted_pod(
    page: Any, console: Console
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    set_speed_100(page)
    page.click("#tab-btn-manifest")
    page.select_option("#example", label="A ReplicationController (ReplicationController docs)")
    page.wait_for_function(
        "document.querySelector('#editor .cm-content').innerText.includes('ReplicationController')"
    )
    assert "replicationcontroller/nginx created" in apply(page)
    tiles = wait_for_pods(page, lambda t: len(running(t)) == 3, "three nginx pods Running")
    first = sorted(t["key"] for t in tiles)
    caught_up(page)
    label = page.get_attribute("#stage .workload-replicationcontroller", "aria-label")
    assert label == "ReplicationController nginx, 3/3 ready"
    colours = page.evaluate(
        "[document.querySelector('#stage .workload-replicationcontroller .workload-stripe')"
        ".style.fill, document.querySelector('#stage .pod .pod-stripe').style.fill]"
    )
    assert colours[0] and colours[0] == colours[1], colours
    page.click("#stage .workload-replicationcontroller")
    page.wait_for_selector(
        "#tab-inspector .inspector-title:has-text('ReplicationController nginx')"
    )
    inspector = page.inner_text("#tab-inspector")
    assert "Desired\n3" in inspector and "Ready\n3" in inspector, inspector
    shot(page, "replicationcontroller-1440")

    # Delete one pod in the inspector: the replication manager makes another.
    victim = first[0]
    page.click(f"#stage .pod[data-key='{victim}']")
    page.click("#tab-inspector .actions button:text-is('Delete')")
    page.wait_for_function(
        "podlife.timeline.events.some((e) => e.kind === 'milestone'"
        " && e.summary === 'The replication manager sees nginx with 2 of 3 pods and creates"
        " 1 pod')",
        timeout=60_000,
    )
    tiles = wait_for_pods(
        page,
        lambda t: len(running(t)) == 3 and victim not in {p["key"] for p in t},
        "a replacement Running",
    )
    assert len(set(t["key"] for t in tiles) - set(first)) == 1
    gone = page.inner_text("#tab-inspector")  # the deleted pod's inspector says what happened
    assert "(or a ReplicationController) makes a new pod with a new name" in gone, gone
    caught_up(page)
    shot(page, "replicationcontroller-replaced-1440")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("#presenter")
    page.wait_for_function("document.body.classList.contains('presenter')")
    page.wait_for_timeout(400)  # the components fade to the theme's colours (.2 s)
    shot(page, "replicationcontroller-presenter-1920")
    assert console.errors == []
