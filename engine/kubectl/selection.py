"""Fetching the objects a command line names, as cli-runtime's resource.Builder does for
`ResourceTypeOrNameArgs(...).LabelSelectorParam(...).Latest()` (pkg/resource/builder.go,
visitor.go): one GET per `type/name`, one LIST per type selected by `-l`, `--field-selector`
or `--all`; failures are collected so the command can go on with the rest (ContinueOnError).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from engine.apiserver.request import Response
from engine.apiserver.resources import ResourceType
from engine.kubectl.builder import parse_targets, resource_path
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError, api_error_text

Gen = Generator[Any, Any, Any]

# builder.go: what kubectl says when no resource is named at all.
NO_RESOURCES = (
    "error: You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n"
    "   '-f rsrc.yaml'\n"
    "   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n"
    "   '<resource>'"
)


@dataclass
class Info:
    """resource.Info: one object to act on."""

    resource: ResourceType
    namespace: str
    name: str
    obj: dict[str, Any]


@dataclass
class Selection:
    infos: list[Info]
    errors: list[str]  # kubectl's text for each failed GET or LIST, in order
    listed: bool  # whether a LIST was made (the "No resources found" case)

    def fail_if_errors(self) -> None:
        if self.errors:
            raise KubectlError("".join(self.errors))


def select(
    ctx: Context,
    args: list[str],
    *,
    selector: str = "",
    field_selector: str = "",
    select_all: bool = False,
    list_bare_types: bool = False,
    chunked: bool = False,
    all_namespaces: bool = False,
) -> Gen:
    """The objects `args` name, fetched from the API server; returns a Selection.

    `list_bare_types` makes `kubectl rollout restart deploy` act on every Deployment, where
    most commands insist on a name, a selector or --all."""
    targets = parse_targets(args, ctx)
    if not targets:
        raise KubectlError(NO_RESOURCES)
    named = [t for t in targets if t.name]
    if named and (selector or field_selector):
        raise KubectlError("error: name cannot be provided when a selector is specified")
    selecting = bool(selector or field_selector or select_all or list_bare_types)
    if not named and not selecting:
        raise KubectlError("error: resource(s) were provided, but no name was specified")
    selection = Selection([], [], listed=not named)
    for target in targets:
        resource = target.resource
        namespace = ctx.namespace if resource.namespaced else ""
        if target.name:
            response: Response = yield from ctx.request(
                "GET", resource_path(resource, namespace, target.name)
            )
            if response.ok:
                selection.infos.append(Info(resource, namespace, target.name, response.body))
            else:
                selection.errors.append(api_error_text(response.body))
            continue
        query: dict[str, str] = {}
        if selector:
            query["labelSelector"] = selector
        if field_selector:
            query["fieldSelector"] = field_selector
        if chunked:
            query["limit"] = "500"
        scope = "" if all_namespaces else namespace
        listing: Response = yield from ctx.request(
            "GET", resource_path(resource, scope), query=query
        )
        if not listing.ok:
            selection.errors.append(api_error_text(listing.body))
            continue
        for item in listing.body.get("items") or []:
            meta = item.get("metadata") or {}
            obj = {"apiVersion": resource.api_version, "kind": resource.kind, **item}
            selection.infos.append(
                Info(resource, meta.get("namespace", ""), meta.get("name", ""), obj)
            )
    return selection
