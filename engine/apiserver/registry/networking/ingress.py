"""Ingresses: pkg/registry/networking/ingress/strategy.go (status reset on create, kept by a
plain update; generation counts spec changes) and the DefaultIngressClass admission plugin
(plugin/pkg/admission/network/defaultingressclass).

No ingress controller runs in the simulated cluster (as in a kind cluster before one is
installed), so nothing ever writes an Ingress's status: its ADDRESS stays empty."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from engine.apiserver import networking_tables
from engine.apiserver.registry.networking.ingressclass import is_default_class
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.networking import (
    INGRESS_CLASS_ANNOTATION,
    validate_ingress,
    validate_ingress_status,
)

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

Obj = dict[str, Any]


def default_ingress_class(classes: list[Obj]) -> Obj | None:
    """getDefaultClass: of the classes marked default, the newest; between equally new ones,
    the first by name."""
    marked = [c for c in classes if is_default_class(c)]
    if not marked:
        return None
    newest = max(c["metadata"].get("creationTimestamp", "") for c in marked)
    return min(
        (c for c in marked if c["metadata"].get("creationTimestamp", "") == newest),
        key=lambda c: c["metadata"].get("name", ""),
    )


class IngressStrategy(Strategy):
    resource_name = "ingresses"
    printer = networking_tables.INGRESS
    generation = True

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {}

    def admit(self, api: APIServer, obj: Obj) -> list[str]:
        """DefaultIngressClass: an Ingress that names no class (by field or by the old
        annotation) gets the default IngressClass, if the cluster has one."""
        spec = obj.setdefault("spec", {})
        annotations = obj["metadata"].get("annotations") or {}
        if spec.get("ingressClassName") is not None or INGRESS_CLASS_ANNOTATION in annotations:
            return []
        classes = [json.loads(kv.value) for kv in api.etcd.range("/registry/ingressclasses/")]
        found = default_ingress_class(classes)
        if found is None:
            return []
        spec["ingressClassName"] = found["metadata"]["name"]
        return ["DefaultIngressClass"]

    def validate_object(self, obj: Obj, old: Obj | None) -> Errors:
        return validate_ingress(obj, old)

    def validate_status_update(self, obj: Obj, old: Obj) -> Errors:
        return validate_ingress_status(obj, old)

    def stored_story(self, obj: Obj) -> str:
        spec = obj.get("spec") or {}
        routes = []
        for rule in spec.get("rules") or []:
            host = rule.get("host") or "any host"
            for path in (rule.get("http") or {}).get("paths") or []:
                routes.append(f"{host}{path.get('path') or '/'} → {_backend(path.get('backend'))}")
        if spec.get("defaultBackend"):
            routes.append(f"everything else → {_backend(spec['defaultBackend'])}")
        routing = f"it routes {'; '.join(routes)}" if routes else "it routes no path yet"
        return (
            f": {routing}; no ingress controller is installed in this cluster, so nothing "
            "serves it yet and its ADDRESS stays empty"
        )


def _backend(backend: Obj | None) -> str:
    backend = backend or {}
    service = backend.get("service")
    if service:
        port = service.get("port") or {}
        return f"Service {service.get('name', '')}:{port.get('number') or port.get('name', '')}"
    resource = backend.get("resource") or {}
    return f"{resource.get('kind', '')} {resource.get('name', '')}"
