"""defaultStatefulSetControl (pkg/controller/statefulset/stateful_set_control.go): one sync
of a StatefulSet over its pods.

The pods are <set>-<ordinal> for the ordinals [start, start+replicas); each missing one is
created (its claims first) from the current or the update revision's template; pods outside
the range are condemned and deleted, highest ordinal first. With podManagementPolicy
OrderedReady (monotonic) it does one thing per sync and waits: a pod is created only once all
before it are Running and Ready, and one is deleted only once all the others are. With
Parallel it creates and deletes without waiting. Then a RollingUpdate deletes, highest ordinal
first down to the partition, the pods not of the update revision, at most maxUnavailable
unavailable at a time; the next sync re-creates them from the new template. OnDelete leaves
that to the user. The history is kept as ControllerRevisions.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.apiserver.request import Response
from engine.controllers.base import SyncError, error_message, path_of
from engine.controllers.statefulset import pod_control, utils

if TYPE_CHECKING:
    from engine.controllers.statefulset.controller import StatefulSetController

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


# ---- revisions (getStatefulSetRevisions, truncateHistory) -----------------------------------
def _create_revision(ssc: StatefulSetController, sts: Obj, revision: Obj, count: int) -> Gen:
    """history.CreateControllerRevision: a name taken by other data is a hash collision, tried
    again with the next collision count. Returns (revision, collision count)."""
    namespace = sts["metadata"].get("namespace", "")
    while True:
        body = copy.deepcopy(revision)
        body["metadata"]["name"] = (
            f"{sts['metadata']['name']}-{utils.revision_hash(revision['data'], count)}"
        )
        response: Response = yield from ssc.request(
            "POST", path_of("controllerrevisions", namespace), body
        )
        if response.ok:
            return response.body, count
        if response.code != 409:
            raise SyncError(error_message(response))
        existing: Response = yield from ssc.request(
            "GET", path_of("controllerrevisions", namespace, body["metadata"]["name"])
        )
        found = ssc.must(existing)
        if found.get("data") == body["data"]:
            return found, count
        count += 1


def revisions_of(ssc: StatefulSetController, sts: Obj, revisions: list[Obj]) -> Gen:
    """getStatefulSetRevisions: (current, update, collision count). The update revision is the
    template now: the latest revision if it already is, an older equal one renumbered (a
    rollback), or a new one."""
    namespace = sts["metadata"].get("namespace", "")
    count = int((sts.get("status") or {}).get("collisionCount") or 0)
    latest = revisions[-1] if revisions else None
    wanted = utils.new_revision(sts, (latest or {}).get("revision", 0) + 1, count)
    equal = [r for r in revisions if r.get("data") == wanted["data"]]
    if equal and latest is not None and equal[-1] is latest:
        update = latest
    elif equal:
        body = copy.deepcopy(equal[-1])
        body["revision"] = wanted["revision"]
        response: Response = yield from ssc.request(
            "PUT", path_of("controllerrevisions", namespace, body["metadata"]["name"]), body
        )
        update = ssc.must(response)
    else:
        update, count = yield from _create_revision(ssc, sts, wanted, count)
    current_name = (sts.get("status") or {}).get("currentRevision")
    current = next((r for r in revisions if r["metadata"]["name"] == current_name), update)
    return current, update, count


def truncate_history(
    ssc: StatefulSetController, sts: Obj, pods: list[Obj], revisions: list[Obj], live: set[str]
) -> Gen:
    """truncateHistory: beyond revisionHistoryLimit, the oldest revisions no pod uses go."""
    live = live | {utils.revision_of(p) for p in pods}
    history = [r for r in revisions if r["metadata"]["name"] not in live]
    excess = len(history) - int(sts["spec"].get("revisionHistoryLimit") or 0)
    namespace = sts["metadata"].get("namespace", "")
    for revision in history[: max(excess, 0)]:
        response: Response = yield from ssc.request(
            "DELETE", path_of("controllerrevisions", namespace, revision["metadata"]["name"]), {}
        )
        if not response.ok and response.code != 404:
            raise SyncError(error_message(response))


# ---- status (updateStatus, computeReplicaStatus) ---------------------------------------------
def compute_status(
    ssc: StatefulSetController, sts: Obj, current: Obj, update: Obj, count: int, pods: list[Obj]
) -> Obj:
    min_ready = int(sts["spec"].get("minReadySeconds") or 0)
    status: Obj = {
        "observedGeneration": sts["metadata"].get("generation", 0),
        "replicas": 0,
        "readyReplicas": 0,
        "currentReplicas": 0,
        "updatedReplicas": 0,
        "currentRevision": current["metadata"]["name"],
        "updateRevision": update["metadata"]["name"],
        "collisionCount": count,
        "availableReplicas": 0,
    }
    for pod in pods:
        created = utils.is_created(pod)
        status["replicas"] += created
        if utils.is_running_and_ready(pod):
            status["readyReplicas"] += 1
            status["availableReplicas"] += utils.is_running_and_available(pod, min_ready, ssc.now)
        if created and not utils.is_terminating(pod):
            revision = utils.revision_of(pod)
            status["currentReplicas"] += revision == status["currentRevision"]
            status["updatedReplicas"] += revision == status["updateRevision"]
    return status


# ---- updateStatefulSet -----------------------------------------------------------------------
def update_stateful_set(
    ssc: StatefulSetController, sts: Obj, current: Obj, update: Obj, count: int, pods: list[Obj]
) -> Gen:
    """updateStatefulSet: returns the status to report."""
    current_set = utils.apply_revision(sts, current)
    update_set = utils.apply_revision(sts, update)
    start, replicas_wanted = utils.start_ordinal(sts), int(sts["spec"].get("replicas") or 0)
    replicas: list[Obj | None] = [None] * replicas_wanted
    condemned: list[Obj] = []
    for pod in pods:
        ordinal = utils.ordinal_of(pod)
        if start <= ordinal < start + replicas_wanted:
            replicas[ordinal - start] = pod
        elif ordinal >= 0:
            condemned.append(pod)
    slots: list[Obj] = [
        pod
        if pod is not None
        else _versioned_pod(current_set, update_set, current, update, i + start)
        for i, pod in enumerate(replicas)
    ]
    condemned.sort(key=utils.ordinal_of, reverse=True)
    first_unhealthy = next((p for p in slots + condemned[::-1] if not utils.is_healthy(p)), None)
    if sts["metadata"].get("deletionTimestamp"):
        return compute_status(ssc, sts, current, update, count, slots + condemned)
    monotonic = sts["spec"].get("podManagementPolicy") != "Parallel"
    ctx = _Sync(ssc, sts, update_set, update["metadata"]["name"], monotonic, slots)
    done = yield from ctx.process_replicas()
    if done:
        done = yield from ctx.process_condemned(condemned, first_unhealthy)
    status = compute_status(ssc, sts, current, update, count, slots + condemned)
    strategy = sts["spec"].get("updateStrategy") or {}
    if done and strategy.get("type") != "OnDelete":
        deleted = yield from ctx.rolling_update(strategy.get("rollingUpdate") or {})
        status["currentReplicas"] -= deleted
    return status


def _versioned_pod(
    current_set: Obj, update_set: Obj, current: Obj, update: Obj, ordinal: int
) -> Obj:
    """newVersionedStatefulSetPod: below the partition of a RollingUpdate, the current
    revision's pod; otherwise the update revision's."""
    strategy = current_set["spec"].get("updateStrategy") or {}
    rolling = strategy.get("rollingUpdate")
    start = utils.start_ordinal(current_set)
    below = (
        strategy.get("type") == "RollingUpdate"
        and rolling is None
        and ordinal < start + int((current_set.get("status") or {}).get("currentReplicas") or 0)
    ) or (rolling is not None and ordinal < start + int(rolling.get("partition") or 0))
    if below:
        return utils.new_pod(current_set, ordinal, current["metadata"]["name"])
    return utils.new_pod(update_set, ordinal, update["metadata"]["name"])


@dataclass
class _Sync:
    """processReplica, processCondemned and updateStatefulSetAfterInvariantEstablished over
    one sync's pods (`slots`: one per ordinal in range, not yet created ones included)."""

    ssc: StatefulSetController
    sts: Obj
    update_set: Obj  # the set with the update revision's template
    update_revision: str
    monotonic: bool  # OrderedReady
    slots: list[Obj]

    @property
    def min_ready(self) -> int:
        return int(self.sts["spec"].get("minReadySeconds") or 0)

    def process_replicas(self) -> Gen:
        """runForAll(processReplica): False once something must wait (monotonic only: with
        Parallel every pod is seen to)."""
        errors: list[str] = []
        for i in range(len(self.slots)):
            try:
                stop = yield from self._process_replica(i)
            except pod_control.StatefulPodError as error:
                if self.monotonic:
                    raise SyncError(str(error)) from error
                errors.append(str(error))
                continue
            if stop and self.monotonic:
                return False
        if errors:
            raise SyncError(errors[0])
        return True

    def _process_replica(self, i: int) -> Gen:
        ssc, sts, pod = self.ssc, self.sts, self.slots[i]
        name = pod["metadata"]["name"]
        if utils.phase(pod) in ("Failed", "Succeeded"):
            # A finished pod is deleted; the next sync, once it is gone from etcd, makes the
            # new one (a pod being deleted finishes too: then there is only the wait).
            if not utils.is_terminating(pod):
                failed = utils.phase(pod) == "Failed"
                where = f"{sts['metadata'].get('namespace', '')}/{sts['metadata']['name']}"
                ssc.recorder.event(
                    sts,
                    "Warning" if failed else "Normal",
                    "RecreatingFailedPod" if failed else "RecreatingTerminatedPod",
                    f"StatefulSet {where} is recreating {'failed' if failed else 'terminated'} "
                    f"Pod {name}",
                )
                yield from pod_control.delete_pod(ssc, sts, pod)
            return True
        if not utils.is_created(pod):
            kept = ssc.kept_claims(sts, pod)
            yield from pod_control.create_pod(
                ssc, sts, pod, lambda: ssc.pod_story(sts, pod, self.slots, self.monotonic, kept)
            )
            return self.monotonic
        if utils.phase(pod) == "Pending":
            errors = yield from pod_control.create_missing_claims(ssc, sts, pod)
            if errors:
                raise pod_control.StatefulPodError(errors[0])
        if self.monotonic and (
            utils.is_terminating(pod)
            or not utils.is_running_and_ready(pod)
            or not utils.is_running_and_available(pod, self.min_ready, ssc.now)
        ):
            return True
        yield from pod_control.update_claim_owners(ssc, self.update_set, pod)
        if utils.identity_matches(sts, pod) and utils.storage_matches(sts, pod):
            return False
        yield from pod_control.update_pod(ssc, self.update_set, pod)
        return False

    def process_condemned(self, condemned: list[Obj], first_unhealthy: Obj | None) -> Gen:
        """runForAll(processCondemned): highest ordinal first; monotonic: one at a time, and
        only once every other pod is healthy (or it is the first unhealthy one)."""
        ssc, sts = self.ssc, self.sts
        for pod in condemned:  # their claims first (whenScaled Delete: owned by the pod)
            try:
                yield from pod_control.update_claim_owners(ssc, self.update_set, pod)
            except pod_control.StatefulPodError as error:
                raise SyncError(str(error)) from error
        for pod in condemned:
            if utils.is_terminating(pod):
                if self.monotonic:
                    return False
                continue
            healthy = utils.is_running_and_ready(pod) and utils.is_running_and_available(
                pod, self.min_ready, ssc.now
            )
            if self.monotonic and not healthy and pod is not first_unhealthy:
                return False
            ssc.condemned_story(sts, pod, self.monotonic)
            try:
                yield from pod_control.delete_pod(ssc, sts, pod)
            except pod_control.StatefulPodError as error:
                raise SyncError(str(error)) from error
            if self.monotonic:
                return False
        return True

    def rolling_update(self, rolling: Obj) -> Gen:
        """updateStatefulSetAfterInvariantEstablished with maxUnavailable (beta since 1.35):
        delete, highest ordinal first down to the partition, pods not of the update revision,
        while fewer than maxUnavailable pods are unavailable. Returns how many it deleted."""
        ssc, sts, slots = self.ssc, self.sts, self.slots
        partition = int(rolling.get("partition") or 0)
        max_unavailable = _max_unavailable(rolling.get("maxUnavailable", 1), len(slots))
        unavailable = sum(not utils.is_healthy(p) for p in slots)
        room = max_unavailable - unavailable
        deleted = 0
        for pod in reversed(slots[partition:]):
            if deleted >= room:
                break
            if utils.revision_of(pod) != self.update_revision and not utils.is_terminating(pod):
                ssc.update_story(sts, pod, self.update_revision, partition)
                try:
                    yield from pod_control.delete_pod(ssc, sts, pod)
                except pod_control.StatefulPodError as error:
                    raise SyncError(str(error)) from error
                deleted += 1
        return deleted


def _max_unavailable(value: Any, replicas: int) -> int:
    """getStatefulSetMaxUnavailable: a percentage rounds down, and at least 1."""
    if isinstance(value, str) and value.endswith("%"):
        scaled = math.floor(int(value[:-1]) * replicas / 100)
    else:
        scaled = int(value or 0)
    return max(scaled, 1)
