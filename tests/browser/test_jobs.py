"""A Job on the page: the docs' pi Job applied in the editor runs its pod to completion; the pod
ends Completed (drawn as done, not failed, not running) and the story says the Job is complete."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import apply, caught_up, set_speed_100, type_manifest, wait_for_pods

PI = """apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
"""


def test_the_pi_job_ends_completed_and_its_story_says_so(page: Any, console: Console) -> None:
    set_speed_100(page)
    type_manifest(page, PI)
    assert "job.batch/pi created" in apply(page)
    [tile] = wait_for_pods(
        page, lambda tiles: [t["status"] for t in tiles] == ["Completed"], "pi Completed"
    )
    assert tile["key"].startswith("default/pi-")
    caught_up(page)
    told = page.evaluate(
        "podlife.timeline.events.filter((e) => e.kind === 'milestone'"
        " && e.source === 'controller-manager/job-controller').map((e) => e.summary)"
    )
    assert told == [
        "The Job controller creates pod 1 of 1 for Job pi",
        "Job pi is complete: 1 of 1 completions. Its pods stay, Completed, so that you can read "
        "their logs",
    ]
    page.wait_for_function(
        "document.querySelector('#caption').textContent.includes('Job pi is complete')",
        timeout=30_000,
    )
    # Drawn as done: the tone of a finished pod, not a running or failed one.
    tone = page.evaluate(
        "[...document.querySelectorAll('#stage .pod')].map((el) => el.className.baseVal ||"
        " el.className)"
    )
    assert any("done" in str(c) for c in tone), tone
    # The Job is in the WORKLOADS column, its stripe the colour of its pod's.
    label = page.get_attribute("#stage .workload-job", "aria-label")
    assert label == "Job pi, Complete: 1/1 completions"
    colours = page.evaluate(
        "[document.querySelector('#stage .workload-job .workload-stripe').style.fill,"
        " document.querySelector('#stage .pod .pod-stripe').style.fill]"
    )
    assert colours[0] == colours[1] and colours[0] != "var(--ink-3)", colours
    page.set_viewport_size({"width": 1440, "height": 900})
    shot(page, "job-pi-completed-1440")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("#presenter")
    page.wait_for_function("document.body.classList.contains('presenter')")
    shot(page, "job-pi-completed-presenter-1920")
    assert console.errors == []
