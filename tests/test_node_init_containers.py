"""Init containers run one after another before the app; sidecars keep running."""

from tests.node_fixtures import cluster, create, get, pod, row, watch_statuses


def _with_init(name="web", restart=None, *init):
    obj = pod(name, restart=restart)
    obj["spec"]["initContainers"] = list(init)
    return obj


def test_init_containers_run_in_order_then_the_app():
    c, _ = cluster()
    create(
        c,
        _with_init(
            "web",
            None,
            {"name": "init-a", "image": "busybox:1.36", "command": ["sleep", "3"]},
            {"name": "init-b", "image": "busybox:1.36", "command": ["sh", "-c", "echo ready"]},
        ),
    )
    assert watch_statuses(c, 12) == ["Init:0/2", "Init:1/2", "PodInitializing", "Running"]
    status = get(c)["status"]
    assert [s["name"] for s in status["initContainerStatuses"]] == ["init-a", "init-b"]
    assert all(
        s["state"]["terminated"]["reason"] == "Completed" for s in status["initContainerStatuses"]
    )
    assert all(s["ready"] for s in status["initContainerStatuses"])


def test_waiting_app_container_shows_pod_initializing():
    c, _ = cluster()
    create(
        c,
        _with_init("web", None, {"name": "i", "image": "busybox:1.36", "command": ["sleep", "5"]}),
    )
    c.advance(2)
    status = get(c)["status"]
    assert status["containerStatuses"][0]["state"] == {"waiting": {"reason": "PodInitializing"}}
    initialized = next(x for x in status["conditions"] if x["type"] == "Initialized")
    assert initialized["status"] == "False"
    assert initialized["reason"] == "ContainersNotInitialized"
    assert initialized["message"] == "containers with incomplete status: [i]"
    assert status["phase"] == "Pending"


def test_failing_init_container_with_restart_never_fails_the_pod():
    c, _ = cluster()
    create(
        c, _with_init("f", "Never", {"name": "bad", "image": "busybox:1.36", "command": ["false"]})
    )
    assert watch_statuses(c, 10, "f") == ["Init:0/1", "Init:Error"]
    assert get(c, "f")["status"]["phase"] == "Failed"


def test_failing_init_container_crash_loops():
    c, _ = cluster()
    create(c, _with_init("f", None, {"name": "bad", "image": "busybox:1.36", "command": ["false"]}))
    seen = watch_statuses(c, 30, "f")
    assert "Init:Error" in seen and "Init:CrashLoopBackOff" in seen
    assert get(c, "f")["status"]["phase"] == "Pending"


def test_sidecar_starts_first_and_keeps_running():
    c, _ = cluster()
    create(
        c,
        _with_init(
            "side",
            None,
            {
                "name": "log",
                "image": "busybox:1.36",
                "restartPolicy": "Always",
                "command": ["sh", "-c", "while true; do echo tick; sleep 5; done"],
            },
        ),
    )
    assert watch_statuses(c, 6, "side") == ["Init:0/1", "PodInitializing", "Running"]
    assert row(c, "side")[1].strip() == "2/2"
