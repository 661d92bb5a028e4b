"""kubectl scale (staging/src/k8s.io/kubectl/pkg/cmd/scale/scale.go, pkg/scale/scale.go).

Without preconditions kubectl sends one merge patch to the `scale` subresource. With
`--current-replicas` or `--resource-version` it reads the Scale first, checks it, and PUTs it
back, retrying only on a conflict (ScaleCondition).
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.kubectl import cmdutil, printers
from engine.kubectl.builder import resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError, api_error_text
from engine.kubectl.flags import Flag, Parsed
from engine.kubectl.selection import Info, select

Gen = Generator[Any, Any, Any]

MAX_CONFLICT_RETRIES = 10  # a bound on scale.go's poll-until-no-conflict


@command(
    "scale",
    Flag("replicas", kind="int", default=-1),
    Flag("current-replicas", kind="int", default=-1),
    Flag("resource-version", default=""),
    Flag("all", kind="bool", default=False),
    Flag("selector", "l", default=""),
    Flag("output", "o", default=""),
    Flag("dry-run", default="none"),
    Flag("timeout", default="0s"),
    summary="Set a new size for a deployment, replica set, or replication controller",
)
def scale(ctx: Context, flags: Parsed) -> Gen:
    cmdutil.require_flag(flags, "replicas")
    cmdutil.parse_duration(flags.timeout, "timeout", "scale")
    strategy = cmdutil.dry_run_strategy(flags)
    if flags.replicas < 0:
        raise KubectlError(
            "error: The --replicas=COUNT flag is required, and COUNT must be "
            "greater than or equal to 0"
        )
    if flags.current_replicas < -1:
        raise KubectlError("error: The --current-replicas must specify an integer of -1 or greater")
    selection = yield from select(ctx, flags.args, selector=flags.selector, select_all=flags.all)
    selection.fail_if_errors()
    infos = selection.infos
    if flags.resource_version and len(infos) > 1:
        raise KubectlError("error: cannot use --resource-version with multiple resources")
    if not infos:
        raise KubectlError("error: no objects passed to scale")
    for info in infos:
        if strategy != cmdutil.DRY_RUN_CLIENT:
            yield from _scale_one(ctx, flags, info, strategy)
        _print(ctx, flags, info, strategy)


def _scale_one(ctx: Context, flags: Parsed, info: Info, strategy: str) -> Gen:
    path = resource_path(info.resource, info.namespace, info.name, "scale")
    query = cmdutil.dry_run_query(strategy)
    if flags.current_replicas == -1 and not flags.resource_version:
        patched: Response = yield from ctx.request(
            "PATCH",
            path,
            body={"spec": {"replicas": flags.replicas}},
            query=query,
            headers={"content-type": "application/merge-patch+json"},
        )
        ctx.must(patched)
        return
    for _attempt in range(MAX_CONFLICT_RETRIES):
        current: Response = yield from ctx.request("GET", path)
        scale_obj = ctx.must(current)
        _check_preconditions(flags, scale_obj)
        updated = copy.deepcopy(scale_obj)
        updated["spec"]["replicas"] = flags.replicas
        put: Response = yield from ctx.request("PUT", path, body=updated, query=query)
        if put.code == 409 and put.body.get("reason") == "Conflict":
            continue
        ctx.must(put)
        return
    raise KubectlError(api_error_text(put.body))


def _check_preconditions(flags: Parsed, scale_obj: dict[str, Any]) -> None:
    """scale.go ScalePrecondition.validate and PreconditionError.Error."""
    replicas = (scale_obj.get("spec") or {}).get("replicas", 0)
    if flags.current_replicas != -1 and replicas != flags.current_replicas:
        raise KubectlError(
            f"error: Expected replicas to be {flags.current_replicas}, was {replicas}"
        )
    version = scale_obj["metadata"].get("resourceVersion", "")
    if flags.resource_version and version != flags.resource_version:
        raise KubectlError(
            f"error: Expected resource version to be {flags.resource_version}, was {version}"
        )


def _print(ctx: Context, flags: Parsed, info: Info, strategy: str) -> None:
    """The object as the builder fetched it, through `-o`, or the `scaled` line."""
    if flags.output == "name":
        ctx.out(cmdutil.named(info.resource, info.name))
    elif flags.output == "yaml":
        ctx.out(printers.print_yaml(info.obj))
    elif flags.output == "json":
        ctx.out(printers.print_json(info.obj))
    else:
        ctx.out(cmdutil.named(info.resource, info.name, "scaled", strategy))
