"""Service (core/v1): one stable virtual IP and DNS name in front of the pods a label selector
picks (staging/src/k8s.io/api/core/v1/types.go Service, ServiceSpec, ServicePort)."""

from __future__ import annotations

from engine.apiserver.schema.cluster import CORE, kind, list_kind
from engine.apiserver.schema.model import (
    INT_OR_STRING,
    Struct,
    boolean,
    int32,
    list_of,
    ref,
    string,
    string_map,
    strings,
)

SERVICE_PORT = CORE + "ServicePort"
SERVICE_SPEC = CORE + "ServiceSpec"
SERVICE_STATUS = CORE + "ServiceStatus"
SESSION_AFFINITY_CONFIG = CORE + "SessionAffinityConfig"
CLIENT_IP_CONFIG = CORE + "ClientIPConfig"
LOAD_BALANCER_STATUS = CORE + "LoadBalancerStatus"
LOAD_BALANCER_INGRESS = CORE + "LoadBalancerIngress"

_PORT = Struct(
    SERVICE_PORT,
    "A port the service listens on, and where its traffic goes on the pods.",
    {
        "appProtocol": string("The application protocol, e.g. http or kubernetes.io/h2c."),
        "name": string(
            "The port's name (a DNS label); required when the service has more than one port."
        ),
        "nodePort": int32(
            "For NodePort and LoadBalancer services: the port opened on every node "
            "(30000-32767), allocated when not given."
        ),
        "port": int32("The port the service's cluster IP listens on."),
        "protocol": string("TCP (the default), UDP or SCTP.", enum=("SCTP", "TCP", "UDP")),
        "targetPort": ref(
            INT_OR_STRING,
            "The pods' port, as a number or the name of a container port; defaults to port.",
        ),
    },
    required=("port",),
)
_CLIENT_IP = Struct(
    CLIENT_IP_CONFIG,
    "How long a client sticks to one pod.",
    {"timeoutSeconds": int32("Seconds of stickiness (default 10800, at most 86400).")},
)
_AFFINITY = Struct(
    SESSION_AFFINITY_CONFIG,
    "The settings of a session affinity.",
    {"clientIP": ref(CLIENT_IP_CONFIG, "The settings of ClientIP affinity.")},
)
_SPEC = Struct(
    SERVICE_SPEC,
    "What the service exposes and to which pods.",
    {
        "allocateLoadBalancerNodePorts": boolean(
            "Whether a LoadBalancer service gets node ports (default true)."
        ),
        "clusterIP": string(
            "The virtual IP, allocated from the service CIDR unless given; None makes a "
            "headless service. It cannot be changed once set."
        ),
        "clusterIPs": strings("The cluster IPs, one per IP family; the first is clusterIP."),
        "externalIPs": strings("IPs outside the cluster at which nodes also accept traffic."),
        "externalName": string("For an ExternalName service: the DNS name it is an alias of."),
        "externalTrafficPolicy": string(
            "Cluster or Local: whether external traffic may go to pods on other nodes.",
            enum=("Cluster", "Local"),
        ),
        "healthCheckNodePort": int32("The health check node port of a Local LoadBalancer."),
        "internalTrafficPolicy": string(
            "Cluster or Local: whether traffic from inside may go to pods on other nodes.",
            enum=("Cluster", "Local"),
        ),
        "ipFamilies": strings("The IP families of the service (IPv4, IPv6)."),
        "ipFamilyPolicy": string(
            "SingleStack, PreferDualStack or RequireDualStack.",
            enum=("PreferDualStack", "RequireDualStack", "SingleStack"),
        ),
        "loadBalancerClass": string("The load balancer implementation to use."),
        "loadBalancerIP": string("Deprecated: the IP a cloud load balancer should use."),
        "loadBalancerSourceRanges": strings("The client CIDRs a load balancer accepts."),
        "ports": list_of(
            SERVICE_PORT,
            "The ports the service exposes.",
            merge_key="port",
            map_keys=("port", "protocol"),
        ),
        "publishNotReadyAddresses": boolean("Whether pods that are not ready get traffic too."),
        "selector": string_map(
            "The labels of the pods that get the service's traffic. Without one, its "
            "endpoints are managed by hand."
        ),
        "sessionAffinity": string(
            "None (the default) or ClientIP: whether a client keeps going to the same pod.",
            enum=("ClientIP", "None"),
        ),
        "sessionAffinityConfig": ref(SESSION_AFFINITY_CONFIG, "The session affinity's settings."),
        "trafficDistribution": string("A preference for how traffic is spread over pods."),
        "type": string(
            "ClusterIP (the default), NodePort, LoadBalancer or ExternalName.",
            enum=("ClusterIP", "ExternalName", "LoadBalancer", "NodePort"),
        ),
    },
)
_INGRESS = Struct(
    LOAD_BALANCER_INGRESS,
    "An address of a load balancer.",
    {
        "hostname": string("The load balancer's DNS name."),
        "ip": string("The load balancer's IP."),
        "ipMode": string("VIP or Proxy: how the load balancer delivers traffic."),
    },
)
_LOAD_BALANCER = Struct(
    LOAD_BALANCER_STATUS,
    "The load balancer a cloud provider set up, if any.",
    {"ingress": list_of(LOAD_BALANCER_INGRESS, "Its addresses.", list_type="atomic")},
)
_STATUS = Struct(
    SERVICE_STATUS,
    "The service's status: its load balancer, once a cloud controller has made one.",
    {"loadBalancer": ref(LOAD_BALANCER_STATUS, "The load balancer, if any.")},
)

SERVICE = kind(
    CORE + "Service",
    ("", "v1", "Service"),
    "A Service gives a set of pods, picked by a label selector, one stable virtual IP and DNS "
    "name; traffic to it is spread over the pods.",
    spec=ref(SERVICE_SPEC, "What the service exposes and to which pods."),
    status=ref(SERVICE_STATUS, "The service's most recently observed status. Read-only."),
)

STRUCTS = (
    SERVICE,
    list_kind(SERVICE),
    _SPEC,
    _PORT,
    _AFFINITY,
    _CLIENT_IP,
    _STATUS,
    _LOAD_BALANCER,
    _INGRESS,
)
