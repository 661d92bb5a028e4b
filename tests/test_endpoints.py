"""Endpoints (core/v1), kept by the Endpoints controller (pkg/controller/endpoint/
endpoints_controller.go) next to the EndpointSlices: subsets with ready and not-ready
addresses, terminating pods left out, deleted with the Service; printEndpoints; the texts of
ValidateEndpoints."""

from __future__ import annotations

import json
from typing import Any

from engine.cluster import Cluster
from tests.test_endpointslices import pods, web


def endpoints(cluster: Cluster, name: str = "web") -> dict[str, Any] | None:
    result = cluster.kubectl(f"get endpoints {name} -o json")
    return json.loads(result.stdout) if result.exit_code == 0 else None


def test_subsets_follow_the_pods() -> None:
    cluster = web(replicas=2)
    cluster.kubectl("run broken --image=nginx:no-such-tag --labels=app=web")
    cluster.settle()
    ep = endpoints(cluster)
    assert ep is not None and ep["metadata"]["labels"] == {"app": "web"}
    [subset] = ep["subsets"]
    by_name = pods(cluster)
    ready = sorted(p["status"]["podIP"] for n, p in by_name.items() if n != "broken")
    assert [a["ip"] for a in subset["addresses"]] == ready
    [waiting] = subset["notReadyAddresses"]
    broken = by_name["broken"]
    assert waiting == {
        "ip": broken["status"]["podIP"],
        "nodeName": broken["spec"]["nodeName"],
        "targetRef": {
            "kind": "Pod",
            "name": "broken",
            "namespace": "default",
            "uid": broken["metadata"]["uid"],
        },
    }
    assert subset["ports"] == [{"name": "", "port": 80, "protocol": "TCP"}]
    row = cluster.kubectl("get ep").stdout.splitlines()[1].split()
    assert row[:2] == ["web", ",".join(f"{ip}:80" for ip in ready)]
    # a terminating pod leaves Endpoints at once (it stays in the slice, terminating)
    cluster.kubectl("delete pod broken --wait=false")
    assert "notReadyAddresses" not in endpoints(cluster)["subsets"][0]


def test_no_selector_none_and_deleted_with_the_service() -> None:
    cluster = web(replicas=1)
    assert endpoints(cluster, "kubernetes") is None  # kept by kube-apiserver, not here
    cluster.kubectl("create service clusterip lonely --tcp=80:8080")
    cluster.settle()
    lonely = endpoints(cluster, "lonely")
    assert lonely is not None and "subsets" not in lonely
    table = cluster.kubectl("get ep").stdout.splitlines()
    assert table[0].split() == ["NAME", "ENDPOINTS", "AGE"]
    assert table[1].split()[:2] == ["lonely", "<none>"]
    cluster.kubectl("delete svc web")
    cluster.settle()
    assert endpoints(cluster) is None


def test_validation() -> None:
    cluster = Cluster(seed=1, control_plane=False)
    body = """
apiVersion: v1
kind: Endpoints
metadata: {name: manual}
subsets:
- addresses: [{ip: 127.0.0.1}, {ip: nope}]
  ports: [{port: 80}, {port: 81, name: b}]
- ports: [{port: 82}]
"""
    assert cluster.kubectl("apply -f -", body).stderr == (
        'The Endpoints "manual" is invalid: \n'
        '* subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback '
        "range (127.0.0.0/8, ::1/128)\n"
        '* subsets[0].addresses[1].ip: Invalid value: "nope": must be a valid IP address, '
        "(e.g. 10.9.8.7 or 2001:db8::ffff)\n"
        "* subsets[0].ports[0].name: Required value\n"
        "* subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`\n"
    )
