"""The Node authorizer (plugin/pkg/auth/authorizer/node/node_authorizer.go), simplified: a
kubelet (user system:node:<name> in group system:nodes) may do what the system:node
ClusterRole's rules allow (bootstrappolicy NodeRules, which the authorizer holds itself: the
role is bound to no one).

Not simulated: the graph of pods bound to each node that upstream also checks, which limits a
kubelet to the Secrets, ConfigMaps and ServiceAccount tokens of its own pods and to its own
Lease. Podlife's kubelets only ever ask for those."""

from __future__ import annotations

from typing import Any

from engine.apiserver.authorization.attributes import NODE_USER_PREFIX, NODES_GROUP, Attributes
from engine.apiserver.authorization.rules import rule_allows


class NodeAuthorizer:
    def __init__(self, node_rules: list[dict[str, Any]]) -> None:
        self.node_rules = node_rules

    @staticmethod
    def is_node(user: str, groups: tuple[str, ...]) -> bool:
        return NODES_GROUP in groups and user.startswith(NODE_USER_PREFIX)

    def allows(self, attrs: Attributes) -> bool:
        """DecisionAllow, or no opinion (then RBAC decides)."""
        if not self.is_node(attrs.user, attrs.groups):
            return False
        return any(rule_allows(attrs, rule) for rule in self.node_rules)
