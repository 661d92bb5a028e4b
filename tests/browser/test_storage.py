"""The tutorial "Configure a Pod to Use a PersistentVolume for Storage" pasted into the page:
the pod runs, its inspector says which claim it mounts and the volume the claim is bound to,
and the story tells the binding."""

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

TUTORIAL = """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: task-pv-volume
  labels:
    type: local
spec:
  storageClassName: manual
  capacity:
    storage: 10Gi
  accessModes:
    - ReadWriteOnce
  hostPath:
    path: "/mnt/data"
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: task-pv-claim
spec:
  storageClassName: manual
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 3Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: task-pv-pod
spec:
  volumes:
    - name: task-pv-storage
      persistentVolumeClaim:
        claimName: task-pv-claim
  containers:
    - name: task-pv-container
      image: nginx
      volumeMounts:
        - mountPath: "/usr/share/nginx/html"
          name: task-pv-storage
"""

CLAIM_LINE = "volume task-pv-storage: claim task-pv-claim → bound to volume task-pv-volume"


def test_the_pv_tutorial_runs_and_the_inspector_shows_the_bound_claim(
    page: Any, console: Console
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    set_speed_100(page)
    type_manifest(page, TUTORIAL)
    output = apply(page)
    assert "persistentvolume/task-pv-volume created" in output
    assert "persistentvolumeclaim/task-pv-claim created" in output
    wait_for_pods(page, lambda tiles: len(running(tiles)) == 1, "task-pv-pod Running")
    caught_up(page)
    page.click("#stage .pod[data-key='default/task-pv-pod']")
    page.wait_for_selector(f"#tab-inspector .claim-list li:has-text('{CLAIM_LINE}')")
    page.wait_for_function(
        "[...document.querySelectorAll('#story-log li, #narration')].some(el =>"
        " el.innerText.includes('bound claim task-pv-claim'))"
        " || podlife.timeline.events.some(e => e.kind === 'milestone' &&"
        " e.summary.includes('bound claim task-pv-claim (3Gi RWO of class manual) to volume"
        " task-pv-volume'))"
    )
    shot(page, "storage-inspector-1440")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("#presenter")
    page.wait_for_function("document.body.classList.contains('presenter')")
    shot(page, "storage-inspector-presenter-1920")
    assert console.errors == []
