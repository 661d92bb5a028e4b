"""The CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go, utils.go), on the
cluster's virtual clock.

At each scheduled time it creates a Job named `<cronjob>-<scheduled time in minutes since the
epoch>` from the jobTemplate (getJobFromTemplate2), so that one time never makes two Jobs;
records it in status.active and status.lastScheduleTime; sees its Jobs finish (SawCompletedJob,
lastSuccessfulTime); keeps successfulJobsHistoryLimit successful and failedJobsHistoryLimit
failed Jobs, deleting the oldest (SuccessfulDelete); and follows concurrencyPolicy: Allow, Forbid
(skip a run while one is active: JobAlreadyActive) or Replace (delete the active ones first).
A run later than startingDeadlineSeconds is missed (MissSchedule). Schedules are read by
engine/cronschedule.py (robfig/cron's syntax) in spec.timeZone, else UTC, the
controller-manager's zone here.

Its timer is a background one: a CronJob never finishes, so it does not keep the cluster from
settling; a lesson waits for the minutes it wants to see.
"""

from __future__ import annotations

import copy
import datetime as dt
import zoneinfo
from collections.abc import Generator
from typing import Any

from engine import cronschedule
from engine.apiserver.request import Response
from engine.apiserver.tables_batch import condition_true
from engine.client.informer import Handlers, key_of
from engine.controllers.base import Controller, SyncError, error_message, path_of
from engine.controllers.controller_ref import new_controller_ref
from engine.controllers.informers import CONTROLLER_UID, controller_ref
from engine.controllers.job.util import is_finished
from engine.timeutil import EPOCH, parse_rfc3339, rfc3339, to_datetime

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp"
NEXT_SCHEDULE_DELTA = 0.1  # nextScheduleDelta: requeue just after the scheduled time
MANY_MISSED = 100


def job_name(cronjob: Obj, scheduled: dt.datetime) -> str:
    """getJobName: the scheduled time in minutes since the Unix epoch."""
    return f"{cronjob['metadata']['name']}-{int(scheduled.timestamp()) // 60}"


def _seconds(moment: dt.datetime) -> float:
    return (moment - EPOCH).total_seconds()


def _clock(moment: dt.datetime) -> str:
    return f"{moment:%H:%M}" if moment.second == 0 else f"{moment:%H:%M:%S}"


class CronJobController(Controller):
    name = "cronjob-controller"
    service_account = "cronjob-controller"
    event_source = "cronjob-controller"
    workers = 5  # --concurrent-cron-job-syncs
    kind = "CronJob"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.cronjobs = self.informers.get("cronjobs")
        self.jobs = self.informers.get("jobs")
        self._announced: dict[str, float] = {}  # cronjob uid -> the next run the story told

    def register(self) -> None:
        self.cronjobs.add_handlers(
            Handlers(self._enqueue, lambda _old, cur: self._enqueue(cur), self._enqueue)
        )
        self.jobs.add_handlers(
            Handlers(self._job_changed, lambda _old, cur: self._job_changed(cur), self._job_changed)
        )

    def synced_resources(self) -> tuple[str, ...]:
        return ("cronjobs", "jobs")

    def _enqueue(self, cronjob: Obj) -> None:
        self.queue.add(key_of(cronjob))

    def _job_changed(self, job: Obj) -> None:
        """addJob / updateJob / deleteJob: its CronJob looks again."""
        ref = controller_ref(job)
        if ref is None or ref.get("kind") != "CronJob":
            return
        cronjob = self.cronjobs.get(f"{job['metadata'].get('namespace', '')}/{ref.get('name')}")
        if cronjob is not None and cronjob["metadata"].get("uid") == ref.get("uid"):
            self.queue.add(key_of(cronjob))

    # ---- sync --------------------------------------------------------------------------------
    def sync(self, key: str) -> Gen:
        yield from self.work()
        cached = self.cronjobs.get(key)
        if cached is None:
            return
        cronjob = copy.deepcopy(cached)
        jobs = [
            j
            for j in self.jobs.by_index(CONTROLLER_UID, cronjob["metadata"]["uid"])
            if j["metadata"].get("namespace") == cronjob["metadata"].get("namespace")
        ]
        requeue, changed = yield from self._sync_cronjob(cronjob, jobs)
        cleaned = yield from self._cleanup_finished_jobs(cronjob, jobs)
        if changed or cleaned:
            yield from self._put_status(cronjob)
        if requeue is not None:
            self.enqueue_after(key, requeue, background=True)

    def _sync_cronjob(self, cronjob: Obj, jobs: list[Obj]) -> Gen:
        """syncCronJob: (seconds until it should look again, whether its status changed)."""
        spec, meta = cronjob.get("spec") or {}, cronjob["metadata"]
        status = cronjob.setdefault("status", {})
        now = to_datetime(self.now)
        changed = False
        children = set()
        for job in jobs:
            uid = job["metadata"]["uid"]
            children.add(uid)
            listed = any(ref.get("uid") == uid for ref in status.get("active") or [])
            if not listed and not is_finished(job):
                self.recorder.event(
                    cronjob,
                    "Warning",
                    "UnexpectedJob",
                    f"Saw a job that the controller did not create or forgot: "
                    f"{job['metadata']['name']}",
                )
            elif listed and is_finished(job):
                condition = "Complete" if condition_true(job, "Complete") else "Failed"
                _remove_active(status, uid)
                self.recorder.event(
                    cronjob,
                    "Normal",
                    "SawCompletedJob",
                    f"Saw completed job: {job['metadata']['name']}, condition: {condition}",
                )
                changed = True
            if condition_true(job, "Complete"):
                done = (job.get("status") or {}).get("completionTime")
                last = status.get("lastSuccessfulTime")
                if done and (not last or parse_rfc3339(done) > parse_rfc3339(last)):
                    status["lastSuccessfulTime"] = done
                    changed = True
        for ref in list(status.get("active") or []):
            if ref.get("uid") in children:
                continue
            response: Response = yield from self.request(
                "GET", path_of("jobs", ref.get("namespace", ""), ref.get("name", ""))
            )
            if response.code == 404:
                self.recorder.event(
                    cronjob, "Normal", "MissingJob", f"Active job went missing: {ref.get('name')}"
                )
                _remove_active(status, ref.get("uid"))
                changed = True
        if meta.get("deletionTimestamp") or spec.get("suspend"):
            return None, changed
        try:
            schedule = cronschedule.parse(spec.get("schedule", ""))
        except cronschedule.ScheduleError as error:
            self.recorder.event(
                cronjob,
                "Warning",
                "UnparseableSchedule",
                f'unparseable schedule: "{spec.get("schedule", "")}" : {error}',
            )
            return None, changed
        zone = spec.get("timeZone") or "UTC"
        scheduled, many = self._most_recent(cronjob, now, schedule, zone, True)
        if many:
            self.recorder.event(
                cronjob,
                "Warning",
                "TooManyMissedTimes",
                "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or "
                "check clock skew",
            )
        if scheduled is None:
            return self._next_after(cronjob, now, schedule, zone), changed
        deadline = spec.get("startingDeadlineSeconds")
        if deadline is not None and scheduled + dt.timedelta(seconds=deadline) < now:
            self.recorder.event(
                cronjob,
                "Warning",
                "MissSchedule",
                "Missed scheduled time to start a job: "
                + scheduled.strftime("%a, %d %b %Y %H:%M:%S +0000"),
            )
            return self._next_after(cronjob, now, schedule, zone), changed
        name = job_name(cronjob, scheduled)
        last = status.get("lastScheduleTime")
        if any(ref.get("name") == name for ref in status.get("active") or []) or (
            last and parse_rfc3339(last) == _seconds(scheduled)
        ):
            return self._next_after(cronjob, now, schedule, zone), changed
        active = status.get("active") or []
        policy = spec.get("concurrencyPolicy", "Allow")
        if policy == "Forbid" and active:
            self.recorder.event(
                cronjob,
                "Normal",
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is "
                "Forbid",
            )
            self.milestone(
                f"It is {_clock(scheduled)}: the CronJob controller skips this run of "
                f"{meta['name']}, because Job {active[0].get('name')} is still running and "
                "concurrencyPolicy is Forbid",
                cronjob,
                None,
                None,
            )
            return self._next_after(cronjob, now, schedule, zone), changed
        if policy == "Replace":
            for ref in list(active):
                running = self.jobs.get(f"{ref.get('namespace', '')}/{ref.get('name', '')}")
                if running is not None:
                    if not (yield from self._delete_job(cronjob, running)):
                        raise SyncError(
                            f"could not replace job {ref.get('namespace')}/{ref.get('name')}"
                        )
                    changed = True
        following = schedule.next_after(max(scheduled, now), zone)
        self._announced[meta["uid"]] = _seconds(following)
        created = yield from self._create_job(cronjob, scheduled, zone, name, following)
        status.setdefault("active", []).append(_reference(created))
        status["lastScheduleTime"] = rfc3339(_seconds(scheduled))
        return self._next_after(cronjob, now, schedule, zone), True

    # ---- the schedule ------------------------------------------------------------------------
    def _most_recent(
        self,
        cronjob: Obj,
        now: dt.datetime,
        schedule: cronschedule.Schedule,
        zone: str,
        with_deadline: bool,
    ) -> tuple[dt.datetime | None, bool]:
        """mostRecentScheduleTime: the latest scheduled time not after now, since the last
        one (or the CronJob's creation), and whether more than a hundred were missed."""
        earliest = self._earliest(cronjob)
        deadline = (cronjob.get("spec") or {}).get("startingDeadlineSeconds")
        if with_deadline and deadline is not None:
            earliest = max(earliest, now - dt.timedelta(seconds=deadline))
        t1 = schedule.next_after(earliest, zone)
        if now < t1:
            return None, False
        t2 = schedule.next_after(t1, zone)
        if now < t2:
            return t1, False
        between = round((t2 - t1).total_seconds())
        missed = int((now - t1).total_seconds()) // between + 1
        # Start one interval early and let the schedule find the real times (@every, and
        # schedules whose gaps differ).
        t = schedule.next_after(t1 + dt.timedelta(seconds=(missed - 2) * between), zone)
        recent = None
        while t <= now:
            recent = t
            t = schedule.next_after(t, zone)
        return recent, missed > MANY_MISSED

    def _earliest(self, cronjob: Obj) -> dt.datetime:
        last = (cronjob.get("status") or {}).get("lastScheduleTime")
        stamp = last or cronjob["metadata"].get("creationTimestamp")
        return to_datetime(parse_rfc3339(stamp)) if stamp else to_datetime(self.now)

    def _next_after(
        self, cronjob: Obj, now: dt.datetime, schedule: cronschedule.Schedule, zone: str
    ) -> float:
        """nextScheduleTimeDuration: seconds until just after the next scheduled time; the
        story announces that time once."""
        recent, _ = self._most_recent(cronjob, now, schedule, zone, False)
        following = schedule.next_after(recent or self._earliest(cronjob), zone)
        if following <= now:
            following = schedule.next_after(now, zone)
        due = _seconds(following)
        uid = cronjob["metadata"]["uid"]
        if self._announced.get(uid) != due:
            self._announced[uid] = due
            name, spec = cronjob["metadata"]["name"], cronjob.get("spec") or {}
            ran = (cronjob.get("status") or {}).get("lastScheduleTime")
            when = "runs next" if ran else "first runs"
            self.milestone(
                f'CronJob {name} (schedule "{spec.get("schedule", "")}") {when} at '
                f"{_clock(following)}",
                cronjob,
                None,
                None,
                deadline=due,
            )
        return max(0.0, due - self.now) + NEXT_SCHEDULE_DELTA

    # ---- Jobs --------------------------------------------------------------------------------
    def _create_job(
        self, cronjob: Obj, scheduled: dt.datetime, zone: str, name: str, following: dt.datetime
    ) -> Gen:
        """getJobFromTemplate2 and CreateJob."""
        template = (cronjob.get("spec") or {}).get("jobTemplate") or {}
        template_meta = template.get("metadata") or {}
        annotations = dict(template_meta.get("annotations") or {})
        local = scheduled.astimezone(zoneinfo.ZoneInfo(zone))
        annotations[SCHEDULED_TIMESTAMP] = local.isoformat().replace("+00:00", "Z")
        meta: Obj = {"name": name, "namespace": cronjob["metadata"].get("namespace", "")}
        if template_meta.get("labels"):
            meta["labels"] = dict(template_meta["labels"])
        meta["annotations"] = annotations
        meta["ownerReferences"] = [new_controller_ref(cronjob)]
        job = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": meta,
            "spec": copy.deepcopy(template.get("spec") or {}),
        }
        self.milestone(
            f"It is {_clock(scheduled)}: the CronJob controller creates Job {name} from "
            f"CronJob {cronjob['metadata']['name']}'s jobTemplate; the next run is at "
            f"{_clock(following)}",
            job,
            3,
            4,
            deadline=_seconds(following),
        )
        namespace = meta["namespace"]
        response: Response = yield from self.request("POST", path_of("jobs", namespace), job)
        if response.code == 409:
            fresh: Response = yield from self.request("GET", path_of("jobs", namespace, name))
            if fresh.ok:
                return fresh.body
        if not response.ok:
            message = error_message(response)
            self.recorder.event(
                cronjob, "Warning", "FailedCreate", f"Error creating job: {message}"
            )
            raise SyncError(message)
        self.recorder.event(cronjob, "Normal", "SuccessfulCreate", f"Created job {name}")
        return response.body

    def _delete_job(self, cronjob: Obj, job: Obj) -> Gen:
        """deleteJob: in the background (the garbage collector takes its pods), then out of
        the active list."""
        meta = job["metadata"]
        response: Response = yield from self.request(
            "DELETE",
            path_of("jobs", meta.get("namespace", ""), meta["name"]),
            {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"},
        )
        if not response.ok and response.code != 404:
            self.recorder.event(
                cronjob, "Warning", "FailedDelete", f"Deleted job: {error_message(response)}"
            )
            return False
        _remove_active(cronjob.setdefault("status", {}), meta["uid"])
        self.recorder.event(cronjob, "Normal", "SuccessfulDelete", f"Deleted job {meta['name']}")
        return True

    def _cleanup_finished_jobs(self, cronjob: Obj, jobs: list[Obj]) -> Gen:
        """cleanupFinishedJobs / removeOldestJobs: the oldest finished Jobs beyond the history
        limits go, oldest start first."""
        spec = cronjob.get("spec") or {}
        changed = False
        for kind, field in (
            ("Complete", "successfulJobsHistoryLimit"),
            ("Failed", "failedJobsHistoryLimit"),
        ):
            limit = spec.get(field)
            if limit is None:
                continue
            finished = sorted((j for j in jobs if condition_true(j, kind)), key=_by_start_time)
            doomed = finished[: max(0, len(finished) - limit)]
            for job in doomed:
                self.milestone(
                    f"The CronJob controller deletes Job {job['metadata']['name']}, the oldest "
                    f"{'successful' if kind == 'Complete' else 'failed'} one: {field} {limit} "
                    "keeps only the newest",
                    cronjob,
                    None,
                    None,
                )
                if (yield from self._delete_job(cronjob, job)):
                    changed = True
        return changed

    def _put_status(self, cronjob: Obj) -> Gen:
        meta = cronjob["metadata"]
        response: Response = yield from self.request(
            "PUT", path_of("cronjobs", meta.get("namespace", ""), meta["name"], "status"), cronjob
        )
        if not response.ok:
            raise SyncError(error_message(response))


def _remove_active(status: Obj, uid: Any) -> None:
    active = [ref for ref in status.get("active") or [] if ref.get("uid") != uid]
    if active:
        status["active"] = active
    else:
        status.pop("active", None)


def _reference(job: Obj) -> Obj:
    """getRef: the ObjectReference of the created Job."""
    meta = job["metadata"]
    return {
        "kind": "Job",
        "namespace": meta.get("namespace", ""),
        "name": meta["name"],
        "uid": meta["uid"],
        "apiVersion": "batch/v1",
        "resourceVersion": meta.get("resourceVersion", ""),
    }


def _by_start_time(job: Obj) -> tuple[bool, float, str]:
    """byJobStartTime: by status.startTime (unset last), then by name."""
    start = (job.get("status") or {}).get("startTime")
    return (start is None, parse_rfc3339(start) if start else 0.0, job["metadata"]["name"])
