"""The EndpointSlice controller (pkg/controller/endpointslice/endpointslice_controller.go and
the reconciler of staging/src/k8s.io/endpointslice/reconciler.go).

For each Service with a selector it keeps EndpointSlices listing the pods the selector picks
that have an IP: one slice per set of ports (pods whose named targetPort differs land in
different slices), at most 100 endpoints each, or one empty placeholder slice when no pod
qualifies. The slices carry the labels `kubernetes.io/service-name` and
`endpointslice.kubernetes.io/managed-by`, and the Service as their controller owner, so the
garbage collector deletes them with it. A Service without a selector, or of type
ExternalName, gets none from this controller.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.client.informer import Handlers, key_of
from engine.controllers.base import path_of
from engine.controllers.endpointslice_util import (
    CONTROLLER_NAME,
    MANAGED_BY_LABEL,
    MAX_ENDPOINTS_PER_SLICE,
    SERVICE_NAME_LABEL,
    TRIGGER_TIME,
    TriggerTimeTracker,
    address_order,
    endpoint_ports,
    pod_to_endpoint,
    ports_key,
    should_pod_be_in_endpoints,
    slice_labels,
    slice_prefix,
)
from engine.controllers.servicepods import ServicePodsController

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


class EndpointSliceController(ServicePodsController):
    name = "endpointslice-controller"
    service_account = "endpointslice-controller"
    event_source = "endpoint-slice-controller"
    workers = 5  # --concurrent-service-endpoint-syncs

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.nodes = self.informers.nodes
        self.slices = self.informers.get("endpointslices")
        # By Service key: its uid and the ready pods it was last said to send traffic to, so
        # the story tells each change once.
        self._told: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.trigger_times = TriggerTimeTracker()

    # ---- informer handlers -------------------------------------------------------------------
    def register(self) -> None:
        super().register()
        self.slices.add_handlers(Handlers(on_delete=self._slice_deleted))

    def synced_resources(self) -> tuple[str, ...]:
        return ("services", "pods", "nodes", "endpointslices")

    def _slice_deleted(self, slice_: Obj) -> None:
        """onEndpointSliceDelete: a managed slice deleted by someone else is put back."""
        labels = slice_["metadata"].get("labels") or {}
        if labels.get(MANAGED_BY_LABEL) == CONTROLLER_NAME and labels.get(SERVICE_NAME_LABEL):
            namespace = slice_["metadata"].get("namespace", "")
            self.queue.add(f"{namespace}/{labels[SERVICE_NAME_LABEL]}")

    # ---- sync --------------------------------------------------------------------------------
    def sync(self, key: str) -> Gen:
        """syncService, then reconciler.Reconcile for the IPv4 address type."""
        service = self.services.get(key)
        if service is None:
            # The garbage collector deletes its slices (their owner is gone).
            self._told.pop(key, None)
            self.trigger_times.forget(key)
            return
        spec = service.get("spec") or {}
        if spec.get("type") == "ExternalName" or spec.get("selector") is None:
            return
        yield from self.work()
        pods = [p for p in self.pods_of(service) if should_pod_be_in_endpoints(p, True)]
        desired: dict[tuple, tuple[list[Obj], list[Obj]]] = {}
        for pod in pods:
            ports = endpoint_ports(service, pod)
            node = self.nodes.get((pod.get("spec") or {}).get("nodeName") or "")
            desired.setdefault(ports_key(ports), (ports, []))[1].append(
                pod_to_endpoint(pod, node, service)
            )
        wanted: list[tuple[list[Obj] | None, list[Obj] | None]] = [
            (ports, chunk)
            for ports, endpoints in desired.values()
            for chunk in _chunks(sorted(endpoints, key=address_order))
        ] or [(None, None)]  # the placeholder slice
        trigger = self.trigger_times.compute(key, service, pods)
        yield from self._reconcile(service, self._existing(service), wanted, trigger)
        self._tell(service, pods)

    def _existing(self, service: Obj) -> list[Obj]:
        """The slices this controller manages for the Service, in name order."""
        meta = service["metadata"]
        return sorted(
            (
                s
                for s in self.slices.list()
                if s["metadata"].get("namespace") == meta.get("namespace")
                and (s["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL) == meta["name"]
                and (s["metadata"].get("labels") or {}).get(MANAGED_BY_LABEL) == CONTROLLER_NAME
            ),
            key=lambda s: s["metadata"]["name"],
        )

    def _reconcile(
        self,
        service: Obj,
        existing: list[Obj],
        wanted: list[tuple[list[Obj] | None, list[Obj] | None]],
        trigger: str,
    ) -> Gen:
        """Each wanted (ports, endpoints) reuses an existing slice of the same ports (updated
        only if it differs), or a created one; existing slices left over are deleted."""
        namespace, name = service["metadata"].get("namespace", ""), service["metadata"]["name"]
        spare = list(existing)
        for ports, endpoints in wanted:
            same = next((s for s in spare if ports_key(s.get("ports")) == ports_key(ports)), None)
            if same is not None:
                spare.remove(same)
                labels = slice_labels(service)
                if (
                    same.get("endpoints") == endpoints
                    and same.get("ports") == ports
                    and same["metadata"].get("labels") == labels
                ):
                    continue
                updated = {**same, "endpoints": endpoints, "ports": ports}
                updated["metadata"] = _with_trigger({**same["metadata"], "labels": labels}, trigger)
                self.note(
                    f"Service {name}: EndpointSlice {same['metadata']['name']} now lists "
                    f"{_count(endpoints)}",
                    service,
                )
                path = path_of("endpointslices", namespace, same["metadata"]["name"])
                self.must((yield from self.request("PUT", path, updated)))
                continue
            self.note(
                f"Service {name} has no EndpointSlice for its ports: the EndpointSlice "
                f"controller creates one listing {_count(endpoints)}",
                service,
            )
            body = self._new_slice(service, ports, endpoints)
            body["metadata"] = _with_trigger(body["metadata"], trigger)
            self.must((yield from self.request("POST", path_of("endpointslices", namespace), body)))
        for stale in spare:
            self.note(
                f"Service {name}: EndpointSlice {stale['metadata']['name']} is no longer "
                "needed; the EndpointSlice controller deletes it",
                service,
            )
            path = path_of("endpointslices", namespace, stale["metadata"]["name"])
            response = yield from self.request("DELETE", path)
            if response.code != 404:
                self.must(response)

    def _new_slice(self, service: Obj, ports: list[Obj] | None, endpoints: list | None) -> Obj:
        """newEndpointSlice: generateName `<service>-`, the Service as controller owner."""
        meta = service["metadata"]
        return {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {
                "generateName": slice_prefix(meta["name"]),
                "namespace": meta.get("namespace", ""),
                "labels": slice_labels(service),
                "ownerReferences": [
                    {
                        "apiVersion": "v1",
                        "kind": "Service",
                        "name": meta["name"],
                        "uid": meta["uid"],
                        "controller": True,
                        "blockOwnerDeletion": True,
                    }
                ],
            },
            "addressType": "IPv4",
            "endpoints": endpoints,
            "ports": ports,
        }

    # ---- the story ---------------------------------------------------------------------------
    def _tell(self, service: Obj, pods: list[Obj]) -> None:
        """Say, once per change, which ready pods the Service now sends traffic to."""
        meta = service["metadata"]
        uid = meta.get("uid", "")
        ready = tuple(
            pod["metadata"]["name"]
            for pod in pods
            if pod_to_endpoint(pod, None, service)["conditions"]["ready"]
        )
        told_uid, before = self._told.get(key_of(service), (uid, ()))
        if told_uid != uid:  # deleted and created again since
            before = ()
        if ready == before:
            return
        self._told[key_of(service)] = (uid, ready)
        joined = [p for p in ready if p not in before]
        left = [p for p in before if p not in ready]
        changes = ([f"{_names(joined)} joined"] if joined and before else []) + (
            [f"{_names(left)} left"] if left else []
        )
        if not ready:
            headline = f"Service {meta['name']} has no ready pod to send traffic to"
        elif not before:
            headline = f"Service {meta['name']} now sends traffic to {_pods(len(ready))}: "
            headline += _names(list(ready))
        else:
            headline = f"Service {meta['name']} now sends traffic to {_pods(len(ready))}"
        if changes:
            headline += f" ({'; '.join(changes)})"
        self.milestone(headline, service, None, None, count=len(ready))


def _with_trigger(meta: Obj, trigger: str) -> Obj:
    """addTriggerTimeAnnotation: set, or removed when nothing is known to have changed."""
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k != TRIGGER_TIME}
    if trigger:
        annotations[TRIGGER_TIME] = trigger
    meta = {k: v for k, v in meta.items() if k != "annotations"}
    if annotations:
        meta["annotations"] = annotations
    return meta


def _chunks(endpoints: list[Obj]) -> list[list[Obj]]:
    """At most --max-endpoints-per-slice endpoints in a slice."""
    step = MAX_ENDPOINTS_PER_SLICE
    return [endpoints[i : i + step] for i in range(0, len(endpoints), step)]


def _pods(count: int) -> str:
    return f"{count} pod" if count == 1 else f"{count} pods"


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return f"{shown} and {len(names) - 3} more" if len(names) > 3 else shown


def _count(endpoints: list | None) -> str:
    return "no endpoints yet" if not endpoints else _pods(len(endpoints))
