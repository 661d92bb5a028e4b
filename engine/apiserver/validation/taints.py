"""Taints and tolerations: node taints, and the tolerations a pod spec may carry.

Mirrors ValidateTolerations, validateNodeTaints and validateTaintEffect in
pkg/apis/core/validation/validation.go.
"""

from __future__ import annotations

from typing import Any

from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral, go_quote
from engine.apiserver.validation.common import Errors, _d, _l, _s
from engine.apiserver.validation.names import is_label_value, is_qualified_name

_TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
_TOLERATION_OPERATORS = ["Equal", "Exists"]


def _validate_taint_effect(effect: str, allow_empty: bool, path: str) -> Errors:
    if not effect:
        return [] if allow_empty else [field.required(path)]
    if effect not in _TAINT_EFFECTS:
        return [field.not_supported(path, effect, _TAINT_EFFECTS)]
    return []


def _validate_label_value(value: str, path: str) -> Errors:
    """A label value, its messages joined into one error (as taints and tolerations report)."""
    msgs = is_label_value(value)
    return [field.invalid(path, value, ";".join(msgs))] if msgs else []


def validate_tolerations(tolerations: Any, path: str) -> Errors:
    errs: Errors = []
    for i, toleration in enumerate(_l(tolerations)):
        toleration, tpath = _d(toleration), field.index(path, i)
        key, operator = _s(toleration.get("key")), _s(toleration.get("operator"))
        value, effect = _s(toleration.get("value")), _s(toleration.get("effect"))
        if key:
            errs += [
                field.invalid(field.child(tpath, "key"), key, m) for m in is_qualified_name(key)
            ]
        if not key and operator != "Exists":
            errs.append(
                field.invalid(
                    field.child(tpath, "operator"),
                    operator,
                    'operator must be Exists when `key` is empty, which means "match all values '
                    'and all keys"',
                )
            )
        if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(
                field.invalid(
                    field.child(tpath, "effect"),
                    effect,
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                )
            )
        if operator in ("Equal", ""):
            errs += _validate_label_value(value, field.child(tpath, "operator"))
        elif operator == "Exists":
            if value:
                errs.append(
                    field.invalid(
                        field.child(tpath, "operator"),
                        value,
                        "value must be empty when `operator` is 'Exists'",
                    )
                )
        else:
            errs.append(
                field.not_supported(field.child(tpath, "operator"), operator, _TOLERATION_OPERATORS)
            )
        errs += _validate_taint_effect(effect, True, field.child(tpath, "effect"))
    return errs


def validate_node_taints(taints: Any, path: str) -> Errors:
    errs: Errors = []
    seen: set[tuple[str, str]] = set()
    for i, taint in enumerate(_l(taints)):
        taint, tpath = _d(taint), field.index(path, i)
        key, value, effect = _s(taint.get("key")), _s(taint.get("value")), _s(taint.get("effect"))
        errs += [field.invalid(field.child(tpath, "key"), key, m) for m in is_qualified_name(key)]
        errs += _validate_label_value(value, field.child(tpath, "value"))
        errs += _validate_taint_effect(effect, False, field.child(tpath, "effect"))
        if (effect, key) in seen:
            shown = GoLiteral(
                f"core.Taint{{Key:{go_quote(key)}, Value:{go_quote(value)}, "
                f"Effect:{go_quote(effect)}, TimeAdded:(*v1.Time)(nil)}}"
            )
            dup = field.duplicate(tpath, shown)
            dup.detail = "taints must be unique by key and effect pair"
            errs.append(dup)
            continue
        seen.add((effect, key))
    return errs
