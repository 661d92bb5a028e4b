"""Unknown fields: what strict decoding rejects and lenient decoding drops.

The real API server decodes JSON into Go structs; a field the struct lacks is an "unknown
field" (sigs.k8s.io/json strict mode). With `fieldValidation=Strict` that is a 400; with Warn
or Ignore the field is silently lost, since the struct has nowhere to keep it. Server-side
apply converts the applied configuration to a typed value first and always refuses undeclared
fields (sigs.k8s.io/structured-merge-diff typed/validate.go), with its own path syntax.
"""

from __future__ import annotations

import json
from typing import Any

from engine.apiserver.schema import REGISTRY
from engine.apiserver.schema.model import Prop, Struct

PRESERVE = "x-kubernetes-preserve-unknown-fields"


def unknown_fields(kind: Struct, obj: Any, *, drop: bool = False) -> list[str]:
    """Paths of the fields `obj` has that `kind` does not declare, in document order, as
    sigs.k8s.io/json names them (`spec.containers[0].imagee`). With `drop`, remove them."""
    found: list[str] = []
    _object(kind, obj, "", found, drop)
    return found


def _object(struct: Struct, value: Any, path: str, found: list[str], drop: bool) -> None:
    if not isinstance(value, dict) or dict(struct.extensions).get(PRESERVE):
        return
    for key in list(value):
        where = f"{path}.{key}" if path else key
        prop = struct.fields.get(key)
        if prop is None:
            found.append(where)
            if drop:
                del value[key]
        else:
            _value(prop, value[key], where, found, drop)


def _value(prop: Prop, value: Any, path: str, found: list[str], drop: bool) -> None:
    if prop.items is not None and isinstance(value, list):
        for index, item in enumerate(value):
            _value(prop.items, item, f"{path}[{index}]", found, drop)
    elif prop.values is not None and isinstance(value, dict):
        for key, item in value.items():
            _value(prop.values, item, f"{path}[{key}]", found, drop)
    elif prop.ref:
        struct = REGISTRY.get(prop.ref)
        if struct is not None:
            _object(struct, value, path, found, drop)


def undeclared_for_apply(kind: Struct, obj: Any) -> list[str]:
    """The same search with structured-merge-diff's paths: `.spec.containers[name="app"].x`
    (list items by their map keys, set items by value, atomic lists by index)."""
    found: list[str] = []
    _apply_object(kind, obj, "", found)
    return found


def _apply_object(struct: Struct, value: Any, path: str, found: list[str]) -> None:
    if not isinstance(value, dict) or dict(struct.extensions).get(PRESERVE):
        return
    for key, item in value.items():
        prop = struct.fields.get(key)
        if prop is None:
            found.append(f"{path}.{key}")
        else:
            _apply_value(prop, item, f"{path}.{key}", found)


def _apply_value(prop: Prop, value: Any, path: str, found: list[str]) -> None:
    if prop.items is not None and isinstance(value, list):
        markers = dict(prop.extensions)
        keys = markers.get("x-kubernetes-list-map-keys") or []
        for index, item in enumerate(value):
            _apply_value(prop.items, item, path + _element(item, index, keys, markers), found)
    elif prop.values is not None and isinstance(value, dict):
        for key, item in value.items():
            _apply_value(prop.values, item, f"{path}.{key}", found)
    elif prop.ref:
        struct = REGISTRY.get(prop.ref)
        if struct is not None:
            _apply_object(struct, value, path, found)


def _element(item: Any, index: int, keys: list[str], markers: dict[str, Any]) -> str:
    """fieldpath.PathElement.String(): `[name="app"]`, `[="value"]` or `[3]`."""
    if keys and isinstance(item, dict):
        parts = [f"{key}={json.dumps(item.get(key))}" for key in keys if key in item]
        return "[" + ",".join(parts) + "]"
    if markers.get("x-kubernetes-list-type") == "set":
        return f"[={json.dumps(item)}]"
    return f"[{index}]"


def enforce(
    directive: str, group: str, version: str, kind: str, new: Any, old: Any, *, patch: bool
) -> str | None:
    """Apply a request's fieldValidation directive to the object it would store.

    Returns the 400 message for Strict (None when all is well); for Warn and Ignore the unknown
    fields are removed from `new`, as decoding into a Go struct loses them. Fields the stored
    object already had are not held against the request: upstream they cannot exist, and here
    they may only mean the schema lags behind a component. A create or update names the kind
    (handlers/create.go transformDecodeError); a patch reports the bare strict decoding error
    (handlers/patch.go)."""
    from engine.apiserver.schema import kind_struct

    struct = kind_struct(group, version, kind)
    if struct is None or not directive:
        return None
    found = unknown_fields(struct, new)
    if old is not None and found:
        before = set(unknown_fields(struct, old))
        found = [path for path in found if path not in before]
    if not found:
        return None
    if directive == "Strict":
        message = "strict decoding error: " + ", ".join(f'unknown field "{p}"' for p in found)
        if patch:
            return message
        return f'{kind} in version "{version}" cannot be handled as a {kind}: {message}'
    _drop(struct, new, "", set(found))
    return None


def _drop(struct: Struct, value: Any, path: str, doomed: set[str]) -> None:
    """Remove the fields at the given paths (as unknown_fields names them)."""
    if not isinstance(value, dict):
        return
    for key in list(value):
        where = f"{path}.{key}" if path else key
        if where in doomed:
            del value[key]
            continue
        prop = struct.fields.get(key)
        if prop is not None:
            _drop_in(prop, value[key], where, doomed)


def _drop_in(prop: Prop, value: Any, path: str, doomed: set[str]) -> None:
    if prop.items is not None and isinstance(value, list):
        for index, item in enumerate(value):
            _drop_in(prop.items, item, f"{path}[{index}]", doomed)
    elif prop.ref:
        struct = REGISTRY.get(prop.ref)
        if struct is not None:
            _drop(struct, value, path, doomed)


def apply_error(group: str, version: str, kind: str, applied: Any) -> str | None:
    """The 400 message server-side apply gives for undeclared fields, or None
    (handlers/fieldmanager structuredmerge.go: `failed to create typed patch object`)."""
    from engine.apiserver.schema import kind_struct

    struct = kind_struct(group, version, kind)
    if struct is None:
        return None
    found = undeclared_for_apply(struct, applied)
    if not found:
        return None
    lines = [f"{path}: field not declared in schema" for path in found]
    # structured-merge-diff ValidationErrors.Error(): one error alone, else a list.
    text = lines[0] if len(lines) == 1 else "\n".join(["errors:", *(f"  {x}" for x in lines)])
    return f"failed to create typed patch object ({group}/{version}, Kind={kind}): {text}"
