"""CronJobs: pkg/registry/batch/cronjob/strategy.go, with the status subresource."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables_batch
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.batch import validate_cronjob
from engine.apiserver.validation.common import Errors


class CronJobStrategy(Strategy):
    resource_name = "cronjobs"
    printer = tables_batch.CRON_JOB
    generation = True

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        obj["status"] = {}

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_cronjob(obj, old)
