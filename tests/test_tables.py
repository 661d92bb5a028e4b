"""Server-side Tables (pkg/printers/internalversion/printers.go as the API server runs it)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engine.apiserver.registry.kinds import STRATEGIES
from engine.apiserver.table_cells import format_label_selector, selector_string
from engine.apiserver.tables import pod_status_reason, to_table
from engine.timeutil import rfc3339
from tests import printing_fixtures as F

T0, NOW = 0, 330
Obj = dict[str, Any]


def cells(resource: str, obj: Obj, now: float = NOW) -> list[Any]:
    cells_: list[Any] = to_table(STRATEGIES[resource].printer, [obj], now)["rows"][0]["cells"]
    return cells_


# --- the Table object -----------------------------------------------------------------------


def test_table_shape_with_partial_object_metadata() -> None:
    pod = F.running_pod(T0)
    table = to_table(STRATEGIES["pods"].printer, [pod], NOW)
    assert list(table) == ["kind", "apiVersion", "metadata", "columnDefinitions", "rows"]
    assert table["kind"] == "Table"
    assert table["apiVersion"] == "meta.k8s.io/v1"
    assert table["metadata"] == {"resourceVersion": "1001"}
    assert [
        (c["name"], c["type"], c["format"], c["priority"]) for c in table["columnDefinitions"]
    ] == [
        ("Name", "string", "name", 0),
        ("Ready", "string", "", 0),
        ("Status", "string", "", 0),
        ("Restarts", "string", "", 0),
        ("Age", "string", "", 0),
        ("IP", "string", "", 1),
        ("Node", "string", "", 1),
        ("Nominated Node", "string", "", 1),
        ("Readiness Gates", "string", "", 1),
    ]
    assert all(c["description"] for c in table["columnDefinitions"])
    row = table["rows"][0]
    assert list(row) == ["cells", "object"]
    assert row["object"] == {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": pod["metadata"],
    }


def test_include_object_and_list_resource_version() -> None:
    pods = [F.running_pod(T0), F.pending_pod(T0)]
    assert to_table(STRATEGIES["pods"].printer, pods, NOW)["metadata"] == {"resourceVersion": ""}
    table = to_table(STRATEGIES["pods"].printer, pods, NOW, "Object", resource_version="1234")
    assert table["metadata"] == {"resourceVersion": "1234"}
    assert table["rows"][1]["object"] == pods[1]
    assert to_table(STRATEGIES["pods"].printer, pods, NOW, "None")["rows"][0]["object"] is None


def test_finished_pods_carry_row_conditions() -> None:
    completed = to_table(STRATEGIES["pods"].printer, [F.completed_pod(T0)], NOW)["rows"][0]
    assert completed["conditions"] == [
        {
            "type": "Completed",
            "status": "True",
            "reason": "Succeeded",
            "message": "The pod has completed successfully.",
        }
    ]
    failed = to_table(STRATEGIES["pods"].printer, [F.evicted_pod(T0)], NOW)["rows"][0]
    assert failed["conditions"][0]["reason"] == "Failed"
    assert failed["conditions"][0]["message"] == "The pod failed."


# --- pods -----------------------------------------------------------------------------------


def test_pod_rows() -> None:
    assert cells("pods", F.running_pod(T0)) == [
        "web-7d4b9c8f6-x8kq2",
        "1/1",
        "Running",
        "0",
        "5m29s",
        "10.244.0.5",
        "node-1",
        "<none>",
        "<none>",
    ]
    assert cells("pods", F.pending_pod(T0)) == [
        "web-5b944d484-p4zl7",
        "0/1",
        "Pending",
        "0",
        "30s",
        "<none>",
        "<none>",
        "<none>",
        "<none>",
    ]
    # RESTARTS says when the last container exit was (finishedAt t0+200 -> 130s ago)
    assert cells("pods", F.crashloop_pod(T0))[:5] == [
        "web-7d4b9c8f6-c9wvd",
        "0/1",
        "CrashLoopBackOff",
        "4 (2m10s ago)",
        "5m29s",
    ]
    assert cells("pods", F.terminating_pod(T0))[:4] == [
        "web-7d4b9c8f6-tq5vn",
        "1/1",
        "Terminating",
        "0",
    ]
    assert cells("pods", F.completed_pod(T0))[1:3] == ["0/1", "Completed"]
    assert cells("pods", F.evicted_pod(T0))[1:3] == ["0/1", "Evicted"]
    assert cells("pods", F.evicted_pod(T0))[7] == "node-2"  # nominated node


def test_sidecars_count_towards_ready_and_restarts() -> None:
    # 2 containers + 1 restartable init container; restarts = sidecar 1 + cache 2, the last
    # exit being the sidecar's OOM kill at t0+60.
    assert cells("pods", F.rich_pod(T0))[1:9] == [
        "3/3",
        "Running",
        "3 (4m30s ago)",
        "5m29s",
        "10.244.0.9",
        "node-1",
        "<none>",
        "0/1",
    ]


def _with_init(states: list[Obj], *, init_count: int = 2) -> Obj:
    pod = F.running_pod(T0)
    pod["spec"]["initContainers"] = [
        {"name": f"init-{i}", "image": "busybox"} for i in range(init_count)
    ]
    pod["status"]["phase"] = "Pending"
    pod["status"]["initContainerStatuses"] = [
        {"name": f"init-{i}", "ready": False, "restartCount": 0, "state": state}
        for i, state in enumerate(states)
    ]
    pod["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": "PodInitializing"}}
    pod["status"]["containerStatuses"][0]["ready"] = False
    pod["status"]["conditions"] = []
    return pod


DONE = {"terminated": {"exitCode": 0, "reason": "Completed"}}


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([{"waiting": {"reason": "PodInitializing"}}, {"waiting": {}}], "Init:0/2"),
        ([DONE, {"running": {}}], "Init:1/2"),
        ([DONE, DONE], "PodInitializing"),
        ([{"waiting": {"reason": "CrashLoopBackOff"}}, {"waiting": {}}], "Init:CrashLoopBackOff"),
        ([{"terminated": {"exitCode": 1, "reason": "Error"}}, {"waiting": {}}], "Init:Error"),
        ([{"terminated": {"exitCode": 3}}, {"waiting": {}}], "Init:ExitCode:3"),
        ([{"terminated": {"exitCode": 137, "signal": 9}}, {"waiting": {}}], "Init:Signal:9"),
    ],
)
def test_init_container_status(states: list[Obj], expected: str) -> None:
    assert pod_status_reason(_with_init(states)) == expected


def test_init_restarts_count_while_initializing() -> None:
    pod = _with_init([{"waiting": {"reason": "CrashLoopBackOff"}}, {"waiting": {}}])
    pod["status"]["initContainerStatuses"][0]["restartCount"] = 3
    pod["status"]["initContainerStatuses"][0]["lastState"] = {
        "terminated": {"exitCode": 1, "finishedAt": rfc3339(T0 + 300)}
    }
    assert cells("pods", pod)[1:4] == ["0/1", "Init:CrashLoopBackOff", "3 (30s ago)"]


def _with_containers(*states: Obj, ready: bool = True) -> Obj:
    pod = F.running_pod(T0)
    pod["status"]["containerStatuses"] = [
        {"name": f"c{i}", "ready": "running" in state, "restartCount": 0, "state": state}
        for i, state in enumerate(states)
    ]
    pod["spec"]["containers"] = [{"name": f"c{i}"} for i in range(len(states))]
    for condition in pod["status"]["conditions"]:
        if condition["type"] == "Ready":
            condition["status"] = "True" if ready else "False"
    return pod


def test_first_container_state_wins_and_completed_with_running_reads_running() -> None:
    running = {"running": {"startedAt": rfc3339(T0 + 5)}}
    completed = {"terminated": {"exitCode": 0, "reason": "Completed"}}
    assert pod_status_reason(
        _with_containers(
            {"waiting": {"reason": "ErrImagePull"}}, {"waiting": {"reason": "ImagePullBackOff"}}
        )
    ) == ("ErrImagePull")
    assert pod_status_reason(_with_containers(completed, running)) == "Running"
    assert pod_status_reason(_with_containers(completed, running, ready=False)) == "NotReady"
    assert pod_status_reason(_with_containers({"terminated": {"exitCode": 2}})) == "ExitCode:2"
    assert pod_status_reason(_with_containers({"terminated": {"exitCode": 0, "signal": 15}})) == (
        "Signal:15"
    )
    assert cells("pods", _with_containers(running, completed))[1] == "1/2"


def test_scheduling_gated_node_lost_and_terminal_deletion() -> None:
    gated = F.pending_pod(T0)
    gated["status"]["conditions"][0].update(reason="SchedulingGated", message="")
    assert pod_status_reason(gated) == "SchedulingGated"
    lost = F.terminating_pod(T0)
    lost["status"]["reason"] = "NodeLost"
    assert pod_status_reason(lost) == "Unknown"
    # 1.29+: a finished pod being deleted keeps its terminal status
    done = F.completed_pod(T0)
    done["metadata"]["deletionTimestamp"] = rfc3339(T0 + 320)
    assert pod_status_reason(done) == "Completed"


# --- other kinds ----------------------------------------------------------------------------


def test_deployment_and_replica_set_rows() -> None:
    assert cells("deployments", F.deployment(T0)) == [
        "web",
        "3/3",
        1,
        3,
        "5m30s",
        "app",
        "nginx:1.28",
        "app=web",
    ]
    assert cells("replicasets", F.replica_set(T0, new=False)) == [
        "web-7d4b9c8f6",
        3,
        3,
        3,
        "5m30s",
        "app",
        "nginx:1.27",
        "app=web,pod-template-hash=7d4b9c8f6",
    ]
    assert cells("replicasets", F.replica_set(T0, new=True))[:5] == [
        "web-5b944d484",
        1,
        1,
        0,
        "30s",
    ]


def test_node_rows() -> None:
    assert cells("nodes", F.node(T0)) == [
        "node-1",
        "Ready",
        "worker",
        "15m",
        "v1.37.1",
        "172.18.0.2",
        "<none>",
        "Debian GNU/Linux 12 (bookworm)",
        "6.8.0-1021-azure",
        "containerd://2.1.4",
    ]
    # Ready=Unknown (kubelet stopped posting) reads NotReady; cordoned adds SchedulingDisabled
    assert cells("nodes", F.cordoned_node(T0))[1:3] == [
        "NotReady,SchedulingDisabled",
        "control-plane,worker",
    ]
    assert cells("nodes", F.cordoned_node(T0))[6] == "203.0.113.7"
    bare = F.node(T0)
    bare["status"] = {}
    bare["metadata"]["labels"] = {"kubernetes.io/role": "edge"}
    assert cells("nodes", bare)[1:3] == ["Unknown", "edge"]
    assert cells("nodes", bare)[7:] == ["<unknown>", "<unknown>", "<unknown>"]


def test_event_rows_from_both_event_apis() -> None:
    backoff = F.crashloop_pod_events(T0)[-1]
    assert cells("events", backoff) == [
        "40s",
        "Warning",
        "BackOff",
        "pod/web-7d4b9c8f6-c9wvd",
        "spec.containers{app}",
        "kubelet, node-1",
        "Back-off restarting failed container app in pod "
        "web-7d4b9c8f6-c9wvd_default(6d9e4f3a-0b1c-4d5e-9f4a-3b2c1d0e9f8a)",
        "5m20s",
        9,
        backoff["metadata"]["name"],
    ]
    # events.k8s.io: eventTime instead of firstTimestamp, series for repeats, reporting*
    failed = F.pending_pod_events(T0)[0]
    assert cells("events", failed)[:6] == [
        "5s",
        "Warning",
        "FailedScheduling",
        "pod/web-5b944d484-p4zl7",
        "",
        "default-scheduler, default-scheduler-control-plane",
    ]
    assert cells("events", failed)[7:9] == ["29s", 3]
    scheduled = F.running_pod_events(T0)[0]
    assert cells("events", scheduled)[0] == cells("events", scheduled)[7] == "5m28s"
    assert cells("events", scheduled)[8] == 1


def test_namespace_and_default_rows() -> None:
    assert cells("namespaces", F.namespace(T0)) == ["default", "Active", "20m"]
    table = to_table(STRATEGIES["leases"].printer, [F.lease(T0)], NOW)
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Created At"]
    assert table["columnDefinitions"][1]["type"] == "date"
    assert table["rows"][0]["cells"] == ["node-1", "2025-12-31T23:50:00Z"]


def test_label_selectors() -> None:
    selector = {
        "matchLabels": {"tier": "web", "app": "shop"},
        "matchExpressions": [
            {"key": "env", "operator": "In", "values": ["prod", "canary"]},
            {"key": "zone", "operator": "NotIn", "values": ["b"]},
            {"key": "gpu", "operator": "Exists"},
            {"key": "legacy", "operator": "DoesNotExist"},
        ],
    }
    assert selector_string(selector) == (
        "app=shop,env in (canary,prod),gpu,!legacy,tier=web,zone notin (b)"
    )
    assert selector_string({}) == ""
    assert format_label_selector(None) == "<none>"


def test_to_table_does_not_modify_objects() -> None:
    pods = [F.rich_pod(T0), F.crashloop_pod(T0)]
    before = copy.deepcopy(pods)
    to_table(STRATEGIES["pods"].printer, pods, NOW, "Object")
    assert pods == before
