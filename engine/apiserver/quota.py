"""The cluster's own quota: how many objects one simulated cluster may hold.

A learner's `kubectl scale --replicas=1000000000` must not grow the server without bound, so
creates beyond the cluster's Limits are refused the way the ResourceQuota admission plugin
refuses them (plugin/pkg/admission/resourcequota/controller.go: a 403 from
admission.NewForbidden, `exceeded quota: <quota>, requested: …, used: …, limited: …`), as if
a ResourceQuota named QUOTA covered the whole cluster. Controllers then report FailedCreate,
as they do under a real quota.

Counts are etcd's (O(log n) per create) plus the creates admitted but not yet written: the
ReplicaSet controller sends hundreds at once, and each must see the others, as upstream's
quota evaluator serializes them through the quota's status.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from engine.apimachinery import errors
from engine.apiserver.resources import ResourceType
from engine.config import Limits
from engine.etcd import Etcd

QUOTA = "podlife-limits"
# Written by the system at a rate the other limits already bound (a pod's events, a node's
# lease); Nodes are bounded where nodes are added (the web server's max_nodes).
EXEMPT = frozenset({"events", "leases", "nodes"})


class Quota:
    def __init__(self, etcd: Etcd, limits: Limits | None = None) -> None:
        self.etcd = etcd
        self.limits = limits or Limits()
        self._pending: Counter[str] = Counter()  # creates admitted, not yet stored, by resource

    @contextmanager
    def admit(self, resource: ResourceType, name: str) -> Iterator[None]:
        """Admit one more object of `resource` for as long as its create runs, or raise the
        quota's 403."""
        limit, counted = self._limit(resource)
        if limit is not None:
            used = self.etcd.count(resource.prefix()) + self._pending[resource.name]
            if used >= limit:
                raise errors.forbidden(
                    resource.name,
                    name,
                    f"exceeded quota: {QUOTA}, requested: {counted}=1, used: {counted}={used}, "
                    f"limited: {counted}={limit}",
                    resource.group,
                )
        self._pending[resource.name] += 1
        try:
            yield
        finally:
            self._pending[resource.name] -= 1

    def _limit(self, resource: ResourceType) -> tuple[int | None, str]:
        """The limit for `resource` and the quota's name for what it counts."""
        if resource.name == "pods":
            return self.limits.max_pods, "pods"
        if resource.name in EXEMPT:
            return None, ""
        # Object-count quota names: count/<resource>.<group> (count/<resource> in core)
        counted = f"count/{resource.name}" + (f".{resource.group}" if resource.group else "")
        return self.limits.max_objects_per_kind, counted
