"""kubectl cordon / uncordon (staging/src/k8s.io/kubectl/pkg/cmd/drain/drain.go NewCmdCordon,
NewCmdUncordon): mark nodes (un)schedulable."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.cordon import check_node_args, cordon_or_uncordon, select_nodes
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

_FLAGS = (Flag("selector", "l", default=""), Flag("dry-run", default="none"))


@command("cordon", *_FLAGS, summary="Mark node as unschedulable")
def cordon(ctx: Context, flags: Parsed) -> Gen:
    strategy = check_node_args(flags, "cordon NODE")
    nodes = yield from select_nodes(ctx, flags)
    yield from cordon_or_uncordon(ctx, nodes, True, strategy)


@command("uncordon", *_FLAGS, summary="Mark node as schedulable")
def uncordon(ctx: Context, flags: Parsed) -> Gen:
    strategy = check_node_args(flags, "uncordon NODE")
    nodes = yield from select_nodes(ctx, flags)
    yield from cordon_or_uncordon(ctx, nodes, False, strategy)
