"""EndpointSlices: the kind served (validation, printing) and the EndpointSlice controller
(staging/src/k8s.io/endpointslice/reconciler.go, utils.go): what a Service's slice holds, how
it follows pods and the Service, its garbage collection, `kubectl describe svc`'s Endpoints
line (describe.go formatEndpointSlices) and the story's line when pods join or leave."""

from __future__ import annotations

import json
import re
from typing import Any

from engine.cluster import Cluster
from engine.kubectl.describe_service import format_endpoint_slices

WEB = "create deployment web --image=nginx:1.27 --replicas={n} --port=80"


def slices(cluster: Cluster, selector: str = "") -> list[dict[str, Any]]:
    line = "get endpointslices -o json" + (f" -l {selector}" if selector else "")
    return json.loads(cluster.kubectl(line).stdout)["items"]


def pods(cluster: Cluster) -> dict[str, dict[str, Any]]:
    items = json.loads(cluster.kubectl("get pods -o json").stdout)["items"]
    return {p["metadata"]["name"]: p for p in items}


def web(replicas: int = 3, seed: int = 1) -> Cluster:
    cluster = Cluster(seed=seed)
    cluster.kubectl(WEB.format(n=replicas))
    cluster.settle()
    cluster.kubectl("expose deployment web --port=80")
    cluster.settle()
    return cluster


def test_slice_of_a_service() -> None:
    cluster = web()
    [eps] = slices(cluster)
    meta = eps["metadata"]
    svc = json.loads(cluster.kubectl("get svc web -o json").stdout)
    assert re.fullmatch(r"web-[bcdfghjklmnpqrstvwxz2456789]{5}", meta["name"])
    assert meta["generateName"] == "web-"
    # a new Service: the change that made the slice is the Service's creation
    trigger = meta["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"]
    assert trigger == svc["metadata"]["creationTimestamp"]
    assert meta["labels"] == {
        "app": "web",
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
        "kubernetes.io/service-name": "web",
    }
    assert meta["ownerReferences"] == [
        {
            "apiVersion": "v1",
            "blockOwnerDeletion": True,
            "controller": True,
            "kind": "Service",
            "name": "web",
            "uid": svc["metadata"]["uid"],
        }
    ]
    assert eps["addressType"] == "IPv4"
    assert eps["ports"] == [{"name": "", "port": 80, "protocol": "TCP"}]
    by_ip = {p["status"]["podIP"]: p for p in pods(cluster).values()}
    assert sorted(by_ip) == [e["addresses"][0] for e in eps["endpoints"]]
    for endpoint in eps["endpoints"]:
        pod = by_ip[endpoint["addresses"][0]]
        assert endpoint["conditions"] == {"ready": True, "serving": True, "terminating": False}
        assert endpoint["nodeName"] == pod["spec"]["nodeName"]
        assert endpoint["targetRef"] == {
            "kind": "Pod",
            "name": pod["metadata"]["name"],
            "namespace": "default",
            "uid": pod["metadata"]["uid"],
        }
    table = cluster.kubectl("get endpointslices").stdout.splitlines()
    assert table[0].split() == ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
    assert table[1].split()[:4] == [meta["name"], "IPv4", "80", ",".join(sorted(by_ip))]


def test_not_ready_pod_is_listed_not_ready() -> None:
    cluster = web(replicas=1)
    cluster.kubectl("run broken --image=nginx:no-such-tag --labels=app=web")
    cluster.settle()
    broken = pods(cluster)["broken"]
    [eps] = slices(cluster)
    [endpoint] = [e for e in eps["endpoints"] if e["targetRef"]["name"] == "broken"]
    assert endpoint["addresses"] == [broken["status"]["podIP"]]
    assert endpoint["conditions"] == {"ready": False, "serving": False, "terminating": False}
    described = cluster.kubectl("describe svc web").stdout
    [ready] = [e["addresses"][0] for e in eps["endpoints"] if e["conditions"]["ready"]]
    assert f"Endpoints:                {ready}:80\n" in described  # the not-ready pod is left out


def test_named_target_port() -> None:
    cluster = Cluster(seed=3)
    cluster.kubectl(
        "apply -f -",
        """
apiVersion: v1
kind: Pod
metadata: {name: api, labels: {app: api}}
spec:
  containers:
  - name: app
    image: nginx:1.27
    ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports:
  - {name: web, port: 80, targetPort: http}
  - {name: other, port: 81, targetPort: missing}
""",
    )
    cluster.settle()
    [eps] = slices(cluster)
    # the pod has no port named "missing": that Service port is left out for it
    assert eps["ports"] == [{"name": "web", "port": 8080, "protocol": "TCP"}]
    ip = pods(cluster)["api"]["status"]["podIP"]
    described = cluster.kubectl("describe svc api").stdout
    assert f"TargetPort:               http/TCP\nEndpoints:                {ip}:8080\n" in described


def test_follows_scale_and_pod_deletion() -> None:
    cluster = web(replicas=2)
    [first] = slices(cluster)
    cluster.kubectl("scale deployment web --replicas=4")
    cluster.settle()
    [eps] = slices(cluster)
    assert eps["metadata"]["name"] == first["metadata"]["name"]  # updated, not replaced
    assert eps["metadata"]["generation"] > first["metadata"]["generation"]  # its contents changed
    assert len(eps["endpoints"]) == 4
    # the last change: the latest new pod's Ready transition
    readies = [
        c["lastTransitionTime"]
        for p in pods(cluster).values()
        for c in p["status"]["conditions"]
        if c["type"] == "Ready"
    ]
    assert eps["metadata"]["annotations"] == {
        "endpoints.kubernetes.io/last-change-trigger-time": max(readies)
    }
    cluster.kubectl("scale deployment web --replicas=1")
    cluster.settle()
    [eps] = slices(cluster)
    [only] = pods(cluster).values()
    assert [e["targetRef"]["name"] for e in eps["endpoints"]] == [only["metadata"]["name"]]
    cluster.kubectl(f"delete pod {only['metadata']['name']} --wait=false")
    # the kubelet is stopping it: terminating, no longer ready, still serving
    [endpoint] = slices(cluster)[0]["endpoints"]
    assert endpoint["conditions"] == {"ready": False, "serving": True, "terminating": True}
    cluster.settle()
    [replacement] = pods(cluster).values()
    [endpoint] = slices(cluster)[0]["endpoints"]
    assert endpoint["targetRef"]["name"] == replacement["metadata"]["name"]
    assert endpoint["addresses"] == [replacement["status"]["podIP"]]


def test_no_selector_no_slice_and_placeholder() -> None:
    cluster = Cluster(seed=1)
    cluster.kubectl("create service clusterip lonely --tcp=80:8080")  # selector app=lonely
    cluster.kubectl(
        "apply -f -",
        "apiVersion: v1\nkind: Service\nmetadata: {name: manual}\nspec: {ports: [{port: 80}]}\n",
    )
    cluster.settle()
    assert slices(cluster, "kubernetes.io/service-name=manual") == []
    assert slices(cluster, "kubernetes.io/service-name=kubernetes") == []
    [placeholder] = slices(cluster)
    assert placeholder["endpoints"] is None and placeholder["ports"] is None
    row = cluster.kubectl("get endpointslices").stdout.splitlines()[1].split()
    assert row[1:4] == ["IPv4", "<unset>", "<unset>"]
    assert "Endpoints:                \n" in cluster.kubectl("describe svc lonely").stdout
    assert "Endpoints:                <none>\n" in cluster.kubectl("describe svc manual").stdout


def test_service_changes_and_deletion() -> None:
    cluster = web(replicas=2)
    patch = '{"spec":{"ports":[{"port":80,"targetPort":8080}]}}'
    cluster.kubectl(["patch", "svc", "web", "-p", patch])
    cluster.settle()
    [eps] = slices(cluster)
    assert eps["ports"] == [{"name": "", "port": 8080, "protocol": "TCP"}]
    cluster.kubectl(["patch", "svc", "web", "-p", '{"spec":{"selector":{"app":"nothing"}}}'])
    cluster.settle()
    [placeholder] = slices(cluster)
    # its ports changed: a placeholder replaces the slice (reconciler.go, as upstream)
    assert placeholder["endpoints"] is None and placeholder["ports"] is None
    assert placeholder["metadata"]["name"] != eps["metadata"]["name"]
    name = placeholder["metadata"]["name"]
    cluster.kubectl(f"delete endpointslice {name}")
    cluster.settle()
    [back] = slices(cluster)  # the controller puts a managed slice back
    assert back["metadata"]["name"] != name
    cluster.kubectl("delete svc web")
    cluster.settle()
    assert slices(cluster) == []  # garbage-collected with its owner


def test_names_are_deterministic() -> None:
    names = [[s["metadata"]["name"] for s in slices(web(seed=7))] for _ in range(2)]
    assert names[0] == names[1] and len(names[0]) == 1
    assert cluster_story(web(seed=7)) == cluster_story(web(seed=7))


def cluster_story(cluster: Cluster) -> list[str]:
    return [e.summary for e in cluster.trace.events if e.kind == "milestone"]


def test_story_says_each_change_once() -> None:
    cluster = web(replicas=2)
    cluster.kubectl("scale deployment web --replicas=3")
    cluster.settle()
    told = [s for s in cluster_story(cluster) if s.startswith("Service web ")]
    assert len(told) == 2
    assert re.fullmatch(r"Service web now sends traffic to 2 pods: web-\S+, web-\S+", told[0])
    assert re.fullmatch(r"Service web now sends traffic to 3 pods \(web-\S+ joined\)", told[1])
    cluster.kubectl("scale deployment web --replicas=0")
    cluster.settle()
    last = [s for s in cluster_story(cluster) if s.startswith("Service web ")][-1]
    assert re.fullmatch(r"Service web has no ready pod to send traffic to \(.* left\)", last)


def test_format_endpoint_slices() -> None:
    def endpoint(ip: str, ready: bool | None = True) -> dict[str, Any]:
        conditions = {} if ready is None else {"ready": ready}
        return {"addresses": [ip], "conditions": conditions}

    ports = [{"name": "http", "port": 8080}, {"name": "", "port": 80}]
    four = {"ports": ports, "endpoints": [endpoint(f"10.0.0.{i}") for i in range(1, 5)]}
    assert format_endpoint_slices([], "") == "<none>"
    assert format_endpoint_slices([four], "http") == (
        "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 1 more..."
    )
    mixed = {"ports": ports, "endpoints": [endpoint("10.0.0.1", None), endpoint("10.0.0.2", False)]}
    assert format_endpoint_slices([mixed], "") == "10.0.0.1:80"  # nil ready counts as ready
    three_and_a_waiting = {
        "ports": ports,
        "endpoints": [endpoint(f"10.0.0.{i}") for i in range(1, 4)] + [endpoint("10.0.0.4", False)],
    }
    assert format_endpoint_slices([three_and_a_waiting], "") == (
        "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 0 more..."  # upstream's quirk, kept
    )
    headless = {"ports": None, "endpoints": [endpoint("10.0.0.9")]}
    assert format_endpoint_slices([headless], "any") == "10.0.0.9"
    assert format_endpoint_slices([{"ports": ports, "endpoints": None}], "") == ""


def test_validation() -> None:
    cluster = Cluster(seed=1, control_plane=False)
    body = """
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: manual}
addressType: {type}
ports: [{port: 80}, {port: 81}]
endpoints: [{addresses: ["10.1.2.3"]}, {addresses: []}]
"""
    result = cluster.kubectl("apply -f -", body.replace("{type}", "IPv6"))
    assert result.stderr == (
        'The EndpointSlice "manual" is invalid: \n'
        '* endpoints[0].addresses[0]: Invalid value: "10.1.2.3": must be a valid IPv6 address\n'
        "* endpoints[1].addresses: Required value: must contain at least 1 address\n"
        '* ports[1].name: Duplicate value: ""\n'
    )
    ok = body.replace("{type}", "IPv4").replace(", {addresses: []}", "").replace(", {port: 81}", "")
    assert cluster.kubectl("apply -f -", ok).stdout == (
        "endpointslice.discovery.k8s.io/manual created\n"
    )
    changed = cluster.kubectl("apply -f -", ok.replace("IPv4", "FQDN"))
    assert 'addressType: Invalid value: "FQDN": field is immutable' in changed.stderr


def test_story_starts_afresh_for_a_service_created_again() -> None:
    cluster = web(replicas=2)
    cluster.kubectl("delete svc web")
    cluster.settle()
    cluster.kubectl("expose deployment web --port=80")
    cluster.settle()
    told = [s for s in cluster_story(cluster) if s.startswith("Service web ")]
    assert len(told) == 2 and told[0] == told[1]  # both: "now sends traffic to 2 pods: …"
