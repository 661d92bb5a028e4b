"""DefaultBinder: bind the pod by POSTing a Binding to pods/<name>/binding
(plugins/defaultbinder/default_binder.go). The API server sets spec.nodeName and
PodScheduled=True in one write."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.scheduler.framework import BindPlugin, Code, CycleState, Status
from engine.scheduler.types import PodInfo

if TYPE_CHECKING:
    from engine.scheduler.framework import Handle

Gen = Generator[Any, Any, Any]


class DefaultBinder(BindPlugin):
    name = "DefaultBinder"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    def bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Gen:
        binding = {
            "apiVersion": "v1",
            "kind": "Binding",
            "metadata": {"name": pod.name, "namespace": pod.namespace, "uid": pod.uid},
            "target": {"kind": "Node", "name": node_name},
        }
        response = yield from self.handle.client.request(
            "POST", f"/api/v1/namespaces/{pod.namespace}/pods/{pod.name}/binding", body=binding
        )
        if not response.ok:
            message = response.body.get("message", "") if isinstance(response.body, dict) else ""
            return Status(Code.ERROR, message)
        return None
