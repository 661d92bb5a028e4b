"""kubectl version (staging/src/k8s.io/kubectl/pkg/cmd/version/version.go): the client's own
build, the kustomize it embeds, and the server's answer to GET /version."""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.kubectl import printers
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

# The kubectl Podlife's kubectl plays: the 1.37.1 release build (`kubectl version -o json`).
CLIENT_VERSION = {
    "major": "1",
    "minor": "37",
    "gitVersion": "v1.37.1",
    "gitCommit": "f78e722310e50bcaca9276be22276d9e91d91308",
    "gitTreeState": "clean",
    "buildDate": "2026-09-23T17:10:04Z",
    "goVersion": "go1.26.8",
    "compiler": "gc",
    "platform": "linux/amd64",
}
KUSTOMIZE_VERSION = "v5.8.1"


@command(
    "version",
    Flag("client", kind="bool", default=False),
    Flag("output", "o", default=""),
    summary="Print the client and server version information",
)
def version(ctx: Context, flags: Parsed) -> Gen:
    if flags.args:
        raise KubectlError(f"error: extra arguments: [{' '.join(flags.args)}]")
    if flags.output not in ("", "yaml", "json"):
        raise KubectlError("error: --output must be 'yaml' or 'json'")
    info: dict[str, Any] = {"clientVersion": CLIENT_VERSION, "kustomizeVersion": KUSTOMIZE_VERSION}
    if not flags.client:
        response: Response = yield from ctx.request("GET", "/version")
        info["serverVersion"] = ctx.must(response)
    if flags.output == "yaml":
        ctx.out(printers.print_yaml(info) + "\n")  # fmt.Fprintln of text ending in \n
    elif flags.output == "json":
        ctx.out(json.dumps(info, indent=2) + "\n")  # json.MarshalIndent(v, "", "  ")
    else:
        ctx.out(
            f"Client Version: {CLIENT_VERSION['gitVersion']}\n"
            f"Kustomize Version: {KUSTOMIZE_VERSION}\n"
        )
        if "serverVersion" in info:
            ctx.out(f"Server Version: {info['serverVersion'].get('gitVersion', '')}\n")
            ctx.err(_skew_warning(info["serverVersion"]))


def _skew_warning(server: dict[str, Any]) -> str:
    """version.go: more than one minor version apart is unsupported."""
    minor = "".join(ch for ch in str(server.get("minor", "")) if ch.isdigit())
    if str(server.get("major")) != "1" or not minor or abs(int(minor) - 37) <= 1:
        return ""
    return (
        f"WARNING: version difference between client (1.37) and server (1.{minor}) "
        "exceeds the supported minor version skew of +/-1\n"
    )
