"""Services through the API server and kubectl: SetDefaults_Service, ValidateService word for
word (pkg/apis/core/validation/validation.go), cluster IP and node port allocation
(determinism, conflicts, release, what an update keeps), printing, describe, expose and
create service."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pytest

from engine.apiserver.registry.core.service_alloc import SERVICE_CIDR
from engine.apiserver.request import Request, Response
from engine.cluster import Cluster

SERVICES = "/api/v1/namespaces/default/services"


def send(cluster: Cluster, method: str, path: str, body: Any, patch: bool = False) -> Response:
    kind = "application/merge-patch+json" if patch else "application/json"
    return cluster.call(
        Request.from_url(method, path, body=json.dumps(body), headers={"content-type": kind})
    )


def service(name: str = "web", **spec: Any) -> dict[str, Any]:
    body = {"selector": {"app": "web"}, "ports": [{"port": 80}], **spec}
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": body}


def create(cluster: Cluster, name: str = "web", **spec: Any) -> Response:
    return send(cluster, "POST", SERVICES, service(name, **spec))


def invalid(cluster: Cluster, name: str = "web", **spec: Any) -> str:
    response = create(cluster, name, **spec)
    assert response.code == 422, response.body
    message: str = response.body["message"]
    return message


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=5)


def test_defaults(cluster: Cluster) -> None:
    spec = create(cluster).body["spec"]
    assert list(spec) == [
        "ports",
        "selector",
        "clusterIP",
        "clusterIPs",
        "type",
        "sessionAffinity",
        "ipFamilies",
        "ipFamilyPolicy",
        "internalTrafficPolicy",
    ]
    assert spec["ports"] == [{"protocol": "TCP", "port": 80, "targetPort": 80}]
    assert (spec["type"], spec["sessionAffinity"]) == ("ClusterIP", "None")
    assert (spec["ipFamilies"], spec["ipFamilyPolicy"]) == (["IPv4"], "SingleStack")
    assert "externalTrafficPolicy" not in spec
    lb = create(cluster, "lb", type="LoadBalancer", sessionAffinity="ClientIP").body
    assert lb["spec"]["externalTrafficPolicy"] == "Cluster"
    assert lb["spec"]["allocateLoadBalancerNodePorts"] is True
    assert lb["spec"]["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}
    assert lb["status"] == {"loadBalancer": {}}
    headless = create(cluster, "hl", clusterIP="None", selector=None).body["spec"]
    assert (headless["clusterIPs"], headless["ipFamilyPolicy"]) == (["None"], "RequireDualStack")
    assert headless["ipFamilies"] == ["IPv4", "IPv6"]


def test_kubernetes_service_has_the_first_ip(cluster: Cluster) -> None:
    got = cluster.call(Request("GET", SERVICES + "/kubernetes")).body
    assert got["spec"]["clusterIPs"] == ["10.96.0.1"]
    assert got["spec"]["ports"][0] == {
        "name": "https",
        "protocol": "TCP",
        "port": 443,
        "targetPort": 6443,
    }


def test_allocation_is_deterministic_in_range_and_released() -> None:
    def ips(seed: int) -> list[str]:
        cluster = Cluster(seed=seed)
        return [
            create(cluster, f"s{i}", type="NodePort").body["spec"]["clusterIP"] for i in range(3)
        ]

    first = ips(1)
    assert first == ips(1) != ips(2)
    for ip in first:
        assert ipaddress.ip_address(ip) in SERVICE_CIDR
        # drawn above the band kept for the IPs users ask for (the first 256)
        assert int(ipaddress.ip_address(ip)) - int(SERVICE_CIDR.network_address) > 256
    cluster = Cluster(seed=1)
    ports = [
        create(cluster, f"s{i}", type="NodePort").body["spec"]["ports"][0]["nodePort"]
        for i in range(3)
    ]
    assert all(30086 <= port <= 32767 for port in ports) and len(set(ports)) == 3


def test_a_taken_ip_or_port_is_refused_until_released(cluster: Cluster) -> None:
    assert create(cluster, clusterIP="10.96.0.20").code == 201
    assert invalid(cluster, "b", clusterIP="10.96.0.20") == (
        'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.20"}: '
        "failed to allocate IP 10.96.0.20: provided IP is already allocated"
    )
    assert invalid(cluster, "c", clusterIP="10.0.0.1").endswith(
        "failed to allocate IP 10.0.0.1: provided IP 10.0.0.1 is not in the valid range"
    )
    np = [{"port": 80, "nodePort": 30080}]
    assert create(cluster, "np", type="NodePort", ports=np).code == 201
    assert invalid(cluster, "np2", type="NodePort", ports=np) == (
        'Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: '
        "provided port is already allocated"
    )
    out_of_range = [{"port": 80, "nodePort": 80}]
    assert invalid(cluster, "np3", type="NodePort", ports=out_of_range).endswith(
        "provided port is not in the valid range. The range of valid ports is 30000-32767"
    )
    assert cluster.call(Request("DELETE", SERVICES + "/np")).code == 200
    assert cluster.call(Request("DELETE", SERVICES + "/web")).code == 200
    assert create(cluster, "np2", type="NodePort", ports=np).code == 201
    assert create(cluster, "b", clusterIP="10.96.0.20").code == 201


def test_validation_texts(cluster: Cluster) -> None:
    assert invalid(cluster, ports=[]) == 'Service "web" is invalid: spec.ports: Required value'
    two = invalid(cluster, ports=[{"port": 80}, {"port": 80, "protocol": "UDP"}])
    assert two == (
        'Service "web" is invalid: [spec.ports[0].name: Required value, '
        "spec.ports[1].name: Required value]"
    )
    dup = invalid(cluster, ports=[{"name": "a", "port": 80}, {"name": "a", "port": 80}])
    assert 'spec.ports[1].name: Duplicate value: "a"' in dup
    assert (
        'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", '
        "AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, "
        'StrVal:""}, NodePort:0}' in dup
    )
    assert "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive" in (
        invalid(cluster, ports=[{"port": 70000, "targetPort": 80}])
    )
    assert (
        'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'
        in (invalid(cluster, ports=[{"port": 80, "protocol": "HTTP"}]))
    )
    assert "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'" in (
        invalid(cluster, ports=[{"port": 80, "nodePort": 30001}])
    )
    assert (
        'spec.clusterIPs[0]: Invalid value: "None": '
        "may not be set to 'None' for NodePort services"
        in (invalid(cluster, type="NodePort", clusterIP="None"))
    )
    assert invalid(cluster, type="ExternalName") == (
        'Service "web" is invalid: spec.externalName: Required value'
    )
    assert "spec.clusterIPs: Forbidden: may not be set for ExternalName services" in (
        invalid(cluster, type="ExternalName", externalName="db.example.com", clusterIP="10.96.0.5")
    )
    assert 'spec.type: Unsupported value: "Ingress"' in invalid(cluster, type="Ingress")
    assert 'spec.selector: Invalid value: "bad value!"' in invalid(
        cluster, selector={"app": "bad value!"}
    )
    assert invalid(cluster, "Web").startswith(
        'Service "Web" is invalid: metadata.name: Invalid value: "Web": a DNS-1035 label must '
        "consist of lower case alphanumeric characters or '-', start with an alphabetic "
        "character, and end with an alphanumeric character"
    )
    assert (
        'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": '
        "this cluster is not configured for dual-stack services"
        in (invalid(cluster, ipFamilyPolicy="RequireDualStack"))
    )


def test_update_keeps_the_cluster_ip_and_node_ports(cluster: Cluster) -> None:
    made = create(cluster, type="NodePort").body["spec"]
    # a manifest applied again without the allocated values keeps them
    put = service(type="NodePort", ports=[{"port": 80, "targetPort": 8080}])
    got = cluster.call(Request("GET", SERVICES + "/web")).body
    put["metadata"]["resourceVersion"] = got["metadata"]["resourceVersion"]
    updated = send(cluster, "PUT", SERVICES + "/web", put)
    assert updated.code == 200, updated.body
    assert updated.body["spec"]["clusterIP"] == made["clusterIP"]
    assert updated.body["spec"]["ports"][0]["nodePort"] == made["ports"][0]["nodePort"]
    changed = send(
        cluster,
        "PATCH",
        SERVICES + "/web",
        {"spec": {"clusterIP": "10.96.0.99", "clusterIPs": ["10.96.0.99"]}},
        patch=True,
    )
    assert changed.code == 422
    assert changed.body["message"] == (
        'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: '
        "may not change once set"
    )
    # back to ClusterIP: the node port and the external traffic policy go
    back = send(cluster, "PATCH", SERVICES + "/web", {"spec": {"type": "ClusterIP"}}, patch=True)
    assert back.code == 200, back.body
    assert "nodePort" not in back.body["spec"]["ports"][0]
    assert "externalTrafficPolicy" not in back.body["spec"]


def test_get_and_describe(cluster: Cluster) -> None:
    cluster.kubectl("create deployment web --image=nginx --port=80")
    assert cluster.kubectl("expose deployment web --port=80 --target-port=8080").stdout == (
        "service/web exposed\n"
    )
    cluster.kubectl("create service loadbalancer lb --tcp=443:8443")
    cluster.kubectl("create service externalname db --external-name=db.example.com")
    table = cluster.kubectl("get svc -o wide").stdout.splitlines()
    assert table[0].split() == [
        "NAME",
        "TYPE",
        "CLUSTER-IP",
        "EXTERNAL-IP",
        "PORT(S)",
        "AGE",
        "SELECTOR",
    ]
    rows = {line.split()[0]: line.split() for line in table[1:]}
    assert rows["db"][1:5] == ["ExternalName", "<none>", "db.example.com", "<none>"]
    assert rows["lb"][3] == "<pending>" and rows["lb"][4].startswith("443:")
    assert rows["web"][4:] == ["80/TCP", "0s", "app=web"]
    assert rows["kubernetes"][6] == "<none>"
    described = cluster.kubectl("describe svc web").stdout
    ip = rows["web"][2]
    assert f"IP:                       {ip}\n" in described
    assert "Port:                     <unset>  80/TCP\nTargetPort:               8080/TCP\n" in (
        described
    )
    # The selector picks no ready pod yet: the placeholder slice lists none.
    assert "Endpoints:                \n" in described
    lb = cluster.kubectl("describe svc lb").stdout
    assert "NodePort:                 443-8443  3" in lb
    assert "External Traffic Policy:  Cluster\n" in lb


def test_expose_and_create_refusals(cluster: Cluster) -> None:
    assert cluster.kubectl("expose node node-1 --port=80").stderr == (
        "error: cannot expose a Node\n"
    )
    cluster.kubectl("create deployment bare --image=nginx")
    assert "couldn't find port via --port flag or introspection" in (
        cluster.kubectl("expose deployment bare").stderr
    )
    assert cluster.kubectl("create service clusterip x").stderr == (
        "error: at least one tcp port specifier must be provided\n"
    )
    assert cluster.kubectl("create service externalname x --external-name=Bad_").stderr == (
        "error: invalid service external name Bad_\n"
    )
    assert cluster.kubectl("create svc nodeport np --tcp=80 --node-port=30123").stdout == (
        "service/np created\n"
    )
