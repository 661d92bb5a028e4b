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

from engine.apimachinery.labels import selector_from_set
from engine.client.informer import Handlers, key_of
from engine.controllers.base import Controller, path_of, split_key
from engine.controllers.endpointslice_util import (
    HEADLESS_LABEL,
    TRIGGER_TIME,
    TriggerTimeTracker,
    endpoint_ports,
    ipv4_of,
)
from engine.controllers.podutil import is_pod_ready, labels_of

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


def should_pod_be_in_endpoints(pod: Obj, include_terminating: bool) -> bool:
    """endpointsliceutil.ShouldPodBeInEndpoints."""
    status = pod.get("status") or {}
    if status.get("phase") in ("Failed", "Succeeded"):
        return False
    if not (status.get("podIP") or status.get("podIPs")):
        return False
    return include_terminating or not pod["metadata"].get("deletionTimestamp")


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


class EndpointsController(Controller):
    name = "endpoints-controller"
    service_account = "endpoint-controller"
    event_source = "endpoint-controller"
    workers = 5  # --concurrent-endpoint-syncs
    kind = "Service"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.services = self.informers.get("services")
        self.pods = self.informers.pods
        self.endpoints = self.informers.get("endpoints")
        self.trigger_times = TriggerTimeTracker()

    def register(self) -> None:
        enqueue = self._enqueue
        self.services.add_handlers(Handlers(enqueue, lambda _old, cur: enqueue(cur), enqueue))
        self.pods.add_handlers(Handlers(self._pod, self._update_pod, self._pod))
        self.endpoints.add_handlers(Handlers(on_delete=enqueue))  # onEndpointsDelete

    def synced_resources(self) -> tuple[str, ...]:
        return ("services", "pods", "endpoints")

    def _enqueue(self, obj: Obj) -> None:
        self.queue.add(key_of(obj))

    def _pod(self, pod: Obj) -> None:
        for key in self._services_of(pod):
            self.queue.add(key)

    def _update_pod(self, old: Obj, cur: Obj) -> None:
        if old["metadata"].get("resourceVersion") == cur["metadata"].get("resourceVersion"):
            return
        for key in sorted(set(self._services_of(old)) | set(self._services_of(cur))):
            self.queue.add(key)

    def _services_of(self, pod: Obj) -> list[str]:
        namespace = pod["metadata"].get("namespace", "")
        return [
            key_of(svc)
            for svc in self.services.list()
            if svc["metadata"].get("namespace") == namespace
            and (svc.get("spec") or {}).get("selector") is not None
            and selector_from_set(svc["spec"]["selector"]).matches(labels_of(pod))
        ]

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
        selector = selector_from_set(spec["selector"])
        pods = sorted(
            (
                p
                for p in self.pods.list()
                if p["metadata"].get("namespace") == namespace and selector.matches(labels_of(p))
            ),
            key=lambda p: p["metadata"]["name"],
        )
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
