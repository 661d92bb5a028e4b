"""kubectl create namespace (staging/src/k8s.io/kubectl/pkg/cmd/create/create_namespace.go):
kubectl builds a bare Namespace and POSTs it."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil
from engine.kubectl.cli import command
from engine.kubectl.commands.create_subcommand import CREATE_FLAGS, send_created_object
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Parsed

Gen = Generator[Any, Any, Any]

NAMESPACES = BY_NAME["namespaces"]


@command("create namespace", *CREATE_FLAGS, summary="Create a namespace with the specified name")
def create_namespace(ctx: Context, flags: Parsed) -> Gen:
    yield from _run(ctx, flags)


@command("create ns", *CREATE_FLAGS, summary="Create a namespace with the specified name")
def create_ns(ctx: Context, flags: Parsed) -> Gen:
    """The `ns` alias (cobra Aliases)."""
    yield from _run(ctx, flags)


def _run(ctx: Context, flags: Parsed) -> Gen:
    if len(flags.args) != 1:
        raise KubectlError(
            f"error: exactly one NAME is required, got {len(flags.args)}\n"
            "See 'kubectl create namespace -h' for help and examples"
        )
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    namespace = {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": {"name": flags.args[0]},
        "spec": {},
        "status": {},
    }
    yield from send_created_object(ctx, flags, strategy, NAMESPACES, "", namespace)
