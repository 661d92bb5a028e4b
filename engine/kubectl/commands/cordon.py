"""kubectl cordon / uncordon (staging/src/k8s.io/kubectl/pkg/cmd/drain/drain.go NewCmdCordon,
NewCmdUncordon): mark nodes (un)schedulable."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.kubectl import cmdutil
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.cordon import cordon_or_uncordon, select_nodes
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

_FLAGS = (Flag("selector", "l", default=""), Flag("dry-run", default="none"))


@command("cordon", *_FLAGS, summary="Mark node as unschedulable")
def cordon(ctx: Context, flags: Parsed) -> Gen:
    nodes = yield from select_nodes(ctx, flags, "cordon NODE")
    yield from cordon_or_uncordon(ctx, nodes, True, cmdutil.dry_run_strategy(flags))


@command("uncordon", *_FLAGS, summary="Mark node as schedulable")
def uncordon(ctx: Context, flags: Parsed) -> Gen:
    nodes = yield from select_nodes(ctx, flags, "uncordon NODE")
    yield from cordon_or_uncordon(ctx, nodes, False, cmdutil.dry_run_strategy(flags))
