"""kubectl create job and kubectl create cronjob (staging/src/k8s.io/kubectl/pkg/cmd/create/
create_job.go, create_cronjob.go).

`create job NAME --image=IMAGE [-- COMMAND]` builds a Job of one container (named after the
Job) with restartPolicy Never; `create job NAME --from=cronjob/NAME` copies a CronJob's
jobTemplate (the way to run a CronJob now, by hand), annotated
`cronjob.kubernetes.io/instantiate: manual` and owned by the CronJob. `create cronjob NAME
--image=IMAGE --schedule=SCHEDULE [--restart=OnFailure] [-- COMMAND]` builds a CronJob.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil
from engine.kubectl.builder import resolve_type, resource_path
from engine.kubectl.cli import command
from engine.kubectl.commands.create_subcommand import CREATE_FLAGS, send_created_object
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError, api_error_text
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

JOBS = BY_NAME["jobs"]
CRONJOBS = BY_NAME["cronjobs"]


def _name_and_command(flags: Parsed, what: str) -> tuple[str, list[str]]:
    """NameFromCommandArgs: exactly one NAME before `--`; the rest is the command."""
    args, dash = list(flags.args), flags.args_at_dash
    before = args if dash < 0 else args[:dash]
    if len(before) != 1:
        raise KubectlError(
            f"error: exactly one NAME is required, got {len(before)}\n"
            f"See 'kubectl create {what} -h' for help and examples"
        )
    return before[0], ([] if dash < 0 else args[dash:])


def _pod_spec(name: str, image: str, command_line: list[str], restart: str) -> dict[str, Any]:
    container: dict[str, Any] = {"name": name, "image": image}
    if command_line:
        container["command"] = list(command_line)
    container["resources"] = {}
    return {"containers": [container], "restartPolicy": restart}


def _metadata(ctx: Context, name: str) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if ctx.explicit_namespace:
        metadata["namespace"] = ctx.namespace
    return metadata


@command(
    "create job",
    Flag("image", default=""),
    Flag("from", default=""),
    *CREATE_FLAGS,
    summary="Create a job with the specified name",
)
def create_job(ctx: Context, flags: Parsed) -> Gen:
    name, command_line = _name_and_command(flags, "job")
    source = getattr(flags, "from")
    if bool(flags.image) == bool(source):
        raise KubectlError("error: either --image or --from must be specified")
    if command_line and source:
        raise KubectlError("error: cannot specify --from and command")
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    if source:
        job = yield from _job_from_cronjob(ctx, name, source)
    else:
        job = {
            "kind": "Job",
            "apiVersion": "batch/v1",
            "metadata": _metadata(ctx, name),
            "spec": {
                "template": {
                    "metadata": {},
                    "spec": _pod_spec(name, flags.image, command_line, "Never"),
                }
            },
            "status": {},
        }
    yield from send_created_object(ctx, flags, strategy, JOBS, ctx.namespace, job)


def _job_from_cronjob(ctx: Context, name: str, source: str) -> Gen:
    """createJobFromCronJob."""
    parts = source.split("/")
    if len(parts) != 2:
        raise KubectlError("error: from must be of the form <resource>/<name>")
    # The builder reads whatever is named, then only a CronJob will do.
    resource = resolve_type(parts[0])
    response: Response = yield from ctx.request(
        "GET", resource_path(resource, ctx.namespace, parts[1])
    )
    if not response.ok:
        raise KubectlError(api_error_text(response.body))
    if resource is not CRONJOBS:
        raise KubectlError(f"error: unknown object type *v1.{resource.kind}")
    cronjob = response.body
    template = (cronjob.get("spec") or {}).get("jobTemplate") or {}
    template_meta = template.get("metadata") or {}
    annotations = {"cronjob.kubernetes.io/instantiate": "manual"}
    annotations.update(template_meta.get("annotations") or {})
    metadata = _metadata(ctx, name)
    if template_meta.get("labels"):
        metadata["labels"] = dict(template_meta["labels"])
    metadata["annotations"] = dict(sorted(annotations.items()))
    meta = cronjob["metadata"]
    # Not NewControllerRef: blockOwnerDeletion would need the cronjobs/finalizers permission.
    metadata["ownerReferences"] = [
        {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "name": meta["name"],
            "uid": meta["uid"],
            "controller": True,
        }
    ]
    return {
        "kind": "Job",
        "apiVersion": "batch/v1",
        "metadata": metadata,
        "spec": copy.deepcopy(template.get("spec") or {}),
        "status": {},
    }


def _create_cronjob(ctx: Context, flags: Parsed) -> Gen:
    cmdutil.require_flag(flags, "image")
    cmdutil.require_flag(flags, "schedule")
    name, command_line = _name_and_command(flags, "cronjob")
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    restart = flags.restart or "OnFailure"
    cronjob = {
        "kind": "CronJob",
        "apiVersion": "batch/v1",
        "metadata": _metadata(ctx, name),
        "spec": {
            "schedule": flags.schedule,
            "jobTemplate": {
                "metadata": {"name": name},
                "spec": {
                    "template": {
                        "metadata": {},
                        "spec": _pod_spec(name, flags.image, command_line, restart),
                    }
                },
            },
        },
        "status": {},
    }
    yield from send_created_object(ctx, flags, strategy, CRONJOBS, ctx.namespace, cronjob)


_CRONJOB_FLAGS = (
    Flag("image", default=""),
    Flag("schedule", default=""),
    Flag("restart", default=""),
    *CREATE_FLAGS,
)


@command("create cronjob", *_CRONJOB_FLAGS, summary="Create a cronjob with the specified name")
def create_cronjob(ctx: Context, flags: Parsed) -> Gen:
    yield from _create_cronjob(ctx, flags)


@command("create cj", *_CRONJOB_FLAGS, summary="Create a cronjob with the specified name")
def create_cj(ctx: Context, flags: Parsed) -> Gen:
    """The `cj` alias (cobra Aliases)."""
    yield from _create_cronjob(ctx, flags)
