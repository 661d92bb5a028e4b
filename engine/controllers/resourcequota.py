"""The resource quota controller (pkg/controller/resourcequota/resource_quota_controller.go and
resource_quota_monitor.go): every ResourceQuota's status says its hard limits (copied from the
spec) and what its namespace uses of each, counted by the evaluators the admission plugin uses
(engine/quotav1.py).

A quota is counted again when it is created or its spec.hard changes, when something it counts
is deleted or a pod finishes (replenishment: the admission plugin only ever adds), and every
five minutes (--resource-quota-sync-period). A quota on `count/<resource>` of a kind no other
quota counted yet starts a monitor (an informer) for that kind, as the QuotaMonitor does.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine import quotav1
from engine.apiserver.request import Response
from engine.apiserver.resources import RESOURCES, ResourceType
from engine.client.informer import Handlers, key_of
from engine.controllers.base import Controller, SyncError, error_message, path_of

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

RESYNC_PERIOD = 300.0  # --resource-quota-sync-period
_ALWAYS_MONITORED = ("pods", "services", "persistentvolumeclaims")


class ResourceQuotaController(Controller):
    name = "resourcequota-controller"
    service_account = "resourcequota-controller"
    event_source = "resource-quota-controller"
    workers = 5  # --concurrent-resource-quota-syncs
    kind = "ResourceQuota"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.quotas = self.informers.get("resourcequotas")
        self._monitored: set[str] = set()

    def register(self) -> None:
        def spec_changed(old: Obj, cur: Obj) -> None:
            if (old.get("spec") or {}).get("hard") != (cur.get("spec") or {}).get("hard"):
                self.queue.add(key_of(cur))

        self.quotas.add_handlers(Handlers(lambda q: self.queue.add(key_of(q)), spec_changed))
        for resource in _ALWAYS_MONITORED:
            self._monitor(resource)

    def synced_resources(self) -> tuple[str, ...]:
        return ("resourcequotas", *_ALWAYS_MONITORED)

    def on_synced(self) -> None:
        self.env.process(self._resync(), f"{self.name} resync", background=True)

    def _resync(self) -> Gen:
        while True:
            yield RESYNC_PERIOD
            for quota in self.quotas.list():
                self.queue.add(key_of(quota))

    def _monitor(self, resource: str) -> None:
        """A QuotaMonitor's informer: what it deletes (or a pod that finishes) frees quota."""
        if resource in self._monitored:
            return
        self._monitored.add(resource)

        def freed(obj: Obj) -> None:
            self._replenish(obj)

        def changed(old: Obj, cur: Obj) -> None:
            if resource == "pods":  # a pod that finished stops counting its compute resources
                now = self.env.now
                if quotav1.pod_counts_compute(old, now) != quotav1.pod_counts_compute(cur, now):
                    self._replenish(cur)

        self.informers.get(resource).add_handlers(Handlers(on_update=changed, on_delete=freed))

    def _replenish(self, obj: Obj) -> None:
        namespace = obj["metadata"].get("namespace", "")
        for quota in self.quotas.list():
            if quota["metadata"].get("namespace") == namespace:
                self.queue.add(key_of(quota))

    def sync(self, key: str) -> Gen:
        """syncResourceQuota: status.hard from the spec, status.used counted again."""
        quota = self.quotas.get(key)
        if quota is None:
            return
        namespace = quota["metadata"].get("namespace", "")
        hard = dict((quota.get("spec") or {}).get("hard") or {})
        used: dict[str, str] = {}
        for resource in RESOURCES:
            names = quotav1.matching_resources(resource, list(hard)) if resource.namespaced else []
            if names:
                used.update((yield from self._usage(quota, resource, names)))
        status = quota.get("status") or {}
        if status.get("hard") == hard and status.get("used") == used:
            return
        yield from self.work()
        first = not status.get("used")
        new = {**quota, "status": {"hard": hard, "used": used}}
        meta = quota["metadata"]
        response: Response = yield from self.request(
            "PUT", path_of("resourcequotas", namespace, meta["name"], "status"), new
        )
        if not response.ok:
            raise SyncError(error_message(response))
        if first:
            counted = ", ".join(f"{n} {used[n]} of {hard[n]}" for n in sorted(hard))
            self.milestone(
                f"The resource quota controller counted what namespace {namespace} uses "
                f"against quota {meta['name']}: {counted}",
                quota,
                None,
                None,
            )

    def _usage(self, quota: Obj, resource: ResourceType, names: list[str]) -> Gen:
        """CalculateUsage: zero for every name, plus the usage of each stored object in the
        quota's namespace and scopes."""
        namespace = quota["metadata"].get("namespace", "")
        if resource.name not in self._monitored:
            self._monitor(resource.name)
            yield from self.informers.wait_for_sync(resource.name)
        used: dict[str, str] = dict.fromkeys(names, "0")
        now = self.env.now
        for obj in self.informers.get(resource.name).list():
            if obj["metadata"].get("namespace") == namespace and quotav1.matches_scopes(
                quota, resource, obj
            ):
                used = quotav1.add(used, quotav1.mask(quotav1.usage(resource, obj, now), names))
        return used
