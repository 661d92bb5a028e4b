"""kubectl rollout pause / resume / restart, and the bare `kubectl rollout` help
(staging/src/k8s.io/kubectl/pkg/cmd/rollout/rollout.go, rollout_pause.go, rollout_resume.go,
rollout_restart.go; polymorphichelpers objectpauser.go, objectresumer.go, objectrestarter.go).

Each one edits the object locally and sends the difference as a strategic merge patch:
`spec.paused`, or the template annotation `kubectl.kubernetes.io/restartedAt` — a template
change, so the Deployment controller rolls out new pods.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Generator
from typing import Any

from engine import timeutil
from engine.apimachinery import strategicpatch
from engine.apiserver.request import Response
from engine.kubectl import cmdutil
from engine.kubectl.builder import resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed
from engine.kubectl.selection import Info, select

Gen = Generator[Any, Any, Any]
Editor = Callable[[dict[str, Any], float], str | None]  # edits in place; returns an error

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"

# `kubectl rollout` with no subcommand; kubectl's own text, trailing spaces included.
ROLLOUT_HELP = "\n".join(
    [
        "Manage the rollout of one or many resources.",
        "" + " " * 8,
        " Valid resource types include:",
        "",
        "  *  deployments",
        "  *  daemonsets",
        "  *  statefulsets",
        "",
        "Examples:",
        "  # Rollback to the previous deployment",
        "  kubectl rollout undo deployment/abc",
        "" + " " * 2,
        "  # Check the rollout status of a daemonset",
        "  kubectl rollout status daemonset/foo",
        "" + " " * 2,
        "  # Restart a deployment",
        "  kubectl rollout restart deployment/abc",
        "" + " " * 2,
        "  # Restart deployments with the 'app=nginx' label",
        "  kubectl rollout restart deployment --selector=app=nginx",
        "",
        "Available Commands:",
        "  history       View rollout history",
        "  pause         Mark the provided resource as paused",
        "  restart       Restart a resource",
        "  resume        Resume a paused resource",
        "  status        Show the status of the rollout",
        "  undo          Undo a previous rollout",
        "",
        "Usage:",
        "  kubectl rollout SUBCOMMAND [options]",
        "",
        'Use "kubectl rollout <command> --help" for more information about a given command.',
        'Use "kubectl options" for a list of global command-line options (applies to all '
        "commands).",
        "",
    ]
)

_FLAGS = (
    Flag("selector", "l", default=""),
    Flag("output", "o", default=""),
    Flag("field-manager", default="kubectl-rollout"),
)


@command("rollout", summary="Manage the rollout of a resource")
def rollout(ctx: Context, flags: Parsed) -> Gen:
    """No subcommand: the help goes to stdout and kubectl exits 1 (an unknown one is an
    error: cobra's DefaultSubCommandRun)."""
    if flags.args:
        raise KubectlError(
            f'error: unknown command "{" ".join(flags.args)}"\n'
            "See 'kubectl rollout -h' for help and examples"
        )
    ctx.out(ROLLOUT_HELP)
    ctx.result.exit_code = 1
    yield from ()


@command("rollout pause", *_FLAGS, summary="Mark the provided resource as paused")
def rollout_pause(ctx: Context, flags: Parsed) -> Gen:
    yield from _patch_each(ctx, flags, _pause, "paused")


@command("rollout resume", *_FLAGS, summary="Resume a paused resource")
def rollout_resume(ctx: Context, flags: Parsed) -> Gen:
    yield from _patch_each(ctx, flags, _resume, "resumed")


@command("rollout restart", *_FLAGS, summary="Restart a resource")
def rollout_restart(ctx: Context, flags: Parsed) -> Gen:
    yield from _patch_each(ctx, flags, _restart, "restarted")


def _pause(obj: dict[str, Any], now: float) -> str | None:
    if obj.get("kind") != "Deployment":
        return "pausing is not supported"
    if obj["spec"].get("paused"):
        return "is already paused"
    obj["spec"]["paused"] = True
    return None


def _resume(obj: dict[str, Any], now: float) -> str | None:
    if obj.get("kind") != "Deployment":
        return "resuming is not supported"
    if not obj["spec"].get("paused"):
        return "is not paused"
    obj["spec"].pop("paused")  # false is the zero value: omitted, so the patch says null
    return None


def _restart(obj: dict[str, Any], now: float) -> str | None:
    if obj.get("kind") != "Deployment":
        return "restarting is not supported"
    if obj["spec"].get("paused"):
        return "can't restart paused deployment (run rollout resume first)"
    metadata = obj["spec"].setdefault("template", {}).setdefault("metadata", {})
    # time.Now().Format(time.RFC3339): the virtual clock, in UTC
    metadata.setdefault("annotations", {})[RESTARTED_AT] = timeutil.rfc3339(now)
    return None


def _patch_each(ctx: Context, flags: Parsed, edit: Editor, operation: str) -> Gen:
    """set.CalculatePatches, then one PATCH per object that changed."""
    if not flags.args:
        raise KubectlError("error: required resource not specified")
    cmdutil.check_output(flags.output)
    selection = yield from select(ctx, flags.args, selector=flags.selector, list_bare_types=True)
    selection.fail_if_errors()
    if not selection.infos and selection.listed:
        ctx.err(f"No resources found in {ctx.namespace} namespace.\n")
    failures: list[str] = []
    for info in selection.infos:
        modified = copy.deepcopy(info.obj)
        problem = edit(modified, ctx.now)
        if problem:
            failures.append(f'error: {info.resource.group_resource} "{info.name}" {problem}\n')
            continue
        patch = strategicpatch.create_two_way_merge_patch(info.obj, modified, info.resource.kind)
        if not patch:  # rollout_restart.go: the same second's restartedAt changes nothing
            failures.append(
                f"error: failed to create patch for {info.name}: if restart has "
                "already been triggered within the past second, please wait "
                "before attempting to trigger another\n"
            )
            continue
        yield from _send(ctx, flags, info, patch, operation, failures)
    if failures:
        raise KubectlError("".join(failures))


def _send(
    ctx: Context,
    flags: Parsed,
    info: Info,
    patch: dict[str, Any],
    operation: str,
    failures: list[str],
) -> Gen:
    response: Response = yield from ctx.request(
        "PATCH",
        resource_path(info.resource, info.namespace, info.name),
        body=patch,
        query={"fieldManager": flags.field_manager},
        headers={"content-type": "application/strategic-merge-patch+json"},
    )
    if not response.ok:
        failures.append(f"error: failed to patch: {response.body.get('message', '')}\n")
        return
    ctx.out(cmdutil.print_object(response.body, info.resource, flags.output, operation))
