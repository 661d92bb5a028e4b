"""The pod garbage collector (pkg/controller/podgc/gc_controller.go), its orphan pass only.

Every gcCheckPeriod (20 s) it looks for pods bound to a node the informer does not know. Such
a node is quarantined for quarantineTime (40 s, in case the informer is only late), then asked
for by name; if the API server has no such node either, each of its pods is marked Failed with
the condition DisruptionTarget (`DeletionByPodGC`, `PodGC: node no longer exists`, by
server-side apply as field manager `PodGC`) and deleted at once (grace period 0): its kubelet is
gone and will never confirm anything. Its owner (a ReplicaSet, a DaemonSet) then sees it go.

Not simulated: gcTerminated (the --terminated-pod-gc-threshold of 12,500 finished pods),
gcTerminating (pods on out-of-service nodes) and gcUnscheduledTerminating.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.controllers.base import Controller, path_of
from engine.utilruntime import Failure, describe, klog_line, start

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

GC_CHECK_PERIOD = 20.0  # gcCheckPeriod
QUARANTINE_TIME = 40.0  # quarantineTime
FIELD_MANAGER = "PodGC"  # fieldManager
APPLY = {"content-type": "application/apply-patch+yaml"}


class PodGCController(Controller):
    name = "pod-garbage-collector-controller"
    service_account = "pod-garbage-collector"
    event_source = "pod-garbage-collector"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.pods = self.informers.pods
        self.nodes = self.informers.nodes
        self._quarantine: dict[str, float] = {}  # nodeQueue: node name -> when it is due

    def synced_resources(self) -> tuple[str, ...]:
        return ("pods", "nodes")

    def on_synced(self) -> None:
        self.env.process(self._loop(), f"{self.name} gc", background=True)

    def _loop(self) -> Gen:
        """wait.UntilWithContext(gc, gcCheckPeriod); a pass that finds work runs as work."""
        while True:
            yield GC_CHECK_PERIOD
            if not self._orphans_possible():
                continue
            result = yield start(self.env, self.gc_orphaned(), f"{self.name} gcOrphaned")
            if isinstance(result, Failure):
                text = describe(result.error)
                self.errors.handle_error(
                    "gc",
                    klog_line("Error while GC'ing orphaned pods", err=text),
                    error=result.error,
                )

    def _orphans_possible(self) -> bool:
        existing = {n["metadata"]["name"] for n in self.nodes.list()}
        return bool(self._quarantine) or any(
            (p.get("spec") or {}).get("nodeName") not in existing | {None, ""}
            for p in self.pods.list()
        )

    def gc_orphaned(self) -> Gen:
        """gcOrphaned: quarantine unknown nodes, confirm the due ones gone, delete their pods."""
        existing = {n["metadata"]["name"] for n in self.nodes.list()}
        pods = sorted(
            self.pods.list(),
            key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"]),
        )
        for pod in pods:
            node = (pod.get("spec") or {}).get("nodeName") or ""
            if node and node not in existing:
                self._quarantine.setdefault(node, self.now + QUARANTINE_TIME)  # AddAfter
        deleted: set[str] = set()
        for node, due in sorted(self._quarantine.items()):
            if due > self.now:
                continue
            del self._quarantine[node]
            if node in existing:
                continue
            response: Response = yield from self.request("GET", path_of("nodes", "", node))
            if response.code == 404:
                deleted.add(node)
        for pod in pods:
            node = (pod.get("spec") or {}).get("nodeName") or ""
            if node in deleted:
                yield from self._mark_failed_and_delete(pod, node)

    def _mark_failed_and_delete(self, pod: Obj, node: str) -> Gen:
        """markFailedAndDeletePodWithCondition."""
        meta = pod["metadata"]
        namespace, name = meta.get("namespace", ""), meta["name"]
        self.milestone(
            f"The pod garbage collector deletes pod {name}: its node {node} no longer exists, "
            "so no kubelet will ever stop it",
            pod,
            None,
            None,
            node=node,
        )
        if (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
            body = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": name, "namespace": namespace},
                "status": {
                    "phase": "Failed",
                    "conditions": [
                        {
                            "type": "DisruptionTarget",
                            "status": "True",
                            "reason": "DeletionByPodGC",
                            "message": "PodGC: node no longer exists",
                        }
                    ],
                },
            }
            applied: Response = yield from self.request(
                "PATCH",
                path_of("pods", namespace, name, "status"),
                json.dumps(body),
                query={"fieldManager": FIELD_MANAGER, "force": "true"},
                headers=APPLY,
            )
            if not applied.ok:
                return
        yield from self.request(
            "DELETE", path_of("pods", namespace, name), {"gracePeriodSeconds": 0}
        )
