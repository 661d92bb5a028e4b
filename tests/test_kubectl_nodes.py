"""kubectl cordon, uncordon and drain.

Expected texts were checked against the real kubectl 1.37.1 talking to the same API server.
"""

from __future__ import annotations

from engine.cluster import Cluster
from tests.kubectl_helpers import bound_pod, out, quiet_cluster, sent

NO_CONTROLLER = "cannot delete Pods that declare no controller (use --force to override)"


def test_cordon_and_uncordon() -> None:
    cluster = quiet_cluster()
    result, requests = sent(cluster, "cordon node-1")
    assert out(result) == ("node/node-1 cordoned\n", "", 0)
    assert requests == ["GET /api/v1/nodes/node-1", "PATCH /api/v1/nodes/node-1"]
    assert "Ready,SchedulingDisabled" in cluster.kubectl("get node node-1").stdout
    assert out(cluster.kubectl("cordon node-1")) == ("node/node-1 already cordoned\n", "", 0)
    assert out(cluster.kubectl("uncordon node-1")) == ("node/node-1 uncordoned\n", "", 0)
    assert out(cluster.kubectl("uncordon node-1")) == ("node/node-1 already uncordoned\n", "", 0)
    assert out(cluster.kubectl("cordon -l kubernetes.io/hostname=node-3 --dry-run=client")) == (
        "node/node-3 cordoned (dry run)\n",
        "",
        0,
    )


def test_cordon_errors() -> None:
    cluster = quiet_cluster()
    cluster.kubectl("run web --image=nginx")
    cases = {
        "cordon": "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and "
        "examples\n",
        "uncordon": "error: USAGE: uncordon NODE [flags]\nSee 'kubectl uncordon -h' for help "
        "and examples\n",
        "cordon pod/web": 'error: expected resource of type node, got "/v1, Resource=pods"\n',
        "cordon node-2 node-9": 'Error from server (NotFound): nodes "node-9" not found\n',
        "drain node-1 -l a=b": (
            "error: cannot specify both a node name and a --selector option\n"
            "See 'kubectl drain -h' for help and examples\n"
        ),
    }
    for line, stderr in cases.items():
        assert out(cluster.kubectl(line)) == ("", stderr, 1), line


def test_drain_refuses_pods_without_a_controller() -> None:
    cluster = quiet_cluster()
    bound_pod(cluster, "solo", "node-1")
    result = cluster.kubectl("drain node-1")
    assert out(result) == (
        "node/node-1 cordoned\n",
        f'error: unable to drain node "node-1" due to error: {NO_CONTROLLER}: default/solo, '
        "continuing command...\nThere are pending nodes to be drained:\n node-1\n"
        f"{NO_CONTROLLER}: default/solo\n",
        1,
    )


def test_drain_lists_every_reason_to_stop() -> None:
    cluster = quiet_cluster()
    bound_pod(cluster, "cache", "node-2", owner="ReplicaSet", empty_dir=True)
    bound_pod(cluster, "solo", "node-2")
    stderr = cluster.kubectl("drain node-2").stderr
    assert stderr.splitlines()[-2:] == [
        "cannot delete Pods with local storage (use --delete-emptydir-data to override): "
        "default/cache",
        f"{NO_CONTROLLER}: default/solo",
    ]


def test_drain_evicts_through_the_eviction_subresource() -> None:
    cluster = quiet_cluster()
    bound_pod(cluster, "owned", "node-1", owner="ReplicaSet")
    bound_pod(cluster, "solo", "node-1")
    result, requests = sent(cluster, "drain node-1 --force --grace-period=0")
    assert out(result) == (
        "node/node-1 cordoned\nevicting pod default/owned\nevicting pod default/solo\n"
        "pod/owned evicted\npod/solo evicted\nnode/node-1 drained\n",
        "Warning: deleting Pods that declare no controller: default/solo\n",
        0,
    )
    assert requests == [
        "GET /api/v1/nodes/node-1",
        "PATCH /api/v1/nodes/node-1",
        "GET /api/v1/pods?fieldSelector=spec.nodeName=node-1&limit=500",
        "GET /api/v1",
        "POST /api/v1/namespaces/default/pods/owned/eviction",
        "POST /api/v1/namespaces/default/pods/solo/eviction",
        "GET /api/v1/namespaces/default/pods/owned",
        "GET /api/v1/namespaces/default/pods/solo",
    ]
    assert cluster.kubectl("get pods").stderr == "No resources found in default namespace.\n"


def test_drain_without_eviction_deletes() -> None:
    cluster = quiet_cluster()
    bound_pod(cluster, "owned", "node-1", owner="ReplicaSet")
    assert out(cluster.kubectl("drain node-1 --disable-eviction --grace-period=0")) == (
        "node/node-1 cordoned\npod/owned deleted\nnode/node-1 drained\n",
        "",
        0,
    )


def test_drain_times_out_when_no_kubelet_finishes_the_pod() -> None:
    cluster = quiet_cluster()  # no kubelet: an evicted pod stays Terminating
    bound_pod(cluster, "owned", "node-3", owner="ReplicaSet")
    start = cluster.now
    result = cluster.kubectl("drain node-3 --timeout=3s")
    waiting = (
        'error when waiting for pod "owned" in namespace "default" to terminate: '
        "context deadline exceeded"
    )
    assert out(result) == (
        "node/node-3 cordoned\nevicting pod default/owned\n",
        'There are pending pods in node "node-3" when an error occurred: '
        f"{waiting}\npod/owned\n"
        f'error: unable to drain node "node-3" due to error: {waiting}, continuing '
        "command...\nThere are pending nodes to be drained:\n node-3\n"
        f"{waiting}\n",
        1,
    )
    assert 3 <= cluster.now - start < 3.5


def test_drain_dry_run_and_usage() -> None:
    cluster = quiet_cluster()
    bound_pod(cluster, "owned", "node-1", owner="ReplicaSet")
    assert out(cluster.kubectl("drain node-1 --dry-run=client")) == (
        "node/node-1 cordoned (dry run)\nevicting pod default/owned (dry run)\n"
        "node/node-1 drained (dry run)\n",
        "",
        0,
    )
    assert out(cluster.kubectl("drain")) == (
        "",
        "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n",
        1,
    )
    assert out(cluster.kubectl("drain node-1 --pod-selector='a in ('")) == (
        "",
        "error: --pod-selector=<pod_selector> must be a valid label selector\n",
        1,
    )


def test_drain_with_the_control_plane_moves_pods_elsewhere() -> None:
    cluster = Cluster(seed=1)
    cluster.kubectl("create deployment web --image=nginx --replicas=3")
    cluster.settle()
    on_node_1 = [
        line.split()[0]
        for line in cluster.kubectl("get pods -o wide").stdout.splitlines()
        if " node-1 " in line
    ]
    assert on_node_1
    # node-1 runs a kube-proxy pod, which drain leaves alone only when told to.
    assert "kube-system/kube-proxy-" in cluster.kubectl("drain node-1").stderr
    result = cluster.kubectl("drain node-1 --ignore-daemonsets")
    assert result.exit_code == 0
    assert result.stdout.startswith("node/node-1 already cordoned\n")
    assert "Warning: ignoring DaemonSet-managed Pods: kube-system/kube-proxy-" in result.text
    assert result.stdout.endswith("node/node-1 drained\n")
    for name in on_node_1:
        assert f"evicting pod default/{name}\n" in result.stdout
        assert f"pod/{name} evicted\n" in result.stdout
    cluster.settle()
    listing = cluster.kubectl("get pods -o wide").stdout
    assert " node-1 " not in listing
    assert listing.count("Running") == 3
