"""A kubelet that fails, comes back, or goes away with its node."""

from engine.apiserver.request import Request
from engine.node.cri import RUNNING
from tests.node_fixtures import cluster, container_status, create, get, pod, row

LEASE = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1"


def _renew_time(c) -> str:
    return c.call(Request("GET", LEASE)).body["spec"]["renewTime"]


def test_failed_kubelet_leaves_containers_running_and_the_lease_stale():
    c, k = cluster()
    create(c, pod())
    c.settle()
    c.advance(10)
    k.fail()
    renewed = _renew_time(c)
    c.advance(60)
    assert _renew_time(c) == renewed  # no heartbeats
    uid = get(c)["metadata"]["uid"]
    assert [x.state for x in k.runtime.pod_containers(uid)] == [RUNNING]
    assert row(c)[2].strip() == "Running"  # nobody updates the status either
    after = len(c.trace)
    c.advance(30)
    assert not [e for e in c.trace.events[after:] if e.source == "kubelet/node-1"]


def test_recovered_kubelet_renews_and_reconciles():
    c, k = cluster()
    create(c, pod("keep"))
    create(c, pod("gone", "busybox:1.36", command=["sleep", "3600"]))
    c.settle()
    k.fail()
    # meanwhile: a pod is force-deleted and a container dies
    c.kubectl("delete pod gone --grace-period=0 --force")
    k.runtime.crash(next(x.id for x in k.runtime.pod_containers(get(c, "keep")["metadata"]["uid"])))
    c.advance(20)
    assert container_status(c, "keep")["restartCount"] == 0  # nobody noticed
    before = _renew_time(c)
    k.recover()
    c.advance(5)
    assert _renew_time(c) > before
    assert container_status(c, "keep")["restartCount"] == 1
    assert container_status(c, "keep")["lastState"]["terminated"]["exitCode"] == 1
    uids = k.runtime.pod_uids()
    assert uids == {get(c, "keep")["metadata"]["uid"]}  # the deleted pod's sandbox is gone
    starting = [
        e for e in c.call(Request("GET", "/api/v1/namespaces/default/events")).body["items"]
        if e["reason"] == "Starting"
    ]  # fmt: skip
    assert starting[0]["message"] == "Starting kubelet."
    assert starting[0]["involvedObject"]["kind"] == "Node"


def test_pod_deleted_while_the_kubelet_was_down_is_finished_on_recovery():
    c, k = cluster()
    create(c, pod())
    c.settle()
    k.fail()
    c.call(Request("DELETE", "/api/v1/namespaces/default/pods/web"))
    c.advance(60)
    assert row(c)[2].strip() == "Terminating"  # stuck: no kubelet to confirm
    k.recover()
    c.advance(5)
    assert c.call(Request("GET", "/api/v1/namespaces/default/pods/web")).code == 404


def test_node_ready_again_after_recovery():
    c, k = cluster()
    c.settle()
    k.fail()
    # what the node lifecycle controller does once the lease is stale
    c.call(
        Request(
            "PATCH",
            "/api/v1/nodes/node-1/status",
            headers={"content-type": "application/strategic-merge-patch+json"},
            body={
                "status": {
                    "conditions": [
                        {
                            "type": "Ready",
                            "status": "Unknown",
                            "reason": "NodeStatusUnknown",
                            "message": "Kubelet stopped posting node status.",
                        }
                    ]
                }
            },
        )
    )
    k.recover()
    c.advance(2)
    node = c.call(Request("GET", "/api/v1/nodes/node-1")).body
    ready = next(x for x in node["status"]["conditions"] if x["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("True", "KubeletReady")
    reasons = [
        e["reason"]
        for e in c.call(Request("GET", "/api/v1/namespaces/default/events")).body["items"]
    ]
    assert "NodeReady" in reasons


def test_stop_takes_the_machine_away():
    c, k = cluster()
    create(c, pod())
    c.settle()
    k.stop()
    assert all(x.state != RUNNING for x in k.runtime.containers.values())
    k.recover()  # a removed node does not come back
    assert not k.running
