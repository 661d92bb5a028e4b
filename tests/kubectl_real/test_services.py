"""Services with the real kubectl and the in-engine one, side by side: apply a Deployment and
a Service from one file, expose, create service (protobuf bodies), get, describe, -o yaml,
allocation conflicts, delete."""

from __future__ import annotations

import re

import pytest

from tests.kubectl_real.conftest import Twin, normalized
from tests.kubectl_real.test_config import same

_UID = re.compile(r"uid: [0-9a-f-]{36}")


def same_but_uid(twin: Twin, line: str) -> None:
    """As `same`, for an object stored while the controllers were busy: the twins draw UIDs in
    a different order then (the real kubectl's discovery requests take virtual time)."""
    real, engine = twin.both(line)
    assert engine.exit_code == real.code == 0, (engine.stderr, real.stderr)
    assert _UID.sub("uid: U", normalized(engine.stdout)) == _UID.sub(
        "uid: U", normalized(real.stdout)
    )


_POD_IP = re.compile(r"10\.244\.\d+\.\d+")
_SLICE = re.compile(r"\b(web|shop)-[a-z0-9]{5}\b")


def same_but_pod_ips(twin: Twin, line: str) -> str:
    """As `same`, where the output shows pod IPs or EndpointSlice names: the twins' pods may
    land on other nodes (the real kubectl's discovery requests take virtual time), so their
    IPs and the slices' random suffixes differ; how they are printed may not."""
    real, engine = twin.both(line)
    assert engine.exit_code == real.code == 0, (engine.stderr, real.stderr)

    def masked(text: str) -> str:
        return _SLICE.sub(r"\1-XXXXX", _POD_IP.sub("10.244.N.N", normalized(text)))

    assert masked(engine.stdout) == masked(real.stdout), line
    return real.stdout


WEB_AND_SERVICE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
"""

SOLO_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: solo
  labels:
    app: solo
    tier: demo
spec:
  containers:
  - name: solo
    image: nginx:1.27
    ports:
    - containerPort: 8080
      protocol: UDP
"""

NODE_PORT = """\
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  type: NodePort
  selector:
    app: shop
  ports:
  - name: http
    port: 80
    targetPort: 8080
    nodePort: 30080
"""


def test_apply_a_deployment_and_its_service(twin: Twin) -> None:
    twin.file("web.yaml", WEB_AND_SERVICE)
    twin.file("shop.yaml", NODE_PORT)
    assert same(twin, "apply -f web.yaml") == ("deployment.apps/web created\nservice/web created\n")
    assert same(twin, "apply -f web.yaml") == (
        "deployment.apps/web unchanged\nservice/web unchanged\n"
    )
    same(twin, "apply -f shop.yaml")
    same(twin, "get svc -o wide")
    same_but_uid(twin, "get svc web -o yaml")
    described = same_but_pod_ips(twin, "describe svc web")
    assert "Endpoints:                10.244." in described  # its two pods, with port 80
    same(twin, "describe service shop")  # no pod labelled app=shop: a placeholder slice
    listed = same_but_pod_ips(twin, "get endpointslices")
    assert listed.splitlines()[0].split() == ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
    endpoints = _POD_IP.sub("IP", same_but_pod_ips(twin, "get endpoints"))
    deprecated = (
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
    )
    assert [run.stderr for run in twin.both("get ep shop")] == [deprecated, deprecated]
    assert [line.split()[:2] for line in endpoints.splitlines()] == [
        ["NAME", "ENDPOINTS"],
        ["shop", "<none>"],
        ["web", "IP:80,IP:80"],
    ]
    shop = same_but_pod_ips(twin, "get endpointslices -l kubernetes.io/service-name=shop")
    assert shop.splitlines()[1].split()[1:4] == ["IPv4", "<unset>", "<unset>"]
    twin.file("taken.yaml", NODE_PORT.replace("name: shop", "name: shop2"))
    same(twin, "apply -f taken.yaml")
    same(twin, "delete -f web.yaml")
    same(twin, "get services")


def test_expose(twin: Twin) -> None:
    # (the real `create deployment` and `run` send protobuf bodies Podlife cannot read yet)
    twin.file("web.yaml", WEB_AND_SERVICE.split("---")[0])
    twin.file("solo.yaml", SOLO_POD)
    same(twin, "apply -f web.yaml")
    assert same(twin, "expose deployment web --port=80 --target-port=8080") == (
        "service/web exposed\n"
    )
    same(twin, "expose deployment web --name=web-np --type=NodePort")
    same(twin, "apply -f solo.yaml")
    same(twin, "expose pod solo --port=8080 --type=LoadBalancer")
    same(twin, "expose deployment web --port=80")  # exists already
    same(twin, "expose deployment nope --port=80")
    same(twin, "expose deployment web --port=80 --name=dry --dry-run=client -o yaml")
    same(twin, "expose deployment web --name=sticky --port=80 --session-affinity=ClientIP")
    same(twin, "get svc -o wide")
    same(twin, "describe svc solo")
    same(twin, "describe svc sticky")


def test_create_service(twin: Twin) -> None:
    assert same(twin, "create service clusterip api --tcp=80:8080") == "service/api created\n"
    same(twin, "create service nodeport np --tcp=80:8080 --node-port=30080")
    same(twin, "create service nodeport np2 --tcp=80:8080 --node-port=30080")
    same(twin, "create svc loadbalancer lb --tcp=443")
    same(twin, "create service externalname db --external-name=db.example.com")
    same(twin, "create service clusterip headless --clusterip=None")
    same(twin, "get svc")
    same(twin, "get svc np -o yaml")
    same(twin, "describe svc db")


@pytest.mark.parametrize(
    "line",
    [
        "create service clusterip web",
        "create service clusterip web --tcp=abc",
        "create service externalname web",
        "create service externalname web --external-name=Bad_",
        "create service clusterip one two --tcp=80",
    ],
)
def test_create_service_refusals(twin: Twin, line: str) -> None:
    same(twin, line)
