"""Which requests a policy's matchConstraints and a binding's matchResources select:
staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/matching/matching.go (Matches:
namespaceSelector, objectSelector, excludeResourceRules, then resourceRules) and the webhook
rule matcher it shares (admission/plugin/webhook/predicates/rules/rules.go)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.apiserver.resources import ResourceType
from engine.apiserver.validation.label_selector import selector_matches

Obj = dict[str, Any]


@dataclass(frozen=True)
class Attributes:
    """What admission knows of a request (admission.Attributes)."""

    resource: ResourceType
    operation: str  # CREATE, UPDATE, DELETE
    name: str
    namespace: str
    obj: Obj | None  # None for a DELETE
    old: Obj | None  # None for a CREATE
    namespace_labels: dict[str, str]  # of the request's namespace ({} when cluster-scoped)


def matches(criteria: Obj | None, attrs: Attributes) -> bool:
    """Matcher.Matches; a binding without matchResources (None) matches all its policy does,
    and so do empty resourceRules."""
    if criteria is None:
        return True
    if not _namespace_matches(criteria.get("namespaceSelector"), attrs):
        return False
    if not _object_matches(criteria.get("objectSelector"), attrs):
        return False
    if any(_rule_matches(rule, attrs) for rule in criteria.get("excludeResourceRules") or []):
        return False
    rules = criteria.get("resourceRules") or []
    return not rules or any(_rule_matches(rule, attrs) for rule in rules)


def _namespace_matches(selector: Any, attrs: Attributes) -> bool:
    """namespace/matcher.go MatchNamespaceSelector: cluster-scoped objects always match, a
    Namespace is matched by its own labels."""
    if selector is None or selector == {}:
        return True
    if attrs.resource.kind == "Namespace":
        namespace = attrs.obj or attrs.old or {}
        return selector_matches(selector, (namespace.get("metadata") or {}).get("labels"))
    if not attrs.resource.namespaced:
        return True
    return selector_matches(selector, attrs.namespace_labels)


def _object_matches(selector: Any, attrs: Attributes) -> bool:
    """object/matcher.go MatchObjectSelector: the new object's labels or the old one's."""
    if selector is None or selector == {}:
        return True
    return any(
        selector_matches(selector, (obj.get("metadata") or {}).get("labels"))
        for obj in (attrs.obj, attrs.old)
        if obj is not None
    )


def _rule_matches(rule: Obj, attrs: Attributes) -> bool:
    """rules.go Matcher.Matches: scope, operation, group, version, resource, then name."""
    resource = attrs.resource
    scope = rule.get("scope") or "*"
    if (scope == "Cluster" and resource.namespaced) or (
        scope == "Namespaced" and not (resource.namespaced)
    ):
        return False
    if not _has(rule.get("operations"), attrs.operation):
        return False
    if not _has(rule.get("apiGroups"), resource.group):
        return False
    if not _has(rule.get("apiVersions"), resource.version):
        return False
    # Only requests for the resource itself reach here (no subresource): "deployments",
    # "*" and "*/*" name it.
    if not any(r in (resource.name, "*", "*/*") for r in rule.get("resources") or []):
        return False
    names = rule.get("resourceNames") or []
    return not names or attrs.name in names


def _has(values: Any, value: str) -> bool:
    return any(v in ("*", value) for v in values or [])
