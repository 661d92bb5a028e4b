"""The ValidatingAdmissionPolicy admission plugin
(staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/validating: dispatcher.go and
validator.go): every policy whose matchConstraints select the request is checked once for
each binding of it that also selects the request.

For a binding: its policy's matchConditions must all be true, then each validation is
evaluated with object, oldObject, request, namespaceObject and variables. A false validation
is a failure; so is an expression that cannot compile or be evaluated, unless the policy's
failurePolicy is Ignore. Each failure does what the binding's validationActions say: Deny
refuses the request (reason Invalid, code 422, unless the validation names another reason),
Warn sends the client a warning, Audit is written to the audit log (here, to the trace).
A DELETE is checked with object null and oldObject the object being deleted.

A policy with a paramKind is evaluated once per parameter object its binding names
(params.py). Not done here: the authorizer variable, auditAnnotations, CONNECT requests,
subresources, and the request's uid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celpy import celtypes

from engine.apimachinery import errors
from engine.apiserver.admissionpolicy import cel, params
from engine.apiserver.admissionpolicy.matching import Attributes, matches
from engine.apiserver.authorization.attributes import with_authenticated
from engine.apiserver.request import parse_resource_path
from engine.apiserver.resources import BY_NAME, ResourceType
from engine.trace import ObjectRef, Step

if TYPE_CHECKING:
    from engine.apiserver.request import Request
    from engine.apiserver.server import APIServer

Obj = dict[str, Any]
POLICIES = BY_NAME["validatingadmissionpolicies"]
BINDINGS = BY_NAME["validatingadmissionpolicybindings"]
NAMESPACES = BY_NAME["namespaces"]
PLUGIN = "ValidatingAdmissionPolicy"

# dispatcher.go reasonToCode
_CODES = {"Forbidden": 403, "Unauthorized": 401, "RequestEntityTooLarge": 413, "Invalid": 422}
# celconfig.MaxEvaluatedMessageExpressionSizeBytes
_MAX_MESSAGE_BYTES = 5 * 1024


@dataclass(frozen=True)
class _Failure:
    """One failed validation (a PolicyDecision with ActionDeny)."""

    message: str
    reason: str = "Invalid"


def admit(
    api: APIServer, req: Request, resource: ResourceType, obj: Obj | None, old: Obj | None
) -> None:
    """Check a CREATE (old None), an UPDATE or a DELETE (obj None) of `resource` against the
    cluster's policies."""
    if resource.group == "admissionregistration.k8s.io":
        return  # rules.IsExemptAdmissionConfigurationResource: policies cannot lock themselves
    requested = parse_resource_path(req.path)
    if requested is not None and requested.subresource:
        # deployments/scale, pods/status…: a rule naming "deployments" does not match them
        # (so `kubectl scale` passes a replicas policy, as on a real cluster); rules naming
        # subresources are not supported here.
        return
    bindings = api.storage.range(BINDINGS.prefix(""))
    if not bindings:
        return
    current: Obj = obj if obj is not None else old or {}
    meta = current.get("metadata") or {}
    namespace = meta.get("namespace", "") if resource.namespaced else ""
    namespace_obj = api.storage.get(NAMESPACES.key("", namespace)) if namespace else None
    attrs = Attributes(
        resource,
        "CREATE" if old is None else "UPDATE" if obj is not None else "DELETE",
        meta.get("name", ""),
        namespace,
        obj,
        old,
        ((namespace_obj or {}).get("metadata") or {}).get("labels") or {},
    )
    by_policy: dict[str, list[Obj]] = {}
    for binding in bindings:
        by_policy.setdefault((binding.get("spec") or {}).get("policyName", ""), []).append(binding)
    ref = resource.ref_of(current)
    checked: list[str] = []
    denied: list[tuple[str, str, _Failure]] = []
    for policy in api.storage.range(POLICIES.prefix("")):
        spec = policy.get("spec") or {}
        policy_name = policy["metadata"]["name"]
        if not matches(spec.get("matchConstraints") or {}, attrs):
            continue
        for binding in by_policy.get(policy_name, []):
            binding_spec = binding.get("spec") or {}
            if not matches(binding_spec.get("matchResources"), attrs):
                continue
            binding_name = binding["metadata"]["name"]
            checked.append(policy_name)
            actions = binding_spec.get("validationActions") or []
            for failure in _failures(req, attrs, namespace_obj, spec, binding_spec, api):
                _warn_and_audit(api, req, ref, policy_name, binding_name, actions, failure)
                if "Deny" in actions:
                    denied.append((policy_name, binding_name, failure))
    if denied:
        _deny(api, req, ref, resource, *denied[0])
    if checked:
        summary = f"Validating admission: {PLUGIN}: passed {', '.join(dict.fromkeys(checked))}"
        api.stage(req, "validating-admission", summary, ref)


def _warn_and_audit(
    api: APIServer,
    req: Request,
    ref: ObjectRef,
    policy: str,
    binding: str,
    actions: list[str],
    failure: _Failure,
) -> None:
    """dispatcher.go: the Warn and Audit validationActions."""
    if "Warn" in actions:
        req.warnings.append(
            f"Validation failed for ValidatingAdmissionPolicy '{policy}' with binding "
            f"'{binding}': {failure.message}"
        )
        if "Deny" not in actions:
            what = f"{ref.kind.lower()} {ref.name} through with a warning"
            _tell(api, req, ref, f"{policy} lets {what}: {failure.message}")
    if "Audit" in actions:
        api.stage(
            req,
            "validating-admission",
            f"{PLUGIN} {policy} (binding {binding}) audited a failure: {failure.message}",
            ref,
        )


def _deny(
    api: APIServer,
    req: Request,
    ref: ObjectRef,
    resource: ResourceType,
    policy: str,
    binding: str,
    failure: _Failure,
) -> None:
    """dispatcher.go: the first denial refuses the request, with admission.NewForbidden's
    message and details, and the validation's reason and its code."""
    message = (
        f"ValidatingAdmissionPolicy '{policy}' with binding '{binding}' denied request: "
        f"{failure.message}"
    )
    error = errors.forbidden(resource.name, ref.name, message, resource.group)
    error.reason = failure.reason
    error.code = _CODES.get(failure.reason, 422)
    assert error.details is not None
    error.details["causes"] = [{"message": message}]
    api.stage(
        req,
        "validating-admission",
        f"{PLUGIN} {policy} (binding {binding}) refused it: {failure.message}",
        ref,
    )
    _tell(api, req, ref, f"{policy} refuses {ref.kind.lower()} {ref.name}: {failure.message}")
    raise error


def _tell(api: APIServer, req: Request, ref: ObjectRef, what: str) -> None:
    """A milestone for the learner's own request (a controller's is told by its events)."""
    if req.step is Step.SEND and not api.quiet:
        headline = f"The ValidatingAdmissionPolicy {what}"
        api.trace.milestone("api-server", headline, ref, None, None, step=Step.PERSIST)


def _failures(
    req: Request,
    attrs: Attributes,
    namespace_obj: Obj | None,
    spec: Obj,
    binding_spec: Obj,
    api: APIServer,
) -> list[_Failure]:
    """The policy's failures for one binding, once per parameter object."""
    try:
        found = params.collect(api.storage, spec, binding_spec, attrs.namespace)
    except params.ConfigurationError as error:
        return [] if spec.get("failurePolicy") == "Ignore" else [_Failure(str(error))]
    return [
        failure
        for param in found
        for failure in _validate(spec, _activation(req, attrs, namespace_obj, param))
    ]


def _activation(
    req: Request, attrs: Attributes, namespace_obj: Obj | None, param: Obj | None
) -> dict[str, Any]:
    """The variables the expressions see (plugin/cel/filter.go: CreateAdmissionRequest,
    CreateNamespaceObject)."""
    resource = attrs.resource
    kind = {"group": resource.group, "version": resource.version, "kind": resource.kind}
    gvr = {"group": resource.group, "version": resource.version, "resource": resource.name}
    request = {
        "kind": kind,
        "resource": gvr,
        "requestKind": kind,
        "requestResource": gvr,
        "name": attrs.name,
        "namespace": attrs.namespace,
        "operation": attrs.operation,
        "userInfo": {"username": req.user, "groups": list(with_authenticated(req.groups))},
        "dryRun": bool(req.query.get("dryRun")),
    }
    namespace = None
    if namespace_obj is not None:
        meta = namespace_obj.get("metadata") or {}
        keep = ("name", "uid", "labels", "annotations", "creationTimestamp", "deletionTimestamp")
        namespace = {
            "metadata": {k: meta[k] for k in keep if k in meta},
            "spec": namespace_obj.get("spec") or {},
            "status": namespace_obj.get("status") or {},
        }
    return {
        "object": cel.to_cel(attrs.obj),
        "oldObject": cel.to_cel(attrs.old),
        "request": cel.to_cel(request),
        "namespaceObject": cel.to_cel(namespace),
        "params": cel.to_cel(param),
    }


def _validate(spec: Obj, activation: dict[str, Any]) -> list[_Failure]:
    """validator.go Validate: the failures of one policy for one binding (empty when its
    matchConditions are not all true)."""
    ignore = spec.get("failurePolicy") == "Ignore"
    has_params = isinstance(spec.get("paramKind"), dict)

    def error(message: str) -> list[_Failure]:
        return [] if ignore else [_Failure(message)]

    activation = dict(activation, variables=_variables(spec, activation, has_params))
    # matchconditions/matcher.go: any false skips the policy; else any error is a failure
    problems: list[str] = []
    for condition in spec.get("matchConditions") or []:
        result, problem = _evaluate(condition.get("expression", ""), has_params, activation)
        if problem is not None:
            problems.append(problem)
        elif not cel.is_true(result):
            return []
    if problems:
        return error(", ".join(problems) if len(problems) == 1 else f"[{', '.join(problems)}]")
    failures: list[_Failure] = []
    for validation in spec.get("validations") or []:
        expression = validation.get("expression", "")
        result, problem = _evaluate(expression, has_params, activation)
        if problem is not None:
            failures += error(problem)
            continue
        if cel.is_true(result):
            continue
        message = _message(validation, activation, has_params)
        failures.append(_Failure(message, validation.get("reason") or "Invalid"))
    return failures


def _message(validation: Obj, activation: dict[str, Any], has_params: bool) -> str:
    """validator.go: messageExpression's single line, else message, else the expression."""
    message = ""
    if validation.get("messageExpression"):
        try:
            program = cel.compile_expression(validation["messageExpression"], has_params)
            value = program.evaluate(activation)
        except (cel.CompileError, cel.EvalError):
            value = None
        text = (cel.as_string(value) or "").strip()
        if len(text.encode()) <= _MAX_MESSAGE_BYTES and "\n" not in text:
            message = text
    if not message:
        message = (validation.get("message") or "").strip()
    if not message:
        message = "failed expression: " + validation.get("expression", "").strip()
    return message


def _variables(spec: Obj, activation: dict[str, Any], has_params: bool) -> celtypes.MapType:
    """spec.variables, each able to use those before it. An error is kept as the variable's
    value, so only expressions that use it fail, as cel-go's lazy evaluation has it."""
    values = celtypes.MapType({})
    scope = dict(activation, variables=values)
    for variable in spec.get("variables") or []:
        name = celtypes.StringType(variable.get("name", ""))
        try:
            program = cel.compile_expression(variable.get("expression", ""), has_params)
            values[name] = program.evaluate(scope)
        except (cel.CompileError, cel.EvalError) as problem:
            values[name] = cel.error_value(str(problem))
    return values


def _evaluate(
    expression: str, has_params: bool, activation: dict[str, Any]
) -> tuple[Any, str | None]:
    """The expression's value, or what went wrong in cel-go's words."""
    try:
        return cel.compile_expression(expression, has_params).evaluate(activation), None
    except cel.CompileError as problem:
        return None, f"compilation failed: {problem}"
    except cel.EvalError as problem:
        return None, f"expression '{expression}' resulted in error: {problem}"
