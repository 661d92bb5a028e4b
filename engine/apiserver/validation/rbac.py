"""Validation of the RBAC kinds (pkg/apis/rbac/validation/validation.go)."""

from __future__ import annotations

from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral, go_quote
from engine.apiserver.validation.common import Errors, Obj, _d, _l, _s
from engine.apiserver.validation.label_selector import validate_label_selector
from engine.apiserver.validation.meta import validate_meta, validate_object_meta
from engine.apiserver.validation.names import is_dns1123_subdomain

GROUP = "rbac.authorization.k8s.io"


def validate_rbac_name(name: str, prefix: bool) -> list[str]:
    """ValidateRBACName = path.ValidatePathSegmentName (apimachinery/pkg/api/validation/path):
    any name that can be a URL path segment."""
    if not prefix and name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{bad}'" for bad in ("/", "%") if bad in name]


def validate_role(obj: Obj, old: Obj | None) -> Errors:
    return _validate_with_rules(obj, old, namespaced=True)


def validate_cluster_role(obj: Obj, old: Obj | None) -> Errors:
    errs = _validate_with_rules(obj, old, namespaced=False)
    rule = obj.get("aggregationRule")
    if isinstance(rule, dict):
        path = "aggregationRule.clusterRoleSelectors"
        selectors = _l(rule.get("clusterRoleSelectors"))
        if not selectors:
            errs.append(
                field.required(
                    path, "at least one clusterRoleSelector required if aggregationRule is non-nil"
                )
            )
        for i, selector in enumerate(selectors):
            errs += validate_label_selector(selector, field.index(path, i))
    return errs


def _validate_with_rules(obj: Obj, old: Obj | None, namespaced: bool) -> Errors:
    errs = _validate_meta(obj, old, namespaced)
    for i, rule in enumerate(_l(obj.get("rules"))):
        errs += _validate_policy_rule(_d(rule), namespaced, field.index("rules", i))
    return errs


def _validate_meta(obj: Obj, old: Obj | None, namespaced: bool) -> Errors:
    errs = validate_meta(obj, old, namespaced, validate_rbac_name)
    if old is not None:
        # Validate<Kind>Update runs the create validation again, metadata included.
        errs += validate_object_meta(_d(obj.get("metadata")), namespaced, validate_rbac_name)
    return errs


def _validate_policy_rule(rule: Obj, namespaced: bool, path: str) -> Errors:
    """ValidatePolicyRule."""
    errs: Errors = []
    if not _l(rule.get("verbs")):
        errs.append(
            field.required(field.child(path, "verbs"), "verbs must contain at least one value")
        )
    urls = _l(rule.get("nonResourceURLs"))
    if urls:
        url_path = field.child(path, "nonResourceURLs")
        if namespaced:
            errs.append(
                field.invalid(url_path, urls, "namespaced rules cannot apply to non-resource URLs")
            )
        if any(_l(rule.get(k)) for k in ("apiGroups", "resources", "resourceNames")):
            errs.append(
                field.invalid(
                    url_path,
                    urls,
                    "rules cannot apply to both regular resources and non-resource URLs",
                )
            )
        return errs
    if not _l(rule.get("apiGroups")):
        errs.append(
            field.required(
                field.child(path, "apiGroups"), "resource rules must supply at least one api group"
            )
        )
    if not _l(rule.get("resources")):
        errs.append(
            field.required(
                field.child(path, "resources"), "resource rules must supply at least one resource"
            )
        )
    return errs


def validate_role_binding(obj: Obj, old: Obj | None) -> Errors:
    return _validate_binding(obj, old, namespaced=True)


def validate_cluster_role_binding(obj: Obj, old: Obj | None) -> Errors:
    return _validate_binding(obj, old, namespaced=False)


def _validate_binding(obj: Obj, old: Obj | None, namespaced: bool) -> Errors:
    """ValidateRoleBinding / ValidateClusterRoleBinding, and their Update: a binding's roleRef
    never changes."""
    errs = _validate_meta(obj, old, namespaced)
    ref = _d(obj.get("roleRef"))
    group, kind, name = _s(ref.get("apiGroup")), _s(ref.get("kind")), _s(ref.get("name"))
    if group != GROUP:
        errs.append(field.not_supported("roleRef.apiGroup", group, [GROUP]))
    kinds = ["Role", "ClusterRole"] if namespaced else ["ClusterRole"]
    if kind not in kinds:
        errs.append(field.not_supported("roleRef.kind", kind, kinds))
    if not name:
        errs.append(field.required("roleRef.name"))
    else:
        errs += [field.invalid("roleRef.name", name, m) for m in validate_rbac_name(name, False)]
    for i, subject in enumerate(_l(obj.get("subjects"))):
        errs += _validate_subject(_d(subject), namespaced, field.index("subjects", i))
    if old is not None and _role_ref(_d(old.get("roleRef"))) != _role_ref(ref):
        errs.append(field.invalid("roleRef", go_role_ref(ref), "cannot change roleRef"))
    return errs


def _role_ref(ref: Obj) -> tuple[str, str, str]:
    return _s(ref.get("apiGroup")), _s(ref.get("kind")), _s(ref.get("name"))


def go_role_ref(ref: Obj) -> GoLiteral:
    """%#v of the internal rbac.RoleRef, as the roleRef error prints it."""
    group, kind, name = _role_ref(ref)
    return GoLiteral(
        f"rbac.RoleRef{{APIGroup:{go_quote(group)}, Kind:{go_quote(kind)}, Name:{go_quote(name)}}}"
    )


def _validate_subject(subject: Obj, namespaced: bool, path: str) -> Errors:
    """ValidateRoleBindingSubject."""
    errs: Errors = []
    name, kind, group = (
        _s(subject.get("name")),
        _s(subject.get("kind")),
        _s(subject.get("apiGroup")),
    )
    if not name:
        errs.append(field.required(field.child(path, "name")))
    if kind == "ServiceAccount":
        if name:
            # ValidateServiceAccountName: a DNS subdomain.
            errs += [
                field.invalid(field.child(path, "name"), name, m)
                for m in is_dns1123_subdomain(name)
            ]
        if group:
            errs.append(field.not_supported(field.child(path, "apiGroup"), group, [""]))
        if not namespaced and not _s(subject.get("namespace")):
            errs.append(field.required(field.child(path, "namespace")))
    elif kind in ("User", "Group"):
        if group != GROUP:
            errs.append(field.not_supported(field.child(path, "apiGroup"), group, [GROUP]))
    else:
        errs.append(
            field.not_supported(
                field.child(path, "kind"), kind, ["ServiceAccount", "User", "Group"]
            )
        )
    return errs
