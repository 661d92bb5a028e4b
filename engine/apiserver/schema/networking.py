"""networking.k8s.io/v1: Ingress, IngressClass and NetworkPolicy, as
staging/src/k8s.io/api/networking/v1/types.go declares them."""

from __future__ import annotations

from engine.apiserver.schema.cluster import CORE, kind, list_kind
from engine.apiserver.schema.meta import LABEL_SELECTOR
from engine.apiserver.schema.model import (
    INT_OR_STRING,
    Struct,
    int32,
    list_of,
    ref,
    string,
    strings,
)

NETWORKING = "io.k8s.api.networking.v1."

INGRESS = kind(
    NETWORKING + "Ingress",
    ("networking.k8s.io", "v1", "Ingress"),
    "An Ingress routes HTTP(S) requests from outside the cluster to Services, by host name "
    "and path. An ingress controller (nginx, Traefik...) reads it and does the routing.",
    spec=ref(NETWORKING + "IngressSpec", "The rules: which host and path go to which backend."),
    status=ref(NETWORKING + "IngressStatus", "The addresses the ingress controller serves it on."),
)
INGRESS_CLASS = kind(
    NETWORKING + "IngressClass",
    ("networking.k8s.io", "v1", "IngressClass"),
    "An IngressClass names an ingress controller; an Ingress picks one by ingressClassName. "
    'The annotation ingressclass.kubernetes.io/is-default-class: "true" makes it the class of '
    "Ingresses that name none.",
    spec=ref(NETWORKING + "IngressClassSpec", "Its controller and that controller's settings."),
)
NETWORK_POLICY = kind(
    NETWORKING + "NetworkPolicy",
    ("networking.k8s.io", "v1", "NetworkPolicy"),
    "A NetworkPolicy says which traffic the pods it selects may receive (ingress) and send "
    "(egress). The network plugin (CNI) enforces it, if it supports policies.",
    spec=ref(NETWORKING + "NetworkPolicySpec", "The pods it applies to and the traffic allowed."),
)

_PORT = "A port of the Service: by number or by name."

STRUCTS = (
    INGRESS,
    list_kind(INGRESS),
    INGRESS_CLASS,
    list_kind(INGRESS_CLASS),
    NETWORK_POLICY,
    list_kind(NETWORK_POLICY),
    Struct(
        NETWORKING + "IngressSpec",
        "What an Ingress routes.",
        {
            "defaultBackend": ref(
                NETWORKING + "IngressBackend",
                "Where requests that match no rule go. Without it, the controller decides.",
            ),
            "ingressClassName": string(
                "The IngressClass whose controller serves it. Without one, the cluster's "
                "default class is set, if there is one."
            ),
            "rules": list_of(
                NETWORKING + "IngressRule",
                "Host rules, each with its paths. Without rules, all goes to defaultBackend.",
                list_type="atomic",
            ),
            "tls": list_of(
                NETWORKING + "IngressTLS",
                "Hosts served over HTTPS, with the Secret that holds their certificate.",
                list_type="atomic",
            ),
        },
    ),
    Struct(
        NETWORKING + "IngressBackend",
        "Where matching requests go: a Service port, or another resource.",
        {
            "resource": ref(
                CORE + "TypedLocalObjectReference",
                "An object in the Ingress's namespace (e.g. a storage bucket), instead of a "
                "Service.",
            ),
            "service": ref(NETWORKING + "IngressServiceBackend", "A Service, by name and port."),
        },
    ),
    Struct(
        NETWORKING + "IngressServiceBackend",
        "A Service in the Ingress's namespace and one of its ports.",
        {
            "name": string("The Service's name."),
            "port": ref(NETWORKING + "ServiceBackendPort", _PORT),
        },
        required=("name",),
    ),
    Struct(
        NETWORKING + "ServiceBackendPort",
        _PORT,
        {
            "name": string("The port's name; not with number."),
            "number": int32("The port's number; not with name."),
        },
        extensions=(("x-kubernetes-map-type", "atomic"),),
    ),
    Struct(
        NETWORKING + "IngressRule",
        "The paths of one host (or of every host when host is empty).",
        {
            "host": string(
                'A DNS name (no IP, no port), such as "foo.bar.com", or a wildcard such as '
                '"*.foo.com".'
            ),
            "http": ref(NETWORKING + "HTTPIngressRuleValue", "The HTTP paths of the host."),
        },
    ),
    Struct(
        NETWORKING + "HTTPIngressRuleValue",
        "A list of HTTP paths, each with its backend.",
        {
            "paths": list_of(
                NETWORKING + "HTTPIngressPath",
                "The paths, each sent to its backend.",
                list_type="atomic",
            )
        },
        required=("paths",),
    ),
    Struct(
        NETWORKING + "HTTPIngressPath",
        "A path and where its requests go.",
        {
            "backend": ref(NETWORKING + "IngressBackend", "Where its requests go."),
            "path": string('The path matched against the request\'s, starting with "/".'),
            "pathType": string(
                "How path is matched: Exact (that path only), Prefix (by /-separated "
                "elements: /foo matches /foo and /foo/bar, not /foobar) or "
                "ImplementationSpecific (as the IngressClass decides).",
                enum=("Exact", "ImplementationSpecific", "Prefix"),
            ),
        },
        required=("pathType", "backend"),
    ),
    Struct(
        NETWORKING + "IngressTLS",
        "HTTPS for some hosts.",
        {
            "hosts": strings("The hosts its certificate covers (default: the wildcard host)."),
            "secretName": string("The kubernetes.io/tls Secret with the certificate and key."),
        },
    ),
    Struct(
        NETWORKING + "IngressStatus",
        "What the ingress controller reports.",
        {
            "loadBalancer": ref(
                NETWORKING + "IngressLoadBalancerStatus", "The addresses it is reachable on."
            )
        },
    ),
    Struct(
        NETWORKING + "IngressLoadBalancerStatus",
        "The addresses of the load balancer that serves an Ingress.",
        {
            "ingress": list_of(
                NETWORKING + "IngressLoadBalancerIngress",
                "Its addresses.",
                list_type="atomic",
            )
        },
    ),
    Struct(
        NETWORKING + "IngressLoadBalancerIngress",
        "One address of the load balancer.",
        {
            "hostname": string("A DNS name."),
            "ip": string("An IP address."),
            "ports": list_of(
                NETWORKING + "IngressPortStatus", "The state of its ports.", list_type="atomic"
            ),
        },
    ),
    Struct(
        NETWORKING + "IngressPortStatus",
        "The state of one port of the load balancer.",
        {
            "error": string("Why the port failed, in CamelCase."),
            "port": int32("The port number."),
            "protocol": string("TCP, UDP or SCTP.", enum=("SCTP", "TCP", "UDP")),
        },
        required=("port", "protocol"),
    ),
    Struct(
        NETWORKING + "IngressClassSpec",
        "Which controller serves the class.",
        {
            "controller": string(
                'The controller, as a domain-prefixed path such as "k8s.io/ingress-nginx". '
                "Cannot be changed."
            ),
            "parameters": ref(
                NETWORKING + "IngressClassParametersReference",
                "An object with the controller's settings for this class.",
            ),
        },
    ),
    Struct(
        NETWORKING + "IngressClassParametersReference",
        "An object holding a controller's settings.",
        {
            "apiGroup": string("Its API group; empty for the core group."),
            "kind": string("Its kind."),
            "name": string("Its name."),
            "namespace": string("Its namespace, when scope is Namespace."),
            "scope": string("Cluster (the default) or Namespace."),
        },
        required=("kind", "name"),
    ),
    Struct(
        NETWORKING + "NetworkPolicySpec",
        "The pods a policy selects and the traffic it allows them.",
        {
            "egress": list_of(
                NETWORKING + "NetworkPolicyEgressRule",
                "The outgoing traffic allowed (on top of any other policy's).",
                list_type="atomic",
            ),
            "ingress": list_of(
                NETWORKING + "NetworkPolicyIngressRule",
                "The incoming traffic allowed (on top of any other policy's).",
                list_type="atomic",
            ),
            "podSelector": ref(
                LABEL_SELECTOR,
                "The pods of the namespace it applies to; empty selects them all.",
            ),
            "policyTypes": strings(
                "Ingress, Egress or both: which directions the selected pods are isolated "
                "in. Default: Ingress, plus Egress if egress rules are given."
            ),
        },
    ),
    Struct(
        NETWORKING + "NetworkPolicyIngressRule",
        "Traffic allowed in: from these peers, to these ports.",
        {
            "from": list_of(
                NETWORKING + "NetworkPolicyPeer",
                "The sources allowed; empty: any source.",
                list_type="atomic",
            ),
            "ports": list_of(
                NETWORKING + "NetworkPolicyPort",
                "The ports allowed; empty: every port.",
                list_type="atomic",
            ),
        },
    ),
    Struct(
        NETWORKING + "NetworkPolicyEgressRule",
        "Traffic allowed out: to these peers, on these ports.",
        {
            "ports": list_of(
                NETWORKING + "NetworkPolicyPort",
                "The ports allowed; empty: every port.",
                list_type="atomic",
            ),
            "to": list_of(
                NETWORKING + "NetworkPolicyPeer",
                "The destinations allowed; empty: any destination.",
                list_type="atomic",
            ),
        },
    ),
    Struct(
        NETWORKING + "NetworkPolicyPeer",
        "Pods (by their labels and their namespace's) or an IP range.",
        {
            "ipBlock": ref(NETWORKING + "IPBlock", "An IP range; not with the selectors."),
            "namespaceSelector": ref(
                LABEL_SELECTOR, "The namespaces whose pods are meant; empty: all."
            ),
            "podSelector": ref(LABEL_SELECTOR, "The pods meant; empty: all."),
        },
    ),
    Struct(
        NETWORKING + "IPBlock",
        "A CIDR range, less some sub-ranges.",
        {
            "cidr": string('The range, such as "192.168.1.0/24".'),
            "except": strings("Sub-ranges left out."),
        },
        required=("cidr",),
    ),
    Struct(
        NETWORKING + "NetworkPolicyPort",
        "A port (or a range of ports) and protocol.",
        {
            "endPort": int32("The last port of a range starting at port."),
            "port": ref(INT_OR_STRING, "A port number or a named container port."),
            "protocol": string("TCP (the default), UDP or SCTP.", enum=("SCTP", "TCP", "UDP")),
        },
    ),
)
