"""Endpoints (core/v1): the older, single-object list of a Service's pod addresses, kept by
the Endpoints controller next to the EndpointSlices (staging/src/k8s.io/api/core/v1/types.go
Endpoints, EndpointSubset, EndpointAddress, EndpointPort). Deprecated since v1.33."""

from __future__ import annotations

from engine.apiserver.schema.cluster import CORE, kind, list_kind
from engine.apiserver.schema.model import Struct, int32, list_of, ref, string
from engine.apiserver.schema.pod import OBJECT_REFERENCE

ENDPOINT_SUBSET = CORE + "EndpointSubset"
ENDPOINT_ADDRESS = CORE + "EndpointAddress"
ENDPOINT_PORT = CORE + "EndpointPort"

ENDPOINTS = kind(
    CORE + "Endpoints",
    ("", "v1", "Endpoints"),
    "Endpoints lists the addresses and ports behind a Service, named as the Service. "
    "Deprecated in v1.33+: use discovery.k8s.io/v1 EndpointSlice.",
    subsets=list_of(
        ENDPOINT_SUBSET,
        "Groups of addresses that share the same ports.",
        list_type="atomic",
    ),
)

STRUCTS = (
    ENDPOINTS,
    list_kind(ENDPOINTS),
    Struct(
        ENDPOINT_SUBSET,
        "Addresses and the ports they all offer.",
        {
            "addresses": list_of(
                ENDPOINT_ADDRESS, "The ready addresses, to send traffic to.", list_type="atomic"
            ),
            "notReadyAddresses": list_of(
                ENDPOINT_ADDRESS,
                "Addresses whose pods are not ready (yet): no traffic goes there.",
                list_type="atomic",
            ),
            "ports": list_of(ENDPOINT_PORT, "The ports of these addresses.", list_type="atomic"),
        },
    ),
    Struct(
        ENDPOINT_ADDRESS,
        "One address: usually a pod's IP.",
        {
            "hostname": string("The hostname of the endpoint."),
            "ip": string("The IP address (not loopback, link-local or a cluster IP)."),
            "nodeName": string("The node hosting the endpoint."),
            "targetRef": ref(OBJECT_REFERENCE, "The object it stands for: a pod."),
        },
        required=("ip",),
    ),
    Struct(
        ENDPOINT_PORT,
        "A port of the endpoints.",
        {
            "appProtocol": string("The application protocol, e.g. http."),
            "name": string("The Service port's name; required when there are several ports."),
            "port": int32("The port number."),
            "protocol": string("TCP (the default), UDP or SCTP.", enum=("SCTP", "TCP", "UDP")),
        },
        required=("port",),
    ),
)
