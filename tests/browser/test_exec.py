"""`kubectl exec` at the page's own prompt: a pod with a ConfigMap volume behind a Service, then
`kubectl exec … -- env`, `-- cat` of a mounted file and a `wget` to the Service typed into the
prompt; the output is the container's, and the story says where the request went."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import apply, running, set_speed_100, type_manifest, wait_for_pods

MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: game
data:
  lives: "3"
---
apiVersion: v1
kind: Service
metadata:
  name: my-nginx
spec:
  selector:
    run: my-nginx
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: my-nginx
  labels:
    run: my-nginx
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    env:
    - name: GREETING
      value: hello
    volumeMounts:
    - name: config
      mountPath: /etc/config
  volumes:
  - name: config
    configMap:
      name: game
"""


def run(page: Any, line: str, expect: str) -> str:
    """Type a command at the prompt; the terminal's log once `expect` is in it."""
    page.fill("#terminal .term-input", line)
    page.press("#terminal .term-input", "Enter")
    page.wait_for_function(
        "text => document.querySelector('#terminal .term-log').innerText.includes(text)",
        arg=expect,
        timeout=30000,
    )
    return str(page.inner_text("#terminal .term-log"))


def test_kubectl_exec_at_the_pages_prompt(page: Any, console: Console) -> None:
    set_speed_100(page)
    type_manifest(page, MANIFEST)
    assert "pod/my-nginx created" in apply(page)
    wait_for_pods(page, lambda tiles: len(running(tiles)) == 1, "the pod running")
    page.click("#tab-btn-kubectl")
    log = run(page, "kubectl exec my-nginx -- env", "HOME=/root")
    assert "HOSTNAME=my-nginx" in log
    assert "GREETING=hello" in log
    assert "MY_NGINX_SERVICE_HOST=10." in log
    assert "KUBERNETES_SERVICE_PORT=443" in log
    log = run(
        page, "kubectl exec my-nginx -- cat /etc/config/lives", "$ kubectl exec my-nginx -- cat"
    )
    page.wait_for_function(
        "document.querySelector('#terminal .term-log').innerText.trim().endsWith('3')",
        timeout=30000,
    )
    log = run(page, "kubectl exec my-nginx -- curl -s my-nginx", "Thank you for using nginx.")
    assert "<title>Welcome to nginx!</title>" in log
    # The page received the trace of it: the connection through the Service, and the story's
    # sentence for it.
    said = page.wait_for_function(
        """() => {
          const events = podlife.timeline.events;
          const hop = events.find(e => e.kind === "connection");
          const told = events.find(
            e => e.kind === "milestone" && e.summary.startsWith("curl in pod my-nginx looked up"));
          return hop && told && [hop.data.service, hop.data.backend, hop.data.code, told.summary];
        }""",
        timeout=30000,
    ).json_value()
    assert said[:3] == ["default/my-nginx", "default/my-nginx", 200]
    assert "kube-proxy's rules sent it to pod my-nginx on node-" in said[3]
    shot(page, "exec-prompt")
    log = run(page, "kubectl exec my-nginx -- ps", "executable file not found in $PATH")
    assert 'exec: "ps": executable file not found in $PATH: unknown' in log
    assert console.errors == []
