"""SelfSubjectAccessReview and SelfSubjectRulesReview (authorization.k8s.io/v1): a client asks
what it may do (staging/src/k8s.io/api/authorization/v1/types.go). Neither is stored: the API
server answers by asking its authorizers (`kubectl auth can-i`)."""

from __future__ import annotations

from engine.apiserver.schema.cluster import kind
from engine.apiserver.schema.model import Struct, boolean, list_of, ref, string, strings

AUTHZ = "io.k8s.api.authorization.v1."
RESOURCE_ATTRIBUTES = AUTHZ + "ResourceAttributes"
NON_RESOURCE_ATTRIBUTES = AUTHZ + "NonResourceAttributes"
SSAR_SPEC = AUTHZ + "SelfSubjectAccessReviewSpec"
SAR_STATUS = AUTHZ + "SubjectAccessReviewStatus"
SSRR_SPEC = AUTHZ + "SelfSubjectRulesReviewSpec"
SRR_STATUS = AUTHZ + "SubjectRulesReviewStatus"
RESOURCE_RULE = AUTHZ + "ResourceRule"
NON_RESOURCE_RULE = AUTHZ + "NonResourceRule"

SELF_SUBJECT_ACCESS_REVIEW = kind(
    AUTHZ + "SelfSubjectAccessReview",
    ("authorization.k8s.io", "v1", "SelfSubjectAccessReview"),
    "Asks whether the requester may perform an action: the API server fills in the status.",
    spec=ref(SSAR_SPEC, "The action asked about."),
    status=ref(SAR_STATUS, "Whether it is allowed (filled in by the server)."),
)
SELF_SUBJECT_RULES_REVIEW = kind(
    AUTHZ + "SelfSubjectRulesReview",
    ("authorization.k8s.io", "v1", "SelfSubjectRulesReview"),
    "Lists what the requester may do in a namespace: the API server fills in the status.",
    spec=ref(SSRR_SPEC, "The namespace asked about."),
    status=ref(SRR_STATUS, "The rules (filled in by the server)."),
)

STRUCTS = (
    SELF_SUBJECT_ACCESS_REVIEW,
    SELF_SUBJECT_RULES_REVIEW,
    Struct(
        SSAR_SPEC,
        "Exactly one of resourceAttributes and nonResourceAttributes.",
        {
            "nonResourceAttributes": ref(NON_RESOURCE_ATTRIBUTES, "A request to a URL path."),
            "resourceAttributes": ref(RESOURCE_ATTRIBUTES, "A request about a resource."),
        },
    ),
    Struct(
        RESOURCE_ATTRIBUTES,
        "A resource request, as the authorizers see it.",
        {
            "group": string('The API group ("" is the core group; "*" is all).'),
            "name": string("The object's name; empty means all."),
            "namespace": string("The namespace; empty means all, or a cluster-scoped resource."),
            "resource": string('The resource, such as "pods"; "*" is all.'),
            "subresource": string('The subresource, such as "log"; empty means none.'),
            "verb": string('The verb, such as get, list, create; "*" is all.'),
            "version": string('The API version; "*" is all.'),
        },
    ),
    Struct(
        NON_RESOURCE_ATTRIBUTES,
        "A request to a URL path that is not a resource.",
        {"path": string("The URL path."), "verb": string("The standard HTTP verb.")},
    ),
    Struct(
        SAR_STATUS,
        "The answer.",
        {
            "allowed": boolean("Whether the action is allowed."),
            "denied": boolean("Whether an authorizer denied it outright (RBAC never does)."),
            "evaluationError": string("An error met while deciding; the answer may be wrong."),
            "reason": string("Why it is allowed or not."),
        },
        required=("allowed",),
    ),
    Struct(SSRR_SPEC, "The namespace asked about.", {"namespace": string("The namespace.")}),
    Struct(
        SRR_STATUS,
        "What the requester may do.",
        {
            "evaluationError": string("An error met while listing the rules."),
            "incomplete": boolean("Whether the list may miss rules (some authorizer cannot say)."),
            "nonResourceRules": list_of(NON_RESOURCE_RULE, "Rules about URL paths."),
            "resourceRules": list_of(RESOURCE_RULE, "Rules about resources."),
        },
        required=("resourceRules", "nonResourceRules", "incomplete"),
    ),
    Struct(
        RESOURCE_RULE,
        "Verbs allowed on resources.",
        {
            "apiGroups": strings("The API groups."),
            "resourceNames": strings("Only these names; empty means all."),
            "resources": strings("The resources."),
            "verbs": strings("The verbs."),
        },
        required=("verbs",),
    ),
    Struct(
        NON_RESOURCE_RULE,
        "Verbs allowed on URL paths.",
        {"nonResourceURLs": strings("The URL paths."), "verbs": strings("The verbs.")},
        required=("verbs",),
    ),
)
