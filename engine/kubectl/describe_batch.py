"""`kubectl describe job` and `describe cronjob` (staging/src/k8s.io/kubectl/pkg/describe/
describe.go JobDescriber, describeJob, CronJobDescriber, describeCronJob, describeJobTemplate,
printActiveJobs)."""

from __future__ import annotations

from engine.apiserver.table_cells import selector_string
from engine.kubectl.describe_pod import describe_pod_template
from engine.kubectl.describe_writer import (
    LEVEL_0,
    Obj,
    PrefixWriter,
    controlled_by,
    describe_events,
    print_annotations,
    print_labels,
    rfc1123z,
    tabbed,
)
from engine.timeutil import human_duration, parse_rfc3339


def _selector(spec: Obj) -> str:
    """LabelSelectorAsSelector(...).String(): a nil selector selects nothing, printed as
    `<none>`."""
    selector = spec.get("selector")
    return selector_string(selector) if selector is not None else "<none>"


def describe_job(job: Obj, events: list[Obj] | None, now: float) -> str:
    meta, spec, status = job.get("metadata", {}), job.get("spec") or {}, job.get("status") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        w.write(LEVEL_0, f"Selector:\t{_selector(spec)}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        owner = controlled_by(job)
        if owner:
            w.write(LEVEL_0, f"Controlled By:\t{owner}\n")
        if spec.get("parallelism") is not None:
            w.write(LEVEL_0, f"Parallelism:\t{spec['parallelism']}\n")
        completions = spec.get("completions")
        w.write(LEVEL_0, f"Completions:\t{'<unset>' if completions is None else completions}\n")
        if spec.get("completionMode") is not None:
            w.write(LEVEL_0, f"Completion Mode:\t{spec['completionMode']}\n")
        if spec.get("suspend") is not None:
            w.write(LEVEL_0, f"Suspend:\t{'true' if spec['suspend'] else 'false'}\n")
        if spec.get("backoffLimit") is not None:
            w.write(LEVEL_0, f"Backoff Limit:\t{spec['backoffLimit']}\n")
        if spec.get("ttlSecondsAfterFinished") is not None:
            w.write(LEVEL_0, f"TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")
        start, end = status.get("startTime"), status.get("completionTime")
        if start:
            w.write(LEVEL_0, f"Start Time:\t{rfc1123z(start)}\n")
        if end:
            w.write(LEVEL_0, f"Completed At:\t{rfc1123z(end)}\n")
        if start and end:
            took = human_duration(parse_rfc3339(end) - parse_rfc3339(start))
            w.write(LEVEL_0, f"Duration:\t{took}\n")
        if spec.get("activeDeadlineSeconds") is not None:
            w.write(LEVEL_0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
        counts = [status.get(k) or 0 for k in ("active", "succeeded", "failed")]
        if status.get("ready") is None:
            w.write(
                LEVEL_0,
                f"Pods Statuses:\t{counts[0]} Active / {counts[1]} Succeeded / "
                f"{counts[2]} Failed\n",
            )
        else:
            w.write(
                LEVEL_0,
                f"Pods Statuses:\t{counts[0]} Active ({status['ready']} Ready) / "
                f"{counts[1]} Succeeded / {counts[2]} Failed\n",
            )
        describe_pod_template(w, spec.get("template") or {})
        describe_events(w, events, now)

    return tabbed(body)


def describe_cronjob(cronjob: Obj, events: list[Obj] | None, now: float) -> str:
    meta, spec = cronjob.get("metadata", {}), cronjob.get("spec") or {}
    status = cronjob.get("status") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"Schedule:\t{spec.get('schedule', '')}\n")
        w.write(LEVEL_0, f"Concurrency Policy:\t{spec.get('concurrencyPolicy', '')}\n")
        suspend = spec.get("suspend")
        shown = "<unset>" if suspend is None else ("True" if suspend else "False")
        w.write(LEVEL_0, f"Suspend:\t{shown}\n")  # printBoolPtr
        zone = spec.get("timeZone")
        w.write(LEVEL_0, f"Time Zone:\t{'<unset>' if zone is None else zone}\n")
        for title, key in (
            ("Successful Job History Limit", "successfulJobsHistoryLimit"),
            ("Failed Job History Limit", "failedJobsHistoryLimit"),
        ):
            value = spec.get(key)
            w.write(LEVEL_0, f"{title}:\t{'<unset>' if value is None else value}\n")
        deadline = spec.get("startingDeadlineSeconds")
        w.write(
            LEVEL_0,
            f"Starting Deadline Seconds:\t{'<unset>' if deadline is None else f'{deadline}s'}\n",
        )
        _describe_job_template(w, spec.get("jobTemplate") or {})
        last = status.get("lastScheduleTime")
        w.write(LEVEL_0, f"Last Schedule Time:\t{rfc1123z(last) if last else '<unset>'}\n")
        active = [ref.get("name", "") for ref in status.get("active") or []]
        w.write(LEVEL_0, f"Active Jobs:\t{', '.join(active) if active else '<none>'}\n")
        describe_events(w, events, now)

    return tabbed(body)


def _describe_job_template(w: PrefixWriter, template: Obj) -> None:
    spec = template.get("spec") or {}
    w.write(LEVEL_0, f"Selector:\t{_selector(spec) if spec.get('selector') else '<unset>'}\n")
    for title, key in (("Parallelism", "parallelism"), ("Completions", "completions")):
        value = spec.get(key)
        w.write(LEVEL_0, f"{title}:\t{'<unset>' if value is None else value}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(LEVEL_0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    describe_pod_template(w, spec.get("template") or {})
