"""The node's building blocks on their own: registry, command interpreter, CNI, back-off."""

import pytest

from engine.cluster import Cluster
from engine.node.backoff import Backoff
from engine.node.behavior import Context, derive
from engine.node.cni import CNIPlugin
from engine.node.command import FOREVER, interpret
from engine.node.registry import REGISTRY, PullError, parse_reference
from engine.trace import ObjectRef


@pytest.mark.parametrize(
    ("image", "name"),
    [
        ("nginx", "docker.io/library/nginx:latest"),
        ("nginx:1.27", "docker.io/library/nginx:1.27"),
        ("library/nginx:1.27", "docker.io/library/nginx:1.27"),
        ("polinux/stress", "docker.io/polinux/stress:latest"),
        ("registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10"),
        ("localhost:5000/app:v1", "localhost:5000/app:v1"),
    ],
)
def test_references_are_normalised_like_containerd(image, name):
    ref = parse_reference(image)
    assert ref is not None and ref.name == name


def test_tags_of_one_image_share_its_digest():
    latest = REGISTRY.image("nginx:latest")
    assert latest is REGISTRY.image("nginx:1.29")
    assert latest.digest != REGISTRY.image("nginx:1.27").digest
    assert REGISTRY.image("nginx:1.27").size == 72218932
    assert latest.repo_digest.startswith("docker.io/library/nginx@sha256:")


def test_pull_by_digest():
    image = REGISTRY.image("redis:7.4")
    ref = parse_reference(f"redis@{image.digest}")
    assert ref is not None and REGISTRY.resolve(ref) is image


def test_unknown_registry_host():
    ref = parse_reference("myregistry.local/app:1")
    assert ref is not None
    with pytest.raises(PullError) as caught:
        REGISTRY.resolve(ref)
    assert "dial tcp: lookup myregistry.local: no such host" in str(caught.value)


@pytest.mark.parametrize(
    ("argv", "duration", "code"),
    [
        (["sleep", "5"], 5.0, 0),
        (["sleep", "infinity"], FOREVER, 0),
        (["sh", "-c", "exit 3"], 0.0, 3),
        (["false"], 0.0, 1),
        (["sh", "-c", "sleep 2; echo done && exit 4"], 2.0, 4),
        (["sh", "-c", "false || exit 0"], 0.0, 0),
        (["sh", "-c", "while true; do echo hi; sleep 5; done"], FOREVER, 0),
        (["sh", "-c", "for i in 1 2 3; do echo $i; sleep 1; done"], 3.0, 0),
        (["tail", "-f", "/dev/null"], FOREVER, 0),
    ],
)
def test_commands_run_for_their_time(argv, duration, code):
    program = interpret(argv, {}, "pod", True, 0.0)
    assert (program.duration, program.exit_code) == (duration, code)


def test_echo_expands_variables():
    program = interpret(
        ["sh", "-c", 'echo "I am $HOSTNAME, $GREETING"'], {"GREETING": "hi"}, "p", True, 0.0
    )
    assert [line.text for line in program.lines] == ["I am p, hi"]


def test_files_touched_and_removed():
    program = interpret(
        ["sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
        {},
        "p",
        True,
        0.0,
    )
    assert program.files == {"/tmp/healthy": [(0.0, True), (30.0, False)]}
    assert program.duration == 630.0


def test_behaviour_of_servers_and_commands():
    ctx = Context("web", "10.244.1.2", 4, 0.0)
    nginx = derive(REGISTRY.image("nginx:1.27"), {"name": "app"}, ctx)
    assert nginx.listener(80) is not None and nginx.duration == FOREVER
    assert nginx.stop_signal == "SIGQUIT" and nginx.stop_exit_code == 0
    redis = derive(REGISTRY.image("redis:7.4"), {"name": "r", "args": ["--port", "6380"]}, ctx)
    assert redis.listener(6380) is not None
    sleeper = derive(REGISTRY.image("busybox"), {"name": "s", "command": ["sleep", "10"]}, ctx)
    assert sleeper.duration == 10 and sleeper.stop_exit_code is None  # PID 1 ignores SIGTERM
    oom = derive(
        REGISTRY.image("mysql:8.4"),
        {
            "name": "db",
            "env": [{"name": "MYSQL_ROOT_PASSWORD", "value": "x"}],
            "resources": {"limits": {"memory": "256Mi"}},
        },
        ctx,
    )
    assert oom.oom and oom.reason == "OOMKilled" and oom.exit_code == 137


def test_host_local_hands_out_addresses_in_order_and_moves_on():
    c = Cluster(seed=1, control_plane=False)
    cni = CNIPlugin(c.context, "node-1")
    cni.configure("10.244.1.0/24")
    ref = ObjectRef(kind="Pod", name="p", namespace="default")

    def add(sandbox: str) -> str:
        process = c.env.process(cni.add("container-runtime/node-1", sandbox, ref))
        c.env.run_process(process, 10)
        return str(process.value)

    def delete(sandbox: str) -> None:
        c.env.run_process(c.env.process(cni.delete("container-runtime/node-1", sandbox, ref)), 10)

    assert add("a") == "10.244.1.2"
    assert add("b") == "10.244.1.3"
    delete("a")
    assert add("c") == "10.244.1.4"  # not .2 again: host-local continues after the last one


def test_backoff_doubles_caps_and_resets():
    backoff = Backoff(10, 300, 600)
    times = []
    for t in (0, 20, 50, 100, 200, 400, 800):
        backoff.next("k", t)
        times.append(backoff.get("k"))
    assert times[:6] == [10, 20, 40, 80, 160, 300]
    assert times[6] == 300
    backoff.next("k", 800 + 601)  # idle for longer than the reset window
    assert backoff.get("k") == 10
    assert backoff.is_in_backoff_since("k", 1401, 1405)
    assert not backoff.is_in_backoff_since("k", 1401, 1411)
