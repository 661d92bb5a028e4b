"""What an EndpointSlice of a Service should hold, computed from its pods
(staging/src/k8s.io/endpointslice/utils.go, util/controller_utils.go; FindPort of
pkg/api/v1/pod/util.go). Pure functions: the controller (endpointslice.py) writes the result.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from engine.apimachinery.labels import selector_from_set
from engine.controllers.podutil import get_condition, is_pod_ready
from engine.timeutil import parse_rfc3339, rfc3339

Obj = dict[str, Any]

SERVICE_NAME_LABEL = "kubernetes.io/service-name"  # discovery.LabelServiceName
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"  # discovery.LabelManagedBy
CONTROLLER_NAME = "endpointslice-controller.k8s.io"  # the controller's managed-by value
HEADLESS_LABEL = "service.kubernetes.io/headless"  # v1.IsHeadlessService
ZONE_LABEL = "topology.kubernetes.io/zone"  # v1.LabelTopologyZone
MAX_ENDPOINTS_PER_SLICE = 100  # --max-endpoints-per-slice default
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"  # v1.EndpointsLastChange…


def should_pod_be_in_endpoints(pod: Obj, include_terminating: bool) -> bool:
    """ShouldPodBeInEndpoints: a pod with an IP that has not finished; a terminating one only
    if asked for (the EndpointSlice controller always asks, marking it terminating)."""
    status = pod.get("status") or {}
    if status.get("phase") in ("Failed", "Succeeded"):
        return False
    if not (status.get("podIP") or status.get("podIPs")):
        return False
    return include_terminating or not pod["metadata"].get("deletionTimestamp")


def selects(service: Obj, pod: Obj) -> bool:
    """Whether the Service's selector picks the pod (same namespace; no selector picks
    none): GetPodServiceMemberships and the pod lister's List(selector)."""
    selector = (service.get("spec") or {}).get("selector")
    return (
        selector is not None
        and service["metadata"].get("namespace") == pod["metadata"].get("namespace")
        and selector_from_set(selector).matches(pod["metadata"].get("labels") or {})
    )


def find_port(pod: Obj, service_port: Obj) -> int | None:
    """podutil.FindPort: a numeric targetPort as is; a named one is the container port of
    that name and the Service port's protocol (None: the pod has no such port)."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    protocol = service_port.get("protocol", "TCP")
    for container in (pod.get("spec") or {}).get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == target and port.get("protocol", "TCP") == protocol:
                return int(port["containerPort"])
    return None


def endpoint_ports(service: Obj, pod: Obj) -> list[Obj]:
    """getEndpointPorts: one EndpointPort per Service port the pod has (a named targetPort
    the pod lacks is left out for that pod)."""
    ports = []
    for service_port in (service.get("spec") or {}).get("ports") or []:
        number = find_port(pod, service_port)
        if number is None:
            continue
        port: Obj = {"name": service_port.get("name", ""), "port": number}
        port["protocol"] = service_port.get("protocol", "TCP")
        if service_port.get("appProtocol"):
            port["appProtocol"] = service_port["appProtocol"]
        ports.append(port)
    return ports


def hostname_for(pod: Obj, service: Obj) -> str:
    """endpointutil.ShouldSetHostname: a pod's hostname is published (the DNS name
    <hostname>.<service>.<namespace>.svc) when its subdomain is this Service."""
    spec = pod.get("spec") or {}
    same = pod["metadata"].get("namespace") == (service.get("metadata") or {}).get("namespace")
    if spec.get("hostname") and same and spec.get("subdomain") == service["metadata"]["name"]:
        return str(spec["hostname"])
    return ""


def pod_to_endpoint(pod: Obj, node: Obj | None, service: Obj) -> Obj:
    """podToEndpoint: serving is the pod's readiness; ready never while terminating, unless
    the Service publishes not-ready addresses."""
    meta, spec = pod["metadata"], pod.get("spec") or {}
    serving = is_pod_ready(pod)
    terminating = bool(meta.get("deletionTimestamp"))
    publish = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
    endpoint: Obj = {
        "addresses": [ipv4_of(pod)],
        "conditions": {
            "ready": publish or (serving and not terminating),
            "serving": serving,
            "terminating": terminating,
        },
    }
    if hostname_for(pod, service):
        endpoint["hostname"] = hostname_for(pod, service)
    if spec.get("nodeName"):
        endpoint["nodeName"] = spec["nodeName"]
    endpoint["targetRef"] = {
        "kind": "Pod",
        "name": meta["name"],
        "namespace": meta.get("namespace", ""),
        "uid": meta.get("uid", ""),
    }
    zone = ((node or {}).get("metadata", {}).get("labels") or {}).get(ZONE_LABEL)
    if zone:
        endpoint["zone"] = zone
    return endpoint


def ipv4_of(pod: Obj) -> str:
    """getEndpointAddresses for an IPv4 slice: the pod's IPv4 address."""
    status = pod.get("status") or {}
    ips = [entry.get("ip", "") for entry in status.get("podIPs") or []] or [status["podIP"]]
    return next((ip for ip in ips if _is_ipv4(ip)), ips[0])


def _is_ipv4(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).version == 4
    except ValueError:
        return False


def slice_prefix(service_name: str) -> str:
    """getEndpointSlicePrefix: `<service>-`, the generateName of its slices."""
    return f"{service_name}-"


def slice_labels(service: Obj) -> dict[str, str]:
    """setEndpointSliceLabels: the Service's labels (but the two reserved ones), the headless
    mark, the service name and who manages the slice."""
    labels = {
        key: value
        for key, value in (service["metadata"].get("labels") or {}).items()
        if key not in (SERVICE_NAME_LABEL, MANAGED_BY_LABEL)
    }
    if (service.get("spec") or {}).get("clusterIP") == "None":
        labels[HEADLESS_LABEL] = ""
    labels[SERVICE_NAME_LABEL] = service["metadata"]["name"]
    labels[MANAGED_BY_LABEL] = CONTROLLER_NAME
    return labels


def ports_key(ports: list[Obj] | None) -> tuple:
    """endpointutil.NewPortMapKey: slices group endpoints by the exact set of ports."""
    return tuple(
        sorted((p.get("name", ""), p.get("port"), p.get("protocol", "")) for p in ports or [])
    )


def address_order(endpoint: Obj) -> tuple:
    """Endpoints in a slice in address order (numerically), so a slice's contents are the
    same whatever order the pods were seen in."""
    address = endpoint["addresses"][0]
    try:
        return (0, int(ipaddress.ip_address(address)), address)
    except ValueError:
        return (1, 0, address)


class TriggerTimeTracker:
    """pkg/controller/util/endpoint/trigger_time_tracker.go: the time of the change that
    caused a sync, for the slices' `endpoints.kubernetes.io/last-change-trigger-time`: a new
    Service's creation, else the earliest of the pod Ready transitions and Service creation
    newer than at the last sync ("" when nothing changed)."""

    def __init__(self) -> None:
        self._states: dict[str, tuple[dict[str, float], float]] = {}

    def compute(self, key: str, service: Obj, pods: list[Obj]) -> str:
        """ComputeEndpointLastChangeTriggerTime."""
        known = key in self._states
        last_pods, last_service = self._states.get(key, ({}, 0.0))
        changed: list[float] = []
        pod_times: dict[str, float] = {}
        for pod in pods:
            ready = get_condition(pod, "Ready")
            if ready and ready.get("lastTransitionTime"):  # getPodTriggerTime
                at = parse_rfc3339(ready["lastTransitionTime"])
                pod_times[pod["metadata"]["name"]] = at
                if at > last_pods.get(pod["metadata"]["name"], 0.0):
                    changed.append(at)
        created = parse_rfc3339(service["metadata"]["creationTimestamp"])  # getServiceTriggerTime
        if created > last_service:
            changed.append(created)
        self._states[key] = (pod_times, created)
        if not known:
            return rfc3339(created)
        return rfc3339(min(changed)) if changed else ""

    def forget(self, key: str) -> None:
        """DeleteService."""
        self._states.pop(key, None)
