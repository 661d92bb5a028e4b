"""ServiceAccount (core/v1): an identity for the processes in pods
(staging/src/k8s.io/api/core/v1/types.go)."""

from __future__ import annotations

from engine.apiserver.schema.cluster import CORE, kind, list_kind
from engine.apiserver.schema.model import boolean, list_of
from engine.apiserver.schema.pod import OBJECT_REFERENCE

SERVICE_ACCOUNT = kind(
    CORE + "ServiceAccount",
    ("", "v1", "ServiceAccount"),
    "A ServiceAccount is an identity for the processes that run in pods: what they may do is "
    "granted to it (RBAC), and the kubelet mounts a token of it into each pod that uses it. "
    "Every namespace has one named default.",
    automountServiceAccountToken=boolean(
        "Whether pods using this account get its API token mounted (unless the pod says "
        "otherwise). Defaults to true."
    ),
    imagePullSecrets=list_of(
        CORE + "LocalObjectReference",
        "Secrets with registry credentials, added to every pod that uses this account and "
        "names none of its own.",
    ),
    secrets=list_of(
        OBJECT_REFERENCE,
        "Secrets in the same namespace that pods using this account may use (enforced only "
        'with the deprecated "kubernetes.io/enforce-mountable-secrets" annotation). Not '
        "where to find tokens: ask for one with the TokenRequest API (kubectl create token).",
        merge_key="name",
        strategy="merge",
    ),
)

STRUCTS = (SERVICE_ACCOUNT, list_kind(SERVICE_ACCOUNT))
