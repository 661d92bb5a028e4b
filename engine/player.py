"""The headless scenario player: `podlife play FILE` prints a scenario's kubectl session."""

from __future__ import annotations

from typing import TextIO

from engine.cluster import Cluster
from engine.scenario import FailNode, Kubectl, RecoverNode, Say, Scenario, Wait, parse_duration


def play(scenario: Scenario, out: TextIO, seed: int | None = None) -> Cluster:
    """Run every step; write `$ kubectl ...` and exactly what kubectl printed for each."""
    nodes = scenario.cluster.nodes if scenario.cluster else None
    cluster = Cluster(
        seed=scenario.seed if seed is None else seed, node_specs=nodes, control_plane=True
    )
    cluster.files.update(scenario.files)
    for step in scenario.steps:
        if isinstance(step, Say):
            cluster.narrate(step.say)
        elif isinstance(step, Kubectl):
            out.write(f"$ kubectl {step.kubectl}\n")
            out.write(cluster.kubectl(step.kubectl, step.stdin).text)
        elif isinstance(step, Wait):
            if step.wait == "settled":
                cluster.settle()
            else:
                cluster.advance(parse_duration(step.wait))
        elif isinstance(step, FailNode):
            cluster.fail_node(step.fail_node)
        elif isinstance(step, RecoverNode):
            cluster.recover_node(step.recover_node)
    return cluster
