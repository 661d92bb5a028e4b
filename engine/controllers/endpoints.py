"""The Endpoints controller (pkg/controller/endpoint/endpoints_controller.go), still run by
kube-controller-manager 1.37 beside the EndpointSlice controller although the Endpoints API is
deprecated: for each Service with a selector, an Endpoints object of the same name whose
subsets list the ready pods' addresses (`addresses`) and the others (`notReadyAddresses`) with
the ports resolved from targetPort. Terminating pods are left out (unless the Service
publishes not-ready addresses). Endpoints have no owner: the controller deletes them with
their Service.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.client.informer import Handlers
from engine.controllers.base import path_of, split_key
from engine.controllers.endpointslice_util import (
    HEADLESS_LABEL,
    TRIGGER_TIME,
    TriggerTimeTracker,
    endpoint_ports,
    hostname_for,
    ipv4_of,
    should_pod_be_in_endpoints,
)
from engine.controllers.podutil import is_pod_ready
from engine.controllers.servicepods import ServicePodsController

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


def subsets_for(service: Obj, pods: list[Obj]) -> list[Obj]:
    """syncService's loop over pods (addEndpointSubset per port), then RepackSubsets: the
    addresses grouped by the ports they offer, ready and not ready apart, each list in IP
    order. (Upstream orders several ports and subsets by a hash of their Go values; here
    they keep the Service's port order.)"""
    spec = service.get("spec") or {}
    publish = bool(spec.get("publishNotReadyAddresses"))
    offered: dict[tuple, tuple[Obj, list[tuple[Obj, bool]]]] = {}  # port → its addresses
    for pod in pods:
        if not should_pod_be_in_endpoints(pod, publish):
            continue
        meta = pod["metadata"]
        address: Obj = {"ip": ipv4_of(pod)}
        if hostname_for(pod, service):
            address["hostname"] = hostname_for(pod, service)
        if (pod.get("spec") or {}).get("nodeName"):
            address["nodeName"] = pod["spec"]["nodeName"]
        address["targetRef"] = {
            "kind": "Pod",
            "name": meta["name"],
            "namespace": meta.get("namespace", ""),
            "uid": meta.get("uid", ""),
        }
        is_ready = publish or is_pod_ready(pod)
        ports = endpoint_ports(service, pod)  # FindPort for each Service port
        if not spec.get("ports") and spec.get("clusterIP") == "None":
            ports = [{}]  # a headless Service without ports: the addresses alone
        for port in ports:
            offered.setdefault(tuple(sorted(port.items())), (port, []))[1].append(
                (address, is_ready)
            )
    # RepackSubsets: ports offered by the same addresses share a subset.
    subsets: dict[tuple, Obj] = {}
    for port, addresses in offered.values():
        who = tuple(sorted((a["ip"], a["targetRef"]["uid"], r) for a, r in addresses))
        subset = subsets.setdefault(who, {"addresses": addresses, "ports": []})
        if port:
            subset["ports"].append(port)
    result = []
    for subset in subsets.values():
        out: Obj = {}
        ready = sorted((a for a, r in subset["addresses"] if r), key=_by_ip_and_uid)
        not_ready = sorted((a for a, r in subset["addresses"] if not r), key=_by_ip_and_uid)
        if ready:
            out["addresses"] = ready
        if not_ready:
            out["notReadyAddresses"] = not_ready
        if subset["ports"]:
            out["ports"] = subset["ports"]
        result.append(out)
    return result


def _by_ip_and_uid(address: Obj) -> tuple[str, str]:
    """addrsByIPAndUID: the IP as bytes, then the pod's UID."""
    return (address["ip"], address["targetRef"]["uid"])


def endpoints_labels(service: Obj) -> dict[str, str]:
    """The Service's labels, and the headless mark when it has no cluster IP."""
    labels = dict(service["metadata"].get("labels") or {})
    labels.pop(HEADLESS_LABEL, None)
    if (service.get("spec") or {}).get("clusterIP") in ("None", "", None):
        labels[HEADLESS_LABEL] = ""
    return labels


class EndpointsController(ServicePodsController):
    name = "endpoints-controller"
    service_account = "endpoint-controller"
    event_source = "endpoint-controller"
    workers = 5  # --concurrent-endpoint-syncs

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.endpoints = self.informers.get("endpoints")
        self.trigger_times = TriggerTimeTracker()

    def register(self) -> None:
        super().register()
        self.endpoints.add_handlers(Handlers(on_delete=self.enqueue))  # onEndpointsDelete

    def synced_resources(self) -> tuple[str, ...]:
        return ("services", "pods", "endpoints")

    def sync(self, key: str) -> Gen:
        """syncService."""
        namespace, name = split_key(key)
        service = self.services.get(key)
        if service is None:
            self.trigger_times.forget(key)
            if self.endpoints.get(key) is None:
                return
            self.note(f"Service {name} is gone: the Endpoints controller deletes its Endpoints")
            response = yield from self.request("DELETE", path_of("endpoints", namespace, name))
            if response.code != 404:
                self.must(response)
            return
        spec = service.get("spec") or {}
        if spec.get("type") == "ExternalName" or spec.get("selector") is None:
            return
        yield from self.work()
        pods = self.pods_of(service)
        trigger = self.trigger_times.compute(key, service, pods)
        subsets = subsets_for(service, pods)
        labels = endpoints_labels(service)
        current = self.endpoints.get(key)
        if (
            current is not None
            and (current.get("subsets") or []) == subsets
            and (current["metadata"].get("labels") or {}) == labels
        ):
            return
        meta: Obj = {"name": name, "namespace": namespace}
        if current is not None:
            meta = {**current["metadata"]}
        annotations = {
            k: v for k, v in (meta.get("annotations") or {}).items() if k != TRIGGER_TIME
        }
        if trigger:
            annotations[TRIGGER_TIME] = trigger
        meta.pop("annotations", None)
        if annotations:
            meta["annotations"] = annotations
        meta["labels"] = labels
        body: Obj = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta}
        if subsets:
            body["subsets"] = subsets
        ready = sum(len(s.get("addresses") or []) for s in subsets)
        waiting = sum(len(s.get("notReadyAddresses") or []) for s in subsets)
        verb = "creates" if current is None else "updates"
        self.note(
            f"The Endpoints controller {verb} Endpoints {name}: {ready} ready and "
            f"{waiting} not-ready addresses",
            service,
        )
        if current is None:
            self.must((yield from self.request("POST", path_of("endpoints", namespace), body)))
        else:
            path = path_of("endpoints", namespace, name)
            self.must((yield from self.request("PUT", path, body)))
