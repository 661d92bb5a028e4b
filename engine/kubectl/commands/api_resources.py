"""kubectl api-resources and api-versions (staging/src/k8s.io/kubectl/pkg/cmd/apiresources/
apiresources.go, apiversions.go): what API discovery says the server serves."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.kubectl import cmdutil, printers, tabwriter
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.discovery import APIResource, discover
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]


@command(
    "api-resources",
    Flag("api-group", default=""),
    Flag("cached", kind="bool", default=False),
    Flag("categories", kind="list"),
    Flag("namespaced", kind="bool", default=True),
    Flag("no-headers", kind="bool", default=False),
    Flag("output", "o", default=""),
    Flag("sort-by", default=""),
    Flag("verbs", kind="list"),
    summary="Print the supported API resources on the server",
)
def api_resources(ctx: Context, flags: Parsed) -> Gen:
    if flags.output not in ("", "wide", "name", "json", "yaml"):
        raise KubectlError(
            f"error: unable to match a printer suitable for the output format "
            f'"{flags.output}", allowed formats are: json,kyaml,name,wide,yaml'
        )
    if flags.sort_by not in ("", "name", "kind"):
        raise KubectlError("error: --sort-by accepts only name or kind")
    if flags.args:
        raise KubectlError(
            f"error: unexpected arguments: [{' '.join(flags.args)}]\n"
            "See 'kubectl api-resources -h' for help and examples"
        )
    groups, resources = yield from discover(ctx)
    preferred = {group: versions[0] for group, versions in groups if versions}
    chosen = [r for r in resources if _wanted(r, flags, preferred)]
    chosen.sort(key=lambda r: _sort_key(r, flags.sort_by))
    if flags.output == "name":
        ctx.out("".join(f"{r.name}.{r.group}\n" if r.group else f"{r.name}\n" for r in chosen))
    elif flags.output in ("json", "yaml"):
        document = {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": "",
            "resources": [_entry(r) for r in chosen],
        }
        ctx.out(
            printers.print_yaml(document)
            if flags.output == "yaml"
            else cmdutil.typed_json(document)
        )
    else:
        ctx.out(_table(chosen, flags))


def _wanted(r: APIResource, flags: Parsed, preferred: dict[str, str]) -> bool:
    """ServerPreferredResources, then the command's filters; subresources never show."""
    if "/" in r.name or preferred.get(r.group) != r.version:
        return False
    if flags.api_group and flags.api_group != r.group:
        return False
    if "namespaced" in flags.given and r.namespaced != flags.namespaced:
        return False
    if flags.verbs and not set(flags.verbs) <= set(r.verbs):
        return False
    return not flags.categories or set(flags.categories) <= set(r.categories)


def _sort_key(r: APIResource, sort_by: str) -> tuple[str, str]:
    """sortableResource.Less: by group (or the --sort-by field), then by name."""
    first = {"name": r.name, "kind": r.kind}.get(sort_by, r.group)
    return first, r.name


def _table(chosen: list[APIResource], flags: Parsed) -> str:
    wide = flags.output == "wide"
    rows = []
    if not flags.no_headers:
        rows.append(
            "NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND"
            + ("\tVERBS\tCATEGORIES" if wide else "")
        )
    for r in chosen:
        row = (
            f"{r.name}\t{','.join(r.short_names)}\t{r.group_version}\t"
            f"{'true' if r.namespaced else 'false'}\t{r.kind}"
        )
        if wide:
            row += f"\t{','.join(r.verbs)}\t{','.join(r.categories)}"
        rows.append(row)
    text = "".join(row + "\n" for row in rows)
    return tabwriter.align(text, minwidth=tabwriter.GET_MINWIDTH, padding=tabwriter.GET_PADDING)


def _entry(r: APIResource) -> dict[str, Any]:
    """metav1.APIResource in its struct's JSON order (empty fields omitted)."""
    entry: dict[str, Any] = {"name": r.name, "singularName": r.singular, "namespaced": r.namespaced}
    if r.group:
        entry["group"] = r.group
    entry.update(version=r.version, kind=r.kind, verbs=list(r.verbs))
    if r.short_names:
        entry["shortNames"] = list(r.short_names)
    if r.categories:
        entry["categories"] = list(r.categories)
    return entry


@command(
    "api-versions",
    summary='Print the supported API versions on the server, in the form of "group/version"',
)
def api_versions(ctx: Context, flags: Parsed) -> Gen:
    if flags.args:
        raise KubectlError(
            f"error: unexpected arguments: [{' '.join(flags.args)}]\n"
            "See 'kubectl api-versions -h' for help and examples"
        )
    groups, _resources = yield from discover(ctx)
    versions = sorted(f"{group}/{v}" if group else v for group, vs in groups for v in vs)
    ctx.out("".join(f"{v}\n" for v in versions))
