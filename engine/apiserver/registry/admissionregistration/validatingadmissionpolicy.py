"""ValidatingAdmissionPolicies and their bindings:
pkg/registry/admissionregistration/validatingadmissionpolicy/strategy.go (status reset on
create and kept by a plain update; generation counts spec changes) and
validatingadmissionpolicybinding/strategy.go. Both are cluster-scoped; the
ValidatingAdmissionPolicy admission plugin (engine/apiserver/admissionpolicy) reads them."""

from __future__ import annotations

from typing import Any

from engine.apimachinery.labels import format_label_selector
from engine.apiserver import admissionregistration_tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.admissionregistration import validate_binding, validate_policy
from engine.apiserver.validation.common import Errors

Obj = dict[str, Any]


class ValidatingAdmissionPolicyStrategy(Strategy):
    resource_name = "validatingadmissionpolicies"
    printer = admissionregistration_tables.VALIDATING_ADMISSION_POLICY
    generation = True

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {}

    def validate_object(self, obj: Obj, old: Obj | None) -> Errors:
        return validate_policy(obj, old)

    def stored_story(self, obj: Obj) -> str:
        return (
            ": it checks nothing until a ValidatingAdmissionPolicyBinding names it in its "
            "policyName"
        )


class ValidatingAdmissionPolicyBindingStrategy(Strategy):
    resource_name = "validatingadmissionpolicybindings"
    printer = admissionregistration_tables.VALIDATING_ADMISSION_POLICY_BINDING
    generation = True

    def validate_object(self, obj: Obj, old: Obj | None) -> Errors:
        return validate_binding(obj, old)

    def stored_story(self, obj: Obj) -> str:
        spec = obj.get("spec") or {}
        where = ""
        selector = (spec.get("matchResources") or {}).get("namespaceSelector")
        if selector:
            where = f" in namespaces labelled {format_label_selector(selector)}"
        actions = " and ".join(spec.get("validationActions") or [])
        return (
            f": from now on, requests{where} that policy {spec.get('policyName', '')} "
            f"matches are checked against it ({actions} when a validation fails)"
        )
