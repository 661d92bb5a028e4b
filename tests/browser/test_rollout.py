"""A rolling update on the page: the rollout panel says what the Deployment controller may do
next (and, scrubbed back, what it could do then) without covering the stage, the legend names
the ReplicaSets' colours, and the Deployment inspector's Undo, History and Restart run the
real `kubectl rollout` commands."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import (
    DEPLOYMENT,
    apply,
    caught_up,
    press,
    running,
    set_speed_100,
    type_manifest,
    wait_for_pods,
)

ROLLING = "#rollout [data-deployment='default/web'][data-state=rolling]"
COMPLETE = "#rollout [data-deployment='default/web'][data-state=complete]"


def panel(page: Any) -> dict[str, Any]:
    """What the rollout panel shows for web: its numbers, ReplicaSet rows and next steps."""
    return dict(
        page.evaluate(
            """(() => {
              const card = document.querySelector("#rollout [data-deployment='default/web']");
              if (!card) return {state: null, rows: [], next: []};
              const text = (sel) => card.querySelector(sel)?.textContent ?? null;
              return {
                state: card.dataset.state,
                desired: text('.desired'),
                maxSurge: text('.max-surge'),
                maxUnavailable: text('.max-unavailable'),
                rows: [...card.querySelectorAll('.rollout-rs tr[data-replicaset]')].map(tr => ({
                  name: tr.dataset.replicaset, role: tr.className,
                  cells: [...tr.cells].map(td => td.textContent.trim()),
                  swatch: tr.querySelector('.swatch').style.background})),
                next: [...card.querySelectorAll('.rollout-next li')].map(li => li.textContent),
                summary: text('.rollout-done'),
              };
            })()"""
        )
    )


def legend(page: Any) -> list[dict[str, str]]:
    return list(
        page.evaluate(
            """document.querySelector('#rs-legend').hidden ? [] :
            [...document.querySelectorAll('#rs-legend .rs-legend-item')].map(el => ({
              name: el.dataset.replicaset, text: el.textContent,
              swatch: el.querySelector('.swatch').style.background}))"""
        )
    )


def stripe(page: Any, replicaset: str) -> str:
    """The colour of the stripe the stage draws on the ReplicaSet's workload box."""
    return str(
        page.evaluate(
            """(name) => [...document.querySelectorAll('#stage .workload-replicaset')]
                .find(g => g.__item && g.__item.name === name)
                .querySelector('.workload-stripe').style.fill""",
            replicaset,
        )
    )


def drawn(page: Any) -> None:
    """Two animation frames: the page has drawn what the last key press asked for."""
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def covered(page: Any) -> list[str]:
    """What the rollout panel or the legend covers of the nodes, etcd and the playback
    controls, and whether those controls are off the screen; [] when all is in view."""
    return list(
        page.evaluate(
            """(() => {
              const boxes = (sel) => [...document.querySelectorAll(sel)]
                .map(e => [sel, e.getBoundingClientRect()]);
              const ours = [...boxes('#rollout'), ...boxes('#rs-legend')];
              const theirs = [...boxes('#stage .node-box'),
                ...boxes('#stage [data-component=etcd]'), ...boxes('#controls')];
              const hit = (a, b) =>
                a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
              const problems = ours.filter(([, a]) => !a.width || !a.height)
                .map(([o]) => `${o} is not shown`);
              for (const [o, a] of ours) {
                for (const [t, b] of theirs) if (hit(a, b)) problems.push(`${o} covers ${t}`);
              }
              const end = document.querySelector('#controls').getBoundingClientRect().bottom;
              if (end > innerHeight) problems.push(`the controls end at ${end} > ${innerHeight}`);
              return problems;
            })()"""
        )
    )


def kubectl_log(page: Any) -> str:
    return str(page.text_content("#terminal .term-log"))


def wait_for_kubectl(page: Any, text: str) -> None:
    """Until the kubectl tab shows `text`."""
    page.wait_for_function(
        "text => document.querySelector('#terminal .term-log').textContent.includes(text)",
        arg=text,
    )


def test_rolling_update_panel_legend_undo_history_restart(page: Any, console: Console) -> None:
    set_speed_100(page)
    type_manifest(page, DEPLOYMENT)
    apply(page)
    wait_for_pods(page, lambda tiles: len(running(tiles)) == 3, "3 web pods Running")
    caught_up(page)
    # Created, not rolled out: once its pods run, the panel has nothing to say.
    page.wait_for_selector("#rollout", state="hidden")

    # A new image: the editor's manifest again, with nginx:1.28.
    type_manifest(page, DEPLOYMENT.replace("nginx:1.27", "nginx:1.28"))
    assert "deployment.apps/web configured" in apply(page)
    page.wait_for_selector(ROLLING)
    page.wait_for_selector(COMPLETE, timeout=90_000)
    done = panel(page)
    assert done["summary"] == "Rollout complete: 3 of 3 pods run nginx:1.28, revision 2"
    page.wait_for_function("document.querySelector('#rs-legend').hidden")  # old pods all gone

    # Scrubbed back, the panel shows the rollout as it was: both ReplicaSets, one pod too many.
    for _ in range(300):
        press(page, "ArrowLeft")
        drawn(page)
        now = panel(page)
        if (
            now["state"] == "rolling"
            and len(now["rows"]) == 2
            and now["next"][0].startswith("At most 4 pods at once (3 desired + maxSurge 1): now 4")
        ):
            break
    else:
        raise AssertionError(f"stepping back never showed both ReplicaSets at 4 pods: {now}")
    assert (now["desired"], now["maxSurge"], now["maxUnavailable"]) == (
        "3",
        "25% of 3 → 1",
        "25% of 3 → 0",
    )
    new, old = now["rows"]
    assert new["role"] == "new" and new["cells"][1:3] == ["2", "nginx:1.28"]
    assert old["role"] == "old" and old["cells"][1:3] == ["1", "nginx:1.27"]
    surge = re.fullmatch(
        r"At most 4 pods at once \(3 desired \+ maxSurge 1\): now 4 \((\d) old \+ (\d) new\),"
        r" so no new pod until an old one goes\.",
        now["next"][0],
    )
    assert surge and (int(surge[1]), int(surge[2])) == (
        int(old["cells"][3]),
        int(new["cells"][3]),
    ), now["next"]
    assert now["next"][1].startswith(
        "At least 3 must stay available (3 desired − maxUnavailable 0): "
    )
    # the legend names both, in the colours the stage gives their pods
    entries = legend(page)
    assert [e["name"] for e in entries] == [new["name"], old["name"]]
    assert "rev 2" in entries[0]["text"] and "nginx:1.28" in entries[0]["text"]
    assert "rev 1" in entries[1]["text"] and "nginx:1.27" in entries[1]["text"]
    for entry, row in zip(entries, (new, old), strict=True):
        assert entry["swatch"] == row["swatch"] == stripe(page, entry["name"])
    assert entries[0]["swatch"] != entries[1]["swatch"]
    shot(page, "rollout-panel")
    # beside the stage, never over it, on a laptop and on a projector
    page.set_viewport_size({"width": 1440, "height": 900})
    drawn(page)
    assert covered(page) == []
    shot(page, "rollout-panel-1440")
    page.click("#presenter")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_function(
        "getComputedStyle(document.querySelector('#side')).visibility === 'hidden'"
    )  # the tools' drawer slid away
    assert covered(page) == []
    shot(page, "rollout-panel-presenter")
    page.click("#presenter")
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.click("#to-live")
    press(page, " ")  # play on from the live edge
    page.wait_for_function("podlife.player.playing && !podlife.player.rewound")
    page.wait_for_selector(COMPLETE)
    page.click(f"{COMPLETE} .rollout-close")  # read: the teacher closes it
    page.wait_for_selector("#rollout", state="hidden")

    # The Deployment in the inspector: its revisions, and Undo through the page's kubectl.
    page.click("#stage .workload-deployment")
    page.wait_for_selector("#inspector .history-list li.current[data-revision='2']")
    assert page.eval_on_selector_all(
        "#inspector .history-list li", "els => els.map(e => e.dataset.revision)"
    ) == ["2", "1"]
    page.click("#inspector button:has-text('Undo')")
    wait_for_kubectl(page, "deployment.apps/web rolled back")
    assert "$ kubectl rollout undo deployment/web" in kubectl_log(page)
    page.wait_for_selector(f"{ROLLING} tr.new[data-replicaset='{old['name']}']")
    page.wait_for_selector(COMPLETE, timeout=90_000)
    assert panel(page)["summary"] == "Rollout complete: 3 of 3 pods run nginx:1.27, revision 3"
    shot(page, "rollout-undone")

    page.wait_for_selector("#inspector .history-list li.current[data-revision='3']")
    page.click("#inspector button:has-text('History')")
    wait_for_kubectl(page, "REVISION  CHANGE-CAUSE")
    history = kubectl_log(page).split("$ kubectl rollout history deployment/web")[-1]
    assert [line.split()[0] for line in history.splitlines() if line[:1].isdigit()] == ["2", "3"]

    # Restart: the same image in new pods, a new ReplicaSet, revision 4.
    page.click("#inspector button:has-text('Restart')")
    wait_for_kubectl(page, "deployment.apps/web restarted")
    page.wait_for_selector(
        f"{ROLLING} tr.new[data-replicaset]:not([data-replicaset='{old['name']}'])"
    )
    page.wait_for_selector(COMPLETE, timeout=90_000)
    assert panel(page)["summary"] == "Rollout complete: 3 of 3 pods run nginx:1.27, revision 4"
    page.wait_for_selector("#inspector .history-list li.current[data-revision='4']")
    assert console.errors == []
