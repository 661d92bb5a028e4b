"""Turning what the user typed into objects to act on (cli-runtime pkg/resource/builder.go):
type names and short names, `type name...`, `type/name`, `a,b` and the `all` category, and
manifests from `-f` (a file or `-` for stdin, one or many YAML documents).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from engine import yamlsafe
from engine.apiserver.body import BodyError, jsonable
from engine.apiserver.resources import (
    RESOURCES,
    SERVED,
    ResourceType,
    by_api_version_kind,
    lookup,
)
from engine.kubectl.errors import KubectlError

if TYPE_CHECKING:
    from engine.kubectl.context import Context


@dataclass
class Target:
    resource: ResourceType
    name: str  # "" for "all of this type"

    def path(self, namespace: str) -> str:
        return resource_path(self.resource, namespace, self.name)


def resource_path(resource: ResourceType, namespace: str, name: str = "", sub: str = "") -> str:
    base = f"/apis/{resource.group}/{resource.version}" if resource.group else "/api/v1"
    if resource.namespaced and namespace:
        base += f"/namespaces/{namespace}"
    base += f"/{resource.name}"
    if name:
        base += f"/{name}"
    if sub:
        base += f"/{sub}"
    return base


def resolve_type(text: str) -> ResourceType:
    resource = lookup(text)
    if resource is None:
        raise KubectlError(f'error: the server doesn\'t have a resource type "{text}"')
    return resource


def warn_shadowed(ctx: Context, text: str) -> None:
    """restmapper/shortcut.go expandResourceShortcut: a short name that more than one served
    resource has (`ev`: core's events and events.k8s.io's) resolves to the first, with a
    warning for each other."""
    shared = [r for r in SERVED if text.lower() in r.short_names]
    others = {
        r.group_resource: r for r in shared[1:] if r.group_resource != shared[0].group_resource
    }
    for other in others.values():
        ctx.err(
            f'Warning: short name "{text}" could also match lower priority resource '
            f"{other.group_resource}\n"
        )


def resolve_types(text: str) -> list[ResourceType]:
    """`pods,deploy` or a category such as `all`."""
    found: list[ResourceType] = []
    for part in text.split(","):
        category = [r for r in RESOURCES if part in r.categories]
        if category:
            found += [r for r in _category_order(category) if r not in found]
        else:
            resource = resolve_type(part)
            if resource not in found:
                found.append(resource)
    return found


def _category_order(members: list[ResourceType]) -> list[ResourceType]:
    """`kubectl get all` lists pods, replicationcontrollers, services, then daemonsets,
    deployments, replicasets... (discovery's order: the core group first)."""
    order = [
        "pods",
        "replicationcontrollers",
        "services",
        "daemonsets",
        "deployments",
        "replicasets",
    ]
    return sorted(members, key=lambda r: order.index(r.name) if r.name in order else 99)


def parse_targets(args: list[str], ctx: Context, *, allow_empty_names: bool = True) -> list[Target]:
    """`pods`, `pods a b`, `pod/a deploy/b`, `pods,deploy`."""
    if not args:
        return []
    if any("/" in arg for arg in args):
        targets = []
        for arg in args:
            kind, slash, name = arg.partition("/")
            if not slash:
                raise KubectlError(
                    "error: there is no need to specify a resource type as a "
                    "separate argument when passing arguments in resource/name "
                    "form (e.g. 'kubectl get resource/<resource_name>' instead of "
                    "'kubectl get resource resource/<resource_name>'"
                )
            if not name:
                raise KubectlError(
                    "error: arguments in resource/name form must have a single resource and name"
                )
            warn_shadowed(ctx, kind)
            targets.append(Target(resolve_type(kind), name))
        return targets
    for part in args[0].split(","):
        warn_shadowed(ctx, part)
    types = resolve_types(args[0])
    names = args[1:]
    if names:
        # resource.Builder visitByName: every name of every type (`delete deployments,svc web`)
        return [Target(t, name) for t in types for name in names]
    if not allow_empty_names:
        raise ctx.usage_error("resource name may not be empty")
    return [Target(t, "") for t in types]


@dataclass
class Manifest:
    source: str  # the file name, or STDIN
    obj: dict[str, Any]
    resource: ResourceType


def read_manifests(ctx: Context, filenames: list[str]) -> list[Manifest]:
    manifests: list[Manifest] = []
    for filename in filenames:
        if filename == "-":
            source, text = "STDIN", ctx.stdin
        else:
            source = filename
            files = ctx.files
            if filename not in files:
                raise KubectlError(f'error: the path "{filename}" does not exist')
            text = files[filename]
        manifests += parse_manifests(text, source)
    if not manifests:
        raise KubectlError("error: no objects passed to " + ctx.command.split()[0])
    return manifests


def parse_manifests(text: str, source: str) -> list[Manifest]:
    try:  # yamlsafe enforces the size limit, aliases expanded
        # Then what sigs.k8s.io/yaml makes of go-yaml's values (a !!binary value is its
        # text, a set a map of nulls) and json.Marshal refuses (NaN, Inf).
        documents = [jsonable(d) for d in yamlsafe.load_all(text) if d is not None]
    except yamlsafe.YAMLTooLargeError as error:
        raise KubectlError(f"error: error parsing {source}: {error}") from None
    except yaml.YAMLError as error:
        raise KubectlError(
            f"error: error parsing {source}: error converting YAML to JSON: {_yaml_problem(error)}"
        ) from None
    except BodyError as error:
        raise KubectlError(
            f"error: error parsing {source}: error converting YAML to JSON: {error}"
        ) from None
    manifests = []
    for document in documents:
        for obj in _flatten(document, source):
            manifests.append(Manifest(source, obj, _type_of(obj, source)))
    return manifests


def _flatten(document: Any, source: str) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        raise KubectlError(
            f'error: error validating "{source}": error validating data: '
            f"invalid object to validate; if you choose to ignore these errors, "
            f"turn validation off with --validate=false"
        )
    if document.get("kind") == "List" or (
        str(document.get("kind", "")).endswith("List") and "items" in document
    ):
        return [item for item in document.get("items") or [] if isinstance(item, dict)]
    return [document]


def _type_of(obj: dict[str, Any], source: str) -> ResourceType:
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    if not kind:
        raise KubectlError(
            f"error: unable to decode \"{source}\": Object 'Kind' is missing in '{_go_map(obj)}'"
        )
    if not api_version:
        raise KubectlError(
            f'error: resource mapping not found for name: "{_name(obj)}" '
            f'namespace: "{_namespace(obj)}" from "{source}": no matches for kind '
            f'"{kind}" in group ""\nensure CRDs are installed first'
        )
    resource = by_api_version_kind(str(api_version), str(kind))
    if resource is None:
        raise KubectlError(
            f'error: resource mapping not found for name: "{_name(obj)}" '
            f'namespace: "{_namespace(obj)}" from "{source}": no matches for kind '
            f'"{kind}" in version "{api_version}"\nensure CRDs are installed first'
        )
    return resource


def metadata(obj: dict[str, Any]) -> dict[str, Any]:
    """A manifest's metadata as unstructured.Unstructured reads it: anything but a map reads as
    empty (GetName() is then "", and the API server says what is wrong with the rest)."""
    meta = obj.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _name(obj: dict[str, Any]) -> str:
    return str(metadata(obj).get("name", ""))


def _namespace(obj: dict[str, Any]) -> str:
    return str(metadata(obj).get("namespace", ""))


def _go_map(obj: dict[str, Any]) -> str:
    import json

    return json.dumps(obj, separators=(",", ":"), sort_keys=True)


def _yaml_problem(error: yaml.YAMLError) -> str:
    """PyYAML's complaint in the shape of Go's yaml errors: `yaml: line N: <problem>`."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    translations = {
        "mapping values are not allowed here": "mapping values are not allowed in this context",
        "found character '\\t' that cannot start any token": "found character that cannot "
        "start any token",
    }
    problem = translations.get(problem, problem)
    if mark is not None:
        return f"yaml: line {mark.line + 1}: {problem}"
    return f"yaml: {problem}"
