"""Services on the stage (static/src/serviceview.js): a Deployment of two behind a Service is
drawn as a Service box with a line to each pod; a `wget` to it from another pod sends a packet
pod → kube-proxy → Service → pod whose answer, 200, is shown; scaled to 0 the lines go and the
next `wget` is refused at the Service. Legible at 1440×900 and in Presenter mode at 1920×1080,
with 3 nodes and ten pods: no Service box covers a pod's card."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import (
    apply,
    caught_up,
    press,
    running,
    set_speed_100,
    type_manifest,
    wait_for_pods,
)
from tests.browser.test_exec import run

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: client
    image: busybox:1.36
    command: ["sleep", "3600"]
"""

# Seven more pods and two more Services, to see the band with ten pods on three nodes.
CROWD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 7
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: api-public
spec:
  type: NodePort
  selector: {app: api}
  ports:
  - port: 8080
    targetPort: 80
    nodePort: 30080
---
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  type: LoadBalancer
  selector: {app: shop}
  ports:
  - port: 80
"""

LINKS = """name => [...document.querySelectorAll('#stage .svc-link')]
    .filter(l => l.dataset.key.startsWith(`default/${name}>`))
    .map(l => l.dataset.ready)"""


# The cursor just after the EndpointSlice write that first lists web's pods as not ready.
TERMINATING = """() => podlife.timeline.events.findIndex(e => e.kind === 'etcd-watch'
    && e.data.type === 'PUT' && e.data.key.startsWith('/registry/endpointslices/default/web-')
    && (podlife.values.get(e.data.key, e.data.revision)?.endpoints || [])
        .some(ep => ep.conditions.ready === false)) + 1"""


# The cursor just after the milestone that tells the refused connection.
REFUSED = """() => podlife.timeline.events.findIndex(e => e.kind === 'connection'
    && e.data.error === 'refused') + 2"""


def links(page: Any, name: str) -> list[str]:
    return list(page.evaluate(LINKS, name))


def service_label(page: Any, name: str) -> str:
    return str(page.get_attribute(f'#stage .service[data-key="default/{name}"]', "aria-label"))


def covered_pods(page: Any) -> list[str]:
    """The pods whose card a Service box covers, on screen."""
    return list(
        page.evaluate(
            """() => {
              const boxes = [...document.querySelectorAll('#stage .service')]
                .map(e => e.getBoundingClientRect());
              const meet = (a, b) => a.left < b.right && b.left < a.right
                && a.top < b.bottom && b.top < a.bottom;
              return [...document.querySelectorAll('#stage .pod')]
                .filter(p => boxes.some(b => meet(b, p.getBoundingClientRect())))
                .map(p => p.dataset.key);
            }"""
        )
    )


def test_a_service_its_lines_and_a_packet_through_it(page: Any, console: Console) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    set_speed_100(page)
    type_manifest(page, MANIFEST)
    assert "service/web created" in apply(page)
    wait_for_pods(page, lambda tiles: len(running(tiles)) == 3, "the two web pods and the client")
    page.wait_for_function(f"({LINKS})('web').filter(r => r === 'true').length === 2")
    assert links(page, "web") == ["true", "true"]
    label = service_label(page, "web")
    assert label.startswith("Service web, ClusterIP, 10.") and "2 ready endpoints" in label
    assert page.locator("#stage .comp[data-component^='kube-proxy/']").count() == 3
    caught_up(page)
    shot(page, "services-stage-1440")

    # The Service opens in the inspector: its endpoints, its YAML.
    page.click('#stage .service[data-key="default/web"]')
    page.wait_for_selector("#inspector .service-endpoints li")
    assert page.locator('#inspector .service-endpoints li[data-ready="true"]').count() == 2
    page.wait_for_function(
        "document.querySelector('#inspector pre.yaml').innerText.includes('kind: Service')"
    )

    # A wget from the client: at 3.2× the packet is seen travelling, then the answer.
    press(page, "-", 6)
    page.wait_for_function("document.querySelector('#speed-value').textContent === '3.2×'")
    page.click("#tab-btn-kubectl")
    # (wget's output waits for the stage to reach it: look at the stage first)
    page.fill("#terminal .term-input", "kubectl exec client -- wget -qO- http://web")
    page.press("#terminal .term-input", "Enter")
    page.wait_for_selector("#stage .layer-traffic .packet[visibility='visible']", timeout=30_000)
    shot(page, "services-packet-1440")
    page.wait_for_selector("#stage .layer-traffic.done", timeout=30_000)
    assert page.get_attribute("#stage .layer-traffic", "data-outcome") == "200 OK"
    assert page.text_content("#stage .traffic-outcome text") == "200 OK"
    shot(page, "services-answer-1440")
    page.wait_for_function(
        "document.querySelector('#terminal .term-log').innerText.includes('Thank you for using')",
        timeout=30_000,
    )
    first = page.get_attribute("#stage .layer-traffic", "data-seq")

    # Reduced motion: no packet travels; the route and the answer are shown at once.
    page.emulate_media(reduced_motion="reduce")
    run(page, "kubectl exec client -- wget -qO- http://web", "$ kubectl exec client")
    shown = page.wait_for_function(
        """first => {
          const layer = document.querySelector('#stage .layer-traffic');
          const seq = layer && layer.dataset.seq;
          return seq && seq !== first && [layer.classList.contains('done'),
            layer.querySelector('.packet').getAttribute('visibility'), layer.dataset.outcome];
        }""",
        arg=first,
        timeout=30_000,
    ).json_value()
    assert shown == [True, "hidden", "200 OK"]
    page.emulate_media(reduced_motion="no-preference")

    # Scaled to 0: the lines go, the box says so, and the next wget is refused at the Service.
    set_speed_100(page)
    run(page, "kubectl scale deployment web --replicas=0", "deployment.apps/web scaled")
    page.wait_for_function(f"({LINKS})('web').length === 0", timeout=60_000)
    page.wait_for_function(
        "document.querySelector('#stage .service[data-key=\"default/web\"]')"
        ".getAttribute('aria-label').includes('no endpoints')"
    )
    run(page, "kubectl exec client -- wget -qO- http://web", "Connection refused")
    page.wait_for_function(
        "podlife.timeline.events.some(e => e.kind === 'connection' && e.data.error === 'refused')"
    )
    caught_up(page)

    # On the story's sentence for it: the packet stopped at the Service, refused.
    told = page.evaluate(REFUSED)
    page.evaluate("i => { podlife.player.setPlaying(false); podlife.player.seek(i); }", told)
    page.wait_for_selector("#stage .layer-traffic.failed.done")
    refused = page.get_attribute("#stage .layer-traffic", "data-outcome")
    assert refused == "✕ refused: no ready endpoints"
    shot(page, "services-refused-1440")

    # Back in time to where the scaled-down pods were terminating: listed, not ready, dashed.
    index = page.evaluate(TERMINATING)
    assert index > 0
    page.evaluate("i => { podlife.player.setPlaying(false); podlife.player.seek(i); }", index)
    page.wait_for_selector("#stage .svc-link.not-ready")
    assert set(links(page, "web")) == {"false"}
    assert "0 ready · 2 not ready" in service_label(page, "web")
    shot(page, "services-not-ready-1440")
    assert console.errors == []


def test_services_with_ten_pods_at_1440_and_in_presenter_mode(page: Any, console: Console) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    set_speed_100(page)
    type_manifest(page, MANIFEST)
    apply(page)
    type_manifest(page, CROWD)
    assert "service/shop created" in apply(page)
    wait_for_pods(page, lambda tiles: len(running(tiles)) == 10, "ten pods running")
    caught_up(page)
    assert page.locator("#stage .service").count() == 3
    assert "node port 30080" in service_label(page, "api-public")
    assert "external <pending>" in service_label(page, "shop")
    assert len(links(page, "api-public")) == 7
    assert covered_pods(page) == []
    shot(page, "services-ten-pods-1440")

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("#presenter")
    page.wait_for_function("document.body.classList.contains('presenter')")
    press(page, "Escape")  # the tools' drawer closed: the stage as the class sees it
    caught_up(page)
    page.wait_for_function("!document.body.classList.contains('tools-open')")
    page.wait_for_timeout(600)  # for the screenshot: the theme and the drawer at rest (.25 s)
    assert covered_pods(page) == []
    shot(page, "services-ten-pods-presenter-1920")
    assert console.errors == []
