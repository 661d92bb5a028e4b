"""Another group-version of a stored kind: one storage, several group-versions, each request's
objects converted from its URL's version on the way in and to it on the way out.

Upstream the handlers' RequestScope carries a Convertor (staging/src/k8s.io/apiserver/pkg/
endpoints/handlers/rest.go): the body is decoded as the URL's version and converted to the
internal one, the REST storage works on that, and what it answers is converted back; field
selectors go through the version's field-label conversion. Here the stored version (the
resource of the same name in resources.RESOURCES) plays the internal one: the store, the
strategy, the printer and the watch cache stay as they are, and `serve` wraps the handler.
A version's converter, its field labels and the rules only its requests meet are a
`Conversion` (events.py: events.k8s.io/v1 Events over core/v1's storage; autoscaling.py:
autoscaling/v1 HorizontalPodAutoscalers over autoscaling/v2's).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from engine.apimachinery import errors, fields
from engine.apimachinery.labels import SelectorError
from engine.apiserver import decoding
from engine.apiserver.conversion import autoscaling, events
from engine.apiserver.handlers.response import wants_table
from engine.apiserver.request import Request, ResourcePath, Response, parse_resource_path
from engine.apiserver.resources import BY_NAME, ResourceType
from engine.apiserver.validation.common import Errors

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]
Handler = Callable[["APIServer", Request, ResourcePath], Gen]


@dataclass(frozen=True)
class Conversion:
    to_stored: Callable[[Obj], Obj]  # e.g. Convert_v1_Event_To_core_Event
    from_stored: Callable[[Obj], Obj]  # e.g. Convert_core_Event_To_v1_Event
    # AddFieldLabelConversionFunc: the version's selectable fields → the stored kind's (None:
    # the same labels, as DefaultMetaV1FieldSelectorConversion)
    field_labels: Mapping[str, str] | None = None
    # What a create (old None) or update through this version must also meet: upstream's
    # validation reads the request's version (ValidateEventCreate's requestVersion).
    validate: Callable[[Obj, Obj | None], Errors] = lambda _obj, _old: []


CONVERSIONS: dict[tuple[str, str, str], Conversion] = {
    ("events.k8s.io", "v1", "events"): Conversion(
        events.to_core, events.from_core, events.FIELD_LABELS, events.validate
    ),
    ("autoscaling", "v1", "horizontalpodautoscalers"): Conversion(
        autoscaling.to_v2, autoscaling.from_v2
    ),
}


def of(resource: ResourceType) -> Conversion | None:
    return CONVERSIONS.get((resource.group, resource.version, resource.name))


def of_request(req: Request) -> Conversion | None:
    """The conversion of the version a request came through, if it is not the stored one."""
    target = parse_resource_path(req.path)
    return of(target.resource) if target is not None else None


def stored(target: ResourcePath) -> ResourcePath:
    """The same URL at the stored version: what the store works with."""
    return replace(target, resource=BY_NAME[target.resource.name])


def serve(api: APIServer, handler: Handler, verb: str, req: Request, target: ResourcePath) -> Gen:
    """Run a request's handler, converting what goes in and what comes out when the URL names
    another version of a stored kind."""
    conversion = of(target.resource)
    if conversion is None:
        return (yield from handler(api, req, target))
    served = target.resource
    _convert_field_selector(req, conversion)
    if verb == "patch" and req.content_type == "application/apply-patch+yaml":
        # Server-side apply merges by the served version's schema: not converted here yet.
        raise errors.unsupported_media_type([t for t in decoding.PATCH_TYPES if "apply" not in t])
    if verb in ("create", "update"):
        obj = decoding.decode_body(req, served)  # typed as the URL's kind
        decoding.check_fields(req, served, obj, None)
        req.body = conversion.to_stored(obj)
    # A patch applies to the object as the URL's version shows it (handlers/patch.py).
    response: Response = yield from handler(api, req, target if verb == "patch" else stored(target))
    out = _converter(served, conversion)
    response.body = _convert_body(response.body, out, served.api_version)
    if response.watch is not None and not wants_table(req):  # Tables: the stored kind's printer
        _convert_watch(response.watch, out)
    return response


def _converter(served: ResourceType, conversion: Conversion) -> Callable[[Any], Any]:
    stored_resource = BY_NAME[served.name]

    def out(obj: Any) -> Any:
        if (
            isinstance(obj, dict)
            and obj.get("kind") == stored_resource.kind
            and obj.get("apiVersion") == stored_resource.api_version
        ):
            return conversion.from_stored(obj)
        return obj

    return out


def _convert_body(body: Any, out: Callable[[Any], Any], api_version: str) -> Any:
    if isinstance(body, dict) and str(body.get("kind")).endswith("List"):
        items = [out(item) for item in body.get("items") or []]
        return {**body, "apiVersion": api_version, "items": items}
    return out(body)


def _convert_watch(stream: Any, out: Callable[[Any], Any]) -> None:
    """Every event a watch sends, those already waiting included."""
    stream.backlog = [(kind, out(obj)) for kind, obj in stream.backlog]
    deliver = stream.deliver
    stream.deliver = lambda kind, obj: deliver(kind, out(obj))


def _convert_field_selector(req: Request, conversion: Conversion) -> None:
    """The field-label conversion: a label the version does not know is a 400."""
    text = req.query.get("fieldSelector", "")
    if not text or conversion.field_labels is None:
        return
    try:
        selector = fields.parse_field_selector(text)
    except SelectorError as error:
        raise errors.bad_request(str(error)) from error
    requirements = []
    for requirement in selector.requirements:
        label = conversion.field_labels.get(requirement.field)
        if label is None:
            raise errors.bad_request(f"field label not supported: {requirement.field}")
        requirements.append(replace(requirement, field=label))
    converted = replace(selector, requirements=tuple(requirements))
    req.query = {**req.query, "fieldSelector": converted.string()}
