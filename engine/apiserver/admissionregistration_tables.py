"""The server-side Tables of admissionregistration.k8s.io: printValidatingAdmissionPolicy and
printValidatingAdmissionPolicyBinding of pkg/printers/internalversion/printers.go."""

from __future__ import annotations

from engine.apimachinery.labels import format_label_selector
from engine.apiserver.table_cells import Obj, since
from engine.apiserver.table_columns import (
    VALIDATING_ADMISSION_POLICY_BINDING_COLUMNS,
    VALIDATING_ADMISSION_POLICY_COLUMNS,
)
from engine.apiserver.tables import Printer, Row


def _policy_row(policy: Obj, now: float) -> Row:
    meta, spec = policy.get("metadata", {}), policy.get("spec") or {}
    param_kind = spec.get("paramKind")
    return [
        meta.get("name", ""),
        len(spec.get("validations") or []),
        f"{param_kind.get('apiVersion', '')}/{param_kind.get('kind', '')}"
        if isinstance(param_kind, dict)
        else "<unset>",
        since(meta.get("creationTimestamp"), now),
    ]


def _binding_row(binding: Obj, now: float) -> Row:
    meta, spec = binding.get("metadata", {}), binding.get("spec") or {}
    param_ref, shown = spec.get("paramRef"), "<unset>"
    if isinstance(param_ref, dict):
        if param_ref.get("name"):
            # "Can't tell from here if param is cluster-scoped": no namespace shows as */
            shown = f"{param_ref.get('namespace') or '*'}/{param_ref['name']}"
        elif param_ref.get("selector") is not None:
            shown = format_label_selector(param_ref["selector"])
    return [
        meta.get("name", ""),
        spec.get("policyName", ""),
        shown,
        since(meta.get("creationTimestamp"), now),
    ]


VALIDATING_ADMISSION_POLICY = Printer(VALIDATING_ADMISSION_POLICY_COLUMNS, _policy_row)
VALIDATING_ADMISSION_POLICY_BINDING = Printer(
    VALIDATING_ADMISSION_POLICY_BINDING_COLUMNS, _binding_row
)
