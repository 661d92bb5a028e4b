"""kubectl create namespace (staging/src/k8s.io/kubectl/pkg/cmd/create/create_namespace.go):
kubectl builds a bare Namespace and POSTs it."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil
from engine.kubectl.builder import resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

NAMESPACES = BY_NAME["namespaces"]

_FLAGS = (
    Flag("output", "o", default=""),
    Flag("dry-run", default="none"),
    Flag("save-config", kind="bool", default=False),
    Flag("field-manager", default="kubectl-create"),
    Flag("validate", default="strict"),
)


@command("create namespace", *_FLAGS, summary="Create a namespace with the specified name")
def create_namespace(ctx: Context, flags: Parsed) -> Gen:
    yield from _run(ctx, flags)


@command("create ns", *_FLAGS, summary="Create a namespace with the specified name")
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
    if strategy == cmdutil.DRY_RUN_CLIENT:
        ctx.out(
            cmdutil.print_object(
                namespace, NAMESPACES, flags.output, "created", strategy, typed=True
            )
        )
        return
    query = {
        "fieldManager": flags.field_manager,
        "fieldValidation": cmdutil.validation_directive(flags),
        **cmdutil.dry_run_query(strategy),
    }
    response: Response = yield from ctx.request(
        "POST", resource_path(NAMESPACES, ""), body=namespace, query=query
    )
    created = ctx.must(response)
    ctx.out(
        cmdutil.print_object(created, NAMESPACES, flags.output, "created", strategy, typed=True)
    )
