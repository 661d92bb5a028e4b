"""API-server validation: what makes `kubectl apply` answer "The Pod "x" is invalid: ...".

Pure functions over defaulted objects (plain dicts, as parsed from JSON), returning
FieldErrors in the order the real API server appends them. Sources, by message family:

- name / label / port / percent formats: staging/src/k8s.io/apimachinery/pkg/util/validation/
  validation.go and pkg/api/validate/content/{dns,kube}.go  → names
- ObjectMeta: staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go  → meta
- Label selectors: apimachinery/pkg/apis/meta/v1/validation  → label_selector
- Pods and pod templates: pkg/apis/core/validation/validation.go  → pod, pod_spec, containers,
  env, resources, probes, volumes, downward_api, taints (and pod_diff for the update diff)
- Namespaces, Nodes, Events: pkg/apis/core/validation/  → cluster_objects
- Deployments and ReplicaSets: pkg/apis/apps/validation/validation.go (selector immutability:
  pkg/registry/apps/{deployment,replicaset}/strategy.go)  → workloads
- What the decoder rejects first  → decode. Which checks run for which kind is each
  resource's strategy (engine/apiserver/registry/), as upstream's strategy.go files say

Shared plumbing (type aliases, tolerant accessors, semantic equality) lives in common.

Feature gates are taken at their Kubernetes 1.37 defaults (relaxed env-var names, zero-second
sleep actions, relaxed DNS search paths).
"""

from engine.apiserver.validation.common import semantic_equal
from engine.apiserver.validation.decode import decode_error
from engine.apiserver.validation.label_selector import selector_matches
from engine.apiserver.validation.names import regex_error

__all__ = [
    "decode_error",
    "regex_error",
    "selector_matches",
    "semantic_equal",
]
