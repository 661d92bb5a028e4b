"""The default ClusterRoles and ClusterRoleBindings (bootstrap_policy.yaml, from upstream's
bootstrappolicy), as the objects the API server writes when it starts."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from engine.apimachinery.labels import SelectorError, selector_from_match

Obj = dict[str, Any]
GROUP = "rbac.authorization.k8s.io"
API_VERSION = f"{GROUP}/v1"
AGGREGATE_TO = f"{GROUP}/aggregate-to-"
_LABELS = {"kubernetes.io/bootstrapping": "rbac-defaults"}
_ANNOTATIONS = {"rbac.authorization.kubernetes.io/autoupdate": "true"}


@cache
def _policy() -> Obj:
    with open(Path(__file__).with_name("bootstrap_policy.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def node_rules() -> list[Obj]:
    return _policy()["clusterRoles"]["system:node"]["rules"]


def cluster_roles() -> list[Obj]:
    """Every default ClusterRole, the aggregated ones (admin, edit, view) with the rules the
    aggregation controller gives them."""
    roles = []
    for name, spec in _policy()["clusterRoles"].items():
        role: Obj = {
            "apiVersion": API_VERSION,
            "kind": "ClusterRole",
            "metadata": _meta(name, spec.get("labels")),
        }
        if "aggregate" in spec:
            role["aggregationRule"] = {
                "clusterRoleSelectors": [
                    {"matchLabels": {AGGREGATE_TO + spec["aggregate"]: "true"}}
                ]
            }
        role["rules"] = [dict(rule) for rule in spec.get("rules", [])]
        roles.append(role)
    # Until nothing changes: admin aggregates edit, which aggregates view.
    changed = True
    while changed:
        changed = False
        for role in roles:
            if "aggregationRule" in role:
                rules = aggregated_rules(role, roles)
                changed |= rules != role["rules"]
                role["rules"] = rules
    return roles


def cluster_role_bindings() -> list[Obj]:
    bindings = []
    for name, subjects in _policy()["bindings"].items():
        binding: Obj = {
            "apiVersion": API_VERSION,
            "kind": "ClusterRoleBinding",
            "metadata": _meta(name, None),
        }
        binding["roleRef"] = {"apiGroup": GROUP, "kind": "ClusterRole", "name": name}
        if subjects:
            binding["subjects"] = [_subject(text) for text in subjects]
        bindings.append(binding)
    return bindings


def aggregated_rules(role: Obj, all_roles: list[Obj]) -> list[Obj]:
    """pkg/controller/clusterroleaggregation ClusterRoleAggregationController.syncClusterRole:
    the rules of every other ClusterRole a selector matches, in name order, without
    duplicates."""
    selectors = (role.get("aggregationRule") or {}).get("clusterRoleSelectors") or []
    matched: dict[str, Obj] = {}
    for selector in selectors:
        try:
            parsed = selector_from_match(selector)
        except SelectorError:
            continue  # the controller skips a selector it cannot parse
        for other in all_roles:
            name = other["metadata"]["name"]
            if name != role["metadata"]["name"] and parsed.matches(other["metadata"].get("labels")):
                matched[name] = other
    rules: list[Obj] = []
    for name in sorted(matched):
        rules += [rule for rule in matched[name].get("rules") or [] if rule not in rules]
    return rules


def _meta(name: str, labels: dict[str, str] | None) -> Obj:
    return {
        "name": name,
        "labels": {**_LABELS, **(labels or {})},
        "annotations": dict(_ANNOTATIONS),
    }


def _subject(text: str) -> Obj:
    kind, _, name = text.partition(":")
    if kind == "ServiceAccount":
        namespace, _, account = name.partition("/")
        return {"kind": kind, "name": account, "namespace": namespace}
    return {"kind": kind, "apiGroup": GROUP, "name": name}
