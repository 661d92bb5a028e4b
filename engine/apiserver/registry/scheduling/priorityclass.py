"""PriorityClasses: pkg/registry/scheduling/priorityclass/strategy.go and storage.go (the two
system classes cannot be deleted), and the PriorityClass half of the Priority admission plugin
(plugin/pkg/admission/priority/admission.go validatePriorityClass: one default at most). The
pod half, which turns a pod's priorityClassName into its priority, is in admission.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.apimachinery import errors
from engine.apiserver import policy_tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.policy import SYSTEM_PRIORITY_CLASSES, validate_priority_class

if TYPE_CHECKING:
    from engine.apiserver.request import Request
    from engine.apiserver.server import APIServer


def priority_classes(api: APIServer) -> list[dict[str, Any]]:
    """The Priority plugin's lister."""
    return api.storage.range("/registry/priorityclasses/")


class PriorityClassStrategy(Strategy):
    resource_name = "priorityclasses"
    printer = policy_tables.PRIORITY_CLASS

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_priority_class(obj, old)

    def admit_validating(self, api: APIServer, req: Request, obj: dict[str, Any]) -> None:
        if not obj.get("globalDefault"):
            return
        for other in priority_classes(api):
            if other.get("globalDefault"):
                raise errors.forbidden(
                    "priorityclasses",
                    obj["metadata"].get("name", ""),
                    f"PriorityClass {other['metadata']['name']} is already marked as default. "
                    "Only one default can exist",
                    "scheduling.k8s.io",
                )

    def admit_delete(self, name: str) -> None:
        if name in SYSTEM_PRIORITY_CLASSES:
            # storage.go REST.Delete names the class as the resource: upstream's words.
            raise errors.forbidden(
                name,
                name,
                "this is a system priority class and cannot be deleted",
                "scheduling.k8s.io",
            )

    def stored_story(self, obj: dict[str, Any]) -> str:
        default = (
            "; pods that name no class get it too (globalDefault)"
            if obj.get("globalDefault")
            else ""
        )
        return (
            f": pods with priorityClassName {obj['metadata'].get('name', '')} now get priority "
            f"{obj.get('value', 0)}{default}"
        )
