"""The Job and CronJob tables (pkg/printers/internalversion/printers.go printJob,
printCronJob and their column definitions), as `kubectl get jobs` / `get cronjobs` show them."""

from __future__ import annotations

from typing import Any

from engine.apiserver.table_cells import containers_and_images, format_label_selector, since
from engine.apiserver.table_columns import _AGE, _CONTAINERS_DOC, _IMAGES_DOC, _NAME, _column
from engine.apiserver.tables import Printer, Row
from engine.timeutil import human_duration, parse_rfc3339

Obj = dict[str, Any]

_SELECTOR_DOC = (
    "A label query over pods that should match the pod count. Normally, the system sets this "
    "field for you. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"
)

JOB_COLUMNS = [
    _NAME,
    _column("Status", "Status of the job."),
    _column(
        "Completions",
        "The number of pods which reached phase Succeeded. The value increases monotonically "
        "for a given spec. However, it may decrease in reaction to scale down of elastic indexed "
        "jobs.",
    ),
    _column("Duration", "Time required to complete the job."),
    _AGE,
    _column("Containers", _CONTAINERS_DOC, priority=1),
    _column("Images", _IMAGES_DOC, priority=1),
    _column("Selector", _SELECTOR_DOC, priority=1),
]

CRON_JOB_COLUMNS = [
    _NAME,
    _column(
        "Schedule",
        "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.",
    ),
    _column(
        "Timezone",
        "The time zone name for the given schedule, see "
        "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this "
        "will default to the time zone of the kube-controller-manager process. The set of valid "
        "time zone names and the time zone offset is loaded from the system-wide time zone "
        "database by the API server during CronJob validation and the controller manager during "
        "execution. If no system-wide time zone database can be found a bundled version of the "
        "database is used instead. If the time zone name becomes invalid during the lifetime of "
        "a CronJob or due to a change in host configuration, the controller will stop creating "
        "new new Jobs and will create a system event with the reason UnknownTimeZone. More "
        "information can be found in "
        "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones",
    ),
    _column(
        "Suspend",
        "This flag tells the controller to suspend subsequent executions, it does not apply to "
        "already started executions.  Defaults to false.",
        kind="boolean",
    ),
    _column("Active", "A list of pointers to currently running jobs.", kind="integer"),
    _column(
        "Last Schedule", "Information when was the last time the job was successfully scheduled."
    ),
    _AGE,
    _column("Containers", _CONTAINERS_DOC, priority=1),
    _column("Images", _IMAGES_DOC, priority=1),
    _column("Selector", _SELECTOR_DOC, priority=1),
]


def condition_true(job: Obj, kind: str) -> bool:
    """hasJobCondition: a condition of this type with status True."""
    return any(
        c.get("type") == kind and c.get("status") == "True"
        for c in (job.get("status") or {}).get("conditions") or []
    )


def job_status(job: Obj) -> str:
    """printJob's STATUS: the first of these that holds."""
    if condition_true(job, "Complete"):
        return "Complete"
    if condition_true(job, "Failed"):
        return "Failed"
    if (job.get("metadata") or {}).get("deletionTimestamp"):
        return "Terminating"
    for kind in ("Suspended", "FailureTarget", "SuccessCriteriaMet"):
        if condition_true(job, kind):
            return kind
    return "Running"


def job_completions(job: Obj) -> str:
    """printJob's COMPLETIONS: succeeded/completions, or `n/1 of <parallelism>` for a work
    queue Job (completions unset)."""
    spec, status = job.get("spec") or {}, job.get("status") or {}
    succeeded = status.get("succeeded") or 0
    if spec.get("completions") is not None:
        return f"{succeeded}/{spec['completions']}"
    parallelism = spec.get("parallelism") or 0
    return f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"


def job_duration(job: Obj, now: float) -> str:
    status = job.get("status") or {}
    start = status.get("startTime")
    if not start:
        return ""
    end = status.get("completionTime")
    return human_duration((parse_rfc3339(end) if end else now) - parse_rfc3339(start))


def _job_row(job: Obj, now: float) -> Row:
    spec, meta = job.get("spec") or {}, job.get("metadata") or {}
    names, images = containers_and_images(spec.get("template") or {})
    return [
        meta.get("name", ""),
        job_status(job),
        job_completions(job),
        job_duration(job, now),
        since(meta.get("creationTimestamp"), now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


def _cron_job_row(cj: Obj, now: float) -> Row:
    spec, status, meta = cj.get("spec") or {}, cj.get("status") or {}, cj.get("metadata") or {}
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    names, images = containers_and_images(job_spec.get("template") or {})
    last = status.get("lastScheduleTime")
    suspend = spec.get("suspend")
    return [
        meta.get("name", ""),
        spec.get("schedule", ""),
        spec.get("timeZone") if spec.get("timeZone") is not None else "<none>",
        "<unset>" if suspend is None else ("True" if suspend else "False"),  # printBoolPtr
        len(status.get("active") or []),
        since(last, now) if last else "<none>",
        since(meta.get("creationTimestamp"), now),
        names,
        images,
        format_label_selector(job_spec.get("selector")),
    ]


JOB = Printer(JOB_COLUMNS, _job_row)
CRON_JOB = Printer(CRON_JOB_COLUMNS, _cron_job_row)
