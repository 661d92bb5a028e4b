"""`kubectl logs` through the API server's pods/log, answered by the node."""

import pytest

from engine.node import Kubelet
from tests.node_fixtures import cluster, create, logs, pod


def test_nginx_logs_its_entrypoint_and_notices():
    c, _ = cluster()
    create(c, pod())
    c.settle()
    code, text = logs(c)
    assert code == 200
    lines = text.splitlines()
    assert lines[0] == (
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
        "configuration"
    )
    assert "/docker-entrypoint.sh: Configuration complete; ready for start up" in lines
    assert "2026/01/01 00:00:02 [notice] 1#1: nginx/1.27.5" in lines
    assert lines[-1] == "2026/01/01 00:00:02 [notice] 1#1: start worker process 32"


def test_tail_lines_and_timestamps():
    c, _ = cluster()
    create(c, pod())
    c.settle()
    _, text = logs(c, tailLines="2", timestamps="true")
    lines = text.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("2026-01-01T00:00:02.")
    stamp, rest = lines[1].split(" ", 1)
    assert len(stamp) == len("2026-01-01T00:00:02.497000000Z") and stamp.endswith("Z")
    assert rest.endswith("start worker process 32")


def test_shell_loop_logs_grow_with_time():
    c, _ = cluster()
    script = "while true; do echo hello from $HOSTNAME; sleep 5; done"
    create(c, pod("loop", "busybox:1.36", command=["sh", "-c", script]))
    c.advance(23)
    _, text = logs(c, "loop")
    assert text.splitlines() == ["hello from loop"] * 5


def test_previous_logs_and_their_absence():
    c, _ = cluster()
    create(
        c, pod("e", "busybox:1.36", restart="OnFailure", command=["sh", "-c", "echo boom; exit 2"])
    )
    c.advance(1.5)
    code, text = logs(c, "e", previous="true")
    assert code == 200 and text == "boom\n"
    create(c, pod())
    c.settle()
    code, text = logs(c, previous="true")
    assert code == 400
    assert text == 'previous terminated container "app" in pod "web" not found'


def test_logs_of_a_container_not_yet_started():
    c, _ = cluster()
    create(c, pod())
    c.advance(0.1)
    code, text = logs(c)
    assert code == 400
    assert text == 'container "app" in pod "web" is waiting to start: ContainerCreating'
    create(c, pod("bad", "nginx:9.99"))
    c.advance(3)
    code, text = logs(c, "bad")
    assert text == 'container "app" in pod "bad" is waiting to start: image can\'t be pulled'


def test_logs_when_the_kubelet_is_down():
    c, k = cluster()
    create(c, pod())
    c.settle()
    k.fail()
    code, text = logs(c)
    assert code == 500
    assert text == (
        'Get "https://172.18.0.2:10250/containerLogs/default/web/app": '
        "dial tcp 172.18.0.2:10250: connect: connection refused"
    )


def test_kubectl_logs_when_the_command_exists():
    c, _ = cluster()
    create(c, pod("hi", "busybox:1.36", restart="Never", command=["echo", "hello, world"]))
    c.advance(3)
    result = c.kubectl("logs hi")
    if "does not offer" in result.stderr or "unknown command" in result.stderr:
        pytest.skip("the in-engine kubectl has no `logs` yet; the API path is covered above")
    assert result.stdout == "hello, world\n"


def test_each_cluster_gets_its_own_log_reader():
    from engine.cluster import Cluster
    from engine.node.logs import NodeRegistry

    one, two = Cluster(seed=1, control_plane=False), Cluster(seed=1, control_plane=False)
    Kubelet(one.context, "node-1").start()
    mine, theirs = NodeRegistry.of(one.context), NodeRegistry.of(two.context)
    assert one.apiserver.read_logs == mine.read_logs
    assert two.apiserver.read_logs == theirs.read_logs
    assert list(mine.kubelets) == ["node-1"] and not theirs.kubelets
