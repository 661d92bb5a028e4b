"""kubectl describe: what it fetches for each kind, when it shows events, prefix matching.

(The describers' formatting is tested with engine/kubectl/describe.py; these tests are about
the command.) Expected behaviour was checked against the real kubectl 1.37.1.
"""

from __future__ import annotations

from engine.cluster import Cluster
from tests.kubectl_helpers import call, out, quiet_cluster, sent

PODS = "/api/v1/namespaces/default/pods"


def two_pods() -> Cluster:
    cluster = quiet_cluster()
    cluster.kubectl("run web --image=nginx")
    cluster.kubectl("run web2 --image=nginx")
    return cluster


def test_describe_pod_fetches_it_again_and_its_events() -> None:
    cluster = two_pods()
    uid = call(cluster, "GET", f"{PODS}/web")["metadata"]["uid"]
    result, requests = sent(cluster, "describe pod web")
    assert result.exit_code == 0
    assert result.stdout.startswith("Name:             web\nNamespace:        default\n")
    assert result.stdout.endswith("Events:                      <none>\n")
    assert requests == [
        f"GET {PODS}/web",
        f"GET {PODS}/web",
        "GET /api/v1/namespaces/default/events?fieldSelector=involvedObject.name=web,"
        "involvedObject.namespace=default,involvedObject.uid="
        f"{uid}&limit=500",
    ]


def test_several_objects_are_described_without_events() -> None:
    cluster = two_pods()
    result, requests = sent(cluster, "describe pods")
    assert requests[0] == f"GET {PODS}?limit=500"
    assert "Events:" not in result.stdout
    assert "\n\n\nName:             web2\n" in result.stdout
    with_events = cluster.kubectl("describe pods --show-events=true").stdout
    assert with_events.count("Events:") == 2
    assert "Events:" in cluster.kubectl("describe pods -l run=web2").stdout


def test_a_name_prefix_describes_the_matching_objects() -> None:
    cluster = two_pods()
    result, requests = sent(cluster, "describe pod we")
    assert requests[:2] == [f"GET {PODS}/we", f"GET {PODS}?limit=500"]
    names = [line for line in result.stdout.splitlines() if line.startswith("Name:")]
    assert names == ["Name:             web", "Name:             web2"]
    assert result.stdout.endswith("\n\n")
    assert out(cluster.kubectl("describe pod nope")) == (
        "",
        'Error from server (NotFound): pods "nope" not found\n',
        1,
    )


def test_describe_errors_and_empty_selections() -> None:
    cluster = two_pods()
    result = cluster.kubectl("describe pods web nope")
    assert result.stderr == 'Error from server (NotFound): pods "nope" not found\n'
    assert result.stdout.startswith("Name:             web\n")
    assert "Events:" not in result.stdout
    assert out(cluster.kubectl("describe")) == (
        "",
        'error: You must specify the type of resource to describe. Use "kubectl api-resources" '
        "for a complete list of supported resources.\n",
        1,
    )
    assert out(cluster.kubectl("describe pods -l x=y")) == (
        "",
        "No resources found in default namespace.\n",
        0,
    )


def test_describe_deployment_replicaset_node_namespace_requests() -> None:
    cluster = Cluster(seed=1)
    cluster.kubectl("create deployment web --image=nginx")
    cluster.settle()
    _, requests = sent(cluster, "describe deploy web")
    assert requests[2].startswith("GET /api/v1/namespaces/default/events?fieldSelector=")
    assert requests[3] == (
        "GET /apis/apps/v1/namespaces/default/replicasets?labelSelector=app=web&limit=500"
    )
    rs = cluster.kubectl("get rs -o name").stdout.strip().split("/")[1]
    _, requests = sent(cluster, f"describe rs {rs}")
    hash_ = rs.rsplit("-", 1)[1]
    assert requests[2] == (f"GET {PODS}?labelSelector=app=web,pod-template-hash={hash_}&limit=500")
    result, requests = sent(cluster, "describe node node-1")
    assert "Non-terminated Pods:" in result.stdout
    assert requests[2] == (
        "GET /api/v1/pods?fieldSelector=spec.nodeName=node-1,status.phase!=Succeeded,"
        "status.phase!=Failed&limit=500"
    )
    assert (
        requests[-1] == "GET /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1"
    )
    assert out(cluster.kubectl("describe ns default")) == (
        "Name:         default\nLabels:       kubernetes.io/metadata.name=default\n"
        "Annotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\n"
        "No LimitRange resource.\n",
        "",
        0,
    )


def test_describe_shows_what_the_cluster_did() -> None:
    cluster = Cluster(seed=1)
    cluster.kubectl("run web --image=nginx")
    cluster.settle()
    text = cluster.kubectl("describe pod web").stdout
    assert "Status:           Running\n" in text
    assert "Successfully assigned default/web to node-" in text
    assert "spec.containers{web}: Container started" in text
