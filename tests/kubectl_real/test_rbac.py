"""RBAC with the real kubectl and the in-engine one, side by side: the examples of the docs'
"Using RBAC Authorization" page applied, each kind listed and described, `kubectl create
role|rolebinding|clusterrole|clusterrolebinding` (protobuf bodies), `auth can-i` with and
without --as, and a 403 through --as=system:serviceaccount:default:default."""

from __future__ import annotations

from tests.kubectl_real.conftest import Twin, normalized

# content/en/docs/reference/access-authn-authz/rbac.md
DOCS = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  namespace: default
  name: pod-reader
rules:
- apiGroups: [""] # "" indicates the core API group
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: secret-reader
rules:
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
  namespace: default
subjects:
- kind: User
  name: jane
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: Role
  name: pod-reader
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: read-secrets-global
subjects:
- kind: Group
  name: manager
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: ClusterRole
  name: secret-reader
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring
aggregationRule:
  clusterRoleSelectors:
  - matchLabels:
      rbac.example.com/aggregate-to-monitoring: "true"
rules: [] # The control plane automatically fills in the rules
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring-endpoints
  labels:
    rbac.example.com/aggregate-to-monitoring: "true"
rules:
- apiGroups: [""]
  resources: ["services", "endpointslices", "pods"]
  verbs: ["get", "list", "watch"]
- nonResourceURLs: ["/healthz", "/healthz/*"]
  verbs: ["get", "post"]
"""


def same(twin: Twin, line: str) -> str:
    real, engine = twin.both(line)
    assert (normalized(engine.stdout), normalized(engine.stderr), engine.exit_code) == (
        normalized(real.stdout),
        normalized(real.stderr),
        real.code,
    ), line
    return real.stdout


def test_the_docs_examples(twin: Twin) -> None:
    twin.file("rbac.yaml", DOCS)
    same(twin, "apply -f rbac.yaml")
    same(twin, "get roles")
    same(twin, "get rolebindings -o wide")
    same(twin, "get clusterrolebinding read-secrets-global -o wide")
    same(twin, "get clusterrolebinding cluster-admin -o wide")
    same(twin, "get clusterrolebinding system:kube-scheduler -o wide")
    same(twin, "describe role pod-reader")
    same(twin, "describe rolebinding read-pods")
    same(twin, "describe clusterrole monitoring-endpoints")
    same(twin, "describe clusterrolebinding read-secrets-global")
    same(twin, "describe clusterrole view")
    same(twin, "describe clusterrole admin")
    same(twin, "get clusterroles")
    same(twin, "get clusterrolebindings -o wide")
    same(twin, "get role pod-reader -o yaml")
    same(twin, "get clusterrolebinding read-secrets-global -o json")


def test_can_i_and_a_403(twin: Twin) -> None:
    twin.file("rbac.yaml", DOCS)
    same(twin, "apply -f rbac.yaml")
    assert same(twin, "auth can-i create deployments") == "yes\n"
    same(twin, "auth can-i list nodes")
    same(twin, "auth can-i get foo")
    same(twin, "auth can-i get /healthz")
    assert same(twin, "auth can-i list pods --as=jane") == "yes\n"
    assert same(twin, "auth can-i delete pods --as=jane") == "no\n"
    same(twin, "auth can-i list secrets -n kube-system --as=bob --as-group=manager")
    same(twin, "auth can-i list pods --as=system:serviceaccount:default:default")
    same(twin, "auth can-i --list --as=jane")
    same(twin, "auth can-i --list")
    same(twin, "auth can-i --list --as=system:serviceaccount:default:default -n kube-system")
    same(twin, "get pods --as=system:serviceaccount:default:default")
    same(twin, "get pods --as=jane")
    same(twin, "get secrets --as=jane")


def test_create_roles_and_bindings(twin: Twin) -> None:
    same(twin, "create role pod-reader --verb=get --verb=list --verb=watch --resource=pods,rs")
    same(twin, "create role log-reader --verb=get --resource=pods/log --resource-name=web")
    same(twin, "create role bad --verb=get --resource=foo")
    same(twin, "create role bad --verb=fly --resource=pods")
    same(twin, "create clusterrole healthz --verb=get --non-resource-url=/healthz")
    same(twin, "create clusterrole watcher --aggregation-rule=team=ops")
    same(twin, "create rolebinding read-pods --role=pod-reader --user=jane")
    same(twin, "create rolebinding robot --clusterrole=view --serviceaccount=default:robot")
    same(twin, "create rolebinding both --role=a --clusterrole=b")
    same(twin, "create clusterrolebinding ops --clusterrole=view --group=ops")
    same(twin, "create clusterrolebinding nothing")
    same(twin, "get role log-reader -o yaml")
    same(twin, "get rolebindings -o wide")
    same(twin, "describe clusterrole healthz")
    same(twin, "describe clusterrole watcher")
    same(twin, "create rolebinding read-pods --role=other --user=jane --dry-run=client -o yaml")
