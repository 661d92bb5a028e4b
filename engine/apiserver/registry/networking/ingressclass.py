"""IngressClasses: pkg/registry/networking/ingressclass/strategy.go. Cluster-scoped, no
status; generation counts spec changes."""

from __future__ import annotations

from typing import Any

from engine.apiserver import networking_tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.networking import validate_ingress_class

# networkingv1.AnnotationIsDefaultIngressClass
IS_DEFAULT_CLASS = "ingressclass.kubernetes.io/is-default-class"


def is_default_class(ingress_class: dict[str, Any]) -> bool:
    annotations = ingress_class.get("metadata", {}).get("annotations") or {}
    return annotations.get(IS_DEFAULT_CLASS) == "true"


class IngressClassStrategy(Strategy):
    resource_name = "ingressclasses"
    printer = networking_tables.INGRESS_CLASS
    generation = True

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_ingress_class(obj, old)

    def stored_story(self, obj: dict[str, Any]) -> str:
        controller = (obj.get("spec") or {}).get("controller", "")
        default = (
            "; Ingresses that name no class will get this one" if is_default_class(obj) else ""
        )
        return (
            f": Ingresses of class {obj['metadata'].get('name', '')} are for the controller "
            f"{controller}, which is not installed in this cluster{default}"
        )
