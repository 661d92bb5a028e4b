"""What the JSON decoder rejects before defaulting and validation ever run.

Malformed quantities (resource.Quantity's UnmarshalJSON) and non-string label / annotation
values (encoding/json's UnmarshalTypeError, as sigs.k8s.io/json reports it).
"""

from __future__ import annotations

from typing import Any

from engine.apiserver.memo import parse_quantity
from engine.apiserver.validation.common import Obj, _d, _l


def decode_error(kind: str, obj: Obj, old: Obj | None = None) -> str | None:
    """What the API server's JSON decoder rejects before defaulting or validation run.

    The server answers 400 BadRequest with `<Kind> in version "<v>" cannot be handled as a
    <Kind>: <this message>`. Covers the two mistakes learners make most: malformed quantities
    and non-string label/annotation values (`version: 1.0` in YAML).

    `old`, on an update, is the stored object `obj` was computed from: container lists `obj`
    still shares with it passed this check when they were stored, so their quantities are
    not parsed again (a status write would otherwise re-parse every request and limit).
    """
    roots: list[tuple[Obj, str]] = [(_d(obj.get("metadata")), "metadata")]
    specs: list[Obj] = []
    if kind == "Pod":
        specs.append(_d(obj.get("spec")))
    elif kind in ("Deployment", "ReplicaSet"):
        template = _d(_d(obj.get("spec")).get("template"))
        roots.append((_d(template.get("metadata")), "spec.template.metadata"))
        specs.append(_d(template.get("spec")))
        selector = _d(_d(obj.get("spec")).get("selector"))
        for value in _d(selector.get("matchLabels")).values():
            if not isinstance(value, str):
                return _unmarshal_error(value, "LabelSelector.spec.selector.matchLabels")
    for meta, path in roots:
        for key in ("labels", "annotations"):
            for value in _d(meta.get(key)).values():
                if not isinstance(value, str):
                    return _unmarshal_error(value, f"ObjectMeta.{path}.{key}")
    stored: Obj = {}
    if old is not None:
        stored = _d(old.get("spec"))
        if kind in ("Deployment", "ReplicaSet"):
            stored = _d(_d(stored.get("template")).get("spec"))
    quantities: list[Any] = []
    for spec in specs:
        containers = [
            container
            for key in ("containers", "initContainers")
            if old is None or spec.get(key) is not stored.get(key)
            for container in _l(spec.get(key))
        ]
        for container in containers:
            resources = _d(_d(container).get("resources"))
            for key in ("limits", "requests"):
                quantities += list(_d(resources.get(key)).values())
        quantities += list(_d(spec.get("overhead")).values())
    if kind == "Node":
        status = _d(obj.get("status"))
        for key in ("capacity", "allocatable"):
            quantities += list(_d(status.get(key)).values())
    for value in quantities:
        try:
            parse_quantity(value)
        except ValueError as exc:
            return str(exc)
    return None


def _unmarshal_error(value: Any, where: str) -> str:
    # encoding/json UnmarshalTypeError, as sigs.k8s.io/json reports it.
    json_type = (
        "bool"
        if isinstance(value, bool)
        else "number"
        if isinstance(value, int | float)
        else "array"
        if isinstance(value, list)
        else "object"
        if isinstance(value, dict)
        else "null"
    )
    return f"json: cannot unmarshal {json_type} into Go struct field {where} of type string"
