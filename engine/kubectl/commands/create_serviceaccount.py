"""kubectl create serviceaccount (staging/src/k8s.io/kubectl/pkg/cmd/create/
create_serviceaccount.go): kubectl builds a bare ServiceAccount and POSTs it."""

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

_SUMMARY = "Create a service account with the specified name"


@command("create serviceaccount", *CREATE_FLAGS, summary=_SUMMARY)
def create_serviceaccount(ctx: Context, flags: Parsed) -> Gen:
    yield from _run(ctx, flags)


@command("create sa", *CREATE_FLAGS, summary=_SUMMARY)
def create_sa(ctx: Context, flags: Parsed) -> Gen:
    """The `sa` alias (cobra Aliases)."""
    yield from _run(ctx, flags)


def _run(ctx: Context, flags: Parsed) -> Gen:
    if len(flags.args) != 1:
        raise KubectlError(
            f"error: exactly one NAME is required, got {len(flags.args)}\n"
            "See 'kubectl create serviceaccount -h' for help and examples"
        )
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    metadata: dict[str, Any] = {"name": flags.args[0]}
    if ctx.explicit_namespace:  # EnforceNamespace
        metadata["namespace"] = ctx.namespace
    account = {"kind": "ServiceAccount", "apiVersion": "v1", "metadata": metadata}
    yield from send_created_object(
        ctx,
        flags,
        strategy,
        BY_NAME["serviceaccounts"],
        ctx.namespace,
        account,
        wrap_error="failed to create serviceaccount: ",
    )
