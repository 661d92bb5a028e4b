"""kubectl create configmap (staging/src/k8s.io/kubectl/pkg/cmd/create/create_configmap.go):
kubectl builds the ConfigMap from files, literals or an env file, then POSTs it."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apimachinery.field import go_quote
from engine.apiserver.resources import BY_NAME
from engine.apiserver.validation.names import is_config_map_key
from engine.kubectl import cmdutil, sources
from engine.kubectl.cli import command
from engine.kubectl.commands.create_subcommand import CREATE_FLAGS, send_created_object
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

CONFIGMAPS = BY_NAME["configmaps"]

SOURCE_FLAGS = (
    Flag("from-file", kind="list"),
    Flag("from-literal", kind="array"),
    Flag("from-env-file", kind="list"),
)
_SUMMARY = "Create a config map from a local file, directory or literal value"


@command("create configmap", *SOURCE_FLAGS, *CREATE_FLAGS, summary=_SUMMARY)
def create_configmap(ctx: Context, flags: Parsed) -> Gen:
    yield from _run(ctx, flags)


@command("create cm", *SOURCE_FLAGS, *CREATE_FLAGS, summary=_SUMMARY)
def create_cm(ctx: Context, flags: Parsed) -> Gen:
    """The `cm` alias (cobra Aliases)."""
    yield from _run(ctx, flags)


def name_argument(flags: Parsed, command_path: str) -> str:
    """NameFromCommandArgs: exactly one NAME."""
    if len(flags.args) != 1:
        raise KubectlError(
            f"error: exactly one NAME is required, got {len(flags.args)}\n"
            f"See '{command_path} -h' for help and examples"
        )
    return flags.args[0]


def check_sources(flags: Parsed) -> None:
    """Validate: an env file stands alone."""
    if flags.from_env_file and (flags.from_file or flags.from_literal):
        raise KubectlError("error: from-env-file cannot be combined with from-file or from-literal")


def _run(ctx: Context, flags: Parsed) -> Gen:
    name = name_argument(flags, "kubectl create configmap")
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    check_sources(flags)
    metadata: dict[str, Any] = {"name": name}
    if ctx.explicit_namespace:  # EnforceNamespace
        metadata["namespace"] = ctx.namespace
    data: dict[str, str] = {}

    def add(key: str, value: str) -> None:
        """validateNewConfigMap, then the key (a page's files are all UTF-8 text)."""
        problems = is_config_map_key(key)
        if problems:
            raise KubectlError(
                f"error: {go_quote(key)} is not a valid key name for a ConfigMap: "
                + ",".join(problems)
            )
        if key in data:
            raise KubectlError(
                f"error: cannot add key {go_quote(key)}, another key by that name already "
                f"exists in Data for ConfigMap {go_quote(name)}"
            )
        data[key] = value

    for source in flags.from_file:
        for key, text in sources.read_file_source(ctx, source):
            add(key, text)
    for source in flags.from_literal:
        add(*sources.parse_literal_source(source))
    for path in flags.from_env_file:
        sources.add_from_env_file(ctx, path, add)
    config_map: dict[str, Any] = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": metadata}
    if data:
        config_map["data"] = data
    yield from send_created_object(
        ctx,
        flags,
        strategy,
        CONFIGMAPS,
        ctx.namespace,
        config_map,
        wrap_error="failed to create configmap: ",
    )
