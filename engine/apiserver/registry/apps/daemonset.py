"""DaemonSets: pkg/registry/apps/daemonset/strategy.go, with the status subresource.

Beside the usual reset status and generation, the strategy counts template changes in
spec.templateGeneration, which apps/v1 carries as the annotation
`deprecated.daemonset.template.generation` (pkg/apis/apps/v1/conversion.go): 1 on create, one
more each time the pod template changes, whatever the client sent."""

from __future__ import annotations

from typing import Any

from engine.apiserver import tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.daemonset import validate_daemonset, validate_daemonset_status

TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


def template_generation(obj: dict[str, Any]) -> int:
    value = ((obj.get("metadata") or {}).get("annotations") or {}).get(TEMPLATE_GENERATION, "")
    return int(value) if str(value).isdigit() else 0


def _set_template_generation(obj: dict[str, Any], generation: int) -> None:
    meta = obj.setdefault("metadata", {})
    annotations = dict(meta.get("annotations") or {})  # may be shared with the stored object
    annotations[TEMPLATE_GENERATION] = str(generation)
    meta["annotations"] = annotations


class DaemonSetStrategy(Strategy):
    resource_name = "daemonsets"
    printer = tables.DAEMON_SET
    generation = True

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        obj["status"] = {}
        _set_template_generation(obj, 1)

    def prepare_for_update(
        self, new: dict[str, Any], old: dict[str, Any], subresource: str
    ) -> None:
        super().prepare_for_update(new, old, subresource)
        generation = template_generation(old)
        new_template = (new.get("spec") or {}).get("template")
        if subresource != "status" and new_template != (old.get("spec") or {}).get("template"):
            generation += 1
        _set_template_generation(new, generation)

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_daemonset(obj, old)

    def validate_status_update(self, obj: dict[str, Any], old: dict[str, Any]) -> Errors:
        errors = super().validate_status_update(obj, old)
        return errors + validate_daemonset_status(obj.get("status"))
