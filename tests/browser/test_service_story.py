"""A Service pasted into the page: applied, and told as a two-step story that gives the cluster
IP and node port the API server allocated and the pods its traffic goes to."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import apply, type_manifest

MANIFEST = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
    nodePort: 30080
"""


def test_a_service_is_stored_with_its_cluster_ip(page: Any, console: Console) -> None:
    type_manifest(page, MANIFEST)
    assert apply(page).strip().endswith("service/web created")
    page.wait_for_function(
        "document.querySelector('#step-tag').innerText.trim() === 'Step 2 of 2'", timeout=30000
    )
    page.wait_for_function(
        "document.querySelector('#narration').innerText.includes('service web')", timeout=30000
    )
    shot(page, "story-service")
    narration = page.inner_text("#narration")
    assert re.search(r"it got cluster IP 10\.(9[6-9]|10\d|11[01])\.\d+\.\d+", narration)
    assert "node port 30080 on every node" in narration
    assert "pods labelled app=web" in narration
    assert console.errors == []
