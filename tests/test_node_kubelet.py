"""The kubelet runs a pod bound to its node: sandbox, image, containers, status, events."""

from engine.apiserver.request import Request
from engine.cluster import Cluster
from engine.node import Kubelet
from tests.node_fixtures import cluster, container_status, create, events, get, pod, reasons, row


def test_pod_reaches_running_with_the_kubelet_event_sequence():
    c, _ = cluster()
    create(c, pod())
    c.settle()
    assert reasons(c) == ["Pulling", "Pulled", "Created", "Started"]
    messages = [e["message"] for e in events(c)]
    assert messages == [
        'Pulling image "nginx:1.27"',
        'Successfully pulled image "nginx:1.27" in 1.844s (1.846s including waiting). '
        "Image size: 72218932 bytes.",
        "Container created",
        "Container started",
    ]
    for event in events(c):
        assert event["involvedObject"]["fieldPath"] == "spec.containers{app}"
        assert event["source"] == {"component": "kubelet", "host": "node-1"}
        assert event["type"] == "Normal"
    cells = row(c)
    assert cells[1].strip() == "1/1" and cells[2].strip() == "Running"


def test_wide_output_shows_the_ip_from_the_node_cidr():
    c, _ = cluster()
    create(c, pod("a"))
    create(c, pod("b"))
    c.settle()
    out = c.kubectl("get pods -o wide").stdout.splitlines()
    assert out[0].split() == [
        "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE",
        "READINESS", "GATES",
    ]  # fmt: skip
    # host-local: .1 is the gateway, so the first pod gets .2, the next .3
    assert out[1].split()[5:7] == ["10.244.1.2", "node-1"]
    assert out[2].split()[5:7] == ["10.244.1.3", "node-1"]
    status = get(c, "a")["status"]
    assert status["podIP"] == "10.244.1.2" and status["podIPs"] == [{"ip": "10.244.1.2"}]
    assert status["hostIP"] == "172.18.0.2" and status["hostIPs"] == [{"ip": "172.18.0.2"}]


def test_second_pod_with_the_same_image_finds_it_present():
    c, _ = cluster()
    create(c, pod("first"))
    c.settle()
    create(c, pod("second"))
    c.settle()
    assert reasons(c, "second") == ["Pulled", "Created", "Started"]
    assert events(c, "second")[0]["message"] == (
        'Container image "nginx:1.27" already present on machine'
    )


def test_concurrent_pods_of_one_image_pull_one_after_another():
    # serializeImagePulls: the second pull waits for the first, then finds the layers there
    c, _ = cluster()
    create(c, pod("a"))
    create(c, pod("b"))
    c.settle()
    pulled = [e["message"] for e in events(c, "b") if e["reason"] == "Pulled"]
    assert len(pulled) == 1
    assert pulled[0].startswith('Successfully pulled image "nginx:1.27" in 400ms (')
    assert "including waiting" in pulled[0]


def test_status_has_upstream_conditions_and_container_fields():
    c, _ = cluster()
    create(c, pod())
    c.settle()
    status = get(c)["status"]
    assert status["phase"] == "Running"
    assert status["observedGeneration"] == 1
    assert [cond["type"] for cond in status["conditions"]] == [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ]
    assert all(cond["status"] == "True" for cond in status["conditions"])
    assert all(cond["lastProbeTime"] is None for cond in status["conditions"])
    cs = container_status(c)
    assert cs["containerID"].startswith("containerd://") and len(cs["containerID"]) == 13 + 64
    assert cs["image"] == "docker.io/library/nginx:1.27"
    assert cs["imageID"].startswith("docker.io/library/nginx@sha256:")
    assert cs["ready"] is True and cs["started"] is True and cs["restartCount"] == 0
    assert cs["lastState"] == {}
    assert "startedAt" in cs["state"]["running"]
    assert status["startTime"] == "2026-01-01T00:00:00Z"
    assert status["qosClass"] == "BestEffort"


def test_first_report_is_container_creating_with_not_ready_conditions():
    c, _ = cluster()
    create(c, pod())
    c.advance(0.2)  # sandbox still being created
    status = get(c)["status"]
    by_type = {cond["type"]: cond for cond in status["conditions"]}
    assert by_type["PodReadyToStartContainers"]["status"] == "False"
    assert by_type["Initialized"]["status"] == "True"
    assert by_type["Ready"]["reason"] == "ContainersNotReady"
    assert by_type["Ready"]["message"] == "containers with unready status: [app]"
    assert by_type["ContainersReady"]["message"] == "containers with unready status: [app]"
    cs = status["containerStatuses"][0]
    assert cs["state"] == {"waiting": {"reason": "ContainerCreating"}}
    assert cs["imageID"] == "" and cs["started"] is False
    assert row(c)[2].strip() == "ContainerCreating"


def test_status_patches_are_few_and_strategic():
    c, _ = cluster()
    create(c, pod())
    c.settle()
    patches = [
        e
        for e in c.trace
        if e.kind == "request" and e.source == "kubelet/node-1" and "pod/status" in e.summary
    ]
    assert len(patches) == 2  # ContainerCreating, then Running
    assert all(e.step == "report" for e in patches)


def test_cri_calls_are_traced_with_replies():
    c, _ = cluster()
    create(c, pod())
    c.settle()
    calls = [e.summary for e in c.trace if e.kind == "cri-request"]
    assert calls == [
        "RunPodSandbox default/web",
        "ImageStatus nginx:1.27",
        "PullImage nginx:1.27",
        "CreateContainer app (docker.io/library/nginx:1.27)",
        "StartContainer app",
    ]
    assert len([e for e in c.trace if e.kind == "cri-reply"]) == len(calls)
    pull = next(e for e in c.trace if e.kind == "cri-request" and "PullImage" in e.summary)
    assert pull.source == "kubelet/node-1" and pull.target == "container-runtime/node-1"
    assert pull.data["bytes"] == 72218932 and pull.data["duration"] == 1.844379
    add = next(e for e in c.trace if e.kind == "cni-add")
    assert (add.source, add.target) == ("container-runtime/node-1", "cni/node-1")


def test_admission_rejects_a_pod_that_does_not_fit():
    c, _ = cluster()
    create(c, pod("big", resources={"requests": {"cpu": "5"}}))
    c.settle()
    status = get(c, "big")["status"]
    assert status["phase"] == "Failed"
    assert status["reason"] == "OutOfcpu"
    assert status["message"] == (
        "Pod was rejected: Node didn't have enough resource: cpu, requested: 5000, used: 0, "
        "capacity: 4000"
    )
    assert row(c, "big")[2].strip() == "OutOfcpu"
    assert reasons(c, "big") == ["OutOfcpu"]
    assert not [e for e in c.trace if e.kind == "cri-request"]


def test_admission_counts_pods_already_running():
    c, _ = cluster()
    create(c, pod("a", resources={"requests": {"memory": "6Gi"}}))
    c.settle()
    create(c, pod("b", resources={"requests": {"memory": "4Gi"}}))
    c.settle()
    status = get(c, "b")["status"]
    assert status["reason"] == "OutOfmemory"
    assert "used: 6442450944, capacity: 8589934592" in status["message"]


def test_pods_of_other_nodes_are_not_seen():
    c, _ = cluster()
    create(c, pod("elsewhere", node="node-2"))
    c.settle()
    assert get(c, "elsewhere")["status"] == {"phase": "Pending", "qosClass": "BestEffort"}


def test_same_seed_gives_the_same_trace():
    def run() -> str:
        c = Cluster(seed=7, control_plane=False)
        Kubelet(c.context, "node-1").start()
        Kubelet(c.context, "node-2").start()
        create(c, pod("a"))
        create(c, pod("b", "busybox:1.36", node="node-2"))
        c.advance(60)
        c.kubectl("delete pod a")
        c.advance(30)
        return c.trace.jsonl()

    assert run() == run()


def test_lease_is_created_and_renewed():
    c, _ = cluster()
    c.advance(25)
    lease = c.call(
        Request("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1")
    ).body
    assert lease["spec"]["holderIdentity"] == "node-1"
    assert lease["spec"]["leaseDurationSeconds"] == 40
    assert lease["spec"]["renewTime"] == "2026-01-01T00:00:20.048000Z"
    assert lease["metadata"]["ownerReferences"][0]["kind"] == "Node"
    renewals = [e for e in c.trace if e.kind == "request" and "update lease" in e.summary]
    assert len(renewals) == 2 and all(e.step == "other" for e in renewals)


def test_node_status_reports_pulled_images():
    c, _ = cluster()
    create(c, pod())
    c.settle()
    c.advance(15)
    node = c.call(Request("GET", "/api/v1/nodes/node-1")).body
    names = [image["names"] for image in node["status"]["images"]]
    nginx = next(n for n in names if "docker.io/library/nginx:1.27" in n)
    assert nginx[0].startswith("docker.io/library/nginx@sha256:")
    sizes = {
        n[-1]: image["sizeBytes"] for n, image in zip(names, node["status"]["images"], strict=True)
    }
    assert sizes["docker.io/library/nginx:1.27"] == 72218932
    assert "registry.k8s.io/pause:3.10" in sizes
    ready = next(cond for cond in node["status"]["conditions"] if cond["type"] == "Ready")
    assert ready["lastHeartbeatTime"] == "2026-01-01T00:00:10Z"
