"""The decode stage of a write: the body read, typed, and every failure answered in the words
of the handler that meets it upstream.

Where a decode fails decides how the API server reports it:

- create and update (handlers/create.go, update.go transformDecodeError): 400, `Deployment in
  version "v1" cannot be handled as a Deployment: <error>` once apiVersion/kind were read from
  the body, else `the object provided is unrecognized (must be of type Pod): <error> (<first
  30 bytes>)`;
- a JSON or merge patch whose result does not decode (handlers/patch.go
  jsonPatcher.applyPatchToCurrentObject): 422 Invalid on the field `patch`, quoting the
  patched JSON; a strategic merge patch (applyPatchToObject): the same, quoting the patch
  map as Go's %+v prints it;
- a patch body that is not JSON: its parser's error (jsonpatch.DecodePatch, kjson for a
  strategic merge patch), or evanphx/json-patch's `Invalid JSON Patch` for a merge patch;
- server-side apply (managedfields/internal/structuredmerge.go Apply): plain errors, which
  upstream answers as 500 with no reason (responsewriters/status.go ErrorToAPIStatus).
  Podlife answers them 400 BadRequest, with upstream's text: a client's mistake is never a
  server error here (docs/limits.md), and it is how undeclared fields are answered already;
- DeleteOptions (handlers/delete.go): 400 with the decoder's error as it is.
"""

from __future__ import annotations

import copy
import marshal
from typing import Any

from engine.apimachinery import errors, field
from engine.apimachinery.errors import StatusError
from engine.apiserver import body as bodies
from engine.apiserver import validation
from engine.apiserver.body import BodyError
from engine.apiserver.request import MAX_REQUEST_BODY_BYTES, Request, parse_resource_path
from engine.apiserver.resources import ResourceType
from engine.apiserver.schema import kind_struct, strict
from engine.apiserver.schema.typecheck import (
    apply_type_errors,
    converter_error,
    go_v,
    json_error,
)

YAML_TYPES = ("application/yaml", "application/apply-patch+yaml")
# handlers/patch.go: the patch formats, in the order its 415 lists them.
PATCH_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
    "application/strategic-merge-patch+json",
)
# Bodies we can decode: JSON, YAML and the patch formats (themselves JSON or YAML).
READABLE = ("application/json", "application/yaml", *PATCH_TYPES)
# The kinds of the subresources that take a body of their own kind.
SUBRESOURCE_KINDS = {
    "binding": ("", "v1", "Binding"),
    "eviction": ("policy", "v1", "Eviction"),
    "scale": ("autoscaling", "v1", "Scale"),
    "token": ("authentication.k8s.io", "v1", "TokenRequest"),
}
DELETE_OPTIONS = ("", "v1", "DeleteOptions")


def trusted(req: Request) -> bool:
    """A request from an in-engine component (a controller, the scheduler, a kubelet): its
    bodies are built by typed code, as client-go's are, so their types are not walked again.
    What a person sends, through the in-engine kubectl or over HTTP, always is."""
    return req.source != "kubectl" and not isinstance(req.body, bytes | str)


def read(req: Request, text: str, kind: str, limit: int) -> Any:
    """The value of a text body; what the handler answers when it cannot be read. `kind` is
    the kind the handler decodes into (for the unrecognized-object message)."""
    yaml_body = req.content_type in YAML_TYPES
    try:
        if yaml_body:
            return bodies.decode_yaml(text, limit)
        return bodies.decode_json(text)
    except BodyError as error:
        message = str(error)
    method = req.method.upper()
    if method == "PATCH":
        if req.content_type == "application/merge-patch+json":
            return _raise(errors.bad_request("Invalid JSON Patch"))
        if req.content_type == "application/apply-patch+yaml":
            # sigs.k8s.io/yaml Unmarshal wraps what YAMLToJSON says.
            message = f"error decoding patch: error converting YAML to JSON: {message}"
        return _raise(errors.bad_request(message))
    if method == "DELETE":
        return _raise(errors.bad_request(message))
    if not yaml_body:
        # The JSON serializer's first read is Interpret's json.Unmarshal (meta.go).
        message = "couldn't get version/kind; json parse error: " + message
    return _raise(unrecognized(kind, message, text))


def _raise(error: StatusError) -> Any:
    raise error


def unrecognized(kind: str, message: str, raw: Any) -> StatusError:
    """transformDecodeError when the body's kind could not be read."""
    return errors.bad_request(
        f"the object provided is unrecognized (must be of type {kind}): {message} "
        f"({bodies.summarize(raw)})"
    )


def body_gvk(req: Request) -> tuple[str, str, str]:
    """The kind a request's body is decoded into: DeleteOptions for a DELETE, a subresource's
    own kind (Binding, Eviction, Scale), else the resource's."""
    if req.method.upper() == "DELETE":
        return DELETE_OPTIONS
    target = parse_resource_path(req.path)
    if target is None:
        return ("", "v1", "")
    if target.subresource in SUBRESOURCE_KINDS:
        return SUBRESOURCE_KINDS[target.subresource]
    return (target.resource.group, target.resource.version, target.resource.kind)


def typed_body(
    req: Request, obj: Any, gvk: tuple[str, str, str], raw: Any, *, types: bool = True
) -> dict[str, Any]:
    """A create or update body read as its kind's Go struct would read it: apiVersion and kind
    first (Interpret), then, with `types`, every field's type. A null body is an empty
    object."""
    group, version, kind = gvk
    try:
        bodies.interpret(obj)
    except BodyError as error:
        if req.method.upper() == "DELETE":
            raise errors.bad_request(str(error)) from None
        raise unrecognized(kind, str(error), raw) from None
    if obj is None:
        obj = {}
    struct = kind_struct(group, version, kind) if types and not trusted(req) else None
    problem = json_error(struct, obj) if struct is not None else None
    if problem:
        if req.method.upper() == "DELETE":
            raise errors.bad_request(problem)
        raise errors.bad_request(
            f'{kind} in version "{version}" cannot be handled as a {kind}: {problem}'
        )
    result: dict[str, Any] = obj
    return result


def check_patched(
    content_type: str,
    gvk: tuple[str, str, str],
    result: dict[str, Any],
    old: Any,
    patch: Any,
) -> None:
    """The object a JSON, merge or strategic merge patch made must decode as its kind."""
    struct = kind_struct(*gvk)
    if struct is None:
        return
    if content_type == "application/strategic-merge-patch+json":
        problem = converter_error(struct, result, old)
        if problem:
            raise invalid_patch(go_v(patch), problem)
        return
    try:
        bodies.interpret(result)
    except BodyError as error:
        raise invalid_patch(bodies.patched_json(result), str(error)) from None
    problem = json_error(struct, result, old)
    if problem:
        raise invalid_patch(bodies.patched_json(result), problem)


def invalid_patch(value: str, message: str) -> StatusError:
    """errors.NewInvalid(schema.GroupKind{}, "", field.Invalid(field.NewPath("patch"), ...)):
    no kind, no name, so the message starts with a space."""
    error = field.invalid("patch", value, message)
    return StatusError(
        422,
        "Invalid",
        f' "" is invalid: {error.error()}',
        {"causes": [{"reason": error.type_reason, "message": error.body(), "field": "patch"}]},
    )


def check_applied(gvk: tuple[str, str, str], applied: dict[str, Any]) -> None:
    """An applied configuration must be a typed value of its kind (structured-merge-diff); the
    type errors come with any undeclared fields, as one error. Undeclared fields alone are
    left to strict.apply_error."""
    struct = kind_struct(*gvk)
    if struct is None:
        return
    lines = apply_type_errors(struct, applied)
    if not lines:
        return
    lines += [
        f"{path}: field not declared in schema"
        for path in strict.undeclared_for_apply(struct, applied)
    ]
    # typed.ValidationErrors.Error(): one error alone, else an indented list.
    text = lines[0] if len(lines) == 1 else "\n".join(["errors:", *(f"  {x}" for x in lines)])
    raise errors.bad_request(
        f"failed to create typed patch object ({_gvknn(applied, gvk)}): {text}"
    )


def check_apply_result(gvk: tuple[str, str, str], merged: dict[str, Any], applied: Any) -> None:
    """The applied object is converted back to its Go type (FromUnstructured)."""
    struct = kind_struct(*gvk)
    problem = converter_error(struct, merged) if struct is not None else None
    if problem:
        raise errors.bad_request(
            f"failed to convert new object ({_gvknn(applied, gvk)}) to proper version: {problem}"
        )


def _gvknn(obj: Any, gvk: tuple[str, str, str]) -> str:
    """structuredmerge.go objectGVKNN: `namespace/name; group/version, Kind=Kind`."""
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    meta = meta if isinstance(meta, dict) else {}
    group, version, kind = gvk
    return f"{meta.get('namespace') or ''}/{meta.get('name') or ''}; {group}/{version}, Kind={kind}"


def query_int64(text: str) -> int:
    """An int64 query parameter as the parameter codec converts it (strconv.ParseInt), its
    error a 400 (handlers/delete.go DecodeParameters)."""
    digits = text[1:] if text[:1] in "+-" else text
    if not digits or not all("0" <= char <= "9" for char in digits):
        raise errors.bad_request(
            f"strconv.ParseInt: parsing {field.go_quote(text)}: invalid syntax"
        )
    value = int(text)
    if not -(2**63) <= value < 2**63:
        raise errors.bad_request(
            f"strconv.ParseInt: parsing {field.go_quote(text)}: value out of range"
        )
    return value


# ---------------------------------------------------------------------------------------------
# A request's body on its way into a handler


def copy_body(value: Any) -> Any:
    """copy.deepcopy of a request body given as Python values (the in-engine clients'
    bodies), at a quarter of the cost: marshal round-trips exactly the built-in types
    (keeping tuples tuples and shared values shared, as deepcopy does) and refuses anything
    else, such as a str subclass, which then takes deepcopy's way."""
    try:
        return marshal.loads(marshal.dumps(value))
    except ValueError:
        return copy.deepcopy(value)


def decode_raw(req: Request) -> Any:
    """The body's value: text read by its content type's decoder; a body already given as
    Python values (an in-engine client's) copied, as decoding would make a fresh one."""
    body = req.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if not isinstance(body, str):
        return copy_body(body)
    if req.content_type not in READABLE:
        raise errors.unsupported_media_type(
            ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]
        )
    # The decoders' own words for what they cannot read (see read); a DELETE's body is
    # DeleteOptions, typed here as delete.go decodes it.
    value = read(req, body, body_gvk(req)[2], MAX_REQUEST_BODY_BYTES)
    if req.method.upper() == "DELETE":
        return typed_body(req, value, DELETE_OPTIONS, body)
    return value


def decode_body(req: Request, resource: ResourceType | None) -> dict[str, Any]:
    """A create or update body (or a Binding, Eviction or Scale), refused as its handler
    refuses what does not decode into its kind."""
    raw = req.body
    body = decode_raw(req)
    # A resource's own kind is typed by check_type (with its apiVersion/kind checks).
    typed = typed_body(req, body, body_gvk(req), raw, types=resource is None)
    if resource is not None:
        check_type(typed, resource, None, req)
    return typed


def check_type(
    obj: dict[str, Any],
    resource: ResourceType,
    old: dict[str, Any] | None = None,
    req: Request | None = None,
) -> None:
    """The body's apiVersion/kind must be the URL's (or absent), and its values must fit
    their Go types. `old`: the stored object an update started from (see
    validation.decode_error); `req`: whose request it is (see trusted)."""
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if api_version and api_version != resource.api_version:
        raise errors.bad_request(
            f"the API version in the data ({api_version}) does not match "
            f"the expected API version ({resource.api_version})"
        )
    if kind and kind != resource.kind:
        raise errors.bad_request(
            f"the kind in the data ({kind}) does not match the expected kind ({resource.kind})"
        )
    obj["apiVersion"], obj["kind"] = resource.api_version, resource.kind
    if req is not None and trusted(req):
        return
    problem = validation.decode_error(resource.kind, obj, old)
    if problem:
        raise errors.bad_request(
            f'{resource.kind} in version "{resource.version}" cannot be handled as a '
            f"{resource.kind}: {problem}"
        )


def field_directive(req: Request) -> str:
    """fieldValidation: Strict, Warn or Ignore. Requests over HTTP default to Warn, as
    upstream; in-engine components never send unknown fields, so without the parameter they
    skip the walk."""
    return req.query.get("fieldValidation") or ("Warn" if isinstance(req.body, bytes | str) else "")


def check_fields(
    req: Request, resource: ResourceType, obj: dict[str, Any], old: dict[str, Any] | None
) -> None:
    """fieldValidation: Strict rejects unknown fields, Warn and Ignore drop them."""
    problem = strict.enforce(
        field_directive(req),
        resource.group,
        resource.version,
        resource.kind,
        obj,
        old,
        patch=req.method.upper() == "PATCH",
    )
    if problem:
        raise errors.bad_request(problem)


def delete_options(req: Request) -> dict[str, Any]:
    """DeleteOptions from the body and the query (handlers/delete.go)."""
    options: dict[str, Any] = {}
    if req.body not in (None, b"", ""):
        options = decode_raw(req) or {}
    for name in ("gracePeriodSeconds", "propagationPolicy", "orphanDependents"):
        if name in req.query:
            value: Any = req.query[name]
            options[name] = (
                query_int64(value)
                if name == "gracePeriodSeconds"
                else (value == "true" if name == "orphanDependents" else value)
            )
    if options.get("propagationPolicy") not in (None, "Orphan", "Background", "Foreground"):
        raise errors.bad_request(
            f'DeleteOptions.meta.k8s.io "" is invalid: '
            f"propagationPolicy: Unsupported value: "
            f'"{options["propagationPolicy"]}": supported values: '
            f'"Foreground", "Background", "Orphan", "nil"'
        )
    return options
