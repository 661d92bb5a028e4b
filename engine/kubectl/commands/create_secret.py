"""kubectl create secret generic and docker-registry (staging/src/k8s.io/kubectl/pkg/cmd/
create/create_secret.go, create_secret_docker.go): kubectl builds the Secret, its values
base64-encoded as Go writes a []byte, then POSTs it. `create secret tls` is not offered: it
checks a real X.509 key pair (tls.X509KeyPair) that Podlife has no way to read.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Generator
from typing import Any

from engine.apimachinery.field import go_quote
from engine.apiserver.resources import BY_NAME
from engine.apiserver.validation.names import is_config_map_key
from engine.kubectl import cmdutil, sources
from engine.kubectl.cli import command
from engine.kubectl.commands.create_configmap import SOURCE_FLAGS, check_sources, name_argument
from engine.kubectl.commands.create_subcommand import CREATE_FLAGS, send_created_object
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

SECRETS = BY_NAME["secrets"]
DOCKER_HUB = "https://index.docker.io/v1/"


def _b64(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


class SecretData(dict[str, str]):
    """A Secret's data under construction (addKeyFromLiteralToSecret's checks)."""

    def add(self, key: str, value: str) -> None:
        problems = is_config_map_key(key)
        if problems:
            raise KubectlError(
                f"error: {go_quote(key)} is not valid key name for a Secret {';'.join(problems)}"
            )
        if key in self:
            raise KubectlError(
                f"error: cannot add key {key}, another key by that name already exists"
            )
        self[key] = _b64(value)

    def add_files(self, ctx: Context, file_sources: list[str]) -> None:
        for source in file_sources:
            for key, text in sources.read_file_source(ctx, source):
                self.add(key, text)


@command(
    "create secret generic",
    *SOURCE_FLAGS,
    Flag("type", default=""),
    *CREATE_FLAGS,
    summary="Create a secret from a local file, directory, or literal value",
)
def create_secret_generic(ctx: Context, flags: Parsed) -> Gen:
    name = name_argument(flags, "kubectl create secret generic")
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    check_sources(flags)
    data = SecretData()
    for source in flags.from_literal:
        data.add(*sources.parse_literal_source(source))
    data.add_files(ctx, flags.from_file)
    for path in flags.from_env_file:
        sources.add_from_env_file(ctx, path, data.add)
    yield from _send(ctx, flags, strategy, _secret(ctx, name, flags.type, data))


@command(
    "create secret docker-registry",
    Flag("docker-username", default=""),
    Flag("docker-password", default=""),
    Flag("docker-email", default=""),
    Flag("docker-server", default=DOCKER_HUB),
    Flag("from-file", kind="list"),
    *CREATE_FLAGS,
    summary="Create a secret for use with a Docker registry",
)
def create_secret_docker_registry(ctx: Context, flags: Parsed) -> Gen:
    name = name_argument(flags, "kubectl create secret docker-registry")
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    if not flags.from_file and not (
        flags.docker_username and flags.docker_password and flags.docker_server
    ):
        raise KubectlError(
            "error: either --from-file or the combination of --docker-username, "
            "--docker-password and --docker-server is required"
        )
    data = SecretData()
    if flags.from_file:
        data.add_files(ctx, flags.from_file)
    else:
        data.add(".dockerconfigjson", _docker_config(flags))
    secret = _secret(ctx, name, "kubernetes.io/dockerconfigjson", data)
    yield from _send(ctx, flags, strategy, secret)


def _docker_config(flags: Parsed) -> str:
    """handleDockerCfgJSONContent: DockerConfigJSON{Auths: {server: entry}}, the entry's
    fields in struct order, empty ones omitted, `auth` being base64("user:password")."""
    entry = {
        "username": flags.docker_username,
        "password": flags.docker_password,
        "email": flags.docker_email,
        "auth": _b64(f"{flags.docker_username}:{flags.docker_password}"),
    }
    auths = {flags.docker_server: {k: v for k, v in entry.items() if v}}
    text = json.dumps({"auths": auths}, separators=(",", ":"), ensure_ascii=False)
    # json.Marshal escapes HTML's special characters
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _secret(ctx: Context, name: str, secret_type: str, data: dict[str, str]) -> dict[str, Any]:
    """newSecretObj: the namespace only when given (EnforceNamespace), type only when set."""
    metadata: dict[str, Any] = {"name": name}
    if ctx.explicit_namespace:
        metadata["namespace"] = ctx.namespace
    secret: dict[str, Any] = {"kind": "Secret", "apiVersion": "v1", "metadata": metadata}
    if data:
        secret["data"] = dict(sorted(data.items()))
    if secret_type:
        secret["type"] = secret_type
    return secret


def _send(ctx: Context, flags: Parsed, strategy: str, secret: dict[str, Any]) -> Gen:
    # create_secret.go wraps the API error as "failed to create secret %v": no colon
    yield from send_created_object(
        ctx, flags, strategy, SECRETS, ctx.namespace, secret, wrap_error="failed to create secret "
    )


@command("create secret", summary="Create a secret using a specified subcommand")
def create_secret(ctx: Context, flags: Parsed) -> Gen:
    """The parent command: its own Run is cmdutil.DefaultSubCommandRun, which refuses
    arguments (RequireNoArguments) and otherwise prints its help."""
    yield from ()  # sends nothing
    if flags.args[:1] == ["tls"]:
        raise KubectlError(
            'error: Podlife\'s simulated kubectl does not offer "kubectl create secret tls": '
            "it needs a real certificate and key"
        )
    if flags.args:
        raise ctx.usage_error(f"unknown command {go_quote(' '.join(flags.args))}")
    raise KubectlError(
        "Create a secret with specified type.\n\n"
        "Available Commands:\n"
        "  docker-registry   Create a secret for use with a Docker registry\n"
        "  generic           Create a secret from a local file, directory, or literal value\n"
        "  tls               Create a TLS secret\n\n"
        "Usage:\n  kubectl create secret (docker-registry | generic | tls) [options]\n"
    )
