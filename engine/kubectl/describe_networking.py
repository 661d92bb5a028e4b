"""`kubectl describe` of networking.k8s.io kinds (staging/src/k8s.io/kubectl/pkg/describe/
describe.go IngressDescriber.describeIngressV1, IngressClassDescriber.describeIngressClassV1,
describeNetworkPolicy).

An Ingress's rules table names each backend with the endpoints behind it: describeBackendV1
lists the Service's EndpointSlices and GETs the Service (the caller does both, here handed
in as `backends`: a Service's name → its slices and itself, or the error text of the GET)."""

from __future__ import annotations

from typing import Any

from engine.apimachinery.labels import format_label_selector
from engine.apiserver.networking_tables import load_balancer_addresses
from engine.kubectl.describe_service import format_endpoint_slices
from engine.kubectl.describe_writer import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    Obj,
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
    tabbed,
)
from engine.timeutil import parse_rfc3339, to_datetime

# A Service's name → (its EndpointSlices, the Service) or the text of the error getting it.
Backends = dict[str, tuple[list[Obj], Obj] | str]


def service_backend_names(ingress: Obj) -> list[str]:
    """The Services an Ingress's describe looks up, in the order it meets them."""
    spec = ingress.get("spec") or {}
    backends = [spec.get("defaultBackend") or {}]
    for rule in spec.get("rules") or []:
        backends += [p.get("backend") or {} for p in (rule.get("http") or {}).get("paths") or []]
    names = [(b.get("service") or {}).get("name", "") for b in backends if b.get("service")]
    return list(dict.fromkeys(names))


def _service_backend(service: Obj) -> str:
    """serviceBackendStringer: `name:port`, the port by number or else by name."""
    port = service.get("port") or {}
    return f"{service.get('name', '')}:{port.get('number') or port.get('name', '')}"


def _backend(backend: Obj, backends: Backends) -> str:
    """describeBackendV1."""
    service = backend.get("service")
    if service is not None:
        text = _service_backend(service)
        found = backends.get(service.get("name", ""), "")
        if isinstance(found, str):
            return f"{text} (<error: {found}>)"
        slices, svc = found
        port = service.get("port") or {}
        port_name = ""
        for sp in (svc.get("spec") or {}).get("ports") or []:
            by_number = port.get("number") and port["number"] == sp.get("port")
            if by_number or (port.get("name") and port["name"] == sp.get("name")):
                port_name = sp.get("name", "")
        return f"{text} ({format_endpoint_slices(slices, port_name)})"
    resource = backend.get("resource")
    if resource is not None:
        group = resource.get("apiGroup")
        return (
            f"APIGroup: {'<none>' if group is None else group}, Kind: {resource.get('kind', '')}"
            f", Name: {resource.get('name', '')}"
        )
    return ""


def describe_ingress(ingress: Obj, backends: Backends, events: list[Obj] | None, now: float) -> str:
    meta, spec = ingress.get("metadata", {}), ingress.get("spec") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        w.write(LEVEL_0, f"Address:\t{load_balancer_addresses(ingress)}\n")
        w.write(LEVEL_0, f"Ingress Class:\t{spec.get('ingressClassName') or '<none>'}\n")
        default = "<default>"
        if spec.get("defaultBackend") is not None:
            default = _backend(spec["defaultBackend"], backends)
        w.write(LEVEL_0, f"Default backend:\t{default}\n")
        if spec.get("tls"):
            w.write(LEVEL_0, "TLS:\n")
            for tls in spec["tls"]:
                hosts = ",".join(tls.get("hosts") or [])
                if not tls.get("secretName"):
                    w.write(LEVEL_1, f"SNI routes {hosts}\n")
                else:
                    w.write(LEVEL_1, f"{tls['secretName']} terminates {hosts}\n")
        w.write(LEVEL_0, "Rules:\n  Host\tPath\tBackends\n")
        w.write(LEVEL_1, "----\t----\t--------\n")
        count = 0
        for rule in spec.get("rules") or []:
            if rule.get("http") is None:
                continue
            count += 1
            w.write(LEVEL_1, f"{rule.get('host') or '*'}\t\n")
            for path in rule["http"].get("paths") or []:
                backend = _backend(path.get("backend") or {}, backends)
                w.write(LEVEL_2, f"\t{path.get('path', '')} \t{backend}\n")
        if count == 0:
            w.write(LEVEL_1, f"*\t*\t{default}\n")
        print_annotations(w, "Annotations", meta.get("annotations"))
        describe_events(w, events, now)

    return tabbed(body)


def describe_ingress_class(ingress_class: Obj, events: list[Obj] | None, now: float) -> str:
    meta, spec = ingress_class.get("metadata", {}), ingress_class.get("spec") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"Controller:\t{spec.get('controller', '')}\n")
        parameters = spec.get("parameters")
        if parameters is not None:
            w.write(LEVEL_0, "Parameters:\n")
            if parameters.get("apiGroup") is not None:
                w.write(LEVEL_1, f"APIGroup:\t{parameters['apiGroup']}\n")
            w.write(LEVEL_1, f"Kind:\t{parameters.get('kind', '')}\n")
            w.write(LEVEL_1, f"Name:\t{parameters.get('name', '')}\n")
        describe_events(w, events, now)

    return tabbed(body)


def _go_time_string(timestamp: str) -> str:
    """metav1.Time's String() (time.Time.String) in kubectl's UTC clock."""
    return to_datetime(parse_rfc3339(timestamp)).strftime("%Y-%m-%d %H:%M:%S +0000 UTC")


def describe_network_policy(policy: Obj) -> str:
    meta, spec = policy.get("metadata", {}), policy.get("spec") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        w.write(LEVEL_0, f"Created on:\t{_go_time_string(meta.get('creationTimestamp', ''))}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        _spec(w, spec)

    return tabbed(body)


def _spec(w: PrefixWriter, spec: Obj) -> None:
    """describeNetworkPolicySpec."""
    w.write(LEVEL_0, "Spec:\n")
    w.write(LEVEL_1, "PodSelector: ")
    selector = spec.get("podSelector") or {}
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        w.write(LEVEL_2, "<none> (Allowing the specific traffic to all pods in this namespace)\n")
    else:
        w.write(LEVEL_2, f"{format_label_selector(selector)}\n")
    types = spec.get("policyTypes") or []
    for kind, key, peers, word in (
        ("Ingress", "ingress", "from", "From"),
        ("Egress", "egress", "to", "To"),
    ):
        if kind in types:
            w.write(LEVEL_1, f"Allowing {key} traffic:\n")
            _rules(w, spec.get(key) or [], key, peers, word)
        else:
            w.write(LEVEL_1, f"Not affecting {key} traffic\n")
    w.write(LEVEL_1, f"Policy Types: {', '.join(types)}\n")  # policyTypesToString


def _rules(w: PrefixWriter, rules: list[Obj], direction: str, peers: str, word: str) -> None:
    """printNetworkPolicySpecIngressFrom / printNetworkPolicySpecEgressTo."""
    indent = "    "
    if not rules:
        w.write(
            LEVEL_0, f"{indent}<none> (Selected pods are isolated for {direction} connectivity)\n"
        )
        return
    what = "source" if direction == "ingress" else "destination"
    for index, rule in enumerate(rules):
        ports = rule.get("ports") or []
        if not ports:
            w.write(LEVEL_0, f"{indent}To Port: <any> (traffic allowed to all ports)\n")
        for port in ports:
            protocol = port.get("protocol") or "TCP"
            shown = _int_or_string(port.get("port"))
            if port.get("endPort") is None:
                w.write(LEVEL_0, f"{indent}To Port: {shown}/{protocol}\n")
            else:
                w.write(LEVEL_0, f"{indent}To Port Range: {shown}-{port['endPort']}/{protocol}\n")
        if not rule.get(peers):
            w.write(LEVEL_0, f"{indent}{word}: <any> (traffic not restricted by {what})\n")
        for peer in rule.get(peers) or []:
            w.write(LEVEL_0, f"{indent}{word}:\n")
            pods, namespaces = peer.get("podSelector"), peer.get("namespaceSelector")
            if namespaces is not None:
                selector = format_label_selector(namespaces)
                w.write(LEVEL_1, f"{indent}NamespaceSelector: {selector}\n")
            if pods is not None:
                w.write(LEVEL_1, f"{indent}PodSelector: {format_label_selector(pods)}\n")
            if pods is None and namespaces is None and peer.get("ipBlock") is not None:
                block = peer["ipBlock"]
                w.write(LEVEL_1, f"{indent}IPBlock:\n")
                w.write(LEVEL_2, f"{indent}CIDR: {block.get('cidr', '')}\n")
                w.write(LEVEL_2, f"{indent}Except: {', '.join(block.get('except') or [])}\n")
        if index != len(rules) - 1:
            w.write(LEVEL_0, f"{indent}----------\n")


def _int_or_string(value: Any) -> str:
    """intstr.IntOrString's String(); a nil *IntOrString prints as <nil> with %s."""
    return "<nil>" if value is None else str(value)
