"""kubectl logs: choosing the pod and the container, the log request, and kubectl's errors.

Expected texts were checked against the real kubectl 1.37.1 talking to the same API server.
"""

from __future__ import annotations

from engine.cluster import Cluster
from tests.kubectl_helpers import call, out, quiet_cluster, sent

PODS = "/api/v1/namespaces/default/pods"
USAGE = (
    "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
    "POD or TYPE/NAME is a required argument for the logs command\n"
    "See 'kubectl logs -h' for help and examples\n"
)


def pod(
    cluster: Cluster,
    name: str,
    containers: list[str],
    *,
    init: list[str] | None = None,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
) -> None:
    spec: dict[str, object] = {"containers": [{"name": c, "image": "nginx"} for c in containers]}
    if init:
        spec["initContainers"] = [{"name": c, "image": "busybox"} for c in init]
    meta: dict[str, object] = {
        "name": name,
        "labels": labels or {},
        "annotations": annotations or {},
    }
    call(cluster, "POST", PODS, {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec})


def test_logs_of_a_pod_not_yet_on_a_node_are_empty() -> None:
    # The API server's LogLocation has no node to ask: it answers 200 with no body.
    cluster = quiet_cluster()
    cluster.kubectl("run web --image=nginx")
    result, requests = sent(cluster, "logs web")
    assert out(result) == ("", "", 0)
    assert requests == [f"GET {PODS}/web", f"GET {PODS}/web/log?container=web"]


def test_log_options_become_query_parameters() -> None:
    cluster = quiet_cluster()
    cluster.kubectl("run web --image=nginx")
    _, requests = sent(
        cluster, "logs pod/web -f --tail=5 --timestamps --previous --since=1h --limit-bytes=100"
    )
    assert requests[-1] == (
        f"GET {PODS}/web/log?container=web&follow=true&limitBytes=100&previous=true"
        "&sinceSeconds=3600&tailLines=5&timestamps=true"
    )


def test_container_choice() -> None:
    cluster = quiet_cluster()
    pod(cluster, "two", ["app", "side"])
    pod(
        cluster,
        "three",
        ["app"],
        init=["init"],
        annotations={"kubectl.kubernetes.io/default-container": "zzz"},
    )
    assert out(cluster.kubectl("logs two")) == (
        "",
        'Defaulted container "app" out of: app, side\n',
        0,
    )
    assert out(cluster.kubectl("logs three")) == (
        "",
        'Default container name "zzz" not found in pod three\n'
        'Defaulted container "app" out of: app, init (init)\n',
        0,
    )
    _, requests = sent(cluster, "logs two side")  # the old POD CONTAINER form
    assert requests[-1] == f"GET {PODS}/two/log?container=side"
    _, requests = sent(cluster, "logs two --all-containers")
    assert requests[1:] == [
        f"GET {PODS}/two/log?container=app",
        f"GET {PODS}/two/log?container=side",
    ]
    assert out(cluster.kubectl("logs two -c nope")) == (
        "",
        "error: container nope is not valid for pod two out of: app, side\n",
        1,
    )


def test_logs_errors() -> None:
    cluster = quiet_cluster()
    cluster.kubectl("run web --image=nginx")
    cases = {
        "logs": USAGE,
        "logs web a b": USAGE,
        "logs nope": 'error: error from server (NotFound): pods "nope" not found in namespace '
        '"default"\n',
        "logs web -l run=web": (
            "error: only a selector (-l) or a POD name is allowed\n"
            "See 'kubectl logs -h' for help and examples\n"
        ),
        "logs web --tail=-5": "error: --tail must be greater than or equal to -1\n",
        "logs web --since=1h --since-time=2026-01-01T00:00:00Z": (
            "error: at most one of `sinceTime` or `sinceSeconds` may be specified\n"
        ),
        "logs web --all-containers -c web": (
            "error: --all-containers=true should not be specified with container name web\n"
        ),
        "logs node/node-1": (
            "error: cannot get the logs from *v1.Node: selector for *v1.Node not implemented\n"
        ),
        "logs web --pod-running-timeout=0s": (
            "error: --pod-running-timeout must be higher than zero\n"
        ),
    }
    for line, stderr in cases.items():
        assert out(cluster.kubectl(line)) == ("", stderr, 1), line


def test_logs_by_selector_and_by_controller() -> None:
    cluster = quiet_cluster()
    assert out(cluster.kubectl("logs -l app=web")) == (
        "",
        "No resources found in default namespace.\n",
        0,
    )
    cluster.kubectl("create deployment web --image=nginx")
    start = cluster.now
    assert out(cluster.kubectl("logs deploy/web --pod-running-timeout=2s")) == (
        "",
        "error: timed out waiting for the condition\n",
        1,
    )
    assert 2 <= cluster.now - start < 2.5
    pod(cluster, "web-a", ["nginx"], labels={"app": "web"})
    pod(cluster, "web-b", ["nginx"], labels={"app": "web"})
    result, requests = sent(cluster, "logs deploy/web")
    assert out(result) == ("", "Found 2 pods, using pod/web-a\n", 0)
    assert requests[-1] == f"GET {PODS}/web-a/log?container=nginx"
    _, requests = sent(cluster, "logs -l app=web")  # ten lines from each pod
    assert requests[1:] == [
        f"GET {PODS}/web-a/log?container=nginx&tailLines=10",
        f"GET {PODS}/web-b/log?container=nginx&tailLines=10",
    ]
    assert out(cluster.kubectl("logs -l app=web -f --max-log-requests=1")) == (
        "",
        "error: you are attempting to follow 2 log streams, but maximum allowed concurrency is "
        "1, use --max-log-requests to increase the limit\n",
        1,
    )


def test_logs_of_a_finished_container() -> None:
    cluster = Cluster(seed=1)
    cluster.kubectl("run bb --image=busybox --restart=Never -- sh -c 'echo hello; echo world'")
    cluster.settle()
    assert out(cluster.kubectl("logs bb")) == ("hello\nworld\n", "", 0)
    assert out(cluster.kubectl("logs bb --prefix --tail=1")) == ("[pod/bb/bb] world\n", "", 0)
