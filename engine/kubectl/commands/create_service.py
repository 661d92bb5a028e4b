"""kubectl create service clusterip|nodeport|loadbalancer|externalname
(staging/src/k8s.io/kubectl/pkg/cmd/create/create_service.go): a Service selecting app=NAME,
with one port per --tcp=<port>:<targetPort>, POSTed as the typed client sends it."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.resources import BY_NAME
from engine.apiserver.validation.names import (
    is_dns1123_subdomain,
    is_valid_port_name,
    is_valid_port_num,
)
from engine.kubectl import cmdutil
from engine.kubectl.cli import command
from engine.kubectl.commands.create_configmap import name_argument
from engine.kubectl.commands.create_subcommand import CREATE_FLAGS, send_created_object
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

SERVICES = BY_NAME["services"]
TCP = Flag("tcp", kind="list")
_HELP = (
    "Create a service using a specified subcommand.\n\n"
    "Aliases:\nservice, svc\n\n"
    "Available Commands:\n"
    "  clusterip      Create a ClusterIP service\n"
    "  externalname   Create an ExternalName service\n"
    "  loadbalancer   Create a LoadBalancer service\n"
    "  nodeport       Create a NodePort service\n\n"
    "Usage:\n  kubectl create service [flags] [options]\n"
)


@command("create service", summary="Create a service using a specified subcommand")
def create_service(ctx: Context, flags: Parsed) -> Gen:
    """The parent command (cmdutil.DefaultSubCommandRun): its help, or an unknown command."""
    yield from ()
    if flags.args:
        raise ctx.usage_error(f'unknown command "{" ".join(flags.args)}"')
    ctx.out(_HELP)


@command("create svc", summary="Create a service using a specified subcommand")
def create_svc(ctx: Context, flags: Parsed) -> Gen:
    yield from create_service(ctx, flags)


@command(
    "create service clusterip",
    TCP,
    Flag("clusterip", default=""),
    *CREATE_FLAGS,
    summary="Create a ClusterIP service",
)
def create_service_clusterip(ctx: Context, flags: Parsed) -> Gen:
    yield from _run(ctx, flags, "ClusterIP", "clusterip", cluster_ip=flags.clusterip)


@command(
    "create service nodeport",
    TCP,
    Flag("node-port", kind="int", default=0),
    *CREATE_FLAGS,
    summary="Create a NodePort service",
)
def create_service_nodeport(ctx: Context, flags: Parsed) -> Gen:
    yield from _run(ctx, flags, "NodePort", "nodeport", node_port=flags.node_port)


@command("create service loadbalancer", TCP, *CREATE_FLAGS, summary="Create a LoadBalancer service")
def create_service_loadbalancer(ctx: Context, flags: Parsed) -> Gen:
    yield from _run(ctx, flags, "LoadBalancer", "loadbalancer")


@command(
    "create service externalname",
    TCP,
    Flag("external-name", default=""),
    *CREATE_FLAGS,
    summary="Create an ExternalName service",
)
def create_service_externalname(ctx: Context, flags: Parsed) -> Gen:
    if "external_name" not in flags.given:
        raise KubectlError('error: required flag(s) "external-name" not set')
    yield from _run(ctx, flags, "ExternalName", "externalname", external_name=flags.external_name)


# cobra Aliases: `kubectl create svc nodeport …` is the same command.
for _word, _run_sub, _flags in (
    ("clusterip", create_service_clusterip, (TCP, Flag("clusterip", default=""))),
    ("nodeport", create_service_nodeport, (TCP, Flag("node-port", kind="int", default=0))),
    ("loadbalancer", create_service_loadbalancer, (TCP,)),
    ("externalname", create_service_externalname, (TCP, Flag("external-name", default=""))),
):
    command(f"create svc {_word}", *_flags, *CREATE_FLAGS, summary=f"The svc alias of {_word}")(
        _run_sub
    )


def parse_ports(text: str) -> tuple[int, int | str]:
    """parsePorts: `<port>[:<targetPort>]`, the target a number or a port name."""
    port_text, _, target_text = text.partition(":")
    port = _parse_uint16(port_text)
    if not target_text:
        return port, port
    if target_text.lstrip("+-").isdigit():
        target = int(target_text)
        problems = is_valid_port_num(target)
        if problems:
            raise KubectlError("error: " + ",".join(problems))
        return port, target
    problems = is_valid_port_name(target_text)
    if problems:
        raise KubectlError("error: " + ",".join(problems))
    return port, target_text


def _parse_uint16(text: str) -> int:
    """utilsnet.ParsePort with zero allowed: strconv.ParseUint(port, 10, 16)."""
    if not text.isdigit():
        raise KubectlError(f'error: strconv.ParseUint: parsing "{text}": invalid syntax')
    if int(text) > 65535:
        raise KubectlError(f'error: strconv.ParseUint: parsing "{text}": value out of range')
    return int(text)


def _run(
    ctx: Context,
    flags: Parsed,
    kind: str,
    word: str,
    *,
    cluster_ip: str = "",
    node_port: int = 0,
    external_name: str = "",
) -> Gen:
    name = name_argument(flags, f"kubectl create service {word}")
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    # ServiceOptions.Validate
    if cluster_ip != "None" and not flags.tcp and kind != "ExternalName":
        raise KubectlError("error: at least one tcp port specifier must be provided")
    if kind == "ExternalName" and is_dns1123_subdomain(external_name):
        raise KubectlError(f"error: invalid service external name {external_name}")
    ports = []
    for text in flags.tcp:
        port, target = parse_ports(text)
        entry: dict[str, Any] = {
            "name": text.replace(":", "-"),
            "protocol": "TCP",
            "port": port,
            "targetPort": target,
        }
        if node_port:
            entry["nodePort"] = node_port
        ports.append(entry)
    metadata: dict[str, Any] = {"name": name, "labels": {"app": name}}
    if ctx.explicit_namespace:  # EnforceNamespace
        metadata["namespace"] = ctx.namespace
    spec: dict[str, Any] = {}
    if ports:
        spec["ports"] = ports
    spec["selector"] = {"app": name}
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    spec["type"] = kind
    if external_name:
        spec["externalName"] = external_name
    service = {
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": metadata,
        "spec": spec,
        "status": {"loadBalancer": {}},
    }
    yield from send_created_object(
        ctx,
        flags,
        strategy,
        SERVICES,
        ctx.namespace,
        service,
        wrap_error=f"failed to create {kind} service: ",
    )
