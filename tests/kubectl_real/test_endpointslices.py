"""EndpointSlices with the real kubectl and the in-engine one, side by side: a slice applied
by hand (printed with `+ N more...`, read back, refused when invalid) and the ones the
EndpointSlice controller writes (tests/kubectl_real/test_services.py)."""

from __future__ import annotations

from tests.kubectl_real.conftest import Twin
from tests.kubectl_real.test_config import same

MANUAL = """\
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: manual
  labels:
    kubernetes.io/service-name: outside
addressType: IPv4
ports:
- name: http
  port: 8080
- name: metrics
  port: 9090
  protocol: TCP
  appProtocol: http
endpoints:
- addresses: ["192.168.1.10"]
  conditions: {ready: true}
  nodeName: node-1
- addresses: ["192.168.1.11"]
  conditions: {ready: false}
- addresses: ["192.168.1.12"]
- addresses: ["192.168.1.13"]
"""


def test_a_slice_by_hand(twin: Twin) -> None:
    twin.file("manual.yaml", MANUAL)
    twin.file("bad.yaml", MANUAL.replace("IPv4", "IPv6").replace("name: metrics", "name: http"))
    twin.file("fqdn.yaml", MANUAL.replace("IPv4", "FQDN"))
    assert same(twin, "apply -f manual.yaml") == ("endpointslice.discovery.k8s.io/manual created\n")
    assert same(twin, "get endpointslices").splitlines()[1].split()[:6] == [
        "manual",
        "IPv4",
        "8080,9090",
        "192.168.1.10,192.168.1.11,192.168.1.12",
        "+",
        "1",
    ]
    same(twin, "get endpointslice manual -o yaml")
    same(twin, "get endpointslices -l kubernetes.io/service-name=outside -o name")
    same(twin, "apply -f bad.yaml")
    same(twin, "apply -f fqdn.yaml")  # addressType is immutable
    same(twin, "delete endpointslice manual")
