"""The page, end to end: the real server, the real page, a real browser."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import (
    DEPLOYMENT,
    POD,
    apply,
    caught_up,
    pods,
    press,
    running,
    set_speed_18,
    set_speed_100,
    stage_seq,
    type_manifest,
    wait_for_pods,
)

# Components the stage draws in their own place (a real kubectl would stand with kubectl).
DRAWN = (
    "kubectl",
    "api-server",
    "etcd",
    "scheduler",
    "controller-manager",
    "kubelet",
    "container-runtime",
    "cni",
)


def test_the_page_loads_without_console_errors(page: Any, console: Console) -> None:
    page.wait_for_function("document.querySelector('#connection').textContent === 'connected'")
    # the stage drew the cluster's furniture: the control plane and the three default nodes
    page.wait_for_selector("#stage .comp[data-component='api-server']")
    page.wait_for_function("document.querySelectorAll('#stage .node').length === 3")
    page.wait_for_timeout(1000)
    shot(page, "01-empty-cluster")
    assert console.errors == []


def test_applying_a_pod_puts_its_tile_on_the_stage(page: Any, console: Console) -> None:
    set_speed_100(page)
    type_manifest(page, POD)
    assert "pod/solo created" in apply(page)
    wait_for_pods(page, lambda tiles: any(p["key"] == "default/solo" for p in tiles), "pod solo")
    assert console.errors == []


def test_a_deployment_comes_to_life_in_the_traces_order(page: Any, console: Console) -> None:
    press(page, "s")  # every message drawn: the order in which each component first lights up
    page.wait_for_function("!podlife.player.story")
    type_manifest(page, DEPLOYMENT)
    assert "deployment.apps/web created" in apply(page)
    page.wait_for_timeout(2500)  # at 1×: a message or two in flight, for the picture
    shot(page, "02-deployment-first-messages")
    set_speed_18(page)
    tiles = wait_for_pods(
        page, lambda tiles: len(running(tiles)) == 3 and len(tiles) == 3, "three Running pods"
    )
    assert all(p["node"] for p in tiles)
    caught_up(page)
    shot(page, "03-deployment-running")

    # Every event the page played lit its source and its target, in the trace's order.
    log = page.evaluate("podlife.app.litLog")
    events = page.evaluate(
        "podlife.timeline.events.map(e => ({seq: e.seq, source: e.source, target: e.target}))"
    )
    seqs = [entry["seq"] for entry in log]
    assert seqs == sorted(seqs), "the page played events out of order"
    by_seq = {e["seq"]: e for e in events}
    for entry in log:
        event = by_seq[entry["seq"]]
        for end in (event["source"], event["target"]):
            if end.split("/")[0] in DRAWN:
                assert end in entry["lit"], f"event {entry['seq']}: {end} did not light up"
    # The flow, as the learner is taught it: who first lights up, in order.
    first: dict[str, int] = {}
    for entry in log:
        for component in entry["lit"]:
            first.setdefault(component.split("/")[0], entry["seq"])
    order = ["kubectl", "api-server", "etcd", "controller-manager", "scheduler", "kubelet"]
    assert all(name in first for name in order), first
    assert [first[n] for n in order] == sorted(first[n] for n in order), first
    assert first["kubelet"] < first["container-runtime"] < first["cni"], first
    assert console.errors == []


def test_step_back_and_forward_change_what_is_shown(page: Any, console: Console) -> None:
    set_speed_100(page)
    type_manifest(page, POD)
    apply(page)
    wait_for_pods(page, lambda tiles: len(tiles) == 1, "pod solo")
    caught_up(page)
    press(page, " ")  # pause
    page.wait_for_function("!podlife.player.playing")
    press(page, "s")  # every message, not the story: one message a step
    page.wait_for_function("!podlife.player.story")
    live = stage_seq(page)

    press(page, "ArrowLeft")
    page.wait_for_function(f"Number(document.querySelector('#stage').dataset.seq) === {live - 1}")
    # the narration tells the message now on the stage
    page.wait_for_function(
        f"document.querySelector('#event-meta').textContent.startsWith('#{live - 1} ')"
    )
    press(page, "ArrowLeft", 3)
    page.wait_for_function(f"Number(document.querySelector('#stage').dataset.seq) === {live - 4}")
    shot(page, "04-stepped-back")
    assert "viewing the past" in page.inner_text("#live")

    press(page, "ArrowRight")
    page.wait_for_function(f"Number(document.querySelector('#stage').dataset.seq) === {live - 3}")

    # Scrub to the very start: nothing had happened, no pod on the stage.
    page.eval_on_selector(
        "#scrubber", "el => { el.value = 0; el.dispatchEvent(new Event('input')); }"
    )
    wait_for_pods(page, lambda tiles: tiles == [], "an empty stage at the start")
    # And back to the live edge: the pod is there again.
    page.click("#to-live")
    wait_for_pods(page, lambda tiles: len(tiles) == 1, "pod solo back at the live edge")
    assert console.errors == []


def test_a_validation_error_is_marked_at_its_line(page: Any, console: Console) -> None:
    manifest = POD.replace(
        "      image: nginx:1.27\n",
        "      image: nginx:1.27\n      ports:\n        - containerPort: 80000\n",
    )
    type_manifest(page, manifest)
    output = apply(page)
    assert 'The Pod "solo" is invalid' in output
    assert "must be between 1 and 65535, inclusive" in output
    line = manifest.splitlines().index("        - containerPort: 80000") + 1
    page.wait_for_selector("#editor .cm-lintRange-error")
    marked = page.evaluate(
        """() => {
            const lines = [...document.querySelectorAll('#editor .cm-content .cm-line')];
            return lines.flatMap((el, i) => el.querySelector('.cm-lintRange-error') ? [i + 1] : []);
        }"""
    )
    assert marked == [line]
    page.wait_for_selector("#editor .cm-gutter-lint .cm-lint-marker-error")
    shot(page, "05-validation-error")

    # A YAML syntax error, at the line kubectl names.
    type_manifest(page, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   labels: {}\n")
    output = apply(page)
    assert "error" in output.lower()
    page.wait_for_selector("#editor .cm-lintRange-error")
    assert console.errors == []


def test_a_deleted_deployment_pod_is_replaced_a_standalone_pod_is_not(
    page: Any, console: Console
) -> None:
    set_speed_100(page)
    type_manifest(page, DEPLOYMENT + "---\n" + POD)
    apply(page)
    tiles = wait_for_pods(
        page, lambda tiles: len(running(tiles)) == 4, "three web pods and solo Running"
    )
    web = sorted(p["key"] for p in tiles if p["key"].startswith("default/web-"))
    assert len(web) == 3

    victim = web[0]
    page.click(f"#stage .pod[data-key='{victim}']")
    page.wait_for_selector("#tab-inspector:not([hidden]) button.action:has-text('Delete')")
    page.click("#tab-inspector button.action:has-text('Delete')")
    tiles = wait_for_pods(
        page,
        lambda tiles: (
            victim not in {p["key"] for p in tiles}
            and len([p for p in running(tiles) if p["key"].startswith("default/web-")]) == 3
        ),
        "a replacement for the deleted pod",
        timeout=120,
    )
    replacement = {p["key"] for p in tiles if p["key"].startswith("default/web-")} - set(web)
    assert len(replacement) == 1
    shot(page, "06-replaced")

    page.click("#stage .pod[data-key='default/solo']")
    page.click("#tab-inspector button.action:has-text('Delete')")
    wait_for_pods(
        page, lambda tiles: "default/solo" not in {p["key"] for p in tiles}, "solo gone", 120
    )
    page.wait_for_timeout(3000)  # minutes of cluster time at 100×: nothing brings it back
    assert "default/solo" not in {p["key"] for p in pods(page)}
    assert len(running(pods(page))) == 3
    assert console.errors == []


def test_a_failed_nodes_pods_move_elsewhere(page: Any, console: Console) -> None:
    set_speed_100(page)
    type_manifest(page, DEPLOYMENT)
    apply(page)
    tiles = wait_for_pods(page, lambda tiles: len(running(tiles)) == 3, "three Running pods")
    node = tiles[0]["node"]
    moved = {p["key"] for p in tiles if p["node"] == node}

    page.click(f"#stage .node[data-key='{node}'] .node-name")
    page.click("#tab-inspector button.action:has-text('Fail node')")
    page.wait_for_selector(f"#stage .node[data-key='{node}'].node-bad", timeout=120_000)
    shot(page, "07-node-failed")
    # node-monitor-grace-period (50 s), then the NoExecute toleration (300 s): the pods are
    # evicted and their ReplicaSet makes new ones on the nodes that still work
    tiles = wait_for_pods(
        page,
        lambda tiles: (
            len(running(tiles)) == 3
            and all(p["node"] != node for p in running(tiles))
            and not moved & {p["key"] for p in running(tiles)}
        ),
        f"three Running pods away from {node}",
        timeout=240,
    )
    shot(page, "08-pods-moved")
    assert console.errors == []


def test_acting_in_the_past_forks_and_discards_the_future(page: Any, console: Console) -> None:
    set_speed_100(page)
    type_manifest(page, POD)
    apply(page)
    wait_for_pods(page, lambda tiles: len(tiles) == 1, "pod solo")
    caught_up(page)
    # Back to the very start, before solo existed, and apply another pod there.
    page.eval_on_selector(
        "#scrubber", "el => { el.value = 0; el.dispatchEvent(new Event('input')); }"
    )
    wait_for_pods(page, lambda tiles: tiles == [], "the empty start")
    assert "viewing the past" in page.inner_text("#live")
    type_manifest(page, POD.replace("solo", "other"))
    assert "pod/other created" in apply(page)
    press(page, " ")  # play the new future
    tiles = wait_for_pods(
        page,
        lambda tiles: [p["key"] for p in tiles] == ["default/other"],
        "only the pod applied after the fork",
    )
    assert tiles[0]["key"] == "default/other"
    assert console.errors == []


def test_keyboard_screen_readers_and_reduced_motion(page: Any, console: Console) -> None:
    page.emulate_media(reduced_motion="reduce")
    set_speed_100(page)
    type_manifest(page, POD)
    apply(page)
    wait_for_pods(page, lambda tiles: len(tiles) == 1, "pod solo")
    # status is text, not only colour, for assistive technology too
    label = page.get_attribute("#stage .pod", "aria-label") or ""
    assert "Pod solo, status" in label
    assert page.locator("#stage .pod.still").count() == 1  # no gliding under reduced motion
    page.wait_for_function("document.querySelector('#sr-live').textContent.length > 0")
    # the stage is keyboard operable: a pod takes the focus and Enter opens its inspector
    page.focus("#stage .pod")
    page.keyboard.press("Enter")
    page.wait_for_selector("#tab-inspector:not([hidden]) .inspector-title:has-text('solo')")
    # `?` opens the help, Escape closes it
    press(page, "?")
    page.wait_for_selector("#help:not([hidden])")
    page.keyboard.press("Escape")
    page.wait_for_selector("#help", state="hidden")
    assert console.errors == []
