"""What every `kubectl create <kind>` generator shares (staging/src/k8s.io/kubectl/pkg/cmd/create:
the printing, dry-run, field-manager and validation flags, and the Run step that sends the
object kubectl built): print it under --dry-run=client, else POST it and print what came back.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.apiserver.resources import ResourceType
from engine.kubectl import cmdutil
from engine.kubectl.builder import resource_path
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

CREATE_FLAGS = (
    Flag("output", "o", default=""),
    Flag("dry-run", default="none"),
    Flag("save-config", kind="bool", default=False),
    Flag("field-manager", default="kubectl-create"),
    Flag("validate", default="strict"),
)


def send_created_object(
    ctx: Context,
    flags: Parsed,
    strategy: str,
    resource: ResourceType,
    namespace: str,
    obj: dict[str, Any],
    *,
    wrap_error: str = "",
    operation: str = "created",
) -> Gen:
    """Print `obj` under --dry-run=client; otherwise POST it to `resource` in `namespace` and
    print the created object. With `wrap_error`, an API error is printed as a plain
    `error: <wrap_error><message>` (as create_deployment.go wraps it: "failed to create
    deployment: "); without, as checkErr prints it."""
    if strategy == cmdutil.DRY_RUN_CLIENT:
        ctx.out(cmdutil.print_object(obj, resource, flags.output, operation, strategy, typed=True))
        return
    query = {
        "fieldManager": flags.field_manager,
        # expose has no --validate flag
        **(
            {"fieldValidation": cmdutil.validation_directive(flags)}
            if "validate" in flags.values
            else {}
        ),
        **cmdutil.dry_run_query(strategy),
    }
    response: Response = yield from ctx.request(
        "POST", resource_path(resource, namespace), body=obj, query=query
    )
    if wrap_error and not response.ok:
        raise KubectlError(f"error: {wrap_error}{response.body.get('message', '')}")
    created = ctx.must(response)
    ctx.out(cmdutil.print_object(created, resource, flags.output, operation, strategy, typed=True))
