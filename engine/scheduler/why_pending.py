"""Why a pod stays Pending, in a beginner's words and with numbers, for the story's milestone.

The scheduler's own message (FitError, framework/types.go) counts nodes per reason and adds
what preemption found ("0/3 nodes are available: 3 Insufficient cpu. no new claims to
deallocate, preemption: …"). The story keeps its first sentence and, when a resource request
fits no node, says how much the pod asks for against the largest node and the most free on
any node.
"""

from __future__ import annotations

import re

from engine.scheduler.types import NodeInfo, PodInfo

_CLAIM = re.compile(r'persistentvolumeclaim "([^"]+)" (not found|is being deleted)')


def _cpu(millis: int) -> str:
    return f"{millis / 1000:g} CPU"


def _memory(size: int) -> str:
    for unit, factor in (("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if size >= factor:
            return f"{size / factor:.3g}{unit} of memory"
    return f"{size} bytes of memory"


def _waits_for_claim(message: str) -> str:
    """What VolumeBinding's reasons (volume_binding.go) mean for the pod, or ""."""
    found = _CLAIM.search(message)
    if found and found.group(2) == "not found":
        return f"it waits for its claim {found.group(1)}, which does not exist yet"
    if found:
        return f"its claim {found.group(1)} is being deleted"
    if "pod has unbound immediate PersistentVolumeClaims" in message:
        return "it waits for its claims to be bound to a volume"
    if "volume node affinity conflict" in message:
        return "its volume can only be reached from nodes where it cannot run"
    return ""


def explain(pod: PodInfo, nodes: list[NodeInfo], message: str) -> str:
    """`message` made plain: its counts, and the numbers behind an Insufficient resource."""
    counts = message.split(". ")[0].removesuffix(".")
    waits = _waits_for_claim(message)
    if waits:
        return f"{waits} ({counts})"
    asked = pod.spec.requests
    nodes = [n for n in nodes if n.node is not None]
    if not nodes:
        return f"{counts}."
    for name, wanted, has, shown in (
        ("cpu", asked.milli_cpu, lambda n: (n.allocatable.milli_cpu, n.requested.milli_cpu), _cpu),
        ("memory", asked.memory, lambda n: (n.allocatable.memory, n.requested.memory), _memory),
    ):
        free = [has(n)[0] - has(n)[1] for n in nodes]
        if f"Insufficient {name}" in message and wanted > max(free):
            largest = max(has(n)[0] for n in nodes)
            return (
                f"it asks for {shown(wanted)}, but the largest node has {shown(largest)} "
                f"allocatable and the most free on any node is {shown(max(free))} ({counts})"
            )
    return f"{counts}."
