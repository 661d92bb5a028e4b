"""Pods: pkg/registry/core/pod/strategy.go and the subresources of pod/storage/storage.go
(BindingREST, LogREST, ExecREST); eviction.go (EvictionREST) is eviction.py."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from engine.apimachinery import errors
from engine.apiserver import admission, decoding, limitranger, memo, tables
from engine.apiserver.registry import store
from engine.apiserver.registry.core import eviction
from engine.apiserver.registry.scheduling.priorityclass import priority_classes
from engine.apiserver.registry.strategy import (
    Obj,
    Strategy,
    SubresourceHandler,
    generic_fields,
    text,
)
from engine.apiserver.request import Request, ResourcePath, Response
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.pod import (
    validate_pod_create,
    validate_pod_status_update,
    validate_pod_update,
)
from engine.trace import owner_of

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

    Gen = store.Gen


def _success() -> dict[str, Any]:
    """The Status a successful binding answers."""
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}


def bind(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    """POST pods/<name>/binding: set spec.nodeName and PodScheduled=True in one write.

    pkg/registry/core/pod/storage/storage.go BindingREST.setPodNodeAndMetadata.
    """
    binding = decoding.decode_body(req, None)
    node = (binding.get("target") or {}).get("name", "")

    def assign(old: dict[str, Any]) -> dict[str, Any]:
        name = target.name
        if old["metadata"].get("deletionTimestamp"):
            raise errors.conflict(
                "pods/binding", name, f"pod {name} is being deleted, cannot be assigned to a host"
            )
        if old["spec"].get("nodeName"):
            raise errors.conflict(
                "pods/binding",
                name,
                f"pod {name} is already assigned to node {errors.quote(old['spec']['nodeName'])}",
            )
        # Copies only the maps it changes; the rest is shared with `old` (see
        # store.guaranteed_update).
        new = dict(old)
        new["spec"] = dict(old["spec"])
        new["spec"]["nodeName"] = node
        status = new["status"] = dict(old["status"]) if "status" in old else {}
        conditions = [c for c in status.get("conditions", []) if c["type"] != "PodScheduled"]
        conditions.append(
            {
                "type": "PodScheduled",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": memo.rfc3339(api.env.now),
            }
        )
        status["conditions"] = conditions
        return new

    response: Response = yield from store.guaranteed_update(api, req, target, assign, "")
    return Response(201, _success()) if response.ok else response


def logs(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    """GET pods/<name>/log: the kubelet's answer for one container (LogREST)."""
    pod = yield from store.read(api, req, target)
    containers = [c["name"] for c in pod["spec"].get("containers", [])]
    container = req.query.get("container") or (containers[0] if len(containers) == 1 else "")
    if not container:
        raise errors.bad_request(
            f"a container name must be specified for pod {target.name}, choose one of: "
            f"[{' '.join(containers)}]"
        )
    if container not in containers:
        raise errors.bad_request(f"container {container} is not valid for pod {target.name}")
    if not pod["spec"].get("nodeName"):
        # pkg/registry/core/pod/strategy.go LogLocation: a pod not yet assigned to a node
        # has an empty log location, and the API server streams nothing (200, no body).
        return Response(200, "", content_type="text/plain")
    if api.read_logs is None:
        raise errors.bad_request(f"pod {target.name} does not have a host assigned")
    return Response(200, api.read_logs(pod, container, req.query), content_type="text/plain")


def exec_(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    """GET or POST pods/<name>/exec (the connect verb): ExecREST.Connect — the pod's exec
    location (pkg/registry/core/pod/strategy.go ExecLocation, streamLocation), then the
    kubelet on its node starts the process. 101: the connection is upgraded and streams."""
    pod = yield from store.read(api, req, target)
    spec = pod["spec"]
    containers = [c["name"] for c in spec.get("containers", [])]
    inits = [c["name"] for c in spec.get("initContainers") or []]
    container = str(req.query.get("container") or "")
    if not container:
        if len(containers) != 1:
            text = (
                f"a container name must be specified for pod {target.name}, choose one of: "
                f"[{' '.join(containers)}]"
            )
            raise errors.bad_request(
                text + (f" or one of the init containers: [{' '.join(inits)}]" if inits else "")
            )
        container = containers[0]
    if container not in containers + inits:
        raise errors.bad_request(f"container {container} is not valid for pod {target.name}")
    if not spec.get("nodeName"):
        raise errors.bad_request(f"pod {target.name} does not have a host assigned")
    given: str | list[str] = req.query.get("command") or []
    command = [given] if isinstance(given, str) else [str(word) for word in given]
    if not command:
        raise errors.bad_request("you must specify at least 1 command")
    if api.exec_in is None:
        raise errors.bad_request(f"pod {target.name} does not have a host assigned")
    try:
        session = api.exec_in(pod, container, command, _flag(req, "tty"), _flag(req, "stdin"))
    except errors.BackendError as refusal:  # the kubelet's answer, passed on as it is
        return Response(refusal.code, refusal.text, content_type="text/plain")
    return Response(101, None, stream=session)


def _flag(req: Request, name: str) -> bool:
    value = req.query.get(name, "")
    return isinstance(value, str) and value.lower() in ("true", "1")


class PodStrategy(Strategy):
    resource_name = "pods"
    printer = tables.POD
    generation = True
    return_deleted_object = True
    watch_index = "spec.nodeName"  # every kubelet watches its own node's pods
    field_labels = (
        "metadata.name",
        "metadata.namespace",
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.podIPs",
        "status.nominatedNodeName",
    )
    subresources: ClassVar[Mapping[tuple[str, str], SubresourceHandler]] = {
        ("binding", "create"): bind,
        ("eviction", "create"): eviction.evict,
        ("log", "get"): logs,
        ("exec", "get"): exec_,
        ("exec", "create"): exec_,
    }

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        obj["status"] = {}  # admission then sets phase Pending and qosClass

    def admit(self, api: APIServer, obj: dict[str, Any]) -> list[str]:
        namespace = obj["metadata"].get("namespace", "")

        def account_of(name: str) -> dict[str, Any] | None:
            kv = api.etcd.get(f"/registry/serviceaccounts/{namespace}/{name}")
            if kv is not None:
                return json.loads(kv.value)
            # No namespace: NamespaceLifecycle answers (after validation, here).
            return {} if api.etcd.get(f"/registry/namespaces/{namespace}") is None else None

        def class_of(name: str) -> dict[str, Any] | None:
            if name:
                kv = api.etcd.get(f"/registry/priorityclasses/{name}")
                return json.loads(kv.value) if kv is not None else None
            # getDefaultPriority: the globalDefault class of the lowest value.
            defaults = [c for c in priority_classes(api) if c.get("globalDefault")]
            return min(defaults, key=lambda c: c.get("value", 0)) if defaults else None

        return limitranger.admit(api, obj) + admission.admit_pod_create(
            obj,
            api.rng,
            account_of=account_of,
            class_of=class_of,
            toleration_seconds=api.timings.default_toleration_seconds,
        )

    def admit_validating(self, api: APIServer, req: Request, obj: dict[str, Any]) -> None:
        limitranger.validate(api, req, obj, "pods", self.resource.ref_of(obj))

    def prepare_for_update(
        self, new: dict[str, Any], old: dict[str, Any], subresource: str
    ) -> None:
        if subresource == "binding":
            return  # BindingREST writes nodeName and the PodScheduled condition as they are
        super().prepare_for_update(new, old, subresource)

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_pod_create(obj) if old is None else validate_pod_update(obj, old)

    def validate_status_update(self, obj: dict[str, Any], old: dict[str, Any]) -> Errors:
        return validate_pod_status_update(obj, old)

    def stored_story(self, obj: dict[str, Any]) -> str:
        return ": Pending, not on a node yet"

    def deleted_story(self, obj: dict[str, Any], at_once: bool) -> str:
        """Replaced by its controller, or gone for good: the lesson of self-healing. A pod
        that was already Terminating on a node and leaves etcd at once was force-deleted:
        nobody waited for its kubelet to say its containers stopped."""
        owner = owner_of(obj)
        node = (obj.get("spec") or {}).get("nodeName")
        if at_once and node and (obj.get("metadata") or {}).get("deletionTimestamp"):
            replaced = f"; its {owner.kind} had already replaced it" if owner else ""
            return (
                f" without waiting for the kubelet on {node} to confirm its containers stopped "
                f"(a force delete): if {node} is only cut off, they may still be running "
                f"there{replaced}"
            )
        if owner is None:
            return "; nothing owns it, so nothing will replace it"
        return f"; its {owner.kind} {owner.name} will make a new one"

    def graceful_delete_seconds(self, obj: dict[str, Any], requested: int | None) -> int:
        """CheckGracefulDelete: an unscheduled or finished pod goes at once; a negative
        request means 1."""
        spec, status = obj.get("spec", {}), obj.get("status", {})
        grace = (
            requested if requested is not None else spec.get("terminationGracePeriodSeconds", 30)
        )
        if not spec.get("nodeName") or status.get("phase") in ("Failed", "Succeeded"):
            return 0
        return 1 if grace < 0 else grace

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        """PodToSelectableFields."""
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        ips = [text(entry.get("ip")) for entry in status.get("podIPs") or []]
        return {
            **generic_fields(obj),
            "spec.nodeName": text(spec.get("nodeName")),
            "spec.restartPolicy": text(spec.get("restartPolicy")),
            "spec.schedulerName": text(spec.get("schedulerName")),
            "spec.serviceAccountName": text(spec.get("serviceAccountName")),
            "spec.hostNetwork": "true" if spec.get("hostNetwork") else "false",
            "status.phase": text(status.get("phase")),
            # status.podIP is the first of podIPs, not the podIP field.
            "status.podIP": ips[0] if ips else "",
            "status.podIPs": ",".join(ips),
            "status.nominatedNodeName": text(status.get("nominatedNodeName")),
        }
