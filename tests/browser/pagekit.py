"""What a learner does on the page, as small functions the browser tests share."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
"""

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: solo
  labels:
    app: solo
spec:
  containers:
    - name: nginx
      image: nginx:1.27
"""

Pod = dict[str, str]


def unfocus(page: Any) -> None:
    """Shortcuts act when no text field has the focus."""
    page.evaluate("document.activeElement && document.activeElement.blur()")


def press(page: Any, key: str, times: int = 1) -> None:
    unfocus(page)
    for _ in range(times):
        page.keyboard.press(key)


def set_speed_18(page: Any) -> None:
    """`+` five times: 10^1.25 ≈ 18×, fast, yet every message of the flow is still drawn."""
    press(page, "+", 5)
    page.wait_for_function("document.querySelector('#speed-value').textContent === '18×'")


def set_speed_100(page: Any) -> None:
    """`+` eight times: 10^(8 × 0.25) = 100×, the top of the log scale."""
    press(page, "+", 9)
    page.wait_for_function("document.querySelector('#speed-value').textContent === '100×'")


def type_manifest(page: Any, text: str) -> None:
    """Paste a manifest into the editor, replacing what was there."""
    page.click("#tab-btn-manifest")
    page.click("#editor .cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def apply(page: Any) -> str:
    """Press Apply; the kubectl output the page shows once the server answered and the stage
    reached the answer (or, the learner being behind, marked as ahead of the stage)."""
    page.click("#apply")
    page.wait_for_function("!document.querySelector('#apply').disabled")
    page.wait_for_function("!document.querySelector('#apply-output .output-held')", timeout=60_000)
    return str(page.inner_text("#apply-output"))


def pods(page: Any) -> list[Pod]:
    """The pod tiles on the stage: {key, status, node}."""
    return list(
        page.evaluate(
            """[...document.querySelectorAll('#stage .pod')].map(el => ({
                key: el.dataset.key, status: el.dataset.status, node: el.dataset.node}))"""
        )
    )


def wait_for_pods(
    page: Any, condition: Callable[[list[Pod]], bool], what: str, timeout: float = 90
) -> list[Pod]:
    deadline = time.monotonic() + timeout
    seen: list[Pod] = []
    while time.monotonic() < deadline:
        seen = pods(page)
        if condition(seen):
            return seen
        page.wait_for_timeout(200)
    raise AssertionError(
        f"timed out waiting for {what}; the stage shows {seen}; the player: {player_state(page)}"
    )


def player_state(page: Any) -> dict[str, Any]:
    """Where the page's player and the server's clock stand: what a stall report needs."""
    return dict(
        page.evaluate(
            """() => { const p = podlife.player; return {
                events: p.events.length, cursor: p.cursor, anim: Boolean(p.anim),
                playing: p.playing, speed: p.speed, acked: p.acked, story: p.story,
                live: p.live, batches: podlife.app.batches.slice(-5),
                connected: podlife.app.connected}; }"""
        )
    )


def running(tiles: list[Pod]) -> list[Pod]:
    return [p for p in tiles if p["status"] == "Running"]


def caught_up(page: Any) -> None:
    page.wait_for_function(
        "podlife.player.cursor >= podlife.timeline.events.length && !podlife.player.anim",
        timeout=60_000,
    )


def stage_seq(page: Any) -> int:
    """The seq of the event the picture is showing."""
    return int(page.get_attribute("#stage", "data-seq") or 0)


def open_connect(page: Any) -> str:
    """Open "Connect your kubectl" from the header; the page's cluster id, once it is known."""
    page.click("#connect-button")
    page.wait_for_selector("#connect:not([hidden])")
    page.wait_for_function("document.querySelector('#connect').dataset.cluster")
    return str(page.get_attribute("#connect", "data-cluster"))


def download_kubeconfig(page: Any) -> tuple[str, str]:
    """Press the panel's Download button: (the file name the browser was given, the text)."""
    with page.expect_download() as info:
        page.click("#connect-download")
    download = info.value
    path = download.path()
    with open(path, encoding="utf-8") as file:
        return str(download.suggested_filename), file.read()
