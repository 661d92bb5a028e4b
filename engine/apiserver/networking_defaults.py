"""Defaulting of the networking.k8s.io/v1 kinds: pkg/apis/networking/v1/defaults.go
SetDefaults_NetworkPolicyPort, SetDefaults_NetworkPolicy and SetDefaults_IngressClass."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


def _d(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def _spec(obj: Obj) -> Obj:
    """obj["spec"], created (Go's zero-value struct) when absent or null."""
    if not isinstance(obj.get("spec"), dict):
        obj["spec"] = {}
    spec: Obj = obj["spec"]
    return spec


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _default_network_policy(policy: Obj) -> None:
    """SetDefaults_NetworkPolicyPort (TCP) and SetDefaults_NetworkPolicy: without
    policyTypes, Ingress, plus Egress when there are egress rules."""
    spec = _spec(policy)
    rules = [*_l(spec.get("ingress")), *_l(spec.get("egress"))]
    for rule in rules:
        for port in _l(_d(rule).get("ports")):
            if isinstance(port, dict) and not port.get("protocol"):
                port["protocol"] = "TCP"
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress", *(["Egress"] if _l(spec.get("egress")) else [])]


def _default_ingress_class(ingress_class: Obj) -> None:
    """SetDefaults_IngressClass: parameters without a scope are the cluster's."""
    parameters = _d(_d(ingress_class.get("spec")).get("parameters"))
    if parameters and parameters.get("scope") is None:
        parameters["scope"] = "Cluster"


NETWORKING_DEFAULTS = {
    "NetworkPolicy": _default_network_policy,
    "IngressClass": _default_ingress_class,
}
