"""The add-ons a kubeadm/kind cluster runs in kube-system (CoreDNS behind the kube-dns Service,
kube-proxy on every node) with the real kubectl and the in-engine one, side by side."""

from __future__ import annotations

from tests.kubectl_real.conftest import Twin
from tests.kubectl_real.test_config import same


def test_the_kube_system_services_and_pods(twin: Twin) -> None:
    out = same(twin, "get svc -n kube-system")
    assert "kube-dns   ClusterIP   10.96.0.10   <none>        53/UDP,53/TCP,9153/TCP" in out
    out = same(twin, "get pods -n kube-system -o wide")
    rows = out.splitlines()[1:]
    assert [row.split()[0].rsplit("-", 1)[0] for row in rows].count("kube-proxy") == 3
    assert all(" Running " in row for row in rows) and len(rows) == 5
    same(twin, "get services kube-dns --namespace=kube-system")
    same(twin, "get deploy,ds -n kube-system")
    same(twin, "describe svc kube-dns -n kube-system")


def test_cluster_info_lists_coredns(twin: Twin) -> None:
    real, engine = twin.both("cluster-info")
    assert real.code == engine.exit_code == 0
    # The addresses differ (the real kubectl talks to the test server): the lines do not.
    assert [line.split(" is running at ")[0] for line in real.stdout.splitlines()] == [
        line.split(" is running at ")[0] for line in engine.stdout.splitlines()
    ]
    assert real.stdout.splitlines()[1].endswith(
        "/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy"
    )


def test_custom_columns_as_the_tutorial_prints_pod_ips(twin: Twin) -> None:
    # Connecting Applications with Services: `-o custom-columns=POD_IP:.status.podIPs`
    out = same(
        twin, "get pods -n kube-system -l k8s-app=kube-dns -o custom-columns=POD_IP:.status.podIPs"
    )
    assert out.startswith("POD_IP\n[map[ip:10.244.")
    same(twin, "get pods -A -o custom-columns=NAME:.metadata.name,NODE:spec.nodeName,X:.nope")
    same(
        twin,
        "get svc kube-dns -n kube-system "
        "-o custom-columns=name:{.metadata.name},PORTS:.spec.ports[*].port",
    )
    same(twin, "get pods -o custom-columns=NAME:.metadata.name")
    same(twin, "get pods -n kube-system --no-headers -o custom-columns=NAME:.metadata.name")
    same(twin, "get pods -o custom-columns=NAME")


def test_custom_columns_refusals(twin: Twin) -> None:
    same(twin, "get pods -o custom-columns=NAME:.metadata.name:x")
    same(twin, "get pods -o custom-columns=")


def test_several_types_by_name_as_the_tutorial_deletes_them(twin: Twin) -> None:
    # `kubectl delete deployments,svc my-nginx`: every name of every type
    same(twin, "get deploy,svc kube-dns -n kube-system")
    same(twin, "get deploy,svc coredns kube-dns -n kube-system")
    same(twin, "create deployment web --image=nginx")
    same(twin, "expose deployment web --port=80")
    same(twin, "get deployments,svc web -o name")
    same(twin, "delete deployments,svc web")
    same(twin, "get deploy,svc")
