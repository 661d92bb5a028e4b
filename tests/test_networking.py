"""Ingresses, IngressClasses and NetworkPolicies with the whole control plane: the docs'
examples accepted, defaults, the DefaultIngressClass admission plugin, validation word for
word (pkg/apis/networking/validation), generation, the status subresource, printing, describe
(an Ingress's backends with the endpoints behind them) and the story."""

from __future__ import annotations

import pytest
import yaml

from engine.cluster import Cluster
from tests.controller_kit import call, get
from tests.kubectl_real.networking_examples import EXAMPLES

NETWORKING = "/apis/networking.k8s.io/v1"
MERGE = {"content-type": "application/merge-patch+json"}


@pytest.fixture
def c() -> Cluster:
    cluster = Cluster(seed=5)
    cluster.settle()
    return cluster


def apply(c: Cluster, text: str) -> str:
    result = c.kubectl("apply -f -", text)
    c.settle()
    return result.text


def ingress(c: Cluster, name: str) -> dict:
    return get(c, f"{NETWORKING}/namespaces/default/ingresses/{name}")


def milestones(c: Cluster) -> list[str]:
    return [e.summary for e in c.trace if e.kind.value == "milestone"]


INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
"""
CLASS = """\
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: {name}
  annotations:
    ingressclass.kubernetes.io/is-default-class: "{default}"
spec:
  controller: k8s.io/ingress-nginx
"""


def test_every_docs_example_is_accepted(c: Cluster) -> None:
    for text in EXAMPLES.values():
        manifest = yaml.safe_load(text)
        ref = f"{manifest['kind'].lower()}.networking.k8s.io/{manifest['metadata']['name']}"
        assert apply(c, text) == f"{ref} created\n"
        assert apply(c, text) == f"{ref} unchanged\n"
    listed = c.kubectl("get ingress,ingressclass,netpol -o name").stdout.split()
    assert len(listed) == len(EXAMPLES)


def test_defaults_generation_and_status(c: Cluster) -> None:
    apply(c, EXAMPLES["external-lb.yaml"])
    params = get(c, f"{NETWORKING}/ingressclasses/external-lb")["spec"]["parameters"]
    assert params["scope"] == "Cluster"  # SetDefaults_IngressClass
    apply(c, EXAMPLES["network-policy-allow-all-egress.yaml"])
    apply(c, EXAMPLES["networkpolicy.yaml"])
    policy = get(c, f"{NETWORKING}/namespaces/default/networkpolicies/test-network-policy")
    assert list(policy["spec"]) == ["podSelector", "ingress", "egress", "policyTypes"]
    apply(c, INGRESS.format(name="shop"))
    made = ingress(c, "shop")
    assert (made["metadata"]["generation"], made["status"]) == (1, {"loadBalancer": {}})
    assert "ingressClassName" not in made["spec"]  # the cluster has no default class
    apply(c, INGRESS.format(name="shop").replace("number: 80", "number: 8080"))
    assert ingress(c, "shop")["metadata"]["generation"] == 2
    # Only the status subresource writes the addresses; a plain update keeps them.
    status = {"status": {"loadBalancer": {"ingress": [{"ip": "172.18.0.5"}, {"ip": "1.2.3"}]}}}
    path = f"{NETWORKING}/namespaces/default/ingresses/shop/status"
    refused = call(c, "PATCH", path, status, MERGE)
    assert refused.body["message"] == (
        'Ingress.networking.k8s.io "shop" is invalid: status.loadBalancer.ingress[1].ip: '
        'Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'
    )
    del status["status"]["loadBalancer"]["ingress"][1]
    patched = call(c, "PATCH", path, status, MERGE)
    assert patched.ok, patched.body
    assert c.kubectl("get ingress shop").stdout.splitlines()[1].split()[:4] == [
        "shop",
        "<none>",
        "shop.example.com",
        "172.18.0.5",
    ]


def test_default_ingress_class_admission(c: Cluster) -> None:
    apply(c, CLASS.format(name="old", default="true"))
    c.advance(2)
    apply(c, CLASS.format(name="new", default="true"))
    apply(c, CLASS.format(name="other", default="false"))
    apply(c, INGRESS.format(name="shop"))
    assert ingress(c, "shop")["spec"]["ingressClassName"] == "new"  # the newest default
    annotated = INGRESS.format(name="legacy").replace(
        "  name: legacy\n", "  name: legacy\n  annotations:\n    kubernetes.io/ingress.class: x\n"
    )
    apply(c, annotated)
    assert "ingressClassName" not in ingress(c, "legacy")["spec"]
    admission = [e.summary for e in c.trace if "DefaultIngressClass" in e.summary]
    assert admission == ["Mutating admission: defaulting, DefaultIngressClass"]
    both = annotated.replace("spec:\n", "spec:\n  ingressClassName: y\n").replace("legacy", "two")
    assert apply(c, both) == (
        'The Ingress "two" is invalid: annotations.kubernetes.io/ingress.class: Invalid value: '
        '"x": must match `ingressClassName` when both are specified\n'
    )


def test_invalid_ingresses(c: Cluster) -> None:
    empty = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: x}\nspec: {}\n"
    assert apply(c, empty) == (
        'The Ingress "x" is invalid: spec: Invalid value: []networking.IngressRule(nil): either '
        "`defaultBackend` or `rules` must be specified\n"
    )
    bad = (
        INGRESS.format(name="bad")
        .replace("shop.example.com", "10.0.0.1")
        .replace("path: /", "path: /a//b/..")
        .replace("number: 80", "name: HTTP")
        + "      - path: rel\n        pathType: Exact\n        backend: {}\n"
        + "      - path: x\n        pathType: Regex\n"
        + "        backend: {service: {name: web, port: {name: http, number: 80}}}\n"
        + "  tls:\n  - hosts: ['*.example.com', 'Bad_Host']\n    secretName: Bad\n"
    )
    assert apply(c, bad).splitlines() == [
        'The Ingress "bad" is invalid: ',
        '* spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
        "* spec.rules[0].http.paths[0].path: Invalid value: \"/a//b/..\": must not contain '//'",
        "* spec.rules[0].http.paths[0].path: Invalid value: \"/a//b/..\": cannot end with '/..'",
        '* spec.rules[0].http.paths[0].backend.service.port.name: Invalid value: "HTTP": must '
        "contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        '* spec.rules[0].http.paths[0].backend.service.port.name: Invalid value: "HTTP": must '
        "contain at least one letter (a-z)",
        '* spec.rules[0].http.paths[1].path: Invalid value: "rel": must be an absolute path',
        '* spec.rules[0].http.paths[1].backend: Invalid value: "": resource or service backend '
        "is required",
        '* spec.rules[0].http.paths[2].pathType: Unsupported value: "Regex": supported values: '
        '"Exact", "ImplementationSpecific", "Prefix"',
        '* spec.rules[0].http.paths[2].backend: Invalid value: "": cannot set both port name & '
        "port number",
        '* spec.tls[0].hosts[1]: Invalid value: "Bad_Host": a lowercase RFC 1123 subdomain must '
        "consist of lower case alphanumeric characters, '-' or '.', and must start and end with "
        "an alphanumeric character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        '* spec.tls[0].secretName: Invalid value: "Bad": a lowercase RFC 1123 subdomain must '
        "consist of lower case alphanumeric characters, '-' or '.', and must start and end with "
        "an alphanumeric character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]


def test_invalid_ingress_classes(c: Cluster) -> None:
    bad = (
        "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: x}\n"
        "spec: {controller: nope, parameters: {kind: A/B, name: '..', scope: Namespace}}\n"
    )
    assert apply(c, bad).splitlines() == [
        'The IngressClass "x" is invalid: ',
        '* spec.controller: Invalid value: "nope": must be a domain-prefixed path (such as '
        '"acme.io/foo")',
        "* spec.parameters.kind: Invalid value: \"A/B\": may not contain '/'",
        "* spec.parameters.name: Invalid value: \"..\": may not be '..'",
        "* spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
    ]
    apply(c, CLASS.format(name="nginx", default="false"))
    moved = CLASS.format(name="nginx", default="false").replace("ingress-nginx", "other")
    assert apply(c, moved) == (
        'The IngressClass "nginx" is invalid: spec.controller: Invalid value: "k8s.io/other": '
        "field is immutable\n"
    )


def test_invalid_network_policies(c: Cluster) -> None:
    bad = (
        EXAMPLES["networkpolicy.yaml"]
        .replace("- 172.17.1.0/24", "- 10.1.0.0/24\n        - nonsense")
        .replace("port: 5978", "port: 5978\n      endPort: 5000\n    - port: web\n      endPort: 9")
        .replace("    - namespaceSelector:", "    - {}\n    - namespaceSelector:")
        .replace("  - Egress\n", "  - Egress\n  - Both\n")
    )
    assert apply(c, bad).splitlines() == [
        'The NetworkPolicy "test-network-policy" is invalid: ',
        '* spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a '
        "strict subset of `cidr`",
        '* spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: "nonsense": must be a valid '
        "CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
        "* spec.ingress[0].from[1]: Required value: must specify a peer",
        "* spec.egress[0].ports[0].endPort: Invalid value: 5000: must be greater than or equal "
        "to `port`",
        "* spec.egress[0].ports[1].endPort: Invalid value: 9: may not be specified when `port` is "
        "non-numeric",
        '* spec.policyTypes: Invalid value: []networking.PolicyType{"Ingress", "Egress", '
        '"Both"}: may not specify more than two policyTypes',
    ]


def test_get_and_describe_with_endpoints(c: Cluster) -> None:
    c.kubectl("create deployment web --image=nginx --replicas=2 --port=80")
    c.kubectl("expose deployment web --port=80")
    c.advance(30)
    c.settle()
    apply(
        c,
        INGRESS.format(name="shop").replace(
            "  - host",
            "  - host: a.io\n    http:\n"
            "      paths:\n      - path: /x\n        pathType: Exact\n        backend:\n"
            "          service: {name: gone, port: {name: http}}\n  - host",
        ),
    )
    assert c.kubectl("get ing").stdout.splitlines() == [
        "NAME   CLASS    HOSTS                   ADDRESS   PORTS   AGE",
        "shop   <none>   a.io,shop.example.com             80      0s",
    ]
    ips = sorted(p["status"]["podIP"] for p in get(c, "/api/v1/namespaces/default/pods")["items"])
    text = c.kubectl("describe ingress shop").stdout
    assert "  a.io              \n" in text
    assert '                    /x   gone:http (<error: services "gone" not found>)\n' in text
    line = next(line for line in text.splitlines() if "web:80" in line)
    assert line.startswith("                    /   web:80 (")
    assert sorted(line.split("(")[1].rstrip(")").split(",")) == [f"{ip}:80" for ip in ips]
    assert "Default backend:  <default>\n" in text


def test_the_story_says_nothing_serves_or_enforces_them(c: Cluster) -> None:
    apply(c, EXAMPLES["simple-fanout-example.yaml"])
    apply(c, EXAMPLES["network-policy-default-deny-all.yaml"])
    apply(c, EXAMPLES["external-lb.yaml"])
    said = milestones(c)
    assert any(
        "it routes foo.bar.com/foo → Service service1:4200; foo.bar.com/bar → Service "
        "service2:8080; no ingress controller is installed in this cluster, so nothing serves "
        "it yet and its ADDRESS stays empty" in m
        for m in said
    ), said
    assert any(
        "it limits ingress and egress traffic of every pod of the namespace; a network plugin "
        "(CNI) with policy support would enforce it" in m
        for m in said
    ), said
    assert any(
        "for the controller example.com/ingress-controller, which is not installed" in m
        for m in said
    ), said
    host_only = (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: host}\n"
        "spec:\n  rules: [{host: a.io}]\n"
    )
    apply(c, host_only)
    assert any(
        ": it routes no path yet; no ingress controller is installed" in m for m in milestones(c)
    )
