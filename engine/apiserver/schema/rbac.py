"""Role, ClusterRole, RoleBinding, ClusterRoleBinding (rbac.authorization.k8s.io/v1): who may
do what (staging/src/k8s.io/api/rbac/v1/types.go)."""

from __future__ import annotations

from engine.apiserver.schema.cluster import kind, list_kind
from engine.apiserver.schema.meta import LABEL_SELECTOR
from engine.apiserver.schema.model import Struct, list_of, ref, string, strings

RBAC = "io.k8s.api.rbac.v1."
POLICY_RULE = RBAC + "PolicyRule"
SUBJECT = RBAC + "Subject"
ROLE_REF = RBAC + "RoleRef"
AGGREGATION_RULE = RBAC + "AggregationRule"

_RULES = list_of(POLICY_RULE, "The PolicyRules: what the role allows (nothing else is).")
_SUBJECTS = list_of(SUBJECT, "Who is granted the role: users, groups or ServiceAccounts.")
_ROLE_REF = ref(
    ROLE_REF,
    "The role granted: a Role in the binding's namespace or a ClusterRole. It cannot be "
    "changed: delete the binding and make another.",
)

ROLE = kind(
    RBAC + "Role",
    ("rbac.authorization.k8s.io", "v1", "Role"),
    "A Role is a set of permissions (PolicyRules) in one namespace. It grants nothing by "
    "itself: a RoleBinding gives it to users, groups or ServiceAccounts.",
    rules=_RULES,
)
CLUSTER_ROLE = kind(
    RBAC + "ClusterRole",
    ("rbac.authorization.k8s.io", "v1", "ClusterRole"),
    "A ClusterRole is a set of permissions (PolicyRules) not tied to a namespace: granted by a "
    "ClusterRoleBinding it applies everywhere, by a RoleBinding in that binding's namespace.",
    aggregationRule=ref(
        AGGREGATION_RULE,
        "If set, the controller manager fills this role's rules with those of the ClusterRoles "
        "its selectors match (any rules written here are overwritten).",
    ),
    rules=_RULES,
)
ROLE_BINDING = kind(
    RBAC + "RoleBinding",
    ("rbac.authorization.k8s.io", "v1", "RoleBinding"),
    "A RoleBinding grants the permissions of a Role (or of a ClusterRole, limited to the "
    "binding's namespace) to its subjects.",
    roleRef=_ROLE_REF,
    subjects=_SUBJECTS,
)
CLUSTER_ROLE_BINDING = kind(
    RBAC + "ClusterRoleBinding",
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"),
    "A ClusterRoleBinding grants the permissions of a ClusterRole to its subjects in every "
    "namespace and for cluster-scoped resources.",
    roleRef=_ROLE_REF,
    subjects=_SUBJECTS,
)

STRUCTS = (
    ROLE,
    list_kind(ROLE),
    CLUSTER_ROLE,
    list_kind(CLUSTER_ROLE),
    ROLE_BINDING,
    list_kind(ROLE_BINDING),
    CLUSTER_ROLE_BINDING,
    list_kind(CLUSTER_ROLE_BINDING),
    Struct(
        POLICY_RULE,
        "What a role allows: verbs on resources of API groups (optionally only those named), "
        "or verbs on non-resource URLs.",
        {
            "apiGroups": strings(
                'The API groups of the resources ("" is the core group); "*" is all.'
            ),
            "nonResourceURLs": strings(
                'URLs that are not resources, such as "/healthz" (ClusterRoles only); a '
                'trailing "*" matches any ending.'
            ),
            "resourceNames": strings("Only these objects, by name. Empty means all."),
            "resources": strings(
                'The resources, such as "pods", or a subresource such as "pods/log"; "*" is all.'
            ),
            "verbs": strings('The verbs allowed, such as get, list, watch, create; "*" is all.'),
        },
        required=("verbs",),
    ),
    Struct(
        SUBJECT,
        "Who a binding grants its role to: a user, a group or a ServiceAccount.",
        {
            "apiGroup": string(
                'The API group of the subject: "" for ServiceAccounts, '
                '"rbac.authorization.k8s.io" for users and groups (the defaults).'
            ),
            "kind": string('"User", "Group" or "ServiceAccount".'),
            "name": string("The name of the subject."),
            "namespace": string(
                "The ServiceAccount's namespace (for users and groups it must be empty)."
            ),
        },
        required=("kind", "name"),
        extensions=(("x-kubernetes-map-type", "atomic"),),
    ),
    Struct(
        ROLE_REF,
        "The role a binding grants.",
        {
            "apiGroup": string("The API group of the role: rbac.authorization.k8s.io."),
            "kind": string('"Role" or "ClusterRole".'),
            "name": string("The name of the role."),
        },
        required=("apiGroup", "kind", "name"),
        extensions=(("x-kubernetes-map-type", "atomic"),),
    ),
    Struct(
        AGGREGATION_RULE,
        "Which ClusterRoles' rules an aggregated ClusterRole combines.",
        {
            "clusterRoleSelectors": list_of(
                LABEL_SELECTOR,
                "Label selectors of the ClusterRoles whose rules are combined (any match).",
            ),
        },
    ),
)
