"""Node selection and (un)cordoning, shared by `kubectl cordon`, `uncordon` and `drain`
(staging/src/k8s.io/kubectl/pkg/cmd/drain/drain.go Complete and RunCordonOrUncordon,
staging/src/k8s.io/kubectl/pkg/drain/cordon.go CordonHelper).

Cordoning is one strategic merge patch of `spec.unschedulable`; the scheduler's
NodeUnschedulable filter then keeps new pods off the node.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil
from engine.kubectl.builder import resolve_type, resource_path
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError, api_error_text
from engine.kubectl.flags import Parsed

Gen = Generator[Any, Any, Any]

NODES = BY_NAME["nodes"]


def check_node_args(flags: Parsed, use: str) -> str:
    """drain.go Complete's usage checks; returns the dry-run strategy."""
    if not flags.args and "selector" not in flags.given:
        raise KubectlError(
            f"error: USAGE: {use} [flags]\nSee 'kubectl {use.split()[0]} -h' for help and examples"
        )
    if flags.args and flags.selector:
        raise KubectlError(
            "error: cannot specify both a node name and a --selector option\n"
            f"See 'kubectl {use.split()[0]} -h' for help and examples"
        )
    return cmdutil.dry_run_strategy(flags)


def select_nodes(ctx: Context, flags: Parsed) -> Gen:
    """drain.go Complete: the nodes named by the arguments, or selected by `-l`; the first
    failure stops the command."""
    if not flags.args:
        listing: Response = yield from ctx.request(
            "GET", resource_path(NODES, ""), query={"labelSelector": flags.selector, "limit": "500"}
        )
        return list(ctx.must(listing).get("items") or [])
    found: list[dict[str, Any]] = []
    for arg in flags.args:
        kind, slash, name = arg.partition("/")
        resource = resolve_type(kind) if slash else NODES
        if not slash:
            name = arg
        namespace = ctx.namespace if resource.namespaced else ""
        response: Response = yield from ctx.request("GET", resource_path(resource, namespace, name))
        if not response.ok:
            raise KubectlError(api_error_text(response.body))
        if resource is not NODES:
            version = (
                f"{resource.group}/{resource.version}"
                if resource.group
                else (f"/{resource.version}")
            )
            raise KubectlError(
                f'error: expected resource of type node, got "{version}, Resource={resource.name}"'
            )
        found.append(response.body)
    return found


def cordon_or_uncordon(
    ctx: Context, nodes: list[dict[str, Any]], desired: bool, strategy: str
) -> Gen:
    """RunCordonOrUncordon: patch each node whose spec.unschedulable differs."""
    verb = "cordon" if desired else "uncordon"
    for node in nodes:
        name = node["metadata"]["name"]
        if bool((node.get("spec") or {}).get("unschedulable")) == desired:
            ctx.out(cmdutil.named(NODES, name, f"already {verb}ed", strategy))
            continue
        if strategy != cmdutil.DRY_RUN_CLIENT:
            # CordonHelper.PatchOrReplace: a two-way merge patch of the node; false is
            # Unschedulable's zero value, so uncordoning removes the field (null).
            patch = {"spec": {"unschedulable": True if desired else None}}
            response: Response = yield from ctx.request(
                "PATCH",
                resource_path(NODES, "", name),
                body=patch,
                query=cmdutil.dry_run_query(strategy),
                headers={"content-type": "application/strategic-merge-patch+json"},
            )
            if not response.ok:
                message = response.body.get("message", "")
                ctx.err(f'error: unable to {verb} node "{name}": {message}\n')
                continue
        ctx.out(cmdutil.named(NODES, name, f"{verb}ed", strategy))
