"""The inspector travels in time with the picture: its YAML is the object as etcd held it at
the revision the picture shows, never the live object."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import Console
from tests.browser.pagekit import (
    POD,
    apply,
    caught_up,
    press,
    running,
    set_speed_100,
    stage_seq,
    type_manifest,
    wait_for_pods,
)


def shown(page: Any) -> tuple[int, int, str]:
    """(the revision the inspector's header names, the resourceVersion in its YAML, status)."""
    page.wait_for_function(
        "(() => { const pre = document.querySelector('#tab-inspector pre.yaml');"
        " return pre && !pre.textContent.startsWith('loading'); })()"
    )
    header = page.inner_text("#tab-inspector h3:has-text('Live YAML')")
    text = page.inner_text("#tab-inspector pre.yaml")
    version = re.search(r'resourceVersion: "(\d+)"', text)
    phase = re.search(r"\n  phase: (\w+)", text)
    assert version, text[:400]
    header_rev = re.search(r"etcd revision (\d+)", header)
    assert header_rev, header
    return int(header_rev.group(1)), int(version.group(1)), phase.group(1) if phase else ""


def test_scrubbing_back_shows_the_object_as_it_was(page: Any, console: Console) -> None:
    set_speed_100(page)
    type_manifest(page, POD)
    apply(page)
    wait_for_pods(page, lambda tiles: len(running(tiles)) == 1, "solo Running")
    caught_up(page)
    press(page, "s")  # every message: step back a few messages at a time, not whole steps
    page.wait_for_function("!podlife.player.story")
    page.click("#stage .pod[data-key='default/solo']")
    now_rev, now_version, now_phase = shown(page)
    assert now_version == now_rev and now_phase == "Running"
    before = stage_seq(page)
    for _ in range(200):  # step back until the pod's revision at the cursor is an older one
        press(page, "ArrowLeft", 5)
        header = page.query_selector("#tab-inspector h3:has-text('Live YAML')")
        found = header and re.search(r"etcd revision (\d+)", header.inner_text())
        if found and int(found.group(1)) < now_rev:
            break
    assert stage_seq(page) < before
    then_rev, then_version, then_phase = shown(page)
    assert then_version == then_rev < now_rev, (then_rev, then_version, now_rev)
    assert then_phase != "Running"
    assert console.errors == []
