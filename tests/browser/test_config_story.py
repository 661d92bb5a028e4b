"""A ConfigMap and a Secret pasted into the page: applied, and told as a two-step story."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import apply, type_manifest

MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: game
data:
  lives: "3"
---
apiVersion: v1
kind: Secret
metadata:
  name: db-login
stringData:
  password: s3cr3t
"""


def test_a_config_map_and_a_secret_are_stored_in_two_steps(page: Any, console: Console) -> None:
    type_manifest(page, MANIFEST)
    # (marked "ahead of the stage" while the story has not reached the API server's answer)
    assert apply(page).strip().endswith("configmap/game created\nsecret/db-login created")
    page.wait_for_function(
        "document.querySelector('#step-tag').innerText.trim() === 'Step 2 of 2'", timeout=30000
    )
    page.wait_for_function(
        "document.querySelector('#narration').innerText.includes('secret db-login')",
        timeout=30000,
    )
    shot(page, "story-config-and-secret")
    assert "stored it in etcd" in page.inner_text("#narration")
    assert console.errors == []
