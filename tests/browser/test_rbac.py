"""RBAC on the page: a Role and RoleBinding pasted in the editor, then a request the binding
does not allow, made as the ServiceAccount with --as at the kubectl prompt: the terminal shows
the 403 and the story tells the refusal."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import apply, set_speed_100, type_manifest

POD_READER = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  namespace: default
  name: pod-reader
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
  namespace: default
subjects:
- kind: ServiceAccount
  name: default
  namespace: default
roleRef:
  kind: Role
  name: pod-reader
  apiGroup: rbac.authorization.k8s.io
"""

REFUSAL = (
    "The API server refused: ServiceAccount default/default may only get, watch and list pods "
    "in namespace default (Role pod-reader, bound by RoleBinding read-pods); it asked to delete "
    "pod web"
)


def kubectl(page: Any, line: str, expect: str) -> str:
    page.fill("#terminal .term-input", line)
    page.press("#terminal .term-input", "Enter")
    page.wait_for_function(
        "([text]) => document.querySelector('#terminal .term-log').textContent.includes(text)",
        arg=[expect],
        timeout=30_000,
    )
    # shown once the stage reaches kubectl's answer
    page.wait_for_function("!document.querySelector('#terminal .output-held')", timeout=60_000)
    return str(page.inner_text("#terminal .term-log"))


def test_a_refused_request_in_the_terminal_and_the_story(page: Any, console: Console) -> None:
    set_speed_100(page)
    type_manifest(page, POD_READER)
    output = apply(page)
    assert "role.rbac.authorization.k8s.io/pod-reader created" in output
    assert "rolebinding.rbac.authorization.k8s.io/read-pods created" in output
    page.click("#tab-btn-kubectl")
    kubectl(page, "auth can-i list pods --as=system:serviceaccount:default:default", "yes")
    log = kubectl(
        page,
        "delete pod web --as=system:serviceaccount:default:default",
        "Error from server (Forbidden)",
    )
    assert (
        'pods "web" is forbidden: User "system:serviceaccount:default:default" cannot delete '
        'resource "pods" in API group "" in the namespace "default"'
    ) in log
    page.wait_for_function(
        "([text]) => document.querySelector('#caption').textContent.includes(text)",
        arg=["The API server refused"],
        timeout=30_000,
    )
    assert page.inner_text("#caption").strip() == REFUSAL + "."
    page.set_viewport_size({"width": 1440, "height": 900})
    shot(page, "rbac-refused")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("#presenter")
    page.wait_for_timeout(600)  # the drawer's slide-in (the stage's own animations never end)
    shot(page, "rbac-refused-presenter")
    assert console.errors == []
