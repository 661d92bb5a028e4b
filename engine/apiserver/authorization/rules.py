"""Whether a PolicyRule allows a request: plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows,
with pkg/apis/rbac/v1/evaluation_helpers.go VerbMatches, APIGroupMatches, ResourceMatches,
ResourceNameMatches, NonResourceURLMatches."""

from __future__ import annotations

from typing import Any

from engine.apiserver.authorization.attributes import Attributes

ALL = "*"


def rule_allows(attrs: Attributes, rule: dict[str, Any]) -> bool:
    if not _matches(rule.get("verbs"), attrs.verb):
        return False
    if not attrs.is_resource_request:
        return any(_url_matches(url, attrs.path) for url in rule.get("nonResourceURLs") or ())
    return (
        _matches(rule.get("apiGroups"), attrs.api_group)
        and _resource_matches(rule.get("resources") or (), attrs)
        and (not rule.get("resourceNames") or attrs.name in rule["resourceNames"])
    )


def _matches(values: Any, wanted: str) -> bool:
    return bool(values) and (ALL in values or wanted in values)


def _resource_matches(resources: Any, attrs: Attributes) -> bool:
    combined, sub = attrs.combined_resource, attrs.subresource
    for resource in resources:
        if resource in (ALL, combined):
            return True
        # `*/scale` names that subresource of every resource.
        if sub and resource == f"*/{sub}":
            return True
    return False


def _url_matches(rule_url: str, path: str) -> bool:
    if rule_url in (ALL, path):
        return True
    return rule_url.endswith(ALL) and path.startswith(rule_url.rstrip(ALL))
