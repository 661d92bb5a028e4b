"""admissionregistration.k8s.io/v1: ValidatingAdmissionPolicy and
ValidatingAdmissionPolicyBinding, as staging/src/k8s.io/api/admissionregistration/v1/types.go
declares them."""

from __future__ import annotations

from engine.apiserver.schema.cluster import kind, list_kind
from engine.apiserver.schema.meta import LABEL_SELECTOR
from engine.apiserver.schema.model import Prop, Struct, int64, list_of, ref, string, strings
from engine.apiserver.schema.policy import CONDITION

ADMISSION = "io.k8s.api.admissionregistration.v1."

POLICY = kind(
    ADMISSION + "ValidatingAdmissionPolicy",
    ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy"),
    "A ValidatingAdmissionPolicy is a list of CEL expressions the API server checks requests "
    "against (e.g. object.spec.replicas <= 5). It does nothing until a "
    "ValidatingAdmissionPolicyBinding binds it to some namespaces or objects.",
    spec=ref(
        ADMISSION + "ValidatingAdmissionPolicySpec", "What it checks, and for which requests."
    ),
    status=ref(
        ADMISSION + "ValidatingAdmissionPolicyStatus",
        "What the API server found when it type-checked the expressions.",
    ),
)
BINDING = kind(
    ADMISSION + "ValidatingAdmissionPolicyBinding",
    ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding"),
    "A ValidatingAdmissionPolicyBinding puts a ValidatingAdmissionPolicy to work: for the "
    "resources it matches, a failed validation is denied, warned about or audited.",
    spec=ref(
        ADMISSION + "ValidatingAdmissionPolicyBindingSpec",
        "The policy it binds, where, and what a failed validation does.",
    ),
)

_SELECTOR = "Only objects (or namespaces) whose labels match. Empty matches everything."


def _named_rules(description: str) -> Prop:
    return list_of(ADMISSION + "NamedRuleWithOperations", description)


STRUCTS = (
    POLICY,
    list_kind(POLICY),
    BINDING,
    list_kind(BINDING),
    Struct(
        ADMISSION + "ValidatingAdmissionPolicySpec",
        "What a policy checks, and for which requests.",
        {
            "auditAnnotations": list_of(
                ADMISSION + "AuditAnnotation",
                "CEL expressions whose values are written to the request's audit event.",
            ),
            "failurePolicy": string(
                "What happens when an expression cannot be evaluated: Fail (the default) "
                "applies the binding's validationActions, Ignore lets the request through.",
                enum=("Fail", "Ignore"),
            ),
            "matchConditions": list_of(
                ADMISSION + "MatchCondition",
                "CEL conditions a request must meet (all true) for the policy to check it.",
                merge_key="name",
                map_keys=("name",),
            ),
            "matchConstraints": ref(
                ADMISSION + "MatchResources",
                "The requests the policy is about: resources and operations. Required.",
            ),
            "paramKind": ref(
                ADMISSION + "ParamKind",
                "The kind of the object bindings name as the policy's parameters (params).",
            ),
            "validations": list_of(
                ADMISSION + "Validation",
                "The CEL expressions a request must pass: each must be true.",
            ),
            "variables": list_of(
                ADMISSION + "Variable",
                "Named CEL expressions the others can use as variables.NAME.",
            ),
        },
    ),
    Struct(
        ADMISSION + "ParamKind",
        "A kind, by its apiVersion and kind.",
        {
            "apiVersion": string("The group/version of the parameter kind, e.g. v1."),
            "kind": string("The kind of the parameter objects, e.g. ConfigMap."),
        },
    ),
    Struct(
        ADMISSION + "MatchResources",
        "Which requests match: by resource and operation, namespace labels and object labels.",
        {
            "excludeResourceRules": _named_rules("Requests these rules match are left alone."),
            "matchPolicy": string(
                "Equivalent (the default) also matches the same resource in another API "
                "version; Exact does not.",
                enum=("Equivalent", "Exact"),
            ),
            "namespaceSelector": ref(LABEL_SELECTOR, _SELECTOR),
            "objectSelector": ref(LABEL_SELECTOR, _SELECTOR),
            "resourceRules": _named_rules("The operations on resources that match."),
        },
    ),
    Struct(
        ADMISSION + "NamedRuleWithOperations",
        "Operations on resources, optionally of some names only.",
        {
            "apiGroups": strings("The API groups; \"\" is the core group, '*' all groups."),
            "apiVersions": strings("The API versions; '*' all versions."),
            "operations": strings("CREATE, UPDATE, DELETE, CONNECT, or '*' for all."),
            "resourceNames": strings("Only objects of these names. Empty means all."),
            "resources": strings(
                "The resources, e.g. deployments; 'pods/status' a subresource; '*' all."
            ),
            "scope": string(
                'Cluster, Namespaced or "*" (the default): cluster-scoped resources, '
                "namespaced ones, or both.",
            ),
        },
    ),
    Struct(
        ADMISSION + "Validation",
        "A CEL expression a request must pass.",
        {
            "expression": string(
                "The CEL expression, e.g. object.spec.replicas <= 5. It may use object, "
                "oldObject, request, params, namespaceObject and variables. Required."
            ),
            "message": string("What a failed validation says. Default: the expression."),
            "messageExpression": string(
                "A CEL expression that builds the message; it wins over message."
            ),
            "reason": string(
                "The status reason of a denial: Unauthorized, Forbidden, Invalid (the "
                "default) or RequestEntityTooLarge.",
            ),
        },
    ),
    Struct(
        ADMISSION + "Variable",
        "A named CEL expression.",
        {
            "expression": string("The CEL expression. Required."),
            "name": string("Its name, used as variables.NAME. Required."),
        },
    ),
    Struct(
        ADMISSION + "AuditAnnotation",
        "An audit annotation built by a CEL expression.",
        {
            "key": string("The annotation's key. Required."),
            "valueExpression": string("A CEL expression giving a string, or null. Required."),
        },
    ),
    Struct(
        ADMISSION + "MatchCondition",
        "A named CEL condition on the request.",
        {
            "expression": string("A CEL expression that gives a bool. Required."),
            "name": string("Its name. Required."),
        },
    ),
    Struct(
        ADMISSION + "ValidatingAdmissionPolicyStatus",
        "What the API server found about the policy.",
        {
            "conditions": list_of(
                CONDITION, "The policy's conditions.", merge_key="type", map_keys=("type",)
            ),
            "observedGeneration": int64("The generation the status is about."),
            "typeChecking": ref(
                ADMISSION + "TypeChecking", "The results of type-checking the expressions."
            ),
        },
    ),
    Struct(
        ADMISSION + "TypeChecking",
        "The warnings of type-checking a policy's expressions.",
        {
            "expressionWarnings": list_of(
                ADMISSION + "ExpressionWarning", "One per expression with a type warning."
            )
        },
    ),
    Struct(
        ADMISSION + "ExpressionWarning",
        "A type warning about one expression.",
        {
            "fieldRef": string("The path to the expression's field. Required."),
            "warning": string("What the type checker found. Required."),
        },
    ),
    Struct(
        ADMISSION + "ValidatingAdmissionPolicyBindingSpec",
        "The policy a binding binds, where, and what a failed validation does.",
        {
            "matchResources": ref(
                ADMISSION + "MatchResources",
                "Narrows the policy's matchConstraints, e.g. to namespaces with some labels.",
            ),
            "paramRef": ref(ADMISSION + "ParamRef", "The parameter object(s) for the policy."),
            "policyName": string("The name of the ValidatingAdmissionPolicy. Required."),
            "validationActions": strings(
                "What a failed validation does: Deny (refuse the request), Warn (a warning "
                "to the client) and/or Audit (an audit annotation). Required.",
                list_type="set",
            ),
        },
    ),
    Struct(
        ADMISSION + "ParamRef",
        "Which object(s) of the policy's paramKind are its params.",
        {
            "name": string("The parameter object's name."),
            "namespace": string("The parameter object's namespace."),
            "parameterNotFoundAction": string("Allow or Deny when no parameter object exists."),
            "selector": ref(LABEL_SELECTOR, "Parameter objects by label."),
        },
    ),
)
