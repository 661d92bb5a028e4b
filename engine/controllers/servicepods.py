"""What the Endpoints and EndpointSlice controllers share: a queue of Service keys, fed by
Service changes and by the changes of the pods their selectors pick (addPod / updatePod /
deletePod with GetPodServiceMemberships upstream)."""

from __future__ import annotations

from typing import Any

from engine.client.informer import Handlers, key_of
from engine.controllers.base import Controller
from engine.controllers.endpointslice_util import selects

Obj = dict[str, Any]


class ServicePodsController(Controller):
    kind = "Service"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.services = self.informers.get("services")
        self.pods = self.informers.pods

    def register(self) -> None:
        enqueue = self.enqueue
        self.services.add_handlers(Handlers(enqueue, lambda _old, cur: enqueue(cur), enqueue))
        self.pods.add_handlers(Handlers(self._pod_changed, self._pod_updated, self._pod_changed))

    def enqueue(self, obj: Obj) -> None:
        self.queue.add(key_of(obj))

    def _pod_changed(self, pod: Obj) -> None:
        for key in self._services_of(pod):
            self.queue.add(key)

    def _pod_updated(self, old: Obj, cur: Obj) -> None:
        """The Services that picked the pod before or pick it now."""
        if old["metadata"].get("resourceVersion") == cur["metadata"].get("resourceVersion"):
            return
        for key in sorted(set(self._services_of(old)) | set(self._services_of(cur))):
            self.queue.add(key)

    def _services_of(self, pod: Obj) -> list[str]:
        return [key_of(svc) for svc in self.services.list() if selects(svc, pod)]

    def pods_of(self, service: Obj) -> list[Obj]:
        """The pods the Service's selector picks, by name (the lister's order is a map's)."""
        picked = (pod for pod in self.pods.list() if selects(service, pod))
        return sorted(picked, key=lambda pod: pod["metadata"]["name"])
