"""Jobs and CronJobs: ValidateJob, ValidateJobUpdate, ValidateJobUpdateStatus,
ValidateCronJobCreate, ValidateCronJobUpdate and ValidateJobTemplateSpec of
pkg/apis/batch/validation/validation.go
(the rules a learner meets; podFailurePolicy, successPolicy and Indexed jobs' limits are
checked only as far as their modes go)."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from engine import cronschedule
from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral, go_string_map
from engine.apiserver.validation.common import (
    FIELD_IMMUTABLE,
    Errors,
    Obj,
    _d,
    _i,
    _s,
    semantic_equal,
    validate_nonnegative,
)
from engine.apiserver.validation.label_selector import (
    go_label_selector,
    selector_matches,
    validate_label_selector,
)
from engine.apiserver.validation.meta import validate_meta
from engine.apiserver.validation.names import name_is_dns_subdomain
from engine.apiserver.validation.pod_spec import validate_pod_template

CONTROLLER_UID = "batch.kubernetes.io/controller-uid"
JOB_NAME = "batch.kubernetes.io/job-name"
LEGACY_CONTROLLER_UID = "controller-uid"
LEGACY_JOB_NAME = "job-name"

_COMPLETION_MODES = ("NonIndexed", "Indexed")
_REPLACEMENT_POLICIES = ("Failed", "TerminatingOrFailed")  # sets.List: sorted
_CONCURRENCY = ("Allow", "Forbid", "Replace")
_TZ_PART = re.compile(r"^[A-Za-z.\-_0-9+]{1,14}$")


def _validate_job_spec(spec: Obj, path: str) -> Errors:
    """validateJobSpec: counts non-negative, modes known, the pod template valid, and a restart
    policy that lets a pod end (Never or OnFailure)."""
    errs: Errors = []
    for name in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit"):
        errs += validate_nonnegative(spec.get(name), field.child(path, name))
    mode = spec.get("completionMode")
    if mode is not None and mode not in _COMPLETION_MODES:
        errs.append(
            field.not_supported(field.child(path, "completionMode"), mode, _COMPLETION_MODES)
        )
    if mode == "Indexed" and spec.get("completions") is None:
        errs.append(
            field.required(field.child(path, "completions"), "when completion mode is Indexed")
        )
    policy = spec.get("podReplacementPolicy")
    if policy is not None:
        allowed = ("Failed",) if spec.get("podFailurePolicy") is not None else _REPLACEMENT_POLICIES
        if policy not in allowed:
            errs.append(
                field.not_supported(field.child(path, "podReplacementPolicy"), policy, allowed)
            )
    template_path = field.child(path, "template")
    template = _d(spec.get("template"))
    errs += validate_pod_template(template, template_path)
    restart = _s(_d(template.get("spec")).get("restartPolicy"))
    restart_path = field.child(template_path, "spec.restartPolicy")
    # restartPolicy is defaulted to Always when left out, so Always reads as "not given".
    if restart in ("Always", ""):
        errs.append(field.required(restart_path, 'valid values: "OnFailure", "Never"'))
    elif restart not in ("OnFailure", "Never"):
        errs.append(field.not_supported(restart_path, restart, ["OnFailure", "Never"]))
    elif spec.get("podFailurePolicy") is not None and restart != "Never":
        errs.append(
            field.invalid(
                restart_path,
                restart,
                'only "Never" is supported when podFailurePolicy is specified',
            )
        )
    return errs


def _validate_generated_selector(obj: Obj) -> Errors:
    """ValidateGeneratedSelector: unless manualSelector, the template carries the generated
    labels and the selector matches them."""
    spec, meta = _d(obj.get("spec")), _d(obj.get("metadata"))
    if spec.get("manualSelector") is True or spec.get("selector") is None:
        return []
    labels = _d(_d(_d(spec.get("template")).get("metadata")).get("labels"))
    uid, name = _s(meta.get("uid")), _s(meta.get("name"))
    errs: Errors = []
    expected = {
        LEGACY_CONTROLLER_UID: uid,
        LEGACY_JOB_NAME: name,
        CONTROLLER_UID: uid,
        JOB_NAME: name,
    }
    for key, value in expected.items():  # ValidateHasLabel
        at = f"spec.template.metadata.labels[{key}]"
        if key not in labels:
            errs.append(field.required(at, value))
        elif labels[key] != value:
            errs.append(field.invalid(at, go_string_map(labels), f"must be '{value}'"))
    if not selector_matches(spec.get("selector"), expected):
        errs.append(
            field.invalid(
                "spec.selector",
                go_label_selector(spec.get("selector")),
                "`selector` not auto-generated",
            )
        )
    return errs


def validate_job_spec(spec: Any, path: str = "spec") -> Errors:
    """ValidateJobSpec: validateJobSpec and a selector that matches the template's labels."""
    spec = _d(spec)
    errs = _validate_job_spec(spec, path)
    selector = spec.get("selector")
    if selector is None:
        errs.append(field.required(field.child(path, "selector"), ""))
        return errs
    selector_errs = validate_label_selector(selector, field.child(path, "selector"))
    errs += selector_errs
    labels = _d(_d(spec.get("template")).get("metadata")).get("labels")
    if not selector_errs and not selector_matches(selector, labels):
        errs.append(
            field.invalid(
                field.child(path, "template.metadata.labels"),
                go_string_map(_d(labels) if labels is not None else None),
                "`selector` does not match template `labels`",
            )
        )
    return errs


def validate_job(obj: Obj, old: Obj | None) -> Errors:
    """ValidateJob (old is None) or ValidateJobUpdate: completions, selector, template,
    completionMode and the policies are immutable; then the whole spec again."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    if old is None:
        errs += _validate_generated_selector(obj)
        return errs + validate_job_spec(obj.get("spec"))
    spec, old_spec = _d(obj.get("spec")), _d(old.get("spec"))
    errs += validate_job_spec(spec)
    for name in (
        "completions",
        "selector",
        "template",
        "completionMode",
        "podFailurePolicy",
        "backoffLimitPerIndex",
        "managedBy",
        "successPolicy",
    ):
        if not semantic_equal(spec.get(name), old_spec.get(name)):
            errs.append(
                field.invalid(f"spec.{name}", _shown(name, spec.get(name)), FIELD_IMMUTABLE)
            )
    return errs


_STRUCTS = {
    "template": "core.PodTemplateSpec",
    "podFailurePolicy": "batch.PodFailurePolicy",
    "successPolicy": "batch.SuccessPolicy",
}


def _shown(name: str, value: Any) -> Any:
    """How the immutable value is printed. Go prints a struct with %#v, for a pod template
    several kilobytes of internal fields; Podlife abbreviates it to its type."""
    if name == "selector":
        return go_label_selector(value)
    if name in _STRUCTS and isinstance(value, dict):
        return GoLiteral(
            f"&{_STRUCTS[name]}{{…}}" if name != "template" else f"{_STRUCTS[name]}{{…}}"
        )
    return value


def validate_job_status(obj: Obj, old: Obj) -> Errors:
    """ValidateJobStatusUpdate: counts non-negative, terminal conditions and counters kept."""
    status, old_status = _d(obj.get("status")), _d(old.get("status"))
    errs: Errors = []
    for name in ("active", "succeeded", "failed", "ready", "terminating"):
        errs += validate_nonnegative(status.get(name), f"status.{name}")
    for kind in ("Failed", "Complete", "FailureTarget"):
        if _condition_true(old_status, kind) and not _condition_true(status, kind):
            errs.append(
                field.invalid(
                    "status.conditions",
                    field.OMIT,
                    f"cannot disable the terminal {kind}=True condition",
                )
            )
    for counter in ("failed", "succeeded"):
        new, before = _i(status.get(counter)) or 0, _i(old_status.get(counter)) or 0
        if new < before:
            errs.append(
                field.invalid(f"status.{counter}", new, f"cannot decrease the {counter} counter")
            )
    return errs


def _condition_true(status: Obj, kind: str) -> bool:
    return any(
        _d(c).get("type") == kind and _d(c).get("status") == "True"
        for c in status.get("conditions") or []
    )


def validate_job_template_spec(template: Any, path: str) -> Errors:
    """ValidateJobTemplateSpec: a CronJob's Job gets its selector generated, never its own."""
    spec = _d(_d(template).get("spec"))
    spec_path = field.child(path, "spec")
    errs = _validate_job_spec(spec, spec_path)
    if spec.get("selector") is not None:
        errs.append(
            field.invalid(
                field.child(spec_path, "selector"),
                go_label_selector(spec.get("selector")),
                "`selector` will be auto-generated",
            )
        )
    if spec.get("manualSelector") is True:
        errs.append(
            field.not_supported(
                field.child(spec_path, "manualSelector"), GoLiteral("true"), ["nil", "false"]
            )
        )
    return errs


def _validate_time_zone(zone: Any) -> Errors:
    """validateTimeZone."""
    if zone is None:
        return []
    path = "spec.timeZone"
    text = _s(zone)
    if not text:
        return [field.invalid(path, text, "timeZone must be nil or non-empty string")]
    for part in text.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TZ_PART.match(part):
            return [field.invalid(path, text, f"unknown time zone {text}")]
    if text.lower() == "local":
        return [
            field.invalid(
                path,
                text,
                "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
            )
        ]
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return [field.invalid(path, text, f"unknown time zone {text}")]
    return []


def _validate_cronjob_spec(spec: Obj, old_spec: Obj | None) -> Errors:
    """validateCronJobSpec."""
    errs: Errors = []
    schedule = _s(spec.get("schedule"))
    if not schedule:
        errs.append(field.required("spec.schedule", ""))
    else:
        try:
            cronschedule.parse(schedule)
        except cronschedule.ScheduleError as error:
            errs.append(field.invalid("spec.schedule", schedule, str(error)))
        allow_tz = old_spec is not None and "TZ" in _s(old_spec.get("schedule"))
        if allow_tz and "TZ" in schedule and spec.get("timeZone") is not None:
            errs.append(
                field.invalid(
                    "spec.schedule",
                    schedule,
                    "cannot use both timeZone field and TZ or CRON_TZ in schedule",
                )
            )
        elif not allow_tz and "TZ" in schedule:
            errs.append(
                field.invalid(
                    "spec.schedule",
                    schedule,
                    "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                )
            )
    errs += validate_nonnegative(
        spec.get("startingDeadlineSeconds"), "spec.startingDeadlineSeconds"
    )
    if old_spec is None or spec.get("timeZone") != old_spec.get("timeZone"):
        errs += _validate_time_zone(spec.get("timeZone"))
    policy = _s(spec.get("concurrencyPolicy"))
    if not policy:
        errs.append(field.required("spec.concurrencyPolicy", ""))
    elif policy not in _CONCURRENCY:
        errs.append(field.not_supported("spec.concurrencyPolicy", policy, _CONCURRENCY))
    errs += validate_job_template_spec(spec.get("jobTemplate"), "spec.jobTemplate")
    for name in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        errs += validate_nonnegative(spec.get(name), f"spec.{name}")
    return errs


def validate_cronjob(obj: Obj, old: Obj | None) -> Errors:
    """ValidateCronJobCreate (old is None) or ValidateCronJobUpdate."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    old_spec = _d(old.get("spec")) if old is not None else None
    errs += _validate_cronjob_spec(_d(obj.get("spec")), old_spec)
    name = _s(_d(obj.get("metadata")).get("name"))
    if old is None and len(name) > 52:
        # the controller appends -<11 digits> to name a Job, whose name must fit in 63
        errs.append(field.invalid("metadata.name", name, "must be no more than 52 characters"))
    return errs
