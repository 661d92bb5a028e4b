"""kubectl create token (staging/src/k8s.io/kubectl/pkg/cmd/create/create_token.go): ask the
API server for a token of a ServiceAccount (a TokenRequest to serviceaccounts/NAME/token) and
print it."""

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

BOUND_KINDS = {"Pod": "v1", "Secret": "v1", "Node": "v1"}  # create_token.go boundObjectKinds


@command(
    "create token",
    Flag("audience", kind="list"),
    Flag("duration", default="0s"),
    Flag("bound-object-kind", default=""),
    Flag("bound-object-name", default=""),
    Flag("bound-object-uid", default=""),
    Flag("output", "o", default=""),
    summary="Request a service account token",
)
def create_token(ctx: Context, flags: Parsed) -> Gen:
    if len(flags.args) != 1:
        raise ctx.usage_error(f"exactly one name is required, got {len(flags.args)}")
    cmdutil.check_output(flags.output)
    seconds = cmdutil.parse_duration(flags.duration, "duration", "create token")
    _validate(flags, seconds)
    spec: dict[str, Any] = {"audiences": [a for a in flags.audience if a]}
    if seconds > 0:
        spec["expirationSeconds"] = int(seconds)
    if flags.bound_object_kind:
        spec["boundObjectRef"] = {
            "kind": flags.bound_object_kind,
            "apiVersion": BOUND_KINDS[flags.bound_object_kind],
            "name": flags.bound_object_name,
            "uid": flags.bound_object_uid,
        }
    body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": spec}
    path = resource_path(BY_NAME["serviceaccounts"], ctx.namespace, flags.args[0]) + "/token"
    response: Response = yield from ctx.request("POST", path, body=body)
    if not response.ok:
        raise KubectlError(f"error: failed to create token: {response.body.get('message', '')}")
    token = (response.body.get("status") or {}).get("token", "")
    if not token:
        raise KubectlError("error: failed to create token: no token in server response")
    if flags.output:
        ctx.out(cmdutil.print_object(response.body, BY_NAME["serviceaccounts"], flags.output, ""))
    else:
        ctx.out(token + "\n")


def _validate(flags: Parsed, seconds: float) -> None:
    """TokenOptions.Validate."""
    if seconds < 0:
        raise KubectlError("error: --duration must be greater than or equal to 0")
    if seconds != int(seconds):
        raise KubectlError("error: --duration cannot be expressed in units less than seconds")
    if any(not audience for audience in flags.audience):
        raise KubectlError("error: --audience must not be an empty string")
    kind = flags.bound_object_kind
    if not kind:
        if flags.bound_object_name:
            raise KubectlError(
                "error: --bound-object-name can only be set if --bound-object-kind is provided"
            )
        if flags.bound_object_uid:
            raise KubectlError(
                "error: --bound-object-uid can only be set if --bound-object-kind is provided"
            )
        return
    if kind not in BOUND_KINDS:
        raise KubectlError(
            "error: supported --bound-object-kind values are " + ", ".join(sorted(BOUND_KINDS))
        )
    if not flags.bound_object_name:
        raise KubectlError(
            "error: --bound-object-name is required if --bound-object-kind is provided"
        )
