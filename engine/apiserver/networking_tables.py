"""The server-side Tables of networking.k8s.io: printIngress, printIngressClass and
printNetworkPolicy of pkg/printers/internalversion/printers.go (see tables.py)."""

from __future__ import annotations

from engine.apimachinery.labels import format_label_selector
from engine.apiserver.table_cells import Obj, since
from engine.apiserver.table_columns import (
    INGRESS_CLASS_COLUMNS,
    INGRESS_COLUMNS,
    NETWORK_POLICY_COLUMNS,
)
from engine.apiserver.tables import Printer, Row


def format_hosts(rules: list[Obj]) -> str:
    """formatHosts: the first three hosts, then `+ N more...`; `*` when no rule names one."""
    hosts: list[str] = []
    more = False
    for rule in rules:
        if len(hosts) == 3:
            more = True
        if not more and rule.get("host"):
            hosts.append(rule["host"])
    if not hosts:
        return "*"
    text = ",".join(hosts)
    return f"{text} + {len(rules) - 3} more..." if more else text


def load_balancer_addresses(ingress: Obj) -> str:
    """ingressLoadBalancerStatusStringer (wide, as the API server prints its Tables): the
    IPs or host names the ingress controller reported, sorted, without repeats."""
    balancer = (ingress.get("status") or {}).get("loadBalancer") or {}
    found = {e.get("ip") or e.get("hostname") or "" for e in balancer.get("ingress") or []}
    return ",".join(sorted(found - {""}))


def _ingress_row(ingress: Obj, now: float) -> Row:
    meta, spec = ingress.get("metadata", {}), ingress.get("spec") or {}
    return [
        meta.get("name", ""),
        spec.get("ingressClassName") or "<none>",
        format_hosts(spec.get("rules") or []),
        load_balancer_addresses(ingress),
        "80, 443" if spec.get("tls") else "80",  # formatPorts
        since(meta.get("creationTimestamp"), now),
    ]


def _ingress_class_row(ingress_class: Obj, now: float) -> Row:
    meta = ingress_class.get("metadata", {})
    parameters = (ingress_class.get("spec") or {}).get("parameters")
    shown = "<none>"
    if parameters:
        shown = parameters.get("kind", "")
        if parameters.get("apiGroup") is not None:
            shown += "." + parameters["apiGroup"]
        shown += "/" + parameters.get("name", "")
    return [
        meta.get("name", ""),
        (ingress_class.get("spec") or {}).get("controller", ""),
        shown,
        since(meta.get("creationTimestamp"), now),
    ]


def _network_policy_row(policy: Obj, now: float) -> Row:
    meta = policy.get("metadata", {})
    return [
        meta.get("name", ""),
        format_label_selector((policy.get("spec") or {}).get("podSelector")),
        since(meta.get("creationTimestamp"), now),
    ]


INGRESS = Printer(INGRESS_COLUMNS, _ingress_row)
INGRESS_CLASS = Printer(INGRESS_CLASS_COLUMNS, _ingress_class_row)
NETWORK_POLICY = Printer(NETWORK_POLICY_COLUMNS, _network_policy_row)
