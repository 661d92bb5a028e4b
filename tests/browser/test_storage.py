"""The tutorial "Configure a Pod to Use a PersistentVolume for Storage", picked from the page's
examples and applied: the pod runs, its inspector says which claim it mounts and the volume the
claim is bound to, and stepping back through the story reaches the binding."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import (
    apply,
    caught_up,
    press,
    running,
    set_speed_100,
    stage_seq,
    type_manifest,
    wait_for_pods,
)

CLAIM_LINE = "volume task-pv-storage: claim task-pv-claim → bound to volume task-pv-volume"


def test_the_pv_tutorial_runs_and_the_inspector_shows_the_bound_claim(
    page: Any, console: Console
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    set_speed_100(page)
    page.click("#tab-btn-manifest")
    page.select_option("#example", label="A Pod with storage (PersistentVolume tutorial)")
    page.wait_for_function(
        "document.querySelector('#editor .cm-content').innerText.includes('task-pv-claim')"
    )
    output = apply(page)
    assert "persistentvolume/task-pv-volume created" in output
    assert "persistentvolumeclaim/task-pv-claim created" in output
    wait_for_pods(page, lambda tiles: len(running(tiles)) == 1, "task-pv-pod Running")
    caught_up(page)
    page.click("#stage .pod[data-key='default/task-pv-pod']")
    page.wait_for_selector(f"#tab-inspector .claim-list li:has-text('{CLAIM_LINE}')")
    bound = "bound claim task-pv-claim (3Gi RWO of class manual) to volume task-pv-volume"
    for _ in range(30):  # story mode: each step back is one milestone
        if bound in page.inner_text("#narration"):
            break
        before = stage_seq(page)
        press(page, "ArrowLeft")
        page.wait_for_function(
            f"Number(document.querySelector('#stage').dataset.seq) !== {before}"
            " && !podlife.player.anim"
        )
    assert bound in page.inner_text("#narration")
    shot(page, "storage-story-binding")
    shot(page, "storage-inspector-1440")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("#presenter")
    page.wait_for_function("document.body.classList.contains('presenter')")
    shot(page, "storage-inspector-presenter-1920")
    assert console.errors == []


WAITING_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: db
spec:
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: data
  containers:
    - name: db
      image: redis:7.4
      volumeMounts:
        - mountPath: /data
          name: data
"""


def test_a_pod_whose_claim_does_not_exist_says_so(page: Any, console: Console) -> None:
    set_speed_100(page)
    type_manifest(page, WAITING_POD)
    assert "pod/db created" in apply(page)
    caught_up(page)
    page.click("#stage .pod[data-key='default/db']")
    page.wait_for_selector(
        "#tab-inspector .claim-list li:has-text('volume data: claim data: does not exist yet')"
    )
    page.wait_for_selector(
        "#tab-inspector .why:has-text('It waits for its claim data, which does not exist yet')"
    )
    shot(page, "storage-pod-waits-for-claim")
    assert console.errors == []
