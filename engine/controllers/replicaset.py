"""The ReplicaSet controller (pkg/controller/replicaset/replica_set.go, replica_set_utils.go).

It keeps `spec.replicas` pods alive for each ReplicaSet: counts the active pods it owns (adopting
matching orphans, releasing owned pods that stopped matching), creates the missing ones in
slow-start batches or deletes the surplus ranked by ActivePods, and reports status. Expectations
stop it from acting twice on the same shortfall before its cache has caught up.

Events (pkg/controller/controller_utils.go RealPodControl): SuccessfulCreate `Created pod: %v`,
FailedCreate `Error creating: %v`, SuccessfulDelete `Deleted pod: %v`, FailedDelete
`Error deleting: %v`, recorded on the ReplicaSet by `replicaset-controller`.
"""

from __future__ import annotations

import functools
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from engine.apimachinery.jsoncopy import deep_copy_json
from engine.apimachinery.labels import LabelSelector, SelectorError, selector_from_match
from engine.apiserver.request import Response
from engine.client.informer import Handlers, key_of
from engine.controllers.activepods import rank_for_deletion
from engine.controllers.base import (
    Controller,
    SyncError,
    error_message,
    path_of,
    run_parallel,
    split_key,
)
from engine.controllers.controller_ref import (
    ClaimManager,
    new_controller_ref,
    resolve_controller_ref,
)
from engine.controllers.expectations import ControllerExpectations
from engine.controllers.informers import CONTROLLER_UID, ORPHAN_NAMESPACE, controller_ref
from engine.controllers.podtally import ACTIVE, ACTIVE_READY, TERMINATING, PodTally
from engine.controllers.podutil import (
    is_pod_active,
    is_pod_available,
    is_pod_ready,
    labels_of,
    pod_key,
)
from engine.utilruntime import describe

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

BURST_REPLICAS = 500  # replicaset.BurstReplicas: at most this many creates/deletes per sync
SLOW_START_INITIAL_BATCH_SIZE = 1  # controller.SlowStartInitialBatchSize
STATUS_UPDATE_RETRIES = 1  # statusUpdateRetries
NAMESPACE_TERMINATING = "because it is being terminated"  # the NamespaceTerminating cause


def _convert_selector(selector: Any) -> tuple[LabelSelector | None, str]:
    """metav1.LabelSelectorAsSelector: (the selector, or None and why). A selector of the
    wrong shape (a string, a list) fails like an invalid one: Go could not have decoded it at
    all."""
    try:
        return selector_from_match(selector), ""
    except SelectorError as error:
        return None, str(error)
    except Exception as error:
        return None, describe(error)


@dataclass
class _Counts:
    active: int = 0
    ready: int = 0
    fully_labeled: int = 0
    terminating: int = 0


class ReplicaSetController(Controller):
    """Also the replication manager's, run on ReplicationControllers (replication.py): what
    differs between the two is in the attributes below and label_selector."""

    name = "replicaset-controller"
    service_account = "replicaset-controller"
    event_source = "replicaset-controller"
    workers = 5  # --concurrent-replicaset-syncs
    kind = "ReplicaSet"
    resource = "replicasets"
    story_name = "ReplicaSet controller"  # as the story calls it
    terminating_status = True  # status.terminatingReplicas (a ReplicaSet's only)

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.expectations = ControllerExpectations(lambda: self.env.now)
        self.pods = self.informers.pods
        self.replicasets = self.informers.get(self.resource)
        self.tally = PodTally()
        self._selectors: dict[str, LabelSelector] = {}
        self._refusals_told: dict[str, str] = {}  # ReplicaSet key -> the refusal last told

    # ---- informer handlers -------------------------------------------------------------------
    def register(self) -> None:
        self.replicasets.add_handlers(Handlers(self._add_rs, self._update_rs, self._delete_rs))
        self.pods.add_handlers(Handlers(self._add_pod, self._update_pod, self._delete_pod))

    def synced_resources(self) -> tuple[str, ...]:
        return ("pods", self.resource)

    def label_selector(self, rs: Obj) -> Any:
        """spec.selector as a metav1.LabelSelector."""
        return (rs.get("spec") or {}).get("selector")

    def _add_rs(self, rs: Obj) -> None:
        self.queue.add(key_of(rs))

    def _update_rs(self, old: Obj, cur: Obj) -> None:
        if self.label_selector(old) != self.label_selector(cur):  # a ReplicationController's
            self._selectors.pop(cur["metadata"].get("uid", ""), None)
        self.queue.add(key_of(cur))

    def _delete_rs(self, rs: Obj) -> None:
        key = key_of(rs)
        self.expectations.delete(key)
        self._selectors.pop(rs["metadata"].get("uid", ""), None)
        self.errors.forget(key)
        self.queue.add(key)

    def _add_pod(self, pod: Obj) -> None:
        self.tally.add(pod)
        if pod["metadata"].get("deletionTimestamp"):
            # A pod that shows up already being deleted is not a creation we were waiting for.
            self._pod_deleted(pod)
            return
        ref = controller_ref(pod)
        if ref is not None:
            rs = self._resolve(pod["metadata"].get("namespace", ""), ref)
            if rs is not None:
                self.expectations.creation_observed(key_of(rs))
                self.queue.add(key_of(rs))
            return
        for rs in self._replica_sets_for_orphan(pod):
            self.queue.add(key_of(rs))

    def _update_pod(self, old: Obj, cur: Obj) -> None:
        self.tally.add(cur)
        if old["metadata"].get("resourceVersion") == cur["metadata"].get("resourceVersion"):
            return
        labels_changed = labels_of(old) != labels_of(cur)
        if cur["metadata"].get("deletionTimestamp"):
            # Graceful deletion: replace the pod now, not when the kubelet is done with it.
            self._pod_deleted(cur)
            if labels_changed:
                self._pod_deleted(old)
            return
        cur_ref, old_ref = controller_ref(cur), controller_ref(old)
        ref_changed = cur_ref != old_ref
        namespace = cur["metadata"].get("namespace", "")
        if ref_changed and old_ref is not None:
            previous = self._resolve(namespace, old_ref)
            if previous is not None:
                self.queue.add(key_of(previous))
        if cur_ref is not None:
            rs = self._resolve(namespace, cur_ref)
            if rs is None:
                return
            self.queue.add(key_of(rs))
            min_ready = rs["spec"].get("minReadySeconds") or 0
            if min_ready and not is_pod_ready(old) and is_pod_ready(cur):
                # The pod becomes available minReadySeconds from now: look again then.
                self.enqueue_after(key_of(rs), min_ready + 1)
            return
        if labels_changed or ref_changed:
            for rs in self._replica_sets_for_orphan(cur):
                self.queue.add(key_of(rs))

    def _delete_pod(self, pod: Obj) -> None:
        self.tally.remove(pod)
        self._pod_deleted(pod)

    def _pod_deleted(self, pod: Obj) -> None:
        ref = controller_ref(pod)
        if ref is None:
            return  # no controller cares about orphans going away
        rs = self._resolve(pod["metadata"].get("namespace", ""), ref)
        if rs is None:
            return
        self.expectations.deletion_observed(key_of(rs), pod_key(pod))
        self.queue.add(key_of(rs))

    def _resolve(self, namespace: str, ref: Obj) -> Obj | None:
        return resolve_controller_ref(self.replicasets, self.kind, namespace, ref)

    def _replica_sets_for_orphan(self, pod: Obj) -> list[Obj]:
        """getPodReplicaSets: ReplicaSets in the pod's namespace whose selector matches it."""
        namespace = pod["metadata"].get("namespace", "")
        labels = labels_of(pod)
        found = []
        for rs in self.replicasets.list():
            if rs["metadata"].get("namespace") != namespace:
                continue
            selector = self._selector(rs)
            if selector is not None and not selector.empty() and selector.matches(labels):
                found.append(rs)
        return found

    def _selector(self, rs: Obj) -> LabelSelector | None:
        uid = rs["metadata"].get("uid", "")
        selector = self._selectors.get(uid)
        if selector is None:
            selector, _ = _convert_selector(self.label_selector(rs))
            if selector is None:
                return None
            # Immutable in apps/v1; a ReplicationController's change drops it (_update_rs).
            self._selectors[uid] = selector
        return selector

    # ---- syncReplicaSet ----------------------------------------------------------------------
    def sync(self, key: str) -> Gen:
        yield from self.work()
        rs = self.replicasets.get(key)
        if rs is None:
            self.expectations.delete(key)
            return
        needs_sync = self.expectations.satisfied(key)
        selector = self._selector(rs)
        if selector is None:
            # syncReplicaSet: utilruntime.HandleError, and nil: no retry until the ReplicaSet
            # changes (a malformed selector is as unusable as an invalid one).
            namespace, name = split_key(key)
            _, problem = _convert_selector(self.label_selector(rs))
            self.errors.handle_error(
                key,
                f"error converting pod selector to selector for rs {namespace}/{name}: {problem}",
                obj=self.ref_for(key),
                data={"error": problem},
            )
            return
        adopted = yield from self._claim(rs, selector)
        counts = self._count(rs, selector, adopted)
        manage_error = ""
        if needs_sync and not rs["metadata"].get("deletionTimestamp"):
            manage_error = yield from self.manage_replicas(rs, selector, counts.active, adopted)
        status = self.calculate_status(rs, selector, counts, adopted, manage_error)
        updated = yield from self.update_status(rs, status)
        spec = updated["spec"]
        min_ready = spec.get("minReadySeconds") or 0
        replicas = spec.get("replicas", 1)
        if (
            not manage_error
            and min_ready
            and updated["status"].get("readyReplicas", 0) == replicas
            and updated["status"].get("availableReplicas", 0) != replicas
        ):
            # A last line of defence for pods that become available with no event to say so.
            self.enqueue_after(key, min_ready)
        if manage_error:
            raise SyncError(manage_error)

    def _claim(self, rs: Obj, selector: LabelSelector) -> Gen:
        """claimPods, over the only pods whose ownership can change: active orphans in the
        namespace, and active owned pods whose labels stopped matching. Returns the adopted."""
        uid = rs["metadata"]["uid"]
        namespace = rs["metadata"].get("namespace", "")
        candidates = [
            pod
            for pod in self.pods.by_index(ORPHAN_NAMESPACE, namespace)
            if is_pod_active(pod) and selector.matches(labels_of(pod))
        ]
        if any(
            not selector.matches(dict(labels)) and state in (ACTIVE, ACTIVE_READY)
            for labels, state in self.tally.of(uid)
        ):
            candidates += [
                pod
                for pod in self.pods.by_index(CONTROLLER_UID, uid)
                if is_pod_active(pod) and not selector.matches(labels_of(pod))
            ]
        if not candidates:
            return []
        manager = ClaimManager(self, rs, self.resource, selector)
        adopted: list[Obj] = yield from manager.claim("pods", candidates)
        return adopted  # released pods are not claimed, so what is claimed was just adopted

    def _count(self, rs: Obj, selector: LabelSelector, adopted: list[Obj]) -> _Counts:
        counts = _Counts()
        template_labels = (rs["spec"].get("template", {}).get("metadata") or {}).get("labels") or {}
        wanted = template_labels.items()
        for (labels, state), n in self.tally.of(rs["metadata"]["uid"]).items():
            as_dict = dict(labels)
            if not selector.matches(as_dict):
                continue
            if state == TERMINATING:
                counts.terminating += n
            elif state in (ACTIVE, ACTIVE_READY):
                counts.active += n
                counts.ready += n if state == ACTIVE_READY else 0
                counts.fully_labeled += n if wanted <= as_dict.items() else 0
        for pod in adopted:
            if self.tally.owner_of(pod_key(pod)) == rs["metadata"]["uid"]:
                continue  # the cache has already seen the adoption
            counts.active += 1
            counts.ready += is_pod_ready(pod)
            counts.fully_labeled += wanted <= labels_of(pod).items()
        return counts

    def active_pods(self, rs: Obj, selector: LabelSelector, adopted: list[Obj]) -> list[Obj]:
        """The claimed active pods themselves (for scale-down and minReadySeconds)."""
        pods = [
            pod
            for pod in self.pods.by_index(CONTROLLER_UID, rs["metadata"]["uid"])
            if is_pod_active(pod) and selector.matches(labels_of(pod))
        ]
        seen = {pod_key(pod) for pod in pods}
        return pods + [pod for pod in adopted if pod_key(pod) not in seen]

    # ---- manageReplicas ----------------------------------------------------------------------
    def manage_replicas(
        self, rs: Obj, selector: LabelSelector, active: int, adopted: list[Obj]
    ) -> Gen:
        """Create or delete pods to reach spec.replicas; returns an error message or ""."""
        key = key_of(rs)
        replicas = rs["spec"].get("replicas", 1)
        diff = active - replicas
        if diff < 0:
            count = min(-diff, BURST_REPLICAS)
            self.expectations.expect_creations(key, count)
            self.note(
                f"{self.kind} {key}: too few replicas (have {active}, need {replicas}): "
                f"creating {count}",
                rs,
                need=replicas,
                have=active,
                creating=count,
            )
            # Said before the pods are made, so that the story tells it before their own steps;
            # not again at each retry of creates the API server refuses (see _tell_refusal).
            if key not in self._refusals_told:
                self.milestone(
                    f"The {self.story_name} sees {rs['metadata']['name']} with {active} of "
                    f"{replicas} pods and creates {_pods(count)}",
                    rs,
                    4,
                    4,
                    count=count,
                )
            succeeded, error = yield from self._slow_start_batch(rs, count)
            if not error:
                self._refusals_told.pop(key, None)  # a later refusal is news again
            for _ in range(count - succeeded):
                # Creations never attempted (or failed) will not be observed.
                self.expectations.creation_observed(key)
            return error
        if diff > 0:
            count = min(diff, BURST_REPLICAS)
            pods = self.active_pods(rs, selector, adopted)
            related = self._related_pods(rs)
            # getPodsToDelete: no need to rank when every pod goes.
            ranked = rank_for_deletion(pods, related, self.now) if count < len(pods) else pods
            doomed = ranked[:count]
            self.expectations.expect_deletions(key, [pod_key(p) for p in doomed])
            self.milestone(
                f"The {self.story_name} sees {rs['metadata']['name']} with {active} of "
                f"{replicas} pods and deletes {_pods(count)}",
                rs,
                4,
                4,
                count=count,
            )
            self.note(
                f"{self.kind} {key}: too many replicas (have {active}, need {replicas}): "
                f"deleting {count}",
                rs,
                need=replicas,
                have=active,
                deleting=[p["metadata"]["name"] for p in doomed],
            )
            results = yield from run_parallel(
                self, [functools.partial(self._delete_pod_of, rs, pod) for pod in doomed], "delete"
            )
            errors = [r for r in results if r]
            return errors[0] if errors else ""
        return ""

    def _related_pods(self, rs: Obj) -> list[Obj]:
        """getIndirectlyRelatedPods: the pods of every ReplicaSet (or ReplicationController)
        with the same owner."""
        ref = controller_ref(rs)
        if ref is None:
            return self.pods.by_index(CONTROLLER_UID, rs["metadata"]["uid"])
        pods: list[Obj] = []
        for sibling in self.replicasets.by_index(CONTROLLER_UID, ref["uid"]):
            pods += self.pods.by_index(CONTROLLER_UID, sibling["metadata"]["uid"])
        return pods

    def _slow_start_batch(self, rs: Obj, count: int) -> Gen:
        """slowStartBatch: batches of 1, 2, 4, ... created in parallel; stop at a failure."""
        remaining, succeeded, batch = count, 0, min(count, SLOW_START_INITIAL_BATCH_SIZE)
        while batch > 0:

            def create() -> Gen:
                return self._create_pod(rs)

            results = yield from run_parallel(self, [create] * batch, "create pod")
            errors = [r for r in results if r]
            succeeded += batch - len(errors)
            if errors:
                return succeeded, errors[0]
            remaining -= batch
            batch = min(2 * batch, remaining)
        return succeeded, ""

    def _create_pod(self, rs: Obj) -> Gen:
        """RealPodControl.CreatePods with GetPodFromTemplate: "" on success, else the error."""
        template = rs["spec"].get("template") or {}
        template_meta = template.get("metadata") or {}
        meta: Obj = {"generateName": f"{rs['metadata']['name']}-"}
        namespace = rs["metadata"].get("namespace", "")
        if template_meta.get("labels"):
            meta["labels"] = dict(template_meta["labels"])
        if template_meta.get("annotations"):
            meta["annotations"] = dict(template_meta["annotations"])
        if template_meta.get("finalizers"):
            meta["finalizers"] = list(template_meta["finalizers"])
        meta["ownerReferences"] = [new_controller_ref(rs)]
        if not meta.get("labels"):
            return "unable to create pods, no labels"
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": meta,
            "spec": deep_copy_json(template.get("spec") or {}),
        }
        response: Response = yield from self.request("POST", path_of("pods", namespace), pod)
        if not response.ok:
            message = error_message(response)
            if NAMESPACE_TERMINATING not in message:
                self.recorder.event(rs, "Warning", "FailedCreate", f"Error creating: {message}")
                self._tell_refusal(rs, message)
            return message
        self.recorder.event(
            rs, "Normal", "SuccessfulCreate", f"Created pod: {response.body['metadata']['name']}"
        )
        return ""

    def _tell_refusal(self, rs: Obj, message: str) -> None:
        """The story of a ReplicaSet that cannot make its pods (a quota, a LimitRange): told
        once per reason, not at every retry (the pod's generated name differs each time)."""
        why = message.split(" is forbidden: ", 1)[-1]
        key = key_of(rs)
        if self._refusals_told.get(key) == why:
            return
        self._refusals_told[key] = why
        name, replicas = rs["metadata"]["name"], rs["spec"].get("replicas", 1)
        owner = controller_ref(rs)
        stuck = f"{owner['kind']} {owner['name']}" if owner else f"{self.kind} {name}"
        self.milestone(
            f"The API server refuses the pods of {self.kind} {name} ({why}): {stuck} cannot "
            f"reach its {replicas} replicas, and the {self.story_name} keeps trying",
            rs,
            None,
            None,
        )

    def _delete_pod_of(self, rs: Obj, pod: Obj) -> Gen:
        """RealPodControl.DeletePod."""
        meta = pod["metadata"]
        response: Response = yield from self.request(
            "DELETE", path_of("pods", meta.get("namespace", ""), meta["name"]), {}
        )
        if response.ok:
            self.recorder.event(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {meta['name']}")
            return ""
        # The informer will never see this deletion: stop waiting for it.
        self.expectations.deletion_observed(key_of(rs), pod_key(pod))
        if response.code == 404:
            return ""
        message = error_message(response)
        self.recorder.event(rs, "Warning", "FailedDelete", f"Error deleting: {message}")
        return f"unable to delete pods: {message}"

    # ---- status ------------------------------------------------------------------------------
    def calculate_status(
        self,
        rs: Obj,
        selector: LabelSelector,
        counts: _Counts,
        adopted: list[Obj],
        manage_error: str,
    ) -> Obj:
        """calculateStatus (replica_set_utils.go)."""
        status = deep_copy_json(rs.get("status") or {})
        min_ready = rs["spec"].get("minReadySeconds") or 0
        if min_ready:
            available = sum(
                is_pod_available(pod, min_ready, self.now)
                for pod in self.active_pods(rs, selector, adopted)
            )
        else:
            available = counts.ready
        conditions = [c for c in status.get("conditions") or () if c.get("type")]
        failure = next((c for c in conditions if c["type"] == "ReplicaFailure"), None)
        if manage_error and failure is None:
            diff = counts.active - rs["spec"].get("replicas", 1)
            reason = "FailedCreate" if diff < 0 else ("FailedDelete" if diff > 0 else "")
            conditions.append(
                {
                    "type": "ReplicaFailure",
                    "status": "True",
                    "lastTransitionTime": self.stamp(),
                    "reason": reason,
                    "message": manage_error,
                }
            )
        elif not manage_error and failure is not None:
            conditions = [c for c in conditions if c["type"] != "ReplicaFailure"]
        status["replicas"] = counts.active  # not omitempty: always written
        for name, value in (
            ("fullyLabeledReplicas", counts.fully_labeled),
            ("readyReplicas", counts.ready),
            ("availableReplicas", available),
        ):
            if value:
                status[name] = value
            else:
                status.pop(name, None)  # omitempty, as Go serializes it
        if self.terminating_status:
            # A pointer (DeploymentReplicaSetTerminatingReplicas, beta, on): written even at 0.
            status["terminatingReplicas"] = counts.terminating
        if conditions:
            status["conditions"] = conditions
        else:
            status.pop("conditions", None)
        return status

    def update_status(self, rs: Obj, status: Obj) -> Gen:
        """updateReplicaSetStatus: PUT .../status only when something changed."""
        old = rs.get("status") or {}
        generation = rs["metadata"].get("generation", 0)
        fields = (
            "replicas",
            "fullyLabeledReplicas",
            "readyReplicas",
            "availableReplicas",
            "terminatingReplicas",
        )
        if (
            all(old.get(f, 0) == status.get(f, 0) for f in fields)
            and ("terminatingReplicas" in old) == ("terminatingReplicas" in status)
            and old.get("observedGeneration", 0) == generation
            and (old.get("conditions") or []) == (status.get("conditions") or [])
        ):
            return rs
        status["observedGeneration"] = generation
        meta = rs["metadata"]
        current = rs
        for attempt in range(STATUS_UPDATE_RETRIES + 1):
            body = deep_copy_json(current)
            body["status"] = status
            response: Response = yield from self.request(
                "PUT",
                path_of(self.resource, meta.get("namespace", ""), meta["name"], "status"),
                body,
            )
            if response.ok:
                updated: Obj = response.body
                return updated
            if attempt == STATUS_UPDATE_RETRIES:
                break
            fresh: Response = yield from self.request(
                "GET", path_of(self.resource, meta.get("namespace", ""), meta["name"])
            )
            if not fresh.ok:
                raise SyncError(error_message(fresh))
            current = fresh.body
        raise SyncError(error_message(response))


def _pods(count: int) -> str:
    return "1 pod" if count == 1 else f"{count} pods"
