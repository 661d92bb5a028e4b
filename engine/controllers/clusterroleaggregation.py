"""The ClusterRole aggregation controller (pkg/controller/clusterroleaggregation/
clusterroleaggregation_controller.go): a ClusterRole with an aggregationRule gets the rules of
every other ClusterRole its selectors match (admin, edit and view grow this way when a
ClusterRole labelled rbac.authorization.k8s.io/aggregate-to-view: "true" appears).

Upstream writes them by server-side apply and falls back to an update; here it is the update."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.authorization.bootstrap import aggregated_rules
from engine.client.informer import Handlers
from engine.controllers.base import Controller, path_of

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


class ClusterRoleAggregationController(Controller):
    name = "clusterrole-aggregation-controller"
    service_account = "clusterrole-aggregation-controller"
    event_source = "clusterrole-aggregation-controller"
    kind = "ClusterRole"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.roles = self.informers.get("clusterroles")

    def register(self) -> None:
        def changed(_obj: Obj) -> None:
            # enqueueAll: any ClusterRole may be one an aggregated role selects.
            for role in self.roles.list():
                if role.get("aggregationRule"):
                    self.queue.add(role["metadata"]["name"])

        self.roles.add_handlers(Handlers(changed, lambda _old, cur: changed(cur), changed))

    def synced_resources(self) -> tuple[str, ...]:
        return ("clusterroles",)

    def sync(self, key: str) -> Gen:
        """syncClusterRole."""
        role = self.roles.get(key)
        if role is None or not role.get("aggregationRule"):
            return
        rules = aggregated_rules(role, self.roles.list())
        if rules == (role.get("rules") or []):
            return
        yield from self.work()
        updated = {**role, "rules": rules}
        self.must((yield from self.request("PUT", path_of("clusterroles", name=key), updated)))
        self.note(
            f"ClusterRole {key} now has the rules of the ClusterRoles its aggregationRule "
            f"selects ({len(rules)} rules)",
            role,
        )
