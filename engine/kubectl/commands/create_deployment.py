"""kubectl create deployment (staging/src/k8s.io/kubectl/pkg/cmd/create/create_deployment.go).

kubectl builds the Deployment itself (label and selector `app=<name>`, one container per
`--image`, named after the image) and POSTs it; the API server fills in every default.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine import names
from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil
from engine.kubectl.cli import command
from engine.kubectl.commands.create_subcommand import CREATE_FLAGS, send_created_object
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

DEPLOYMENTS = BY_NAME["deployments"]

_FLAGS = (
    Flag("image", kind="list"),
    Flag("replicas", "r", kind="int", default=1),
    Flag("port", kind="int", default=-1),
    *CREATE_FLAGS,
)


@command("create deployment", *_FLAGS, summary="Create a deployment with the specified name")
def create_deployment(ctx: Context, flags: Parsed) -> Gen:
    yield from _run(ctx, flags)


@command("create deploy", *_FLAGS, summary="Create a deployment with the specified name")
def create_deploy(ctx: Context, flags: Parsed) -> Gen:
    """The `deploy` alias (cobra Aliases)."""
    yield from _run(ctx, flags)


def _run(ctx: Context, flags: Parsed) -> Gen:
    cmdutil.require_flag(flags, "image")
    name, command_line = _name_and_command(ctx, flags)
    if len(flags.image) > 1 and command_line:
        raise KubectlError("error: cannot specify multiple --image options and command")
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    deployment = build_deployment(ctx, flags, name, command_line)
    yield from send_created_object(
        ctx,
        flags,
        strategy,
        DEPLOYMENTS,
        ctx.namespace,
        deployment,
        # create_deployment.go wraps the API error, so checkErr prints it as a plain error.
        wrap_error="failed to create deployment: ",
    )


def _name_and_command(ctx: Context, flags: Parsed) -> tuple[str, list[str]]:
    """`NAME -- COMMAND [args...]`: exactly one name before the dash."""
    args, dash = list(flags.args), flags.args_at_dash
    before = args if dash < 0 else args[:dash]
    if len(before) != 1:
        raise KubectlError(
            f"error: exactly one NAME is required, got {len(before)}\n"
            f"See 'kubectl create deployment -h' for help and examples"
        )
    return before[0], ([] if dash < 0 else args[dash:])


def build_deployment(
    ctx: Context, flags: Parsed, name: str, command_line: list[str]
) -> dict[str, Any]:
    """createDeployment, field for field, in the struct's JSON order."""
    metadata: dict[str, Any] = {"name": name}
    if ctx.explicit_namespace:
        metadata["namespace"] = ctx.namespace
    metadata["labels"] = {"app": name}
    containers = []
    for image in flags.image:
        container: dict[str, Any] = {"name": _container_name(ctx, image), "image": image}
        if command_line:
            container["command"] = list(command_line)
        container["resources"] = {}
        containers.append(container)
    if flags.port >= 0 and containers:
        containers[0] = {
            **{k: v for k, v in containers[0].items() if k != "resources"},
            "ports": [{"containerPort": flags.port}],
            "resources": {},
        }
    return {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": metadata,
        "spec": {
            "replicas": flags.replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": containers}},
            "strategy": {},
        },
        "status": {},
    }


def _container_name(ctx: Context, image: str) -> str:
    """buildPodSpec: the image's last path part without tag or digest; `_` and `.` become `-`
    plus a random suffix (sanitizeAndUniquify)."""
    name = image.split("/")[-1].split(":")[0].split("@")[0]
    if "_" in name or "." in name:
        name = name.replace("_", "-").replace(".", "-")
        name = f"{name}-{names.random_string(ctx.rng)}"
    return name
