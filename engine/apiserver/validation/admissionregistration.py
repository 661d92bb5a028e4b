"""ValidatingAdmissionPolicies and their bindings: ValidateValidatingAdmissionPolicy(Update)
and ValidateValidatingAdmissionPolicyBinding(Update) of
pkg/apis/admissionregistration/validation/validation.go.

Each CEL expression is compiled as the policy is written: one that does not compile is an
Invalid value whose detail is "compilation failed: " and cel-go's issues."""

from __future__ import annotations

import re

from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral, go_quote
from engine.apiserver.admissionpolicy import cel
from engine.apiserver.validation.common import Errors, Obj, _d, _l, _s
from engine.apiserver.validation.label_selector import validate_label_selector
from engine.apiserver.validation.meta import validate_meta, validate_object_meta
from engine.apiserver.validation.names import is_qualified_name, name_is_dns_subdomain

FAILURE_POLICIES = ("Fail", "Ignore")
MATCH_POLICIES = ("Equivalent", "Exact")
OPERATIONS = ("*", "CONNECT", "CREATE", "DELETE", "UPDATE")
SCOPES = ("*", "Cluster", "Namespaced")
REASONS = ("Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized")
VALIDATION_ACTIONS = ("Audit", "Deny", "Warn")
PARAMETER_NOT_FOUND_ACTIONS = ("Deny", "Allow")
_CEL_IDENTIFIER = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")


def validate_policy(obj: Obj, old: Obj | None) -> Errors:
    """ValidateValidatingAdmissionPolicy; an update checks the metadata's update rules and
    then everything again."""
    errs = validate_meta(obj, old, False, name_is_dns_subdomain)
    if old is not None:
        errs += validate_object_meta(_d(obj.get("metadata")), False, name_is_dns_subdomain)
    spec = _d(obj.get("spec"))
    path = "spec"
    policy = spec.get("failurePolicy")
    if policy is not None and policy not in FAILURE_POLICIES:
        errs.append(field.not_supported(f"{path}.failurePolicy", policy, FAILURE_POLICIES))
    match = spec.get("matchConstraints")
    if not isinstance(match, dict):
        errs.append(field.required(f"{path}.matchConstraints", ""))
    else:
        errs += _match_resources(match, f"{path}.matchConstraints")
        # at least one resource rule, for the type information
        if not _l(match.get("resourceRules")):
            errs.append(field.required(f"{path}.matchConstraints.resourceRules", ""))
    if not _l(spec.get("validations")) and not _l(spec.get("auditAnnotations")):
        errs.append(
            field.required(
                f"{path}.validations",
                "validations or auditAnnotations must contain at least one item",
            )
        )
    has_params = spec.get("paramKind") is not None
    if has_params:
        param_kind = _d(spec.get("paramKind"))
        for key in ("apiVersion", "kind"):
            if not _s(param_kind.get(key)):
                errs.append(field.required(f"{path}.paramKind.{key}", ""))
    for i, condition in enumerate(_l(spec.get("matchConditions"))):
        errs += _match_condition(_d(condition), f"{path}.matchConditions[{i}]", has_params)
    for i, variable in enumerate(_l(spec.get("variables"))):
        errs += _variable(_d(variable), f"{path}.variables[{i}]", has_params)
    for i, validation in enumerate(_l(spec.get("validations"))):
        errs += _validation(_d(validation), f"{path}.validations[{i}]", has_params)
    return errs


def validate_binding(obj: Obj, old: Obj | None) -> Errors:
    """ValidateValidatingAdmissionPolicyBinding."""
    errs = validate_meta(obj, old, False, name_is_dns_subdomain)
    if old is not None:
        errs += validate_object_meta(_d(obj.get("metadata")), False, name_is_dns_subdomain)
    spec = _d(obj.get("spec"))
    if not _s(spec.get("policyName")):
        errs.append(field.required("spec.policyName", ""))
    if isinstance(spec.get("matchResources"), dict):
        errs += _match_resources(spec["matchResources"], "spec.matchResources")
    if spec.get("paramRef") is not None:
        errs += _param_ref(_d(spec.get("paramRef")), "spec.paramRef")
    errs += _validation_actions(_l(spec.get("validationActions")), "spec.validationActions")
    return errs


def _param_ref(ref: Obj, path: str) -> Errors:
    """validateParamRef: a name or a selector, and what to do when nothing is found."""
    errs: Errors = []
    if _s(ref.get("name")) and ref.get("selector") is not None:
        errs.append(field.forbidden(f"{path}.name", "name and selector are mutually exclusive"))
    action = ref.get("parameterNotFoundAction")
    if not action:
        errs.append(field.required(f"{path}.parameterNotFoundAction", ""))
    elif action not in PARAMETER_NOT_FOUND_ACTIONS:
        errs.append(
            field.not_supported(
                f"{path}.parameterNotFoundAction", action, PARAMETER_NOT_FOUND_ACTIONS
            )
        )
    return errs


def _validation_actions(actions: list[object], path: str) -> Errors:
    if not actions:
        return [field.required(path, "at least one validation action is required")]
    errs: Errors = []
    seen: set[object] = set()
    for i, action in enumerate(actions):
        if action in seen:
            errs.append(field.duplicate(f"{path}[{i}]", action))
        seen.add(action)
        if action not in VALIDATION_ACTIONS:
            errs.append(field.not_supported(f"{path}[{i}]", action, VALIDATION_ACTIONS))
    if "Deny" in seen and "Warn" in seen:
        errs.append(
            field.invalid(
                path,
                _go_list("admissionregistration.ValidationAction", actions),
                "must not contain both Deny and Warn (repeating the same validation failure "
                "information in the API response and headers serves no purpose)",
            )
        )
    return errs


def _compiled(expression: str, path: str, has_params: bool) -> Errors:
    """ValidateValidatingAdmissionPolicy's compile step (convertCELErrorToValidationError)."""
    try:
        cel.compile_expression(expression, has_params)
    except cel.CompileError as error:
        return [field.invalid(path, expression, f"compilation failed: {error}")]
    return []


def _validation(validation: Obj, path: str, has_params: bool) -> Errors:
    expression = _s(validation.get("expression"))
    errs: Errors = []
    if not expression.strip():
        errs.append(field.required(f"{path}.expression", ""))
    else:
        errs += _compiled(expression, f"{path}.expression", has_params)
    message = validation.get("message")
    if isinstance(message, str) and message:
        if not message.strip():
            errs.append(field.required(f"{path}.message", "message must be non-empty if specified"))
        elif "\n" in message:
            errs.append(
                field.invalid(f"{path}.message", message, "message must not contain line breaks")
            )
    message_expression = _s(validation.get("messageExpression"))
    if message_expression:
        errs += _compiled(message_expression, f"{path}.messageExpression", has_params)
    reason = validation.get("reason")
    if reason is not None and reason not in REASONS:
        errs.append(field.not_supported(f"{path}.reason", reason, REASONS))
    return errs


def _match_condition(condition: Obj, path: str, has_params: bool) -> Errors:
    errs: Errors = []
    name = _s(condition.get("name"))
    if not name:
        errs.append(field.required(f"{path}.name", ""))
    else:
        errs += [field.invalid(f"{path}.name", name, msg) for msg in is_qualified_name(name)]
    expression = _s(condition.get("expression"))
    if not expression.strip():
        errs.append(field.required(f"{path}.expression", ""))
    else:
        errs += _compiled(expression, f"{path}.expression", has_params)
    return errs


def _variable(variable: Obj, path: str, has_params: bool) -> Errors:
    errs: Errors = []
    name = _s(variable.get("name"))
    if not name.strip():
        errs.append(field.required(f"{path}.name", "name is not specified"))
    elif not _CEL_IDENTIFIER.fullmatch(name):
        errs.append(field.invalid(f"{path}.name", name, "name is not a valid CEL identifier"))
    expression = _s(variable.get("expression"))
    if not expression.strip():
        errs.append(field.required(f"{path}.expression", "expression is not specified"))
    else:
        errs += _compiled(expression, f"{path}.expression", has_params)
    return errs


def _match_resources(match: Obj, path: str) -> Errors:
    """validateMatchResources."""
    errs: Errors = []
    policy = match.get("matchPolicy")
    if policy is not None and policy not in MATCH_POLICIES:
        errs.append(field.not_supported(f"{path}.matchPolicy", policy, MATCH_POLICIES))
    for selector in ("namespaceSelector", "objectSelector"):
        if match.get(selector) is not None:
            errs += validate_label_selector(match[selector], f"{path}.{selector}")
    for key in ("resourceRules", "excludeResourceRules"):
        for i, rule in enumerate(_l(match.get(key))):
            errs += _rule(_d(rule), f"{path}.{key}[{i}]")
    return errs


def _rule(rule: Obj, path: str) -> Errors:
    """validateNamedRuleWithOperations: operations, then validateRule."""
    errs: Errors = []
    operations = _l(rule.get("operations"))
    if not operations:
        errs.append(field.required(f"{path}.operations", ""))
    elif len(operations) > 1 and "*" in operations:
        errs.append(
            field.invalid(
                f"{path}.operations",
                _go_list("admissionregistration.OperationType", operations),
                "if '*' is present, must not specify other operations",
            )
        )
    for i, operation in enumerate(operations):
        if operation not in OPERATIONS:
            errs.append(field.not_supported(f"{path}.operations[{i}]", operation, OPERATIONS))
    for key, what in (("apiGroups", "API groups"), ("apiVersions", "API versions")):
        values = _l(rule.get(key))
        if not values:
            errs.append(field.required(f"{path}.{key}", ""))
        elif len(values) > 1 and "*" in values:
            errs.append(
                field.invalid(
                    f"{path}.{key}", values, f"if '*' is present, must not specify other {what}"
                )
            )
    if not _l(rule.get("resources")):
        errs.append(field.required(f"{path}.resources", ""))
    scope = rule.get("scope")
    if scope is not None and scope not in SCOPES:
        errs.append(field.not_supported(f"{path}.scope", scope, SCOPES))
    return errs


def _go_list(go_type: str, values: list[object]) -> GoLiteral:
    """A slice of a named string type as %#v prints it."""
    return GoLiteral(f"[]{go_type}{{" + ", ".join(go_quote(str(v)) for v in values) + "}")
