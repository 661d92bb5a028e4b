"""Roles, ClusterRoles and their bindings: pkg/registry/rbac/{role,clusterrole,rolebinding,
clusterrolebinding}/strategy.go. Only validation and printing differ from the generic rules:
no status, no generation.

Not done: upstream's escalation check (pkg/registry/rbac/<kind>/policybased), which refuses a
role granting permissions its writer does not hold, or a binding without the `bind` verb. The
learner writes as kubernetes-admin (system:masters), who holds every permission, so the check
would always pass."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation import rbac
from engine.apiserver.validation.common import Errors


class RoleStrategy(Strategy):
    resource_name = "roles"

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return rbac.validate_role(obj, old)


class ClusterRoleStrategy(Strategy):
    resource_name = "clusterroles"

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return rbac.validate_cluster_role(obj, old)


class RoleBindingStrategy(Strategy):
    resource_name = "rolebindings"
    printer = tables.ROLE_BINDING

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return rbac.validate_role_binding(obj, old)


class ClusterRoleBindingStrategy(Strategy):
    resource_name = "clusterrolebindings"
    printer = tables.ROLE_BINDING

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return rbac.validate_cluster_role_binding(obj, old)
