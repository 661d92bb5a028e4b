"""The Job controller (pkg/controller/job/job_controller.go, backoff_utils.go).

For each Job it keeps `parallelism` pods running until `completions` of them have succeeded,
and counts the pods that finished the way 1.37 does (trackJobStatusAndRemoveFinalizers): every
pod it creates carries the finalizer `batch.kubernetes.io/job-tracking`, so a finished pod
cannot vanish before it is counted; the controller first records its uid in
status.uncountedTerminatedPods, then removes the finalizer, then moves it into succeeded or
failed. A failed pod is replaced after an exponential back-off (10 s, 20 s, 40 s … at most
10 min: DefaultJobPodFailureBackOff, MaxJobPodFailureBackOff); more failures than backoffLimit
(or, with restartPolicy OnFailure, as many container restarts) fail the Job: FailureTarget,
then once its pods are gone, Failed, both with reason BackoffLimitExceeded. Enough successes
complete it: SuccessCriteriaMet, then Complete, reason CompletionsReached.

Events (job_controller.go and RealPodControl): SuccessfulCreate `Created pod: %v`,
SuccessfulDelete `Deleted pod: %v`, Completed `Job completed`, and the failure's reason and
message (BackoffLimitExceeded `Job has reached the specified backoff limit`, DeadlineExceeded
`Job was active longer than specified deadline`).

Not simulated: Indexed completion mode's per-index bookkeeping (an Indexed Job runs as a
NonIndexed one), podFailurePolicy, successPolicy, suspend beyond stopping and creating no pods
(no Suspended condition), and managedBy.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from functools import partial
from typing import Any

from engine.apimachinery.labels import LabelSelector
from engine.apiserver.request import Response
from engine.apiserver.tables_batch import condition_true
from engine.client.informer import Handlers, key_of
from engine.controllers.base import (
    STRATEGIC_MERGE,
    Controller,
    SyncError,
    error_message,
    path_of,
    run_parallel,
)
from engine.controllers.controller_ref import ClaimManager, new_controller_ref
from engine.controllers.expectations import ControllerExpectations
from engine.controllers.informers import CONTROLLER_UID, ORPHAN_NAMESPACE, controller_ref
from engine.controllers.job import util
from engine.controllers.job.util import TRACKING_FINALIZER, is_finished
from engine.controllers.podutil import is_pod_ready, labels_of
from engine.timeutil import parse_rfc3339, rfc3339

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

POD_FAILURE_BACKOFF = 10.0  # DefaultJobPodFailureBackOff
MAX_POD_FAILURE_BACKOFF = 600.0  # MaxJobPodFailureBackOff
MAX_POD_CREATE_DELETE_PER_SYNC = 500  # MaxPodCreateDeletePerSync

BACKOFF_LIMIT_EXCEEDED = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
DEADLINE_EXCEEDED = ("DeadlineExceeded", "Job was active longer than specified deadline")
COMPLETIONS_REACHED = ("CompletionsReached", "Reached expected number of succeeded pods")


class JobController(Controller):
    name = "job-controller"
    service_account = "job-controller"
    event_source = "job-controller"
    workers = 5  # --concurrent-job-syncs
    kind = "Job"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.expectations = ControllerExpectations(lambda: self.env.now)
        self.pods = self.informers.pods
        self.jobs = self.informers.get("jobs")
        # backoffRecordStore: job key -> (failures since the last success, last failure time)
        self._backoff: dict[str, tuple[int, float]] = {}
        self._counted: dict[str, set[str]] = {}  # job key -> pod uids already in the backoff
        self._gone: dict[str, str] = {}  # key -> uid of a deleted Job whose pods may hold on

    # ---- informer handlers -------------------------------------------------------------------
    def register(self) -> None:
        self.jobs.add_handlers(
            Handlers(self._enqueue, lambda _old, cur: self._enqueue(cur), self._delete_job)
        )
        self.pods.add_handlers(Handlers(self._add_pod, self._update_pod, self._delete_pod))

    def synced_resources(self) -> tuple[str, ...]:
        return ("pods", "jobs")

    def _enqueue(self, job: Obj) -> None:
        self.queue.add(key_of(job))

    def _delete_job(self, job: Obj) -> None:
        key = key_of(job)
        self.expectations.delete(key)
        self._backoff.pop(key, None)
        self._counted.pop(key, None)
        self._gone[key] = job["metadata"].get("uid", "")
        self.queue.add(key)  # its pods' finalizers still have to go

    def _job_of(self, pod: Obj) -> Obj | None:
        ref = controller_ref(pod)
        if ref is None or ref.get("kind") != "Job":
            return None
        job = self.jobs.get(f"{pod['metadata'].get('namespace', '')}/{ref.get('name', '')}")
        if job is None or job["metadata"].get("uid") != ref.get("uid"):
            return None
        return job

    def _add_pod(self, pod: Obj) -> None:
        """addPod: an awaited creation is seen; the Job looks again."""
        job = self._job_of(pod)
        if job is not None:
            self.expectations.creation_observed(key_of(job))
            self.queue.add(key_of(job))
        else:
            self._orphan(pod)

    def _delete_pod(self, pod: Obj) -> None:
        job = self._job_of(pod)
        if job is not None:
            self.queue.add(key_of(job))

    def _update_pod(self, old: Obj, cur: Obj) -> None:
        if old["metadata"].get("resourceVersion") == cur["metadata"].get("resourceVersion"):
            return
        job = self._job_of(cur)
        if job is not None:
            self.queue.add(key_of(job))
        else:
            self._orphan(cur)

    def _orphan(self, pod: Obj) -> None:
        """enqueueOrphanPod: a pod holding the tracking finalizer of a Job that is gone lets go
        of it, or it would stay Terminating for ever."""
        ref = controller_ref(pod)
        if ref is None or ref.get("kind") != "Job" or not util.has_finalizer(pod):
            return
        key = f"{pod['metadata'].get('namespace', '')}/{ref.get('name', '')}"
        self._gone[key] = ref.get("uid", "")
        self.queue.add(key)

    # ---- syncJob -----------------------------------------------------------------------------
    def sync(self, key: str) -> Gen:
        yield from self.work()
        job = self.jobs.get(key)
        if job is None:
            yield from self._release_orphans(key)
            return
        job = copy.deepcopy(job)
        selector = util.selector(job)
        if selector is None or is_finished(job):
            yield from self._remove_finalizers(self._owned(job))
            return
        pods = yield from self._claim(job, selector)
        status = job.setdefault("status", {})
        spec = job.get("spec") or {}
        if not status.get("startTime") and not spec.get("suspend"):
            status["startTime"] = rfc3339(self.now)
            deadline = spec.get("activeDeadlineSeconds")
            if deadline is not None:
                self.enqueue_after(key, deadline)
        uncounted = status.setdefault("uncountedTerminatedPods", {})
        counted_succeeded = set(uncounted.get("succeeded") or [])
        counted_failed = set(uncounted.get("failed") or [])
        new_succeeded = [
            p
            for p in pods
            if util.has_finalizer(p)
            and util.phase(p) == "Succeeded"
            and p["metadata"]["uid"] not in counted_succeeded
        ]
        new_failed = [
            p
            for p in pods
            if util.has_finalizer(p)
            and util.failed(p, job)
            and p["metadata"]["uid"] not in counted_failed | counted_succeeded
        ]
        self._record_backoff(key, job, new_succeeded, new_failed)
        active = [
            p
            for p in pods
            if util.phase(p) not in ("Succeeded", "Failed")
            and not p["metadata"].get("deletionTimestamp")
        ]
        succeeded = (status.get("succeeded") or 0) + len(counted_succeeded) + len(new_succeeded)
        failed = (status.get("failed") or 0) + len(counted_failed) + len(new_failed)
        finished = self._finished_condition(job, active, succeeded, failed)
        if finished is None and not spec.get("suspend"):
            yield from self._manage(job, active, succeeded, failed)
        deleting = 0
        if finished is not None or spec.get("suspend"):
            yield from self._delete_pods(job, active)
            active, deleting = [], len(active)
        yield from self._track(job, pods, active, deleting, new_succeeded, new_failed, finished)

    def _owned(self, job: Obj) -> list[Obj]:
        return self.pods.by_index(CONTROLLER_UID, job["metadata"]["uid"])

    def _claim(self, job: Obj, selector: LabelSelector) -> Gen:
        """getPodsForJob: its pods, adopting orphans that match (only with a manual selector
        can there be any)."""
        namespace = job["metadata"].get("namespace", "")
        candidates = self._owned(job) + [
            p
            for p in self.pods.by_index(ORPHAN_NAMESPACE, namespace)
            if selector.matches(labels_of(p))
        ]
        if not candidates:
            return []
        manager = ClaimManager(self, job, "jobs", selector)
        pods: list[Obj] = yield from manager.claim("pods", candidates)
        return pods

    def _release_orphans(self, key: str) -> Gen:
        """The pods of a deleted Job, still owned by it or orphaned, keep no finalizer of it."""
        namespace, name = key.split("/", 1)
        uid = self._gone.pop(key, "")
        leftovers = (self.pods.by_index(CONTROLLER_UID, uid) if uid else []) + [
            p
            for p in self.pods.by_index(ORPHAN_NAMESPACE, namespace)
            if labels_of(p).get("batch.kubernetes.io/job-name") == name
        ]
        yield from self._remove_finalizers(leftovers)

    # ---- back-off ----------------------------------------------------------------------------
    def _record_backoff(self, key: str, job: Obj, succeeded: list[Obj], failed: list[Obj]) -> None:
        """newBackoffRecord: a success resets the count; each new failure adds one, as of the
        latest failed pod's end."""
        seen = self._counted.setdefault(key, set())
        fresh_failures = [p for p in failed if p["metadata"]["uid"] not in seen]
        fresh_successes = [p for p in succeeded if p["metadata"]["uid"] not in seen]
        seen.update(p["metadata"]["uid"] for p in fresh_failures + fresh_successes)
        failures, last = self._backoff.get(key, (0, 0.0))
        if fresh_successes:
            failures, last = 0, 0.0
        for pod in fresh_failures:
            failures += 1
            last = max(last, util.finished_at(pod, self.now))
        self._backoff[key] = (failures, last)

    def backoff_remaining(self, key: str) -> tuple[float, float]:
        """getRemainingTime: (delay, seconds still to wait) before the next pod is created."""
        failures, last = self._backoff.get(key, (0, 0.0))
        if failures == 0:
            return 0.0, 0.0
        delay = min(POD_FAILURE_BACKOFF * 2 ** (failures - 1), MAX_POD_FAILURE_BACKOFF)
        return delay, max(0.0, last + delay - self.now)

    # ---- what the Job has come to --------------------------------------------------------------
    def _finished_condition(
        self, job: Obj, active: list[Obj], succeeded: int, failed: int
    ) -> tuple[str, str, str] | None:
        """The condition the Job is to end with, if any: ("Failed"|"Complete", reason, message)."""
        spec, status = job.get("spec") or {}, job.get("status") or {}
        if condition_true(job, "FailureTarget"):
            reason = next(
                c for c in status.get("conditions") or [] if c.get("type") == "FailureTarget"
            )
            return ("Failed", reason.get("reason", ""), reason.get("message", ""))
        if condition_true(job, "SuccessCriteriaMet"):
            return ("Complete", *COMPLETIONS_REACHED)
        limit = spec.get("backoffLimit", 6)
        on_failure = ((spec.get("template") or {}).get("spec") or {}).get(
            "restartPolicy"
        ) == "OnFailure"
        # pastBackoffLimitOnFailure: with OnFailure, the kubelet's restarts are the retries.
        restarts = util.restarts(active) if on_failure else 0
        past_on_failure = on_failure and (restarts > 0 if limit == 0 else restarts >= limit)
        if failed > limit or past_on_failure:
            return ("Failed", *BACKOFF_LIMIT_EXCEEDED)
        deadline = spec.get("activeDeadlineSeconds")
        start = status.get("startTime")
        if deadline is not None and start and self.now - parse_rfc3339(start) >= deadline:
            return ("Failed", *DEADLINE_EXCEEDED)
        completions = spec.get("completions")
        if completions is not None and succeeded >= completions:
            return ("Complete", *COMPLETIONS_REACHED)
        if completions is None and succeeded > 0 and not active:
            return ("Complete", *COMPLETIONS_REACHED)  # a work queue: one success, none left
        return None

    # ---- manageJob ---------------------------------------------------------------------------
    def _manage(self, job: Obj, active: list[Obj], succeeded: int, failed: int) -> Gen:
        """manageJob: as many pods as parallelism allows and completions still need."""
        key = key_of(job)
        spec = job.get("spec") or {}
        parallelism = spec.get("parallelism", 1) or 0
        completions = spec.get("completions")
        want = parallelism
        if completions is not None:
            want = min(parallelism, completions - succeeded)
        elif succeeded > 0:
            want = len(active)  # a work queue that has a success: no new pods
        want = max(want, 0)
        if len(active) > want:
            doomed = sorted(active, key=util.newest_first)[: len(active) - want]
            yield from self._delete_pods(job, doomed)
            return
        missing = min(want - len(active), MAX_POD_CREATE_DELETE_PER_SYNC)
        if missing <= 0 or not self.expectations.satisfied(key):
            return
        delay, remaining = self.backoff_remaining(key)
        if remaining > 0:
            self.enqueue_after(key, remaining)
            return
        self._tell_creation(job, len(active), missing, succeeded, failed, delay)
        self.expectations.expect_creations(key, missing)
        template = self._pod_template(job)
        jobs = [lambda: self._create_pod(job, template) for _ in range(missing)]
        errors = [e for e in (yield from run_parallel(self, jobs, "create pod")) if e]
        if errors:
            raise SyncError(errors[0])

    def _tell_creation(
        self, job: Obj, active: int, missing: int, succeeded: int, failed: int, delay: float
    ) -> None:
        name = job["metadata"]["name"]
        spec = job.get("spec") or {}
        completions = spec.get("completions")
        first = succeeded + active + 1
        if completions is not None:
            last = first + missing - 1
            which = f"pod {first}" if missing == 1 else f"pods {first} to {last}"
            headline = f"The Job controller creates {which} of {completions} for Job {name}"
        else:
            pods = "a pod" if missing == 1 else f"{missing} pods"
            headline = (
                f"The Job controller creates {pods} for Job {name}, a work queue: it is done "
                "once one pod succeeds"
            )
        if failed:
            limit = spec.get("backoffLimit", 6)
            headline += (
                f", a retry after a {delay:g} s back-off: backoffLimit {limit}, "
                f"{failed} failure{'s' if failed != 1 else ''} so far"
            )
        self.milestone(headline, job, 4, 4, count=missing)

    def _pod_template(self, job: Obj) -> Obj:
        template = copy.deepcopy((job.get("spec") or {}).get("template") or {})
        meta = template.setdefault("metadata", {})
        finalizers = list(meta.get("finalizers") or [])
        if TRACKING_FINALIZER not in finalizers:
            finalizers.append(TRACKING_FINALIZER)
        meta["finalizers"] = finalizers
        return template

    def _create_pod(self, job: Obj, template: Obj) -> Gen:
        """RealPodControl.CreatePodsWithGenerateName: `<job>-` and five characters."""
        key = key_of(job)
        source = template.get("metadata") or {}
        meta: Obj = {"generateName": f"{job['metadata']['name']}-"}
        for part in ("labels", "annotations", "finalizers"):
            if source.get(part):
                meta[part] = copy.deepcopy(source[part])
        meta["ownerReferences"] = [new_controller_ref(job)]
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": meta,
            "spec": copy.deepcopy(template.get("spec") or {}),
        }
        namespace = job["metadata"].get("namespace", "")
        response: Response = yield from self.request("POST", path_of("pods", namespace), pod)
        if not response.ok:
            self.expectations.creation_observed(key)
            message = error_message(response)
            self.recorder.event(job, "Warning", "FailedCreate", f"Error creating: {message}")
            return message
        self.recorder.event(
            job, "Normal", "SuccessfulCreate", f"Created pod: {response.body['metadata']['name']}"
        )
        return ""

    def _delete_pods(self, job: Obj, pods: list[Obj]) -> Gen:
        if not pods:
            return

        def delete(pod: Obj) -> Gen:
            meta = pod["metadata"]
            response: Response = yield from self.request(
                "DELETE", path_of("pods", meta.get("namespace", ""), meta["name"]), {}
            )
            if response.ok:
                self.recorder.event(
                    job, "Normal", "SuccessfulDelete", f"Deleted pod: {meta['name']}"
                )
                return ""
            if response.code == 404:
                return ""
            message = error_message(response)
            self.recorder.event(job, "Warning", "FailedDelete", f"Error deleting: {message}")
            return message

        errors = [
            e
            for e in (
                yield from run_parallel(self, [partial(delete, p) for p in pods], "delete pod")
            )
            if e
        ]
        if errors:
            raise SyncError(errors[0])

    # ---- trackJobStatusAndRemoveFinalizers -----------------------------------------------------
    def _track(
        self,
        job: Obj,
        pods: list[Obj],
        active: list[Obj],
        deleting: int,
        new_succeeded: list[Obj],
        new_failed: list[Obj],
        finished: tuple[str, str, str] | None,
    ) -> Gen:
        status = job["status"]
        uncounted = status["uncountedTerminatedPods"]
        status["active"] = len(active)
        if not active:
            status.pop("active")  # omitempty
        status["ready"] = sum(1 for p in active if is_pod_ready(p))
        # the pods it just deleted are terminating too: the terminal condition waits for them
        status["terminating"] = deleting + sum(
            1
            for p in pods
            if p["metadata"].get("deletionTimestamp")
            and util.phase(p) not in ("Succeeded", "Failed")
        )
        # 1. Record the newly finished pods as uncounted, so none is lost or counted twice.
        if new_succeeded or new_failed:
            for name, found in (("succeeded", new_succeeded), ("failed", new_failed)):
                if found:
                    uncounted[name] = list(uncounted.get(name) or []) + [
                        p["metadata"]["uid"] for p in found
                    ]
            job = yield from self._put_status(job)
            status, uncounted = job["status"], job["status"]["uncountedTerminatedPods"]
        # 2. Remove their finalizers; 3. count them.
        waiting = set(uncounted.get("succeeded") or []) | set(uncounted.get("failed") or [])
        if waiting:
            holding = [p for p in pods if p["metadata"]["uid"] in waiting and util.has_finalizer(p)]
            yield from self._remove_finalizers(holding)
            for name in ("succeeded", "failed"):
                status[name] = (status.get(name) or 0) + len(uncounted.get(name) or [])
                uncounted.pop(name, None)
                if not status[name]:
                    status.pop(name)
        changed = self._conditions(job, finished, status)
        if waiting or changed or self._status_differs(job):
            yield from self._put_status(job)
        if finished is not None and changed:
            self._tell_outcome(job, finished)

    def _conditions(self, job: Obj, finished: tuple[str, str, str] | None, status: Obj) -> bool:
        """The interim condition (SuccessCriteriaMet / FailureTarget), then, once no pod is
        left running or terminating, the terminal one with completionTime for a success."""
        if finished is None:
            return False
        kind, reason, message = finished
        interim = "SuccessCriteriaMet" if kind == "Complete" else "FailureTarget"
        conditions = status.setdefault("conditions", [])
        changed = False
        stamp = rfc3339(self.now)
        if not any(c.get("type") == interim for c in conditions):
            conditions.append(util.condition(interim, reason, message, stamp))
            changed = True
        settled = not status.get("active") and not status.get("terminating")
        if settled and not any(c.get("type") == kind for c in conditions):
            conditions.append(util.condition(kind, reason, message, stamp))
            if kind == "Complete":
                status["completionTime"] = stamp
            changed = True
        return changed

    def _status_differs(self, job: Obj) -> bool:
        cached = self.jobs.get(key_of(job))
        return cached is None or (cached.get("status") or {}) != job["status"]

    def _tell_outcome(self, job: Obj, finished: tuple[str, str, str]) -> None:
        kind, reason, message = finished
        status = job["status"]
        if not condition_true(job, kind):
            return
        name = job["metadata"]["name"]
        if kind == "Complete":
            self.recorder.event(job, "Normal", "Completed", "Job completed")
            completions = (job.get("spec") or {}).get("completions")
            done = status.get("succeeded") or 0
            counted = f"{done} of {completions} completions" if completions else f"{done} done"
            self.milestone(
                f"Job {name} is complete: {counted}. Its pods stay, Completed, so that you "
                "can read their logs",
                job,
                None,
                None,
                count=done,
            )
        else:
            self.recorder.event(job, "Warning", reason, message)
            failed = status.get("failed") or 0
            limit = (job.get("spec") or {}).get("backoffLimit", 6)
            why = (
                f"{failed} failed pod{'s' if failed != 1 else ''}, more than backoffLimit {limit}"
                if reason == BACKOFF_LIMIT_EXCEEDED[0]
                else message
            )
            self.milestone(
                f"Job {name} failed ({reason}): {why}. No more pods are created",
                job,
                None,
                None,
                count=failed,
            )

    def _put_status(self, job: Obj) -> Gen:
        meta = job["metadata"]
        response: Response = yield from self.request(
            "PUT", path_of("jobs", meta.get("namespace", ""), meta["name"], "status"), job
        )
        if not response.ok:
            raise SyncError(error_message(response))
        return copy.deepcopy(response.body)

    def _remove_finalizers(self, pods: list[Obj]) -> Gen:
        """removeTrackingFinalizerFromPods: a strategic merge patch per pod, in parallel."""
        holding = [p for p in pods if util.has_finalizer(p)]

        def remove(pod: Obj) -> Gen:
            meta = pod["metadata"]
            patch = {"metadata": {"$deleteFromPrimitiveList/finalizers": [TRACKING_FINALIZER]}}
            response: Response = yield from self.request(
                "PATCH",
                path_of("pods", meta.get("namespace", ""), meta["name"]),
                patch,
                headers=STRATEGIC_MERGE,
            )
            return "" if response.ok or response.code == 404 else error_message(response)

        if not holding:
            return
        results = yield from run_parallel(self, [partial(remove, p) for p in holding], "finalizers")
        errors = [e for e in results if e]
        if errors:
            raise SyncError(errors[0])
