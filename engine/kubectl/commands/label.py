"""kubectl label and kubectl annotate (staging/src/k8s.io/kubectl/pkg/cmd/label/label.go,
annotate/annotate.go).

Both fetch each object, change its metadata map locally, and send the difference as a JSON
merge patch. They differ in small ways kubectl users notice: label validates values and only
patches when something changed (`not labeled`), annotate always patches and refuses to
overwrite even an equal value without --overwrite.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from engine.apiserver.request import Response
from engine.apiserver.validation.names import is_label_value
from engine.kubectl import cmdutil
from engine.kubectl.builder import resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError, api_error_text
from engine.kubectl.flags import Flag, Parsed
from engine.kubectl.selection import Info, select

Gen = Generator[Any, Any, Any]

CHANGE_CAUSE = "kubernetes.io/change-cause"  # annotate may always overwrite it

_FLAGS = (
    Flag("overwrite", kind="bool", default=False),
    Flag("list", kind="bool", default=False),
    Flag("selector", "l", default=""),
    Flag("field-selector", default=""),
    Flag("all", kind="bool", default=False),
    Flag("resource-version", default=""),
    Flag("output", "o", default=""),
    Flag("dry-run", default="none"),
)


@dataclass(frozen=True)
class Kind:
    """What differs between the two commands."""

    noun: str  # "label" / "annotation"
    field: str  # metadata.labels / metadata.annotations
    manager: str


LABEL = Kind("label", "labels", "kubectl-label")
ANNOTATION = Kind("annotation", "annotations", "kubectl-annotate")


@command(
    "label",
    *_FLAGS,
    Flag("field-manager", default="kubectl-label"),
    summary="Update the labels on a resource",
)
def label(ctx: Context, flags: Parsed) -> Gen:
    yield from _run(ctx, flags, LABEL)


@command(
    "annotate",
    *_FLAGS,
    Flag("field-manager", default="kubectl-annotate"),
    summary="Update the annotations on a resource",
)
def annotate(ctx: Context, flags: Parsed) -> Gen:
    yield from _run(ctx, flags, ANNOTATION)


def _run(ctx: Context, flags: Parsed, kind: Kind) -> Gen:
    resources, pairs = cmdutil.resources_and_pairs(flags.args, kind.noun)
    new, remove = _parse_labels(pairs) if kind is LABEL else _parse_annotations(pairs)
    strategy = cmdutil.dry_run_strategy(flags)
    if flags.list and flags.output:
        raise KubectlError("error: --list and --output may not be specified together")
    if flags.all and flags.selector:
        raise KubectlError("error: cannot set --all and --selector at the same time")
    if flags.all and flags.field_selector:
        raise KubectlError("error: cannot set --all and --field-selector at the same time")
    if not resources:
        raise KubectlError(
            "error: one or more resources must be specified as <resource> "
            "<name> or <resource>/<name>"
        )
    if not new and not remove and not flags.list:
        raise KubectlError(f"error: at least one {kind.noun} update is required")
    cmdutil.check_output(flags.output)
    selection = yield from select(
        ctx,
        resources,
        selector=flags.selector,
        field_selector=flags.field_selector,
        select_all=flags.all,
    )
    # builder.go singleItemImplied: one `type/name`, or one type and one name
    single = (len(resources) == 1 and "/" in resources[0]) or (
        len(resources) == 2 and "/" not in resources[0] and not selection.listed
    )
    if flags.resource_version and not single:
        raise KubectlError("error: --resource-version may only be used with a single resource")
    failures = list(selection.errors)
    for info in selection.infos:
        try:
            if flags.list:
                ctx.out(_listing(info, kind, single))
            else:
                yield from _change(ctx, flags, kind, info, new, remove, strategy)
        except KubectlError as error:
            failures.append(error.text)
    if failures:
        raise KubectlError("".join(failures))


def _change(
    ctx: Context,
    flags: Parsed,
    kind: Kind,
    info: Info,
    new: dict[str, str],
    remove: list[str],
    strategy: str,
) -> Gen:
    current: dict[str, str] = dict((info.obj.get("metadata") or {}).get(kind.field) or {})
    if not flags.overwrite:
        _check_no_overwrites(kind, current, new)
    if kind is LABEL and strategy != cmdutil.DRY_RUN_CLIENT:
        for key in remove:
            if key not in current:
                ctx.out(f'label "{key}" not found.\n')
    changes: dict[str, Any] = {k: v for k, v in new.items() if current.get(k) != v}
    changes.update({k: None for k in remove if k in current})
    operation = _operation(kind, new, remove, current)
    obj = info.obj
    patch: dict[str, Any] = {"metadata": {kind.field: changes}} if changes else {}
    if flags.resource_version:
        patch.setdefault("metadata", {})["resourceVersion"] = flags.resource_version
    # label.go skips a patch that changes nothing; annotate.go always sends it.
    if strategy != cmdutil.DRY_RUN_CLIENT and (patch or kind is ANNOTATION):
        query = {**cmdutil.dry_run_query(strategy), "fieldManager": flags.field_manager}
        response: Response = yield from ctx.request(
            "PATCH",
            resource_path(info.resource, info.namespace, info.name),
            body=patch,
            query=query,
            headers={"content-type": "application/merge-patch+json"},
        )
        if not response.ok:
            raise KubectlError(api_error_text(response.body))
        obj = response.body
    ctx.out(cmdutil.print_object(obj, info.resource, flags.output, operation, strategy))


def _operation(kind: Kind, new: dict[str, str], remove: list[str], current: dict[str, str]) -> str:
    """What the name printer says: annotate always `annotated`; label tells what changed."""
    if kind is ANNOTATION:
        return "annotated"
    added = any(current.get(k) != v for k, v in new.items())
    removed = any(k in current for k in remove)
    if added and removed:
        return "modified"
    if added:
        return "labeled"
    return "unlabeled" if removed else "not labeled"


def _check_no_overwrites(kind: Kind, current: dict[str, str], new: dict[str, str]) -> None:
    if kind is LABEL:
        # validateNoOverwrites: only a different value counts
        clashes = [
            f"'{k}' already has a value ({current[k]}), and --overwrite is false"
            for k, v in new.items()
            if k in current and current[k] != v
        ]
        if len(clashes) == 1:
            raise KubectlError(f"error: {clashes[0]}")
        if clashes:  # an Aggregate: checkErr prints each error on its own line, unprefixed
            raise KubectlError("".join(f"{clash}\n" for clash in clashes))
        return
    # validateNoAnnotationOverwrites: any existing key counts
    found = [
        f"'{k}' already has a value ({current[k]})"
        for k in new
        if k in current and k != CHANGE_CAUSE
    ]
    if found:
        raise KubectlError(
            "error: --overwrite is false but found the following declared "
            f"annotation(s): {'; '.join(found)}"
        )


def _listing(info: Info, kind: Kind, single: bool) -> str:
    """--list: `k=v` lines, under a heading when several objects are listed. kubectl ranges
    over a Go map (random order); Podlife sorts the keys."""
    values = (info.obj.get("metadata") or {}).get(kind.field) or {}
    indent = "" if single else " "
    text = (
        ""
        if single
        else (f"Listing {kind.field} for {info.resource.kind}.{info.resource.group}/{info.name}:\n")
    )
    return text + "".join(f"{indent}{k}={values[k]}\n" for k in sorted(values))


def _parse_labels(pairs: list[str]) -> tuple[dict[str, str], list[str]]:
    """label.go parseLabels: values are checked here, keys by the API server."""
    new: dict[str, str] = {}
    remove: list[str] = []
    for pair in pairs:
        if "=" in pair:
            parts = pair.split("=")
            if len(parts) != 2:
                raise KubectlError(f"error: invalid label spec: {pair}")
            problems = is_label_value(parts[1])
            if problems:
                raise KubectlError(f'error: invalid label value: "{pair}": {";".join(problems)}')
            new[parts[0]] = parts[1]
        elif pair.endswith("-"):
            remove.append(pair[:-1])
        else:
            raise KubectlError(f"error: unknown label spec: {pair}")
    if any(key in new for key in remove):
        raise KubectlError("error: can not both modify and remove a label in the same command")
    return new, remove


def _parse_annotations(pairs: list[str]) -> tuple[dict[str, str], list[str]]:
    new, remove = cmdutil.parse_pairs(pairs, "annotation")
    both = [key for key in remove if key in new]
    if both:
        raise KubectlError(
            "error: can not both modify and remove the following "
            f"annotation(s) in the same command: {', '.join(both)}"
        )
    return new, remove
