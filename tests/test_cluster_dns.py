"""The cluster's add-ons (engine/addons: CoreDNS behind kube-dns, kube-proxy on every node) up
at t=0, and an exec's names and connections going through them: CoreDNS's records,
kube-proxy's rules (engine/proxy/rules.py), a lookup that times out without a ready CoreDNS."""

from __future__ import annotations

import pytest

from engine.apiserver.resources import BY_NAME
from engine.cluster import Cluster
from engine.node.network import DNS_IP
from engine.proxy.rules import find, node_rules

BUSYBOX = """\
apiVersion: v1
kind: Pod
metadata: {name: bb}
spec:
  containers:
  - {name: bb, image: busybox:1.37, command: [sleep, "3600"]}
"""
WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx:1.27, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80}]
"""


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster(seed=7)
    assert c.kubectl("apply -f -", WEB).exit_code == 0
    assert c.kubectl("apply -f -", BUSYBOX).exit_code == 0
    c.settle()
    return c


def run(c: Cluster, line: str) -> tuple[str, str, int]:
    result = c.kubectl(line)
    return result.stdout, result.stderr, result.exit_code


def test_the_add_ons_are_running_before_the_learner_arrives() -> None:
    c = Cluster(seed=3)
    assert c.now == 0 and c.trace.events == []  # their creation is not the learner's story
    out = c.kubectl("get pods -n kube-system -o wide").stdout.splitlines()
    assert out[0].split()[:7] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"]
    rows = [line.split() for line in out[1:]]
    assert [r[0].rsplit("-", 2)[0] if r[0].startswith("coredns") else r[0][:10] for r in rows] == [
        "coredns",
        "coredns",
        "kube-proxy",
        "kube-proxy",
        "kube-proxy",
    ]
    assert all(r[1:4] == ["1/1", "Running", "0"] and r[4] == "19s" for r in rows)
    # kube-proxy shares its node's network (hostNetwork): the node's address is its IP.
    nodes = {n["metadata"]["name"]: n for n in c.apiserver.storage.range(BY_NAME["nodes"].prefix())}
    for r in rows[2:]:
        addresses = nodes[r[6]]["status"]["addresses"]
        assert r[5] == next(a["address"] for a in addresses if a["type"] == "InternalIP")
    assert {r[6] for r in rows[:2]} != {rows[0][6]}  # anti-affinity: two nodes
    assert c.kubectl("get svc -n kube-system").stdout == (
        "NAME       TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                  AGE\n"
        "kube-dns   ClusterIP   10.96.0.10   <none>        53/UDP,53/TCP,9153/TCP   19s\n"
    )
    assert "coredns   2/2" in c.kubectl("get deploy -n kube-system").stdout
    assert c.kubectl("logs -n kube-system deploy/coredns").stdout == ".:53\n"


def test_the_add_ons_leave_the_learners_random_draws_as_they_were(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Their names, UIDs and container IDs come from a generator of their own: the learner's
    # first object draws the name and UID it would draw in a cluster without them.
    def first_pod(c: Cluster) -> tuple[str, str]:
        pod = BUSYBOX.replace("name: bb}", "generateName: bb-}")
        assert c.kubectl("create -f -", pod).exit_code == 0
        (found,) = c.apiserver.storage.range(BY_NAME["pods"].prefix("default"))
        return found["metadata"]["name"], found["metadata"]["uid"]

    with_addons = first_pod(Cluster(seed=5))
    monkeypatch.setattr(Cluster, "_install_addons", lambda self: None)
    assert first_pod(Cluster(seed=5)) == with_addons


def test_the_kubelet_writes_the_kube_dns_service_ip_as_the_nameserver(cluster: Cluster) -> None:
    out, _, code = run(cluster, "exec bb -- cat /etc/resolv.conf")
    (kube_dns,) = [
        s
        for s in cluster.apiserver.storage.range(BY_NAME["services"].prefix("kube-system"))
        if s["metadata"]["name"] == "kube-dns"
    ]
    ip = kube_dns["spec"]["clusterIP"]
    assert (code, ip) == (0, DNS_IP)
    assert out == (
        "search default.svc.cluster.local svc.cluster.local cluster.local\n"
        f"nameserver {ip}\noptions ndots:5\n"
    )


def test_a_lookup_is_answered_by_a_ready_coredns_pod(cluster: Cluster) -> None:
    out, _, code = run(cluster, "exec bb -- nslookup kubernetes.default")
    assert code == 0
    assert out == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
        "Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n"
    )
    before = len(cluster.trace.events)
    out, _, code = run(cluster, "exec bb -- wget -qO- http://web")
    assert code == 0 and "Welcome to nginx!" in out
    connection = next(e for e in cluster.trace.events[before:] if e.kind == "connection")
    dns = connection.data["dns"]
    coredns = {
        p["metadata"]["name"]: p["spec"]["nodeName"]
        for p in cluster.apiserver.storage.range(BY_NAME["pods"].prefix("kube-system"))
        if p["metadata"]["name"].startswith("coredns-")
    }
    service_ip = connection.data["clusterIP"]
    assert dns["server"] == "10.96.0.10" and dns["name"] == "web" and dns["answer"] == service_ip
    assert coredns[dns["pod"].split("/")[1]] == dns["node"]
    before = len(cluster.trace.events)
    run(cluster, f"exec bb -- wget -qO- http://{service_ip}")
    connection = next(e for e in cluster.trace.events[before:] if e.kind == "connection")
    assert connection.data["dns"] is None  # an address: nothing looked up


def test_kube_proxys_rules_hold_only_ready_endpoints_and_the_node_ports(cluster: Cluster) -> None:
    def objects(name: str) -> list[dict]:
        return cluster.apiserver.storage.range(BY_NAME[name].prefix())

    rules = node_rules("node-1", objects)
    web = next(r for r in rules if r.service == "default/web")
    pods = sorted(
        p["status"]["podIP"]
        for p in cluster.apiserver.storage.range(BY_NAME["pods"].prefix("default"))
        if p["metadata"]["name"].startswith("web-")
    )
    assert sorted(e.ip for e in web.endpoints) == pods and web.node_port >= 30000
    dns = find(rules, DNS_IP, 53, "UDP")
    assert dns is not None and dns.service == "kube-system/kube-dns" and len(dns.endpoints) == 2
    assert find(rules, "172.18.0.3", web.node_port, "TCP", ["172.18.0.3"]) == web
    # A backend that is not ready leaves the rules.
    slice_ = next(
        s
        for s in objects("endpointslices")
        if s["metadata"]["labels"]["kubernetes.io/service-name"] == "web"
    )
    slice_ = dict(slice_, endpoints=[dict(e) for e in slice_["endpoints"]])
    slice_["endpoints"][0]["conditions"] = {"ready": False, "serving": False}
    left = node_rules(
        "node-1", lambda name: [slice_] if name == "endpointslices" else objects(name)
    )
    web_left = next(r for r in left if r.service == "default/web")
    assert [e.ip for e in web_left.endpoints] == [
        a for e in slice_["endpoints"][1:] for a in e["addresses"]
    ]


def test_without_a_ready_coredns_pod_lookups_time_out() -> None:
    c = Cluster(seed=11)
    c.kubectl("apply -f -", BUSYBOX)
    c.kubectl("apply -f -", BUSYBOX.replace("bb}", "old}").replace("busybox:1.37", "busybox:1.28"))
    assert c.kubectl("scale deployment coredns -n kube-system --replicas=0").exit_code == 0
    c.settle()
    assert run(c, "exec bb -- nslookup kubernetes.default") == (
        ";; connection timed out; no servers could be reached\n\n",
        "command terminated with exit code 1\n",
        1,
    )
    assert run(c, "exec old -- nslookup kubernetes.default") == (
        "Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\n",
        "nslookup: can't resolve 'kubernetes.default'\ncommand terminated with exit code 1\n",
        1,
    )
    assert run(c, "exec bb -- wget -qO- http://kubernetes.default")[1:] == (
        "wget: bad address 'kubernetes.default'\ncommand terminated with exit code 1\n",
        1,
    )


def test_service_links_are_those_the_kubelet_saw_when_it_made_the_container() -> None:
    # Connecting Applications with Services: pods made before the Service lack its variables
    # (even in the same second), pods made after have them.
    c = Cluster(seed=28)
    c.kubectl("create deployment my-nginx --image=nginx --replicas=1")
    c.settle()
    assert c.kubectl("expose deployment/my-nginx --port=80").exit_code == 0
    before = c.kubectl("exec deploy/my-nginx -- printenv").stdout
    assert "KUBERNETES_SERVICE_HOST=10.96.0.1" in before and "MY_NGINX" not in before
    c.kubectl("scale deployment my-nginx --replicas=0")
    c.settle()
    c.kubectl("scale deployment my-nginx --replicas=1")
    c.settle()
    after = c.kubectl("exec deploy/my-nginx -- printenv").stdout
    assert "MY_NGINX_SERVICE_HOST=10." in after and "MY_NGINX_SERVICE_PORT=80" in after


def test_the_add_ons_images_have_no_shell(cluster: Cluster) -> None:
    # distroless, as registry.k8s.io builds them: `kubectl exec ... -- sh` finds no sh
    _, err, code = run(cluster, "exec -n kube-system deploy/coredns -- sh")
    assert code == 1 and 'exec: "sh": executable file not found in $PATH' in err


def test_a_node_port_reaches_the_pods_and_a_missing_port_goes_nowhere(cluster: Cluster) -> None:
    (web,) = [
        s
        for s in cluster.apiserver.storage.range(BY_NAME["services"].prefix("default"))
        if s["metadata"]["name"] == "web"
    ]
    node_port = web["spec"]["ports"][0]["nodePort"]
    out, _, code = run(cluster, f"exec bb -- wget -qO- http://172.18.0.4:{node_port}")
    assert code == 0 and "Welcome to nginx!" in out
    before = len(cluster.trace.events)
    _, err, code = run(cluster, "exec bb -- wget -qO- http://web:8080")
    ip = web["spec"]["clusterIP"]
    assert (code, err) == (
        1,
        f"wget: can't connect to remote host ({ip}): Connection timed out\n"
        "command terminated with exit code 1\n",
    )
    connection = next(e for e in cluster.trace.events[before:] if e.kind == "connection")
    assert connection.data["error"] == "timeout" and connection.data["service"] == "default/web"
