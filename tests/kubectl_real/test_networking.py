"""Ingresses, IngressClasses and NetworkPolicies with the real kubectl and the in-engine one,
side by side: the docs' examples applied, get (plain and wide), describe (an Ingress's
backends with their endpoints, or the error when the Service is missing), -o yaml, the default
IngressClass, refusals, delete."""

from __future__ import annotations

import re

from tests.kubectl_real.conftest import Twin, normalized
from tests.kubectl_real.networking_examples import EXAMPLES
from tests.kubectl_real.test_config import same
from tests.kubectl_real.test_services import same_but_pod_ips, same_but_uid

# time.Time's String(), which describe netpol prints "Created on": read on each side's clock
_GO_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC")


def same_but_time(twin: Twin, line: str) -> None:
    real, engine = twin.both(line)
    assert engine.exit_code == real.code == 0, (engine.stderr, real.stderr)
    assert normalized(_GO_TIME.sub("T", engine.stdout)) == normalized(
        _GO_TIME.sub("T", real.stdout)
    )
    assert _GO_TIME.search(engine.stdout)


INGRESSES = (
    "minimal-ingress",
    "ingress-resource-backend",
    "simple-fanout-example",
    "name-virtual-host-ingress",
    "tls-example-ingress",
)
POLICIES = {
    "networkpolicy.yaml": "test-network-policy",
    "network-policy-default-deny-ingress.yaml": "default-deny-ingress",
    "network-policy-default-deny-egress.yaml": "default-deny-egress",
    "network-policy-default-deny-all.yaml": "default-deny-all",
    "network-policy-allow-all-ingress.yaml": "allow-all-ingress",
    "network-policy-allow-all-egress.yaml": "allow-all-egress",
}
NO_CLASS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - host: web.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: service1
            port:
              name: http
"""
BAD = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: bad
spec:
  rules:
  - host: 10.0.0.1
    http:
      paths:
      - path: testpath
        pathType: Exact
        backend:
          service:
            name: Test_Svc
            port: {}
      - path: /a
        backend:
          service:
            name: test
            port:
              number: 80
  tls:
  - hosts: ["*.*.example.com"]
"""


def test_ingresses_and_their_classes(twin: Twin) -> None:
    for name, text in EXAMPLES.items():
        twin.file(name, text)
    assert same(twin, "get ingressclass") == ""
    assert same(twin, "apply -f external-lb.yaml") == (
        "ingressclass.networking.k8s.io/external-lb created\n"
    )
    same(twin, "get ingressclasses")
    same(twin, "describe ingressclass external-lb")
    # A Service with ready pods behind one backend; the others name Services that do not exist.
    same(twin, "create deployment service1 --image=nginx --replicas=2 --port=80")
    same(twin, "expose deployment service1 --port=80 --name=service1")
    twin.advance(30)
    for name in INGRESSES:
        same(twin, f"apply -f {name}.yaml")
    same(twin, "get ingress")
    same(twin, "get ing -o wide")
    for name in INGRESSES:
        same_but_pod_ips(twin, f"describe ingress {name}")
    same_but_uid(twin, "get ingress tls-example-ingress -o yaml")
    # The default class goes to an Ingress that names none, from then on.
    same(twin, "apply -f default-ingressclass.yaml")
    same(twin, "get ingressclass")
    twin.file("web.yaml", NO_CLASS)
    same(twin, "apply -f web.yaml")
    assert "web    example-class" in same(twin, "get ingress web")
    same_but_pod_ips(twin, "describe ingress web")
    twin.file("bad.yaml", BAD)
    same(twin, "apply -f bad.yaml")
    same(twin, "delete ingress minimal-ingress web")
    same(twin, "delete ingressclass external-lb")
    same(twin, "get ing")


def test_network_policies(twin: Twin) -> None:
    for name, text in EXAMPLES.items():
        twin.file(name, text)
    for name in POLICIES:
        same(twin, f"apply -f {name}")
    same(twin, "get netpol")
    same(twin, "get networkpolicies -o wide")
    for policy in POLICIES.values():
        same_but_time(twin, f"describe netpol {policy}")
    same_but_uid(twin, "get netpol test-network-policy -o yaml")
    twin.file(
        "bad.yaml",
        EXAMPLES["networkpolicy.yaml"]
        .replace("except:\n        - 172.17.1.0/24", "except:\n        - 10.1.0.0/24")
        .replace("port: 5978", "port: 5978\n      endPort: 5000\n    - protocol: ICMP")
        .replace("    - namespaceSelector:", "    - {}\n    - namespaceSelector:"),
    )
    same(twin, "apply -f bad.yaml")
    same(twin, "delete netpol default-deny-all")
    same(twin, "get netpol")
