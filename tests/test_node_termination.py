"""Graceful deletion: Terminating, SIGTERM, the grace period, SIGKILL, the final DELETE."""

from engine.apiserver.request import Request
from tests.node_fixtures import cluster, create, events, get, logs, pod, row


def _deleted_at(c, name: str) -> float | None:
    for event in c.trace:
        if (
            event.kind == "etcd-write"
            and event.data.get("op") == "delete"
            and event.data.get("key") == f"/registry/pods/default/{name}"
        ):
            return event.time
    return None


def test_nginx_stops_promptly_and_the_kubelet_deletes_the_pod():
    c, _ = cluster()
    create(c, pod())
    c.settle()
    uid = get(c)["metadata"]["uid"]
    start = c.now
    result = c.kubectl("delete pod web")
    assert result.exit_code == 0
    assert result.stdout == 'pod "web" deleted from default namespace\n'
    assert c.now - start < 1.0
    killing = [e for e in events(c) if e["reason"] == "Killing"]
    assert [e["message"] for e in killing] == ["Stopping container app"]
    assert killing[0]["type"] == "Normal"
    assert killing[0]["involvedObject"]["fieldPath"] == "spec.containers{app}"
    final = [
        e for e in c.trace if e.kind == "request" and e.source == "kubelet/node-1"
        and e.data["method"] == "DELETE"
    ]  # fmt: skip
    assert len(final) == 1 and final[0].step == "report"
    stop = next(e for e in c.trace if e.kind == "cri-request" and "StopContainer" in e.summary)
    assert stop.data["signal"] == "SIGQUIT" and stop.data["timeout"] == 30
    c.settle()  # the sandbox is garbage-collected once the pod is gone
    assert [e.summary for e in c.trace if e.kind == "cri-request"][-3:] == [
        stop.summary,
        f"StopPodSandbox {_sandbox_prefix(c)}",
        f"RemovePodSandbox {_sandbox_prefix(c)}",
    ]
    assert uid  # the DELETE carried the uid precondition (checked by the API server)


def _sandbox_prefix(c) -> str:
    reply = next(e for e in c.trace if e.kind == "cri-reply" and "Sandbox" in e.summary)
    return reply.data["podSandboxId"][:13]


def test_final_status_before_delete_is_terminal():
    c, _ = cluster()
    create(c, pod())
    c.settle()
    c.call(Request("DELETE", "/api/v1/namespaces/default/pods/web"))
    c.advance(0.2)
    obj = get(c)
    assert obj["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:32Z"
    assert row(c)[2].strip() == "Terminating"
    c.advance(0.1)
    # Just before the kubelet's DELETE: containers terminated, phase Succeeded (exit 0)
    patches = [
        e for e in c.trace
        if e.kind == "request" and e.source == "kubelet/node-1" and "pod/status" in e.summary
    ]  # fmt: skip
    assert len(patches) == 3
    c.settle()
    assert c.call(Request("GET", "/api/v1/namespaces/default/pods/web")).code == 404


def test_a_process_ignoring_sigterm_is_killed_after_the_grace_period():
    # busybox `sleep` runs as PID 1, which ignores SIGTERM: it takes the full 30 s.
    c, _ = cluster()
    create(c, pod("sl", "busybox:1.36", command=["sleep", "3600"]))
    c.settle()
    c.call(Request("DELETE", "/api/v1/namespaces/default/pods/sl"))
    asked = c.now
    c.advance(29)
    assert row(c, "sl")[2].strip() == "Terminating"
    c.advance(2)
    gone = _deleted_at(c, "sl")
    assert gone is not None and 30 < gone - asked < 30.5
    stopped = next(e for e in c.trace if e.kind == "cri-reply" and "exited with code" in e.summary)
    assert stopped.summary == "Container app exited with code 137"


def test_shorter_grace_period_is_honoured_with_a_minimum_of_two_seconds():
    c, _ = cluster()
    create(c, pod("sl", "busybox:1.36", grace=0, command=["sleep", "3600"]))
    c.settle()
    # spec grace 0 and a DELETE without options: the kubelet still gives 2 s
    c.call(
        Request("DELETE", "/api/v1/namespaces/default/pods/sl", query={"gracePeriodSeconds": "1"})
    )
    asked = c.now
    c.advance(5)
    gone = _deleted_at(c, "sl")
    assert gone is not None and 2 < gone - asked < 2.5


def test_shell_with_a_trap_exits_promptly():
    c, _ = cluster()
    script = "trap 'exit 0' TERM; while true; do sleep 1; done"
    create(c, pod("t", "busybox:1.36", command=["sh", "-c", script]))
    c.settle()
    c.call(Request("DELETE", "/api/v1/namespaces/default/pods/t"))
    asked = c.now
    c.advance(2)
    gone = _deleted_at(c, "t")
    assert gone is not None and gone - asked < 1


def test_pre_stop_sleep_delays_the_signal():
    c, _ = cluster()
    create(
        c,
        pod(lifecycle={"preStop": {"exec": {"command": ["/bin/sh", "-c", "sleep 5"]}}}),
    )
    c.settle()
    c.call(Request("DELETE", "/api/v1/namespaces/default/pods/web"))
    asked = c.now
    c.advance(10)
    gone = _deleted_at(c, "web")
    assert gone is not None and 5 < gone - asked < 6


def test_nginx_stop_lines_reach_the_log_before_it_goes():
    c, _ = cluster()
    create(c, pod())
    c.settle()
    c.call(Request("DELETE", "/api/v1/namespaces/default/pods/web"))
    c.advance(0.12)  # signal sent, the kubelet has not yet removed the pod
    code, text = logs(c)
    assert code == 200
    assert "signal 3 (SIGQUIT) received, shutting down" in text


def test_deleting_a_completed_pod_removes_it_at_once():
    c, k = cluster()
    create(c, pod("job", "busybox:1.36", restart="Never", command=["true"]))
    c.advance(5)
    assert get(c, "job")["status"]["phase"] == "Succeeded"
    result = c.kubectl("delete pod job")
    assert result.exit_code == 0
    c.settle()
    assert k.runtime.pod_uids() == set()
    assert not any(e.data.get("method") == "DELETE" and e.source == "kubelet/node-1"
                   for e in c.trace if e.kind == "request")  # fmt: skip


def test_force_delete_kills_on_the_node_too():
    c, k = cluster()
    create(c, pod("sl", "busybox:1.36", command=["sleep", "3600"]))
    c.settle()
    result = c.kubectl("delete pod sl --grace-period=0 --force")
    assert result.exit_code == 0
    c.advance(3)
    assert k.runtime.pod_uids() == set()
    assert k.runtime.cni.allocated == {}


def test_deleting_while_the_image_is_pulled_never_starts_the_container():
    c, _ = cluster()
    create(c, pod())
    c.advance(1)  # pulling nginx (1.8 s)
    c.call(Request("DELETE", "/api/v1/namespaces/default/pods/web"))
    c.advance(5)
    assert c.call(Request("GET", "/api/v1/namespaces/default/pods/web")).code == 404
    assert not [e for e in c.trace if e.kind == "cri-request" and "StartContainer" in e.summary]


def test_changing_the_image_restarts_the_container():
    c, _ = cluster()
    create(c, pod())
    c.settle()
    result = c.kubectl(
        [
            "patch",
            "pod",
            "web",
            "-p",
            '{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}',
        ]
    )
    if result.exit_code:
        obj = get(c)
        obj["spec"]["containers"][0]["image"] = "nginx:1.28"
        assert c.call(Request("PUT", "/api/v1/namespaces/default/pods/web", body=obj)).ok
    c.advance(5)
    killing = [e["message"] for e in events(c) if e["reason"] == "Killing"]
    assert killing == ["Container app definition changed, will be restarted"]
    status = get(c)["status"]["containerStatuses"][0]
    assert status["image"] == "docker.io/library/nginx:1.28"
    assert status["restartCount"] == 1
