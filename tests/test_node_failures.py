"""What goes wrong on a node, and how the kubelet reports it: image pulls, crashes, OOM."""

import itertools
import re

from engine import timeutil
from engine.node.cri import RUNNING
from tests.node_fixtures import (
    cluster,
    container_status,
    create,
    events,
    get,
    logs,
    pod,
    reasons,
    row,
    status_column,
    watch_statuses,
)

NOT_FOUND = (
    "rpc error: code = NotFound desc = failed to pull and unpack image "
    '"docker.io/library/nginx:9.99": failed to resolve reference '
    '"docker.io/library/nginx:9.99": docker.io/library/nginx:9.99: not found'
)


def test_missing_tag_is_err_image_pull_then_image_pull_back_off():
    c, _ = cluster()
    create(c, pod(image="nginx:9.99"))
    seen = watch_statuses(c, 45)
    assert seen[:5] == [
        "ContainerCreating",
        "ErrImagePull",
        "ImagePullBackOff",
        "ErrImagePull",
        "ImagePullBackOff",
    ]
    by_reason = {}
    for event in events(c):
        by_reason.setdefault(event["reason"], []).append(event)
    assert by_reason["Failed"][0]["message"] == f'Failed to pull image "nginx:9.99": {NOT_FOUND}'
    assert by_reason["Failed"][0]["type"] == "Warning"
    assert {e["message"] for e in by_reason["Failed"]} == {
        f'Failed to pull image "nginx:9.99": {NOT_FOUND}',
        "Error: ErrImagePull",
        "Error: ImagePullBackOff",
    }
    assert by_reason["BackOff"][0]["message"] == 'Back-off pulling image "nginx:9.99"'
    assert by_reason["BackOff"][0]["type"] == "Normal"
    waiting = container_status(c)["state"]["waiting"]
    assert waiting["reason"] in ("ErrImagePull", "ImagePullBackOff")
    assert get(c)["status"]["phase"] == "Pending"


def test_back_off_waiting_message_keeps_the_pull_error():
    c, _ = cluster()
    create(c, pod(image="nginx:9.99"))
    c.advance(1)
    assert container_status(c)["state"]["waiting"] == {
        "reason": "ErrImagePull",
        "message": NOT_FOUND,
    }
    # retried at 10 s (failed again: the back-off doubles to 20 s), backing off at 20 s
    c.advance(24)
    assert container_status(c)["state"]["waiting"] == {
        "reason": "ImagePullBackOff",
        "message": f'Back-off pulling image "nginx:9.99": ErrImagePull: {NOT_FOUND}',
    }


def test_unknown_repository_is_access_denied():
    c, _ = cluster()
    create(c, pod(image="ngnix"))
    c.advance(2)
    message = container_status(c)["state"]["waiting"]["message"]
    assert message == (
        "rpc error: code = Unknown desc = failed to pull and unpack image "
        '"docker.io/library/ngnix:latest": failed to resolve reference '
        '"docker.io/library/ngnix:latest": pull access denied, repository does not exist or '
        "may require authorization: server message: insufficient_scope: authorization failed"
    )


def test_pull_policy_never_without_the_image():
    c, _ = cluster()
    create(c, pod(image="redis:7.4", imagePullPolicy="Never"))
    c.advance(2)
    waiting = container_status(c)["state"]["waiting"]
    assert waiting == {
        "reason": "ErrImageNeverPull",
        "message": 'Container image "redis:7.4" is not present with pull policy of Never',
    }
    assert reasons(c)[:2] == ["ErrImageNeverPull", "Failed"]


def test_invalid_image_name():
    c, _ = cluster()
    create(c, pod(image="NGINX"))
    c.advance(2)
    waiting = container_status(c)["state"]["waiting"]
    assert waiting["reason"] == "InvalidImageName"
    assert waiting["message"] == (
        'Failed to apply default image tag "NGINX": couldn\'t parse image name "NGINX": '
        "invalid reference format: repository name (library/NGINX) must be lowercase"
    )


def test_pull_policy_always_pulls_again_but_quickly():
    c, _ = cluster()
    create(c, pod("a", "nginx:latest"))
    c.settle()
    create(c, pod("b", "nginx:latest"))
    c.settle()
    pulled = [e["message"] for e in events(c, "b") if e["reason"] == "Pulled"]
    assert pulled == [
        'Successfully pulled image "nginx:latest" in 400ms (402ms including waiting). '
        "Image size: 72519860 bytes."
    ]


def test_busybox_without_command_crash_loops_with_growing_back_off():
    c, k = cluster()
    create(c, pod("bb", "busybox:1.36"))
    seen = watch_statuses(c, 80, "bb")
    assert seen[0] == "ContainerCreating"
    assert "Completed" in seen and "CrashLoopBackOff" in seen
    assert seen.index("Completed") < seen.index("CrashLoopBackOff")
    # Each restart is a new container instance: their start times show the back-off.
    uid = get(c, "bb")["metadata"]["uid"]
    # container GC keeps the current instance and the one before it
    assert len(k.runtime.pod_containers(uid)) == 2
    cs = container_status(c, "bb")
    assert cs["restartCount"] == 4
    assert cs["lastState"]["terminated"]["reason"] == "Completed"
    assert cs["lastState"]["terminated"]["exitCode"] == 0
    assert get(c, "bb")["status"]["phase"] == "Running"
    restarts = [
        e.time for e in c.trace if e.kind == "cri-request" and e.summary == "StartContainer app"
    ]
    gaps = [round(b - a) for a, b in itertools.pairwise(restarts)]
    assert gaps == [0, 10, 20, 40]
    backoff = next(e for e in events(c, "bb") if e["reason"] == "BackOff")
    assert backoff["type"] == "Warning"
    assert backoff["message"] == (
        f"Back-off restarting failed container app in pod bb_default({uid})"
    )


def test_crash_loop_waiting_message_and_restarts_column():
    c, _ = cluster()
    create(c, pod("bb", "busybox:1.36"))
    c.advance(25)  # third exit at ~12 s, then a 20 s back-off
    cs = container_status(c, "bb")
    uid = get(c, "bb")["metadata"]["uid"]
    assert cs["state"]["waiting"] == {
        "reason": "CrashLoopBackOff",
        "message": f"back-off 20s restarting failed container=app pod=bb_default({uid})",
    }
    cells = row(c, "bb")
    assert cells[1].strip() == "0/1"
    assert cells[2].strip() == "CrashLoopBackOff"
    assert cells[3].strip().startswith("2 (") and cells[3].strip().endswith("s ago)")


def _exit_of(c, k, uid: str, attempt: int) -> float:
    """Run until the container's instance `attempt` has exited; when it did (finishedAt)."""
    for _ in range(2000):
        done = [
            x
            for x in k.runtime.pod_containers(uid)
            if x.attempt == attempt and x.state != RUNNING and x.finished_at
        ]
        if done:
            return float(done[0].finished_at)
        c.advance(0.05)
    raise AssertionError(f"instance {attempt} never exited")


def test_crash_loop_back_off_shows_for_the_whole_window():
    # Upstream's doBackOff refuses the restart and the status says so at once: STATUS is
    # CrashLoopBackOff from about the exit to the end of each window (not only at its end).
    c, k = cluster()
    create(c, pod("bb", "busybox:1.36"))
    c.advance(0.5)
    uid = get(c, "bb")["metadata"]["uid"]
    # The first exit restarts at once (no back-off recorded yet); the back-off then starts at
    # 10 s and doubles, measured from each exit's finishedAt.
    _exit_of(c, k, uid, 0)
    for attempt, window in ((1, 10), (2, 20), (3, 40)):
        message = f"back-off {window}s restarting failed container=app pod=bb_default({uid})"
        exited = _exit_of(c, k, uid, attempt)
        for offset in (1, 2, window / 2, window - 0.5):
            c.advance(exited + offset - c.now)
            assert status_column(c, "bb") == "CrashLoopBackOff", (attempt, offset)
            cs = container_status(c, "bb")
            assert cs["restartCount"] == attempt
            assert cs["state"] == {"waiting": {"reason": "CrashLoopBackOff", "message": message}}
            last = cs["lastState"]["terminated"]
            assert (last["reason"], last["exitCode"]) == ("Completed", 0)
            assert cs["ready"] is False and row(c, "bb")[1].strip() == "0/1"
        c.advance(exited + window + 0.5 - c.now)
        assert container_status(c, "bb")["restartCount"] == attempt + 1  # restarted on time


def test_crash_back_off_status_and_event_come_with_the_exit():
    c, k = cluster()
    create(c, pod())
    c.settle()
    assert k.crash_container("default/web")
    c.settle()  # the first crash restarts at once
    assert status_column(c) == "Running"
    assert k.crash_container("default/web")
    crashed = c.now
    # kubectl get -w: the exit (Error) and the back-off right after it, then the restart
    # when the 10 s are up.
    watched = c.kubectl("get pod web -w --request-timeout=12s").stdout.splitlines()
    assert [re.split(r"\s{2,}", line.strip())[1:] for line in watched[1:]] == [
        ["1/1", "Running", "1 (0s ago)", "2s"],
        ["0/1", "Error", "1 (0s ago)", "2s"],
        ["0/1", "CrashLoopBackOff", "1 (0s ago)", "2s"],
        ["1/1", "Running", "2 (11s ago)", "13s"],
    ]
    uid = get(c)["metadata"]["uid"]
    backoffs = [e for e in events(c) if e["reason"] == "BackOff"]
    assert len(backoffs) == 1
    assert backoffs[0]["type"] == "Warning"
    assert backoffs[0]["message"] == (
        f"Back-off restarting failed container app in pod web_default({uid})"
    )
    assert backoffs[0]["firstTimestamp"] == timeutil.rfc3339(int(crashed))
    describe = c.kubectl("describe pod web").stdout
    assert "State:          Running" in describe
    assert "Restart Count:  2" in describe


def test_describe_during_crash_back_off():
    c, k = cluster()
    create(c, pod())
    c.settle()
    k.crash_container("default/web")
    c.settle()
    k.crash_container("default/web")
    c.advance(3)
    text = c.kubectl("describe pod web").stdout
    lines = [line.strip() for line in text.splitlines()]
    state = lines.index("State:          Waiting")
    assert lines[state + 1] == "Reason:       CrashLoopBackOff"
    assert lines[state + 2] == "Last State:     Terminated"
    assert lines[state + 3] == "Reason:       Error"
    assert lines[state + 4] == "Exit Code:    1"
    assert "Restart Count:  1" in lines


def test_sleep_with_restart_never_ends_completed_and_succeeded():
    c, _ = cluster()
    create(c, pod("job", "busybox:1.36", restart="Never", command=["sleep", "5"]))
    c.settle()
    assert row(c, "job")[2].strip() == "Running"
    c.advance(6)
    obj = get(c, "job")
    assert obj["status"]["phase"] == "Succeeded"
    assert row(c, "job")[1:3] == ["0/1", "Completed"] or row(c, "job")[2].strip() == "Completed"
    terminated = obj["status"]["containerStatuses"][0]["state"]["terminated"]
    assert terminated["exitCode"] == 0 and terminated["reason"] == "Completed"
    conditions = {cond["type"]: cond for cond in obj["status"]["conditions"]}
    assert conditions["Ready"]["reason"] == "PodCompleted"
    assert conditions["Initialized"]["reason"] == "PodCompleted"
    assert conditions["PodReadyToStartContainers"]["status"] == "False"  # sandbox stopped
    assert obj["status"]["podIP"] == "10.244.1.2"  # still shown after the pod finished


def test_exit_code_with_restart_never_fails_the_pod():
    c, _ = cluster()
    create(c, pod("j", "busybox:1.36", restart="Never", command=["sh", "-c", "exit 3"]))
    c.advance(5)
    obj = get(c, "j")
    assert obj["status"]["phase"] == "Failed"
    terminated = obj["status"]["containerStatuses"][0]["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (3, "Error")
    assert row(c, "j")[2].strip() == "Error"


def test_on_failure_restarts_only_failures():
    c, _ = cluster()
    create(c, pod("ok", "busybox:1.36", restart="OnFailure", command=["true"]))
    create(c, pod("bad", "busybox:1.36", restart="OnFailure", command=["false"]))
    c.advance(5)
    assert get(c, "ok")["status"]["phase"] == "Succeeded"
    assert get(c, "bad")["status"]["phase"] == "Running"
    assert container_status(c, "bad")["restartCount"] >= 1


def test_memory_limit_below_need_is_oom_killed():
    c, _ = cluster()
    create(
        c,
        pod(
            "mem",
            "polinux/stress",
            command=["stress"],
            args=["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"],
            resources={"limits": {"memory": "100Mi"}},
        ),
    )
    seen = watch_statuses(c, 15, "mem")
    assert "OOMKilled" in seen
    cs = container_status(c, "mem")
    last = cs["lastState"]["terminated"]
    assert (last["exitCode"], last["reason"]) == (137, "OOMKilled")


def test_stress_within_its_limit_keeps_running():
    c, _ = cluster()
    create(
        c,
        pod(
            "mem",
            "polinux/stress",
            command=["stress"],
            args=["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"],
            resources={"limits": {"memory": "200Mi"}},
        ),
    )
    c.advance(10)
    assert row(c, "mem")[2].strip() == "Running"


def test_postgres_without_password_exits_with_its_error():
    c, _ = cluster()
    create(c, pod("db", "postgres:17"))
    c.advance(6)
    cs = container_status(c, "db")
    terminated = cs["state"].get("terminated") or cs["lastState"]["terminated"]
    assert terminated["exitCode"] == 1 and terminated["reason"] == "Error"
    code, text = logs(c, "db")
    assert code == 200
    assert text.startswith(
        "Error: Database is uninitialized and superuser password is not specified.\n"
    )


def test_postgres_with_password_runs():
    c, _ = cluster()
    create(c, pod("db", "postgres:17", env=[{"name": "POSTGRES_PASSWORD", "value": "s3cret"}]))
    c.advance(10)
    assert row(c, "db")[2].strip() == "Running"
    _, text = logs(c, "db")
    assert "database system is ready to accept connections" in text


def test_missing_executable_is_a_start_error():
    c, _ = cluster()
    create(c, pod("sh", "alpine:3.20", command=["bash", "-c", "echo hi"]))
    c.advance(3)
    cs = container_status(c, "sh")
    waiting = cs["state"]["waiting"]
    assert waiting["reason"] == "RunContainerError"
    assert 'exec: "bash": executable file not found in $PATH' in waiting["message"]
    assert cs["lastState"]["terminated"]["reason"] == "StartError"
    assert cs["lastState"]["terminated"]["exitCode"] == 128


def test_nginx_without_daemon_off_exits_at_once():
    c, _ = cluster()
    create(c, pod(command=["nginx"]))
    c.advance(5)
    cs = container_status(c)
    assert cs["restartCount"] >= 1
    assert (cs.get("lastState") or {}).get("terminated", {}).get("reason") == "Completed"


def test_crash_container_button_restarts_per_policy():
    c, k = cluster()
    create(c, pod())
    c.settle()
    assert k.crash_container("default/web", "app")
    c.settle()
    cs = container_status(c)
    assert cs["restartCount"] == 1
    last = cs["lastState"]["terminated"]
    assert (last["exitCode"], last["reason"]) == (1, "Error")
    assert cs["state"].get("running")
    assert not k.crash_container("default/web", "nope")
    c.settle()
    assert k.crash_container("default/web")  # no name: the pod's first container
    c.settle()  # a second crash soon after the first: now it backs off 10 s
    cs = container_status(c)
    assert cs["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert cs["lastState"]["terminated"]["reason"] == "Error"
    assert cs["restartCount"] == 1
    c.advance(12)
    assert container_status(c)["restartCount"] == 2


def test_crash_with_restart_never_fails_the_pod():
    c, k = cluster()
    create(c, pod(restart="Never"))
    c.settle()
    k.crash_container("default/web", "app")
    c.settle()
    assert get(c)["status"]["phase"] == "Failed"
    uid = get(c)["metadata"]["uid"]
    assert all(x.state != RUNNING for x in k.runtime.pod_containers(uid))
