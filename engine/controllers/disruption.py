"""The disruption controller (pkg/controller/disruption/disruption.go): every
PodDisruptionBudget's status says how many of its pods are healthy, how many must stay so, and
so how many may be evicted now (disruptionsAllowed), which the eviction subresource reads
(engine/apiserver/registry/core/eviction.py).

    expectedPods    minAvailable N: the pods the selector finds; otherwise the replicas their
                    controllers want (getExpectedScale: a ReplicaSet's, or its Deployment's,
                    or a ReplicationController's)
    desiredHealthy  minAvailable (a percentage of expectedPods, rounded up), or expectedPods
                    minus maxUnavailable (a percentage rounded up)
    currentHealthy  the Ready pods not being deleted nor just evicted (status.disruptedPods)
    disruptionsAllowed  currentHealthy - desiredHealthy, never below 0 (0 with no pods)

with the condition DisruptionAllowed (SufficientPods / InsufficientPods). A pod evicted but
not deleted within two minutes (DeletionTimeout) counts again.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

from engine.apimachinery.labels import SelectorError, selector_from_match
from engine.apiserver.request import Response
from engine.client.informer import Handlers, key_of
from engine.controllers.base import Controller, SyncError, error_message, path_of
from engine.controllers.informers import controller_ref
from engine.controllers.podutil import is_pod_ready
from engine.timeutil import parse_rfc3339

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

DELETION_TIMEOUT = 120.0  # DeletionTimeout: an evicted pod still there counts again after it


class ExpectedScaleError(Exception):
    """getExpectedScale found a pod without a controller it knows: event and reason."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class DisruptionController(Controller):
    name = "disruption-controller"
    service_account = "disruption-controller"
    event_source = "controllermanager"
    kind = "PodDisruptionBudget"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.budgets = self.informers.get("poddisruptionbudgets")
        self.pods = self.informers.pods
        self.replicasets = self.informers.replicasets
        self.deployments = self.informers.deployments
        self.replication_controllers = self.informers.get("replicationcontrollers")

    def register(self) -> None:
        def budget(obj: Obj) -> None:
            self.queue.add(key_of(obj))

        def pod(obj: Obj) -> None:
            for pdb in self._budgets_of(obj):
                self.queue.add(key_of(pdb))

        def workload(obj: Obj) -> None:  # a scale change moves expectedPods
            namespace = obj["metadata"].get("namespace")
            for pdb in self.budgets.list():
                if pdb["metadata"].get("namespace") == namespace:
                    self.queue.add(key_of(pdb))

        self.budgets.add_handlers(Handlers(budget, lambda _old, cur: budget(cur), budget))
        self.pods.add_handlers(Handlers(pod, lambda _old, cur: pod(cur), pod))
        for informer in (self.replicasets, self.deployments, self.replication_controllers):
            informer.add_handlers(Handlers(on_update=lambda _old, cur: workload(cur)))

    def synced_resources(self) -> tuple[str, ...]:
        return (
            "poddisruptionbudgets",
            "pods",
            "replicasets",
            "deployments",
            "replicationcontrollers",
        )

    def _budgets_of(self, pod: Obj) -> list[Obj]:
        """getPdbForPod: the budgets of the pod's namespace whose selector takes it."""
        namespace = pod["metadata"].get("namespace")
        labels = pod["metadata"].get("labels") or {}
        found = []
        for pdb in self.budgets.list():
            if pdb["metadata"].get("namespace") != namespace:
                continue
            try:
                selector = selector_from_match((pdb.get("spec") or {}).get("selector"))
            except SelectorError:
                continue
            if not selector.empty() and selector.matches(labels):
                found.append(pdb)
        return found

    def sync(self, key: str) -> Gen:
        pdb = self.budgets.get(key)
        if pdb is None:
            return
        namespace = pdb["metadata"].get("namespace", "")
        spec = pdb.get("spec") or {}
        try:
            selector = selector_from_match(spec.get("selector"))
        except SelectorError:
            return
        pods = [
            p
            for p in self.pods.list()
            if p["metadata"].get("namespace") == namespace
            and not selector.empty()
            and selector.matches(p["metadata"].get("labels") or {})
        ]
        if not pods:
            self.recorder.event(pdb, "Normal", "NoPods", "No matching pods found")
        try:
            expected, desired = self._healthy_counts(pdb, pods)
        except ExpectedScaleError as error:
            self.recorder.event(pdb, "Warning", error.reason, str(error))
            yield from self._write(pdb, self._failed_status(pdb, str(error)))
            return
        disrupted, recheck = self._disrupted(pdb, pods)
        current = sum(
            1
            for p in pods
            if not p["metadata"].get("deletionTimestamp")
            and p["metadata"]["name"] not in disrupted
            and is_pod_ready(p)
        )
        allowed = current - desired
        if expected <= 0 or allowed <= 0:
            allowed = 0
        status = {
            "observedGeneration": pdb["metadata"].get("generation", 0),
            "disruptionsAllowed": allowed,
            "currentHealthy": current,
            "desiredHealthy": desired,
            "expectedPods": expected,
        }
        if disrupted:
            status["disruptedPods"] = disrupted
        status["conditions"] = self._conditions(pdb, allowed, status["observedGeneration"])
        first = "observedGeneration" not in (pdb.get("status") or {})
        yield from self._write(pdb, status)
        if first:
            self.milestone(
                f"The disruption controller counted PodDisruptionBudget {pdb['metadata']['name']}: "
                f"{current} of {expected} pods healthy, {desired} must stay so, so {allowed} may "
                "be evicted now",
                pdb,
                None,
                None,
            )
        if recheck is not None:
            self.enqueue_after(key, recheck - self.now, background=True)

    def _healthy_counts(self, pdb: Obj, pods: list[Obj]) -> tuple[int, int]:
        """getExpectedPodCount: expectedPods and desiredHealthy."""
        spec = pdb.get("spec") or {}
        max_unavailable, min_available = spec.get("maxUnavailable"), spec.get("minAvailable")
        if max_unavailable is not None:
            expected = self._expected_scale(pods)
            unavailable = _scaled(max_unavailable, expected)
            return expected, max(0, expected - unavailable)
        if isinstance(min_available, int):
            return len(pods), min_available
        if isinstance(min_available, str):
            expected = self._expected_scale(pods)
            return expected, _scaled(min_available, expected)
        return len(pods), 0

    def _expected_scale(self, pods: list[Obj]) -> int:
        """getExpectedScale: the sum of the replicas of the pods' controllers."""
        scales: dict[str, int] = {}
        for pod in pods:
            ref = controller_ref(pod)
            name = pod["metadata"]["name"]
            if ref is None:
                raise ExpectedScaleError(
                    "NoControllerRef", f'found no controller ref for pod "{name}"'
                )
            if ref.get("uid") in scales:
                continue
            owner = self._scale_of(ref, pod["metadata"].get("namespace", ""))
            if owner is None:
                raise ExpectedScaleError("NoControllers", f'found no controllers for pod "{name}"')
            scales[owner[0]] = owner[1]
        return sum(scales.values())

    def _scale_of(self, ref: Obj, namespace: str) -> tuple[str, int] | None:
        """The finders: a ReplicaSet's replicas, or its Deployment's when one owns it; a
        ReplicationController's (getPodReplicationController)."""
        if ref.get("kind") == "ReplicationController":
            rc = self.replication_controllers.get(f"{namespace}/{ref.get('name', '')}")
            if rc is None or rc["metadata"].get("uid") != ref.get("uid"):
                return None
            return rc["metadata"]["uid"], (rc.get("spec") or {}).get("replicas", 1)
        if ref.get("kind") != "ReplicaSet":
            return None
        rs = self.replicasets.get(f"{namespace}/{ref.get('name', '')}")
        if rs is None or rs["metadata"].get("uid") != ref.get("uid"):
            return None
        owner = controller_ref(rs)
        if owner is not None and owner.get("kind") == "Deployment":
            deployment = self.deployments.get(f"{namespace}/{owner.get('name', '')}")
            if deployment is None or deployment["metadata"].get("uid") != owner.get("uid"):
                return None
            return deployment["metadata"]["uid"], (deployment.get("spec") or {}).get("replicas", 1)
        return rs["metadata"]["uid"], (rs.get("spec") or {}).get("replicas", 1)

    def _disrupted(self, pdb: Obj, pods: list[Obj]) -> tuple[dict[str, str], float | None]:
        """buildDisruptedPodMap: evictions still pending, and when the oldest times out."""
        existing = {p["metadata"]["name"]: p for p in pods}
        kept: dict[str, str] = {}
        recheck: float | None = None
        for name, stamp in ((pdb.get("status") or {}).get("disruptedPods") or {}).items():
            pod = existing.get(name)
            if pod is None or pod["metadata"].get("deletionTimestamp"):
                continue  # gone, or going: no longer pending
            expires = parse_rfc3339(stamp) + DELETION_TIMEOUT
            if expires < self.now:
                continue  # not deleted in time: it counts again
            kept[name] = stamp
            recheck = expires if recheck is None else min(recheck, expires)
        return kept, recheck

    def _conditions(self, pdb: Obj, allowed: int, generation: int) -> list[Obj]:
        """UpdateDisruptionAllowedCondition (meta.SetStatusCondition: the transition time
        moves only when the status does)."""
        status, reason = (
            ("True", "SufficientPods") if allowed > 0 else ("False", "InsufficientPods")
        )
        return [_condition(pdb, status, reason, "", generation, self.stamp())]

    def _failed_status(self, pdb: Obj, message: str) -> Obj:
        """failSafe: nothing may be evicted, and the condition says why (SyncFailed)."""
        status = dict(pdb.get("status") or {})
        generation = pdb["metadata"].get("generation", 0)
        status["disruptionsAllowed"] = 0
        status["conditions"] = [
            _condition(pdb, "False", "SyncFailed", message, generation, self.stamp())
        ]
        return status

    def _write(self, pdb: Obj, status: Obj) -> Gen:
        old = pdb.get("status") or {}
        if all(old.get(k) == v for k, v in status.items()) and set(old) <= set(status):
            return
        yield from self.work()
        meta = pdb["metadata"]
        new = {**pdb, "status": status}
        response: Response = yield from self.request(
            "PUT",
            path_of("poddisruptionbudgets", meta.get("namespace", ""), meta["name"], "status"),
            new,
        )
        if not response.ok:
            raise SyncError(error_message(response))


def _condition(pdb: Obj, status: str, reason: str, message: str, generation: int, now: str) -> Obj:
    old = next(
        (
            c
            for c in (pdb.get("status") or {}).get("conditions") or []
            if c.get("type") == "DisruptionAllowed"
        ),
        None,
    )
    stamp = now if old is None or old.get("status") != status else old.get("lastTransitionTime")
    return {
        "type": "DisruptionAllowed",
        "status": status,
        "observedGeneration": generation,
        "lastTransitionTime": stamp,
        "reason": reason,
        "message": message,
    }


def _scaled(value: int | str, total: int) -> int:
    """intstr.GetScaledValueFromIntOrPercent with rounding up."""
    if isinstance(value, int):
        return value
    percent = int(value.rstrip("%") or 0)
    return math.ceil(percent * total / 100)
