"""LabelSelectors: validating one, printing one as Go does, and matching labels against one.

Mirrors staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation (ValidateLabelSelector)
and meta/v1 LabelSelectorAsSelector's matching rules.
"""

from __future__ import annotations

from typing import Any

from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral, go_quote, go_string_map
from engine.apiserver.validation.common import Errors, _d, _l, _s
from engine.apiserver.validation.meta import validate_labels
from engine.apiserver.validation.names import is_label_value, is_qualified_name


def validate_label_selector(selector: Any, path: str) -> Errors:
    if selector is None:
        return []
    selector = _d(selector)
    errs = validate_labels(selector.get("matchLabels"), field.child(path, "matchLabels"))
    for i, req in enumerate(_l(selector.get("matchExpressions"))):
        req = _d(req)
        rpath = field.index(field.child(path, "matchExpressions"), i)
        op, values = _s(req.get("operator")), _l(req.get("values"))
        if op in ("In", "NotIn"):
            if not values:
                errs.append(
                    field.required(
                        field.child(rpath, "values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    )
                )
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(
                    field.forbidden(
                        field.child(rpath, "values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    )
                )
        else:
            errs.append(
                field.invalid(field.child(rpath, "operator"), op, "not a valid selector operator")
            )
        key = _s(req.get("key"))
        errs += [field.invalid(field.child(rpath, "key"), key, m) for m in is_qualified_name(key)]
        for j, value in enumerate(values):
            vpath = field.index(field.child(rpath, "values"), j)
            errs += [field.invalid(vpath, _s(value), m) for m in is_label_value(_s(value))]
    return errs


def go_label_selector(selector: Any) -> GoLiteral:
    """%#v of a metav1.LabelSelector, as immutability and selector errors print it."""
    if selector is None:
        return GoLiteral("null")
    selector = _d(selector)
    labels = selector.get("matchLabels")
    exprs = selector.get("matchExpressions")
    match_labels = go_string_map(_d(labels) if labels is not None else None)
    if exprs is None:
        match_exprs = "[]v1.LabelSelectorRequirement(nil)"
    else:
        items = []
        for req in _l(exprs):
            req = _d(req)
            values = req.get("values")
            values_text = (
                "[]string(nil)"
                if values is None
                else "[]string{" + ", ".join(go_quote(_s(v)) for v in _l(values)) + "}"
            )
            items.append(
                "v1.LabelSelectorRequirement{"
                f"Key:{go_quote(_s(req.get('key')))}, "
                f"Operator:{go_quote(_s(req.get('operator')))}, Values:{values_text}}}"
            )
        match_exprs = "[]v1.LabelSelectorRequirement{" + ", ".join(items) + "}"
    return GoLiteral(
        f"v1.LabelSelector{{MatchLabels:{match_labels}, MatchExpressions:{match_exprs}}}"
    )


def selector_matches(selector: Any, labels: Any) -> bool:
    """Does a LabelSelector select these labels? (nil selects nothing, {} selects everything)."""
    if selector is None:
        return False
    selector, labels = _d(selector), _d(labels)
    for k, v in _d(selector.get("matchLabels")).items():
        if labels.get(k) != v:
            return False
    for req in _l(selector.get("matchExpressions")):
        req = _d(req)
        key, op, values = _s(req.get("key")), _s(req.get("operator")), _l(req.get("values"))
        present = key in labels
        if op == "In" and not (present and labels[key] in values):
            return False
        if op == "NotIn" and present and labels[key] in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True


def selector_is_empty(selector: Any) -> bool:
    selector = _d(selector)
    return not _d(selector.get("matchLabels")) and not _l(selector.get("matchExpressions"))
