"""Defaulting of the admissionregistration.k8s.io/v1 kinds: pkg/apis/admissionregistration/v1/
defaults.go SetDefaults_ValidatingAdmissionPolicySpec (failurePolicy Fail),
SetDefaults_MatchResources (matchPolicy Equivalent, empty selectors) and SetDefaults_Rule
(scope "*")."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


def _default_match_resources(match: Any) -> None:
    if not isinstance(match, dict):
        return  # a nil *MatchResources stays nil
    match.setdefault("matchPolicy", "Equivalent")
    for selector in ("namespaceSelector", "objectSelector"):
        if match.get(selector) is None:
            match[selector] = {}
    for key in ("resourceRules", "excludeResourceRules"):
        for rule in match.get(key) or []:
            if isinstance(rule, dict) and rule.get("scope") is None:
                rule["scope"] = "*"


def _default_policy(policy: Obj) -> None:
    spec = policy.get("spec")
    if not isinstance(spec, dict):
        spec = policy["spec"] = {}
    if spec.get("failurePolicy") is None:
        spec["failurePolicy"] = "Fail"
    _default_match_resources(spec.get("matchConstraints"))


def _default_binding(binding: Obj) -> None:
    spec = binding.get("spec")
    if not isinstance(spec, dict):
        spec = binding["spec"] = {}
    _default_match_resources(spec.get("matchResources"))


ADMISSIONREGISTRATION_DEFAULTS = {
    "ValidatingAdmissionPolicy": _default_policy,
    "ValidatingAdmissionPolicyBinding": _default_binding,
}
