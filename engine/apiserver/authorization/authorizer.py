"""The union of authorizers kube-apiserver runs (--authorization-mode=Node,RBAC, kubeadm's),
after the privileged-group shortcut (pkg/kubeapiserver/authorizer/config.go: system:masters
may do anything, without asking the others). The first to allow wins; if none does, the
request is refused (staging/src/k8s.io/apiserver/pkg/authorization/union)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.apiserver.authorization import bootstrap
from engine.apiserver.authorization.attributes import SYSTEM_PRIVILEGED_GROUP, Attributes
from engine.apiserver.authorization.node import NodeAuthorizer
from engine.apiserver.authorization.rbac import Grant, RBACAuthorizer
from engine.apiserver.storage.etcd3 import Storage


@dataclass(frozen=True)
class Decision:
    allowed: bool
    mode: str  # who decided: "Privileged", "Node", "RBAC"
    reason: str = ""
    grant: Grant | None = None


class Authorizer:
    def __init__(self, storage: Storage) -> None:
        self.node = NodeAuthorizer(bootstrap.node_rules())
        self.rbac = RBACAuthorizer(storage)

    def authorize(self, attrs: Attributes) -> Decision:
        if SYSTEM_PRIVILEGED_GROUP in attrs.groups:
            return Decision(True, "Privileged")
        if self.node.allows(attrs):
            return Decision(True, "Node")
        decision = self.rbac.authorize(attrs)
        return Decision(decision.allowed, "RBAC", decision.reason, decision.grant)

    def rules_for(self, user: str, groups: tuple[str, ...], namespace: str) -> list[dict]:
        """The union's RulesFor: the Node authorizer's rules for a kubelet, then RBAC's (the
        privileged group lists none of its own: system:masters is bound to cluster-admin)."""
        node = self.node.node_rules if self.node.is_node(user, groups) else []
        return node + self.rbac.rules_for(user, groups, namespace)
