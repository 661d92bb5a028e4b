"""EndpointSlice (discovery.k8s.io/v1): the addresses behind a Service, kept by the
EndpointSlice controller (staging/src/k8s.io/api/discovery/v1/types.go)."""

from __future__ import annotations

from engine.apiserver.schema.cluster import kind, list_kind
from engine.apiserver.schema.model import (
    Struct,
    boolean,
    int32,
    list_of,
    ref,
    string,
    string_map,
    strings,
)
from engine.apiserver.schema.pod import OBJECT_REFERENCE

DISCOVERY = "io.k8s.api.discovery.v1."
ENDPOINT = DISCOVERY + "Endpoint"
ENDPOINT_CONDITIONS = DISCOVERY + "EndpointConditions"
ENDPOINT_HINTS = DISCOVERY + "EndpointHints"
ENDPOINT_PORT = DISCOVERY + "EndpointPort"
FOR_ZONE = DISCOVERY + "ForZone"
FOR_NODE = DISCOVERY + "ForNode"

ENDPOINT_SLICE = kind(
    DISCOVERY + "EndpointSlice",
    ("discovery.k8s.io", "v1", "EndpointSlice"),
    "An EndpointSlice lists some of the network endpoints (pod IPs and ports) behind a "
    "Service. The EndpointSlice controller writes them for every Service with a selector.",
    addressType=string(
        "The kind of address it holds: IPv4, IPv6 or FQDN. It cannot be changed.",
        enum=("FQDN", "IPv4", "IPv6"),
    ),
    endpoints=list_of(ENDPOINT, "The endpoints, at most 1000.", list_type="atomic"),
    ports=list_of(
        ENDPOINT_PORT,
        "The ports every endpoint of the slice exposes, at most 100.",
        list_type="atomic",
    ),
)

STRUCTS = (
    ENDPOINT_SLICE,
    list_kind(ENDPOINT_SLICE),
    Struct(
        ENDPOINT,
        "One endpoint: usually a pod, by its IP address.",
        {
            "addresses": strings(
                "Its addresses (exactly one for IPv4 and IPv6 slices).", list_type="set"
            ),
            "conditions": ref(ENDPOINT_CONDITIONS, "Whether it is ready, serving, terminating."),
            "deprecatedTopology": string_map("Deprecated topology labels; use zone and nodeName."),
            "hints": ref(ENDPOINT_HINTS, "Hints for topology-aware routing."),
            "hostname": string("The endpoint's hostname, for DNS."),
            "nodeName": string("The node the endpoint runs on."),
            "targetRef": ref(OBJECT_REFERENCE, "The object it stands for: a pod."),
            "zone": string("The zone of its node."),
        },
        required=("addresses",),
    ),
    Struct(
        ENDPOINT_CONDITIONS,
        "The state of one endpoint.",
        {
            "ready": boolean(
                "Whether it should receive traffic: its pod is ready and not terminating. "
                "Unset means ready."
            ),
            "serving": boolean("Whether its pod is ready, even while it is terminating."),
            "terminating": boolean("Whether its pod is being deleted."),
        },
    ),
    Struct(
        ENDPOINT_HINTS,
        "Where the endpoint should be used from.",
        {
            "forNodes": list_of(FOR_NODE, "The nodes that should use it.", list_type="atomic"),
            "forZones": list_of(FOR_ZONE, "The zones that should use it.", list_type="atomic"),
        },
    ),
    Struct(FOR_ZONE, "A zone.", {"name": string("The zone's name.")}, required=("name",)),
    Struct(FOR_NODE, "A node.", {"name": string("The node's name.")}, required=("name",)),
    Struct(
        ENDPOINT_PORT,
        "A port of the endpoints.",
        {
            "appProtocol": string("The application protocol, e.g. http."),
            "name": string("The name of the Service port it serves (may be empty)."),
            "port": int32("The port number on the endpoints; unset means all ports."),
            "protocol": string("TCP (the default), UDP or SCTP.", enum=("SCTP", "TCP", "UDP")),
        },
    ),
)
