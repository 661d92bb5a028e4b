"""The TTL-after-finished controller (pkg/controller/ttlafterfinished/
ttlafterfinished_controller.go): a finished Job with ttlSecondsAfterFinished is deleted that
many seconds after it finished (its Complete or Failed condition's lastTransitionTime), in the
foreground, so the garbage collector deletes its pods first. It records no events; before
deleting it reads the Job again, uncached, in case its TTL changed, and deletes with the Job's
uid as a precondition."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.client.informer import Handlers, key_of
from engine.controllers.base import Controller, SyncError, error_message, path_of, split_key
from engine.controllers.job.util import is_finished
from engine.timeutil import parse_rfc3339, to_datetime

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


def expire_at(job: Obj) -> float | None:
    """processTTL / timeLeft: when the Job's time is up, if it has a TTL and finished."""
    ttl = (job.get("spec") or {}).get("ttlSecondsAfterFinished")
    if ttl is None or job["metadata"].get("deletionTimestamp") or not is_finished(job):
        return None
    finished = [
        parse_rfc3339(c["lastTransitionTime"])
        for c in (job.get("status") or {}).get("conditions") or []
        if c.get("type") in ("Complete", "Failed")
        and c.get("status") == "True"
        and c.get("lastTransitionTime")
    ]
    return max(finished) + ttl if finished else None


class TTLAfterFinishedController(Controller):
    name = "ttl-after-finished-controller"
    service_account = "ttl-after-finished-controller"
    event_source = "ttl-after-finished-controller"
    workers = 5  # --concurrent-ttl-after-finished-syncs
    kind = "Job"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.jobs = self.informers.get("jobs")
        self._told: set[str] = set()  # uids whose coming deletion the story has announced

    def register(self) -> None:
        self.jobs.add_handlers(
            Handlers(self._changed, lambda _old, cur: self._changed(cur), lambda _job: None)
        )

    def synced_resources(self) -> tuple[str, ...]:
        return ("jobs",)

    def _changed(self, job: Obj) -> None:
        """addJob / updateJob: only a finished Job with a TTL matters."""
        if expire_at(job) is not None:
            self.queue.add(key_of(job))

    def sync(self, key: str) -> Gen:
        yield from self.work()
        job = self.jobs.get(key)
        if job is None:
            return
        due = expire_at(job)
        if due is None:
            return
        name, ttl = job["metadata"]["name"], job["spec"]["ttlSecondsAfterFinished"]
        if due > self.now:
            if job["metadata"]["uid"] not in self._told:
                self._told.add(job["metadata"]["uid"])
                self.milestone(
                    f"Job {name} has finished: the TTL-after-finished controller will delete it "
                    f"and its pods at {to_datetime(due):%H:%M:%S} (ttlSecondsAfterFinished {ttl})",
                    job,
                    None,
                    None,
                    deadline=due,
                )
            self.enqueue_after(key, due - self.now, background=True)
            return
        namespace, _ = split_key(key)
        fresh: Response = yield from self.request("GET", path_of("jobs", namespace, name))
        if fresh.code == 404:
            return
        if not fresh.ok:
            raise SyncError(error_message(fresh))
        due = expire_at(fresh.body)
        if due is None or due > self.now:
            if due is not None:
                self.enqueue_after(key, due - self.now, background=True)
            return
        self.milestone(
            f"Job {name} finished {ttl} s ago (ttlSecondsAfterFinished {ttl}): the "
            "TTL-after-finished controller deletes it; the garbage collector deletes its pods "
            "first (foreground deletion)",
            fresh.body,
            None,
            None,
        )
        response: Response = yield from self.request(
            "DELETE",
            path_of("jobs", namespace, name),
            {
                "kind": "DeleteOptions",
                "apiVersion": "v1",
                "propagationPolicy": "Foreground",
                "preconditions": {"uid": fresh.body["metadata"]["uid"]},
            },
        )
        if not response.ok and response.code != 404:
            raise SyncError(error_message(response))
