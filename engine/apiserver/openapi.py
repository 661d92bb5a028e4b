"""The OpenAPI v3 documents: `/openapi/v3` (an index) and one document per group-version.

Generated from engine/apiserver/schema (the kinds' fields) and resources.py (the URLs), in the
shape kube-apiserver publishes (staging/src/k8s.io/kube-openapi/pkg/handler3/handler.go for the
index; pkg/endpoints/openapi for the operations). Two readers matter:

* kubectl's field-validation check (cli-runtime pkg/resource/query_param_verifier_v3.go): a
  PATCH operation carrying `x-kubernetes-group-version-kind` == the object's kind and a
  `fieldValidation` query parameter means "the server validates, send fieldValidation=Strict".
* kubectl explain (kubectl pkg/explain/v2/templates/plaintext.tmpl): finds the kind through
  the operations' GVK, then walks `components.schemas` through `$ref`, `allOf`, `items` and
  `additionalProperties`; kubectl apply also reads the patch strategy markers from there.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from engine.apiserver.resources import SERVED, ResourceType, Subresource
from engine.apiserver.schema import REGISTRY, STRING_FORMATS, kind_struct
from engine.apiserver.schema.model import Prop, Struct
from engine.apiserver.version import SERVER_VERSION

Doc = dict[str, Any]
SCHEMAS = "#/components/schemas/"
PATCH_TYPES = (
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
)
# Upstream the string formats have no "type", only "oneOf": explain then names them.
_ONE_OF = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": ["integer", "string"],
    "io.k8s.apimachinery.pkg.api.resource.Quantity": ["string", "number"],
}


def group_version_paths() -> list[str]:
    """`api/v1`, `apis/apps/v1`, … for every group-version with a served resource."""
    paths: list[str] = []
    for resource in SERVED:
        path = _gv_path(resource.group, resource.version)
        if path not in paths:
            paths.append(path)
    return paths


def root_document() -> Doc:
    return {
        "paths": {
            path: {"serverRelativeURL": f"/openapi/v3/{path}?hash={_hash(path)}"}
            for path in group_version_paths()
        }
    }


@cache
def group_version_text(path: str) -> str | None:
    """The document of one group-version as JSON text, or None if there is no such one."""
    resources = [r for r in SERVED if _gv_path(r.group, r.version) == path]
    if not resources:
        return None
    paths: Doc = {}
    for resource in resources:
        paths.update(_resource_paths(resource))
    document = {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": SERVER_VERSION["gitVersion"]},
        "paths": paths,
        "components": {
            "schemas": _components(resources),
            "securitySchemes": {
                "BearerToken": {
                    "type": "apiKey",
                    "description": "Bearer Token authentication",
                    "name": "authorization",
                    "in": "header",
                }
            },
        },
        "security": [{"BearerToken": []}],
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def group_version_document(path: str) -> Doc | None:
    text = group_version_text(path)
    return None if text is None else json.loads(text)


@cache
def _hash(path: str) -> str:
    # handler3 publishes the SHA-512 of the document, upper-case hex.
    return hashlib.sha512((group_version_text(path) or "").encode()).hexdigest().upper()


def _gv_path(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


# ---- operations ------------------------------------------------------------------------------


def _resource_paths(resource: ResourceType) -> Doc:
    prefix = "/" + _gv_path(resource.group, resource.version)
    scoped = (
        f"{prefix}/namespaces/{{namespace}}/{resource.name}"
        if resource.namespaced
        else (f"{prefix}/{resource.name}")
    )
    kind = _gvk(resource.group, resource.version, resource.kind)
    verbs = set(resource.verbs)
    collection: Doc = {}
    if "list" in verbs:
        collection["get"] = _operation("list", resource, kind, "list or watch objects")
    if "create" in verbs:
        collection["post"] = _operation("create", resource, kind, "create an object", write=True)
    if "deletecollection" in verbs:
        collection["delete"] = _operation(
            "deletecollection", resource, kind, "delete a collection of objects"
        )
    item: Doc = {"get": _operation("get", resource, kind, "read the specified object")}
    if "update" in verbs:
        item["put"] = _operation("update", resource, kind, "replace the object", write=True)
    if "patch" in verbs:
        item["patch"] = _operation(
            "patch", resource, kind, "partially update the object", write=True
        )
    if "delete" in verbs:
        item["delete"] = _operation("delete", resource, kind, "delete the object")
    paths = {
        scoped: _with_path_params(collection, resource, named=False),
        f"{scoped}/{{name}}": _with_path_params(item, resource, named=True),
    }
    if resource.namespaced:
        every = {"get": _operation("list", resource, kind, "list objects in all namespaces")}
        paths[f"{prefix}/{resource.name}"] = every
    for sub in resource.subresources:
        paths[f"{scoped}/{{name}}/{sub.name}"] = _with_path_params(
            _subresource_operations(resource, sub), resource, named=True
        )
    return paths


def _subresource_operations(resource: ResourceType, sub: Subresource) -> Doc:
    group = sub.group if sub.group else resource.group
    kind = _gvk(group, sub.version, sub.kind)
    operations: Doc = {}
    for verb in sub.verbs:
        method = {"get": "get", "create": "post", "update": "put", "patch": "patch"}[verb]
        if sub.kind.endswith("Options"):  # pods/exec: a connection, no object either way
            operations[method] = _connect(method, resource, kind, sub.name)
            continue
        operations[method] = _operation(
            verb,
            resource,
            kind,
            f"{verb} {sub.name} of the object",
            write=verb != "get",
            subresource=sub.name,
        )
    return operations


def _connect(method: str, resource: ResourceType, gvk: dict[str, str], name: str) -> Doc:
    """A connect operation, as upstream publishes pods/exec: its options are query
    parameters, its answer a stream (x-kubernetes-action "connect", no request body)."""
    title = "".join(part.capitalize() for part in (method, resource.singular, name))
    return {
        "description": f"connect {method.upper()} requests to {name} of {resource.singular}",
        "operationId": f"connect{title}",
        "tags": [_gv_path(resource.group, resource.version).replace("/", "_")],
        "responses": {
            "200": {"description": "OK", "content": {"*/*": {"schema": {"type": "string"}}}},
            "401": {"description": "Unauthorized"},
        },
        "x-kubernetes-action": "connect",
        "x-kubernetes-group-version-kind": gvk,
    }


def _operation(
    action: str,
    resource: ResourceType,
    gvk: dict[str, str],
    summary: str,
    *,
    write: bool = False,
    subresource: str = "",
) -> Doc:
    name = "".join(part.capitalize() for part in (resource.name, subresource) if part)
    operation: Doc = {
        "description": summary,
        "operationId": f"{action}{'Namespaced' if resource.namespaced else ''}{name}",
        "tags": [_gv_path(resource.group, resource.version).replace("/", "_")],
        "parameters": _query_parameters(action, write),
        "responses": {
            "200": {
                "description": "OK",
                "content": {
                    "application/json": {"schema": {"$ref": SCHEMAS + _component_name(gvk)}}
                },
            },
            "401": {"description": "Unauthorized"},
        },
        "x-kubernetes-action": "post"
        if action == "create"
        else ("put" if action == "update" else action),
        "x-kubernetes-group-version-kind": gvk,
    }
    if action == "patch":
        operation["requestBody"] = {
            "content": {
                t: {"schema": {"$ref": SCHEMAS + "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"}}
                for t in PATCH_TYPES
            },
            "required": True,
        }
    elif write:
        operation["requestBody"] = {
            "content": {"*/*": {"schema": {"$ref": SCHEMAS + _component_name(gvk)}}},
            "required": True,
        }
    return operation


_PARAMETER_TEXT = {
    "dryRun": "If present (All), the request is processed fully but nothing is persisted.",
    "fieldManager": "The name of the actor making the change, recorded in managedFields.",
    "fieldValidation": "What to do with unknown or duplicate fields in the body: Ignore, Warn "
    "(the default) or Strict (reject the request).",
    "force": "For apply requests: take ownership of fields other managers own.",
    "labelSelector": "Only objects whose labels match.",
    "fieldSelector": "Only objects whose fields match.",
    "resourceVersion": "The version to read or watch from.",
    "limit": "At most this many items; continue with the returned token.",
    "continue": "The token from a previous, partial list.",
    "watch": "Stream changes instead of returning a list.",
    "timeoutSeconds": "End the list or watch call after this long.",
    "sendInitialEvents": "Start a watch with the current objects, then a bookmark.",
    "allowWatchBookmarks": "Let the server send BOOKMARK events.",
    "pretty": "Pretty-print the output.",
}


def _query_parameters(action: str, write: bool) -> list[Doc]:
    names = ["pretty"]
    if write:
        names += ["dryRun", "fieldManager", "fieldValidation"]
    if action == "patch":
        names.append("force")
    if action in ("list", "deletecollection"):
        names += [
            "labelSelector",
            "fieldSelector",
            "resourceVersion",
            "limit",
            "continue",
            "timeoutSeconds",
        ]
    if action == "list":
        names += ["watch", "sendInitialEvents", "allowWatchBookmarks"]
    kinds = {
        "limit": "integer",
        "timeoutSeconds": "integer",
        "watch": "boolean",
        "force": "boolean",
        "sendInitialEvents": "boolean",
        "allowWatchBookmarks": "boolean",
    }
    return [
        {
            "name": n,
            "in": "query",
            "description": _PARAMETER_TEXT[n],
            "schema": {"type": kinds.get(n, "string"), "uniqueItems": True},
        }
        for n in names
    ]


def _with_path_params(operations: Doc, resource: ResourceType, *, named: bool) -> Doc:
    params: list[Doc] = []
    if named:
        params.append(_path_param("name", f"The name of the {resource.kind}."))
    if resource.namespaced:
        params.append(_path_param("namespace", "The object's namespace."))
    return {**operations, "parameters": params} if params else dict(operations)


def _path_param(name: str, text: str) -> Doc:
    return {
        "name": name,
        "in": "path",
        "description": text,
        "required": True,
        "schema": {"type": "string", "uniqueItems": True},
    }


def _gvk(group: str, version: str, kind: str) -> dict[str, str]:
    return {"group": group, "kind": kind, "version": version}


def _component_name(gvk: dict[str, str]) -> str:
    struct = kind_struct(gvk["group"], gvk["version"], gvk["kind"])
    return struct.name if struct else "io.k8s.apimachinery.pkg.apis.meta.v1.Status"


# ---- component schemas -----------------------------------------------------------------------


def _components(resources: list[ResourceType]) -> Doc:
    roots: list[str] = [
        "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
        "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
    ]
    for resource in resources:
        kinds = [
            (resource.group, resource.version, resource.kind),
            (resource.group, resource.version, resource.kind + "List"),
        ]
        kinds += [(s.group or resource.group, s.version, s.kind) for s in resource.subresources]
        for gvk in kinds:
            struct = kind_struct(*gvk)
            if struct is not None:
                roots.append(struct.name)
    schemas: Doc = {}
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in schemas:
            continue
        if name in STRING_FORMATS:
            schemas[name] = _string_format(name)
            continue
        struct = REGISTRY.get(name)
        if struct is None:
            raise KeyError(f"schema type {name} is referred to but not defined")
        schemas[name] = _struct(struct)
        for prop in struct.fields.values():
            pending.extend(_refs(prop))
    return schemas


def _string_format(name: str) -> Doc:
    schema = dict(STRING_FORMATS[name])
    if name in _ONE_OF:
        schema.pop("type")
        schema["oneOf"] = [{"type": t} for t in _ONE_OF[name]]
    return schema


def _refs(prop: Prop) -> list[str]:
    found = [prop.ref] if prop.ref else []
    for inner in (prop.items, prop.values):
        if inner is not None:
            found += _refs(inner)
    return found


def _struct(struct: Struct) -> Doc:
    schema: Doc = {"description": struct.description, "type": "object"}
    if struct.fields:
        schema["properties"] = {name: _property(p) for name, p in sorted(struct.fields.items())}
    if struct.required:
        schema["required"] = list(struct.required)
    if struct.gvk:
        group, version, kind = struct.gvk
        schema["x-kubernetes-group-version-kind"] = [_gvk(group, version, kind)]
    schema.update(struct.extensions)
    return schema


def _property(prop: Prop, *, element: bool = False) -> Doc:
    schema: Doc
    if prop.ref:
        target: Doc = {"$ref": SCHEMAS + prop.ref}
        if prop.ref in STRING_FORMATS and (element or not prop.description):
            schema = target
        else:
            # kube-openapi wraps a reference that carries its own description (or default)
            # in allOf, since OpenAPI 3.0 ignores siblings of $ref.
            schema = {"allOf": [target]}
            if prop.ref not in STRING_FORMATS:
                schema["default"] = {}
    elif prop.items is not None:
        schema = {"type": "array", "items": _property(prop.items, element=True)}
    elif prop.values is not None:
        schema = {"type": "object", "additionalProperties": _property(prop.values, element=True)}
    else:
        schema = {"type": prop.type}
        if prop.format:
            schema["format"] = prop.format
        if element:
            schema["default"] = "" if prop.type == "string" else 0
    if prop.description:
        schema["description"] = prop.description
    if prop.enum:
        schema["enum"] = list(prop.enum)
    schema.update(prop.extensions)
    return schema
