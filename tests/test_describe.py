"""kubectl describe for Pods, Deployments, ReplicaSets, Nodes and Namespaces.

tests/golden/printing/describe_*.txt hold the expected text for these fixtures at t0=0 and
now=t0+330. They were checked line for line against the real kubectl 1.37.1: the same
fixtures, shifted to the wall clock (describe measures ages with time.Since), were served to
it by a throwaway API server, and its output matched except for the shifted dates and ages.
A changed golden file is a reviewed diff, never a regenerated one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine.kubectl import describe
from engine.kubectl.describe_containers import describe_probe
from engine.kubectl.describe_writer import (
    PrefixWriter,
    describe_events,
    print_annotations,
    tabbed,
    taint_string,
    toleration_string,
)
from tests import printing_fixtures as F

Obj = dict[str, Any]
GOLDEN = Path(__file__).parent / "golden" / "printing"
T0, NOW = 0, 330


def golden(name: str) -> str:
    return (GOLDEN / f"describe_{name}.txt").read_text()


def _all_pods() -> list[Obj]:
    return [
        F.running_pod(T0),
        F.pending_pod(T0),
        F.crashloop_pod(T0),
        F.terminating_pod(T0),
        F.rich_pod(T0),
        F.completed_pod(T0),
        F.evicted_pod(T0),
    ]


@pytest.mark.parametrize(
    ("name", "pod", "events"),
    [
        ("running", F.running_pod, F.running_pod_events),
        ("pending", F.pending_pod, F.pending_pod_events),
        ("crashloop", F.crashloop_pod, F.crashloop_pod_events),
        ("terminating", F.terminating_pod, lambda t0: []),
        ("rich", F.rich_pod, lambda t0: []),
        ("completed", F.completed_pod, lambda t0: []),
        ("evicted", F.evicted_pod, lambda t0: []),
    ],
)
def test_describe_pod(
    name: str, pod: Callable[[float], Obj], events: Callable[[float], list[Obj]]
) -> None:
    assert describe.describe_pod(pod(T0), events(T0), NOW) == golden(f"pod_{name}")


def test_running_pod_header_and_events() -> None:
    text = describe.describe_pod(F.running_pod(T0), F.running_pod_events(T0), NOW)
    lines = text.splitlines()
    assert lines[:6] == [
        "Name:             web-7d4b9c8f6-x8kq2",
        "Namespace:        default",
        "Priority:         0",
        "Service Account:  default",
        "Node:             node-1/172.18.0.2",
        "Start Time:       Thu, 01 Jan 2026 00:00:02 +0000",
    ]
    assert lines[-7:] == [
        "Events:",
        "  Type    Reason     Age    From               Message",
        "  ----    ------     ----   ----               -------",
        "  Normal  Scheduled  5m28s  default-scheduler  Successfully assigned "
        "default/web-7d4b9c8f6-x8kq2 to node-1",
        "  Normal  Pulled     5m27s  kubelet            spec.containers{app}: Container image "
        '"nginx:1.27" already present on machine',
        "  Normal  Created    5m27s  kubelet            spec.containers{app}: Container created",
        "  Normal  Started    5m26s  kubelet            spec.containers{app}: Container started",
    ]


def test_terminating_pod_reports_grace_period() -> None:
    text = describe.describe_pod(F.terminating_pod(T0), [], NOW)
    assert "Status:                    Terminating (lasts 10s)\n" in text
    assert "Termination Grace Period:  30s\n" in text
    assert text.endswith("Events:                      <none>\n")


def test_events_can_be_left_out() -> None:
    text = describe.describe_pod(F.running_pod(T0), None, NOW)
    assert "Events" not in text
    assert text.endswith("node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n")


def test_describe_deployment_mid_rollout() -> None:
    deploy = F.deployment(T0)
    replica_sets = [F.replica_set(T0, new=True), F.replica_set(T0, new=False)]
    text = describe.describe_deployment(deploy, replica_sets, F.deployment_events(T0), NOW)
    assert text == golden("deployment")
    assert "OldReplicaSets:  web-7d4b9c8f6 (3/3 replicas created)\n" in text
    assert "NewReplicaSet:   web-5b944d484 (1/1 replicas created)\n" in text


def test_deployment_without_a_matching_replica_set() -> None:
    deploy = F.deployment(T0)
    deploy["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.29"
    text = describe.describe_deployment(deploy, [F.replica_set(T0, new=False)], None, NOW)
    assert "OldReplicaSets:  web-7d4b9c8f6 (3/3 replicas created)\n" in text
    assert "NewReplicaSet:   <none>\n" in text
    # ReplicaSets another Deployment controls are not this one's.
    other = F.replica_set(T0, new=False)
    other["metadata"]["ownerReferences"][0]["uid"] = "someone-else"
    assert "ReplicaSets" not in describe.describe_deployment(deploy, [other], None, NOW)


def test_describe_replica_sets() -> None:
    pods = _all_pods()
    old, new = F.replica_set(T0, new=False), F.replica_set(T0, new=True)
    old_text = describe.describe_replicaset(old, pods, F.replica_set_events(T0), NOW)
    assert old_text == golden("replicaset_old")
    assert "Pods Status:    3 Running / 0 Waiting / 0 Succeeded / 1 Failed\n" in old_text
    assert describe.describe_replicaset(new, pods, [], NOW) == golden("replicaset_new")


def test_describe_nodes() -> None:
    pods = _all_pods()
    text = describe.describe_node(F.node(T0), pods, F.node_events(T0), NOW, F.lease(T0))
    assert text == golden("node")
    assert "  cpu                350m (17%)  500m (25%)\n" in text
    cordoned = describe.describe_node(F.cordoned_node(T0), pods, [], NOW, None)
    assert cordoned == golden("node_cordoned")
    assert (
        'Lease:              Failed to get lease: leases.coordination.k8s.io "node-2" not found\n'
        in cordoned
    )


def test_describe_namespace() -> None:
    assert describe.describe_namespace(F.namespace(T0)) == golden("namespace")
    assert describe.describe_namespace(F.namespace(T0)) == (
        "Name:         default\n"
        "Labels:       kubernetes.io/metadata.name=default\n"
        "Annotations:  <none>\n"
        "Status:       Active\n"
        "\n"
        "No resource quota.\n"
        "\n"
        "No LimitRange resource.\n"
    )
    assert describe.describe_namespace(F.namespace(T0), None, None).endswith("Active\n")


# --- building blocks ------------------------------------------------------------------------


def _render(body: Callable[[PrefixWriter], None]) -> str:
    return tabbed(body)


def test_events_section() -> None:
    assert _render(lambda w: describe_events(w, [], NOW)) == "Events:  <none>\n"
    event = F.crashloop_pod_events(T0)[-1]
    event["involvedObject"].pop("fieldPath")
    text = _render(lambda w: describe_events(w, [event], NOW))
    assert text.splitlines()[-1] == (
        "  Warning  BackOff  40s (x9 over 5m20s)  kubelet  Back-off restarting failed container "
        "app in pod web-7d4b9c8f6-c9wvd_default(6d9e4f3a-0b1c-4d5e-9f4a-3b2c1d0e9f8a)"
    )


def test_annotations_are_sorted_cut_and_hide_last_applied() -> None:
    def body(w: PrefixWriter) -> None:
        print_annotations(
            w,
            "Annotations",
            {
                "b": "two\nlines",
                "a": "x" * 200,
                "kubectl.kubernetes.io/last-applied-configuration": "{}",
            },
        )

    assert _render(body) == (
        "Annotations:  a:\n"
        f"                {'x' * 138}...\n"
        "              b:\n"
        "                two\n"
        "                lines\n"
    )


def test_tolerations_and_taints() -> None:
    assert toleration_string({"operator": "Exists"}) == "op=Exists"
    assert toleration_string({"key": "gpu", "operator": "Equal", "value": "a100"}) == "gpu=a100"
    assert (
        toleration_string(
            {"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}
        )
        == "k:NoExecute op=Exists for 60s"
    )
    assert taint_string({"key": "dedicated", "value": "db", "effect": "NoExecute"}) == (
        "dedicated=db:NoExecute"
    )


def test_probes() -> None:
    grpc = {"grpc": {"port": 9000, "service": "health"}, "periodSeconds": 10}
    assert describe_probe(grpc) == (
        "grpc <pod>:9000 health delay=0s timeout=0s period=10s successThreshold=0 "
        "failureThreshold=0"
    )
    http = {"httpGet": {"host": "::1", "port": "http", "path": "/", "scheme": "HTTPS"}}
    assert describe_probe(http).startswith("http-get https://[::1]:http/ delay=0s")
