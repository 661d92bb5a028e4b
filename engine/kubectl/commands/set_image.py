"""kubectl set image (staging/src/k8s.io/kubectl/pkg/cmd/set/set_image.go, helper.go
CalculatePatches) and the bare `kubectl set`, which only prints its help.

kubectl fetches each object, changes the images in its pod spec (the pod template's, for
workloads), and sends the difference as a strategic merge patch; a change to a Deployment's
template is what starts a rollout.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

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

# `kubectl set` with no subcommand (cobra DefaultSubCommandRun prints help to stderr, exit 1).
SET_HELP = """Configure application resources.

 These commands help you make changes to existing application resources.

Available Commands:
  env              Update environment variables on a pod template
  image            Update the image of a pod template
  resources        Update resource requests/limits on objects with pod templates
  selector         Set the selector on a resource
  serviceaccount   Update the service account of a resource
  subject          Update the user, group, or service account in a role binding or cluster role binding

Usage:
  kubectl set SUBCOMMAND [options]

Use "kubectl set <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""  # noqa: E501 - kubectl's own text


@command("set", summary="Set specific features on objects")
def set_(ctx: Context, flags: Parsed) -> Gen:
    if flags.args:
        raise KubectlError(
            f'error: unknown command "{" ".join(flags.args)}"\n'
            "See 'kubectl set -h' for help and examples"
        )
    ctx.err(SET_HELP)
    ctx.result.exit_code = 1
    yield from ()


@command(
    "set image",
    Flag("all", kind="bool", default=False),
    Flag("selector", "l", default=""),
    Flag("output", "o", default=""),
    Flag("dry-run", default="none"),
    Flag("field-manager", default="kubectl-set"),
    summary="Update the image of a pod template",
)
def set_image(ctx: Context, flags: Parsed) -> Gen:
    resources, pairs = cmdutil.resources_and_pairs(flags.args, "image")
    images, removals = cmdutil.parse_pairs(pairs, "image")
    if removals:  # ParsePairs without removal support: `name-` is not an image
        raise KubectlError(f"error: invalid image format: {', '.join(p + '-' for p in removals)}")
    strategy = cmdutil.dry_run_strategy(flags)
    cmdutil.check_output(flags.output)
    selection = yield from select(ctx, resources, selector=flags.selector, select_all=flags.all)
    selection.fail_if_errors()
    _validate(flags, resources, images)
    failures: list[str] = []
    for info in selection.infos:
        modified = copy.deepcopy(info.obj)
        spec = _pod_spec(modified)
        if spec is None:
            failures.append(
                f"error: {info.resource.name}/{info.name} the object is not a pod "
                f"or does not have a pod template: *v1.{info.resource.kind}\n"
            )
            continue
        for name, image in images.items():
            if not _set_image(spec, name, image):
                failures.append(f'error: unable to find container named "{name}"\n')
        patch = strategicpatch.create_two_way_merge_patch(info.obj, modified, info.resource.kind)
        if not patch:
            continue  # no changes: nothing sent, nothing printed
        if strategy == cmdutil.DRY_RUN_CLIENT:
            ctx.out(
                cmdutil.print_object(
                    info.obj, info.resource, flags.output, "image updated", strategy
                )
            )
            continue
        yield from _patch(ctx, flags, info, patch, strategy, failures)
    if failures:
        raise KubectlError("".join(failures))


def _validate(flags: Parsed, resources: list[str], images: dict[str, str]) -> None:
    """SetImageOptions.Validate (after the builder ran, as in Complete/Validate/Run)."""
    problems = []
    if flags.all and flags.selector:
        problems.append("cannot set --all and --selector at the same time")
    if not resources:
        problems.append(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>"
        )
    if not images:
        problems.append("at least one image update is required")
    elif len(images) > 1 and "*" in images:
        problems.append(
            "all containers are already specified by *, but saw more than one "
            "container_name=container_image pairs"
        )
    if len(problems) == 1:
        raise KubectlError(f"error: {problems[0]}")
    if problems:
        raise KubectlError("".join(f"{p}\n" for p in problems))


def _patch(
    ctx: Context,
    flags: Parsed,
    info: Info,
    patch: dict[str, Any],
    strategy: str,
    failures: list[str],
) -> Gen:
    response: Response = yield from ctx.request(
        "PATCH",
        resource_path(info.resource, info.namespace, info.name),
        body=patch,
        query={**cmdutil.dry_run_query(strategy), "fieldManager": flags.field_manager},
        headers={"content-type": "application/strategic-merge-patch+json"},
    )
    if not response.ok:
        # set_image.go wraps the API error: only its message is printed
        failures.append(
            "error: failed to patch image update to pod template: "
            f"{response.body.get('message', '')}\n"
        )
        return
    ctx.out(
        cmdutil.print_object(response.body, info.resource, flags.output, "image updated", strategy)
    )


def _pod_spec(obj: dict[str, Any]) -> dict[str, Any] | None:
    """polymorphichelpers.updatePodSpecForObject: a Pod's spec or a workload's template."""
    kind = obj.get("kind")
    if kind == "Pod":
        spec: dict[str, Any] = obj.setdefault("spec", {})
        return spec
    if kind in ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"):
        template_spec: dict[str, Any] = (
            obj.setdefault("spec", {}).setdefault("template", {}).setdefault("spec", {})
        )
        return template_spec
    return None


def _set_image(spec: dict[str, Any], name: str, image: str) -> bool:
    """setImage over init, regular and ephemeral containers; `*` matches every one."""
    found = False
    for field in ("initContainers", "containers", "ephemeralContainers"):
        for container in spec.get(field) or []:
            if container.get("name") == name or name == "*":
                container["image"] = image
                found = True
    return found
