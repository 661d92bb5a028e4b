"""A class on one server: building a cluster lets the others run, and
the trace stays the same (docs/performance.md, "A class of 300")."""

from __future__ import annotations

import gevent

from engine.cluster import default_nodes
from engine.sim import PAUSE_EVERY
from engine.timeline import Kubectl, Timeline
from tests.test_web_support import make_app, pod
from web import registry_of
from web.classbench import pct, running_pod


def test_a_cluster_built_with_pauses_is_the_cluster_built_without() -> None:
    pauses: list[int] = []
    paused = Timeline(3, default_nodes(), pause=lambda: pauses.append(1))
    plain = Timeline(3, default_nodes())
    # The set-up takes some 1,700 steps: the server got the hand back every PAUSE_EVERY.
    assert len(pauses) == paused.cluster.env.steps // PAUSE_EVERY >= 1
    assert paused.cluster.env.pause is None  # only the set-up pauses
    for timeline in (paused, plain):
        timeline.apply(Kubectl(("apply", "-f", "-"), pod()))
        timeline.cluster.env.run_until(5.0)
    assert paused.cluster.trace.jsonl() == plain.cluster.trace.jsonl()
    assert paused.baseline == plain.baseline


def test_hellos_build_their_clusters_side_by_side() -> None:
    app = make_app()
    registry = registry_of(app)
    building: list[str] = []  # whose set-up handed the server back, in order

    def pause() -> None:
        building.append(gevent.getcurrent().name)
        gevent.idle()

    try:
        greenlets = [
            gevent.spawn(registry.create, 0, address="127.0.0.1", pause=pause) for _ in range(3)
        ]
        for number, greenlet in enumerate(greenlets):
            greenlet.name = f"hello-{number}"
        gevent.joinall(greenlets, raise_error=True)
        sessions = [greenlet.value for greenlet in greenlets]
        # Each set-up let the others run: the second began before the first had finished.
        assert building[:3] == ["hello-0", "hello-1", "hello-2"]
        assert all(registry.get(s.id) is s for s in sessions)
        assert sessions[0].timeline.baseline == sessions[2].timeline.baseline
    finally:
        registry.shutdown()


def test_the_benchmark_reads_running_pods_from_the_kubelets_milestones() -> None:
    timeline = Timeline(0, default_nodes())
    timeline.apply(Kubectl(("apply", "-f", "-"), pod()))
    timeline.cluster.env.run_until(10.0)
    events = [event.model_dump(mode="json") for event in timeline.events]
    assert [running_pod(e) for e in events if running_pod(e)] == ["web"]
    assert pct([3.0, 1.0, 2.0], 50) == 2.0 and pct([1.0, 2.0], 95) == 2.0
