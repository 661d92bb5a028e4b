"""Jobs: pkg/registry/batch/job/strategy.go, with the status subresource.

Unless the Job says manualSelector: true, the API server makes its selector: the template is
labelled with the Job's uid and name (the legacy `controller-uid` and `job-name` and their
`batch.kubernetes.io/` successors) and the selector matches the uid (generateSelector). The Job's
own labels, when it has none, are its template's (SetDefaults_Job), generated ones included."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables_batch
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.batch import (
    CONTROLLER_UID,
    JOB_NAME,
    LEGACY_CONTROLLER_UID,
    LEGACY_JOB_NAME,
    validate_job,
    validate_job_status,
)
from engine.apiserver.validation.common import Errors


def generate_selector(job: dict[str, Any]) -> None:
    """generateSelector: labels the user set are kept (validation then refuses a conflict)."""
    meta, spec = job["metadata"], job.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    template = spec.setdefault("template", {})
    if not isinstance(template, dict):
        return
    template_meta = template.setdefault("metadata", {})
    labels = dict(template_meta.get("labels") or {})
    for key in (LEGACY_JOB_NAME, JOB_NAME):
        labels.setdefault(key, meta.get("name", ""))
    for key in (LEGACY_CONTROLLER_UID, CONTROLLER_UID):
        labels.setdefault(key, meta.get("uid", ""))
    template_meta["labels"] = dict(sorted(labels.items()))
    selector = spec.get("selector")
    if not isinstance(selector, dict):
        selector = spec["selector"] = {}
    match = dict(selector.get("matchLabels") or {})
    match.setdefault(CONTROLLER_UID, meta.get("uid", ""))
    selector["matchLabels"] = dict(sorted(match.items()))


class JobStrategy(Strategy):
    resource_name = "jobs"
    printer = tables_batch.JOB
    generation = True
    orphans_by_default = True

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        obj["status"] = {}
        spec = obj.get("spec")
        if not (isinstance(spec, dict) and spec.get("manualSelector") is True):
            generate_selector(obj)

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_job(obj, old)

    def validate_status_update(self, obj: dict[str, Any], old: dict[str, Any]) -> Errors:
        return super().validate_status_update(obj, old) + validate_job_status(obj, old)
