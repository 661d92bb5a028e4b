"""`kubectl describe service` (staging/src/k8s.io/kubectl/pkg/describe/describe.go
ServiceDescriber, describeService).

Each port's Endpoints line lists the ready addresses of the Service's EndpointSlices (those
labelled `kubernetes.io/service-name=<service>`), with that port's number: formatEndpointSlices
of describe.go."""

from __future__ import annotations

from typing import Any

from engine.apimachinery.labels import format_labels
from engine.kubectl.describe_writer import (
    LEVEL_0,
    Obj,
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
    tabbed,
)


def format_endpoint_slices(slices: list[Obj], port_name: str) -> str:
    """formatEndpointSlices(slices, sets.New(port name)): the first three ready addresses
    (a nil ready counts as ready) with the port of that name, then `+ N more...`; `<none>`
    without slices. As upstream, any endpoint after the third sets `more`, even one that is
    not ready (then `+ 0 more...`)."""
    if not slices:
        return "<none>"
    shown: list[str] = []
    more, count, most = False, 0, 3
    for slice_ in slices:
        endpoints = slice_.get("endpoints") or []
        ports = slice_.get("ports") or []
        # Headless services may have no ports: the bare addresses.
        targets = [p.get("port") for p in ports if p.get("name", "") == port_name]
        if not ports:
            targets = [None]
        for port in targets:
            for endpoint in endpoints:
                if len(shown) == most:
                    more = True
                if (endpoint.get("conditions") or {}).get("ready") is False:
                    continue
                address = (endpoint.get("addresses") or [""])[0]
                if not more:
                    shown.append(address if port is None else _join_host_port(address, port))
                count += 1
    text = ",".join(shown)
    return f"{text} + {count - most} more..." if more else text


def _join_host_port(host: str, port: Any) -> str:
    """net.JoinHostPort: an IPv6 address in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def describe_service(svc: Obj, slices: list[Obj], events: list[Obj] | None, now: float) -> str:
    meta, spec = svc.get("metadata", {}), svc.get("spec") or {}
    ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
        w.write(LEVEL_0, f"Type:\t{spec.get('type', '')}\n")
        if spec.get("ipFamilyPolicy"):
            w.write(LEVEL_0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
        w.write(LEVEL_0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
        w.write(LEVEL_0, f"IP:\t{spec.get('clusterIP', '')}\n")
        w.write(LEVEL_0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
        if spec.get("externalIPs"):
            w.write(LEVEL_0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
        if spec.get("loadBalancerIP"):
            w.write(LEVEL_0, f"IP:\t{spec['loadBalancerIP']}\n")
        if spec.get("loadBalancerClass"):
            w.write(LEVEL_0, f"LoadBalancer Class:\t{spec['loadBalancerClass']}\n")
        if ingress:
            addresses = [i.get("ip") or i.get("hostname") or "" for i in ingress]
            w.write(LEVEL_0, f"LoadBalancer Ingress:\t{', '.join(addresses)}\n")
        if spec.get("externalName"):
            w.write(LEVEL_0, f"External Name:\t{spec['externalName']}\n")
        for port in spec.get("ports") or []:
            name = port.get("name") or "<unset>"
            protocol = port.get("protocol", "")
            w.write(LEVEL_0, f"Port:\t{name}\t{port.get('port')}/{protocol}\n")
            w.write(LEVEL_0, f"TargetPort:\t{port.get('targetPort')}/{protocol}\n")
            if port.get("nodePort"):
                w.write(LEVEL_0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
            endpoints = format_endpoint_slices(slices, port.get("name", ""))
            w.write(LEVEL_0, f"Endpoints:\t{endpoints}\n")
        w.write(LEVEL_0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
        if spec.get("externalTrafficPolicy"):
            w.write(LEVEL_0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
        if spec.get("internalTrafficPolicy"):
            w.write(LEVEL_0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
        if spec.get("healthCheckNodePort"):
            w.write(LEVEL_0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
        if spec.get("loadBalancerSourceRanges"):
            ranges = ",".join(spec["loadBalancerSourceRanges"])
            w.write(LEVEL_0, f"LoadBalancer Source Ranges:\t{ranges}\n")
        if spec.get("trafficDistribution"):
            w.write(LEVEL_0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")
        describe_events(w, events, now)

    return tabbed(body)
