"""PATCH (handlers/patch.go PatchResource): a JSON patch, merge patch or strategic merge patch
applied to the stored object inside a guaranteed update, or server-side apply."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from engine.apimachinery import errors, jsonpatch, managedfields, strategicpatch
from engine.apiserver import conversion, decoding, memo
from engine.apiserver.handlers.create import create
from engine.apiserver.registry import store
from engine.apiserver.request import Request, ResourcePath
from engine.apiserver.schema import strict
from engine.apiserver.schema.typecheck import json_kind

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

    Gen = store.Gen

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"


def patch(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    content_type = req.content_type
    resource = target.resource
    if content_type not in decoding.PATCH_TYPES:
        raise errors.unsupported_media_type(list(decoding.PATCH_TYPES))
    body = decoding.decode_raw(req)
    apply_patch: Callable[[dict[str, Any], Any], Any]
    if content_type == APPLY_PATCH:
        return (yield from apply(api, req, target, body))
    if content_type == STRATEGIC_MERGE_PATCH:
        subresource = resource.subresource(target.subresource)
        kind = subresource.kind if subresource else resource.kind
        if not isinstance(body, dict | None):
            # handlers/patch.go: json.Unmarshal of the patch into a map[string]interface{}
            raise errors.bad_request(
                f"json: cannot unmarshal {json_kind(body)} into Go value of type "
                "map[string]interface {}"
            )
        body = body or {}

        def strategic(obj: dict[str, Any], given: Any) -> dict[str, Any]:
            # share=True: the result keeps what the patch does not touch as the very maps
            # and lists of `obj` (see store.guaranteed_update), instead of copying the object.
            result: dict[str, Any] = strategicpatch.apply_strategic_merge_patch(
                obj, given, kind, share=True
            )
            return result

        apply_patch = strategic
    elif content_type == MERGE_PATCH:
        apply_patch = jsonpatch.apply_merge_patch
    else:
        apply_patch = jsonpatch.apply_json_patch
        # handlers/patch.go: jsonpatch.DecodePatch unmarshals into a []Operation
        body = [] if body is None else body
        wrong = (
            [op for op in body if not isinstance(op, dict | None)]
            if isinstance(body, list)
            else [body]
        )
        if wrong:
            what = "Operation" if isinstance(body, list) else "Patch"
            raise errors.bad_request(
                f"json: cannot unmarshal {json_kind(wrong[0])} into Go value of type "
                f"jsonpatch.{what}"
            )
    gvk = decoding.SUBRESOURCE_KINDS.get(target.subresource) or (
        resource.group,
        resource.version,
        resource.kind,
    )

    version = conversion.of(resource)  # another version of a stored kind: patch it as shown

    def patched(old: dict[str, Any]) -> dict[str, Any]:
        # The appliers never change their inputs, so neither needs copying first.
        if version is not None:
            old = version.from_stored(old)
        try:
            result: dict[str, Any] = apply_patch(old, body)
        except jsonpatch.PatchError as error:
            if content_type == JSON_PATCH:
                raise jsonpatch.json_patch_status_error() from error
            raise errors.bad_request(str(error)) from error
        if not isinstance(result, dict):
            # a merge patch that is not an object replaces the whole document (RFC 7386),
            # which then cannot decode as an object
            raise errors.bad_request(
                f"json: cannot unmarshal {json_kind(result)} into Go value of type "
                "map[string]interface {}"
            )
        # What the patch made must decode as the kind, before anything else sees it.
        if not decoding.trusted(req):
            decoding.check_patched(content_type, gvk, result, old, body)
        if version is not None:
            decoding.check_fields(req, resource, result, old)
            return version.to_stored(result)
        return result

    connect = api.strategy(resource).subresources.get((target.subresource, "patch"))
    if connect is not None:
        return (yield from connect(api, req, target, patched))
    precondition = ""
    metadata = body.get("metadata") if isinstance(body, dict) else None
    if isinstance(metadata, dict) and isinstance(metadata.get("resourceVersion"), str):
        precondition = metadata["resourceVersion"]
    if version is not None:
        target = conversion.stored(target)
    return (yield from store.guaranteed_update(api, req, target, patched, precondition))


def apply(api: APIServer, req: Request, target: ResourcePath, body: Any) -> Gen:
    """Server-side apply (applyPatcher): the object created from the configuration if there
    is none, else merged into it with the managers' ownership; conflicts are a 409."""
    resource = target.resource
    body = {} if body is None else body  # null leaves the map it is decoded into empty
    if not isinstance(body, dict):
        # applyPatcher: sigs.k8s.io/yaml Unmarshal of the patch into a map[string]any
        raise errors.bad_request(
            "error decoding patch: error unmarshaling JSON: while decoding JSON: json: "
            f"cannot unmarshal {json_kind(body)} into Go value of type "
            "map[string]interface {}"
        )
    gvk = (resource.group, resource.version, resource.kind)
    decoding.check_applied(gvk, body)
    undeclared = strict.apply_error(resource.group, resource.version, resource.kind, body)
    if undeclared:
        raise errors.bad_request(undeclared)
    manager = req.query.get("fieldManager", "")
    if not manager:
        raise errors.bad_request(
            "PATCH requests with apply content type must specify a fieldManager"
        )
    force = req.query.get("force") == "true"
    if api.etcd.get(resource.key(target.namespace, target.name)) is None:
        body.setdefault("metadata", {}).setdefault("name", target.name)
        merged, _ = managedfields.server_side_apply(
            None, body, manager, force, resource.kind, memo.rfc3339(api.env.now)
        )
        decoding.check_apply_result(gvk, merged, body)
        req.body = merged
        collection = ResourcePath(resource, target.namespace, "", "")
        return (yield from create(api, req, collection, fields_managed=True))

    def applied(old: dict[str, Any]) -> dict[str, Any]:
        merged, conflicts = managedfields.server_side_apply(
            copy.deepcopy(old),
            copy.deepcopy(body),
            manager,
            force,
            resource.kind,
            memo.rfc3339(api.env.now),
        )
        if conflicts:
            raise managedfields.apply_conflict_error(conflicts)
        decoding.check_apply_result(gvk, merged, body)
        result: dict[str, Any] = merged
        return result

    return (yield from store.guaranteed_update(api, req, target, applied, "", fields_managed=True))
