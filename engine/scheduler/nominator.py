"""Which pods are nominated to which node (pkg/scheduler/backend/queue/nominator.go).

A pod that preempted others waits for its victims to go, with status.nominatedNodeName set.
Until it is bound, other pods must not take the room it is waiting for: Filter runs with the
nominated pods of equal or higher priority counted on their node.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.scheduler.framework import MODE_OVERRIDE, NominatingInfo
from engine.scheduler.types import PodInfo


class Nominator:
    def __init__(self, pod_is_pending: Callable[[PodInfo], bool]) -> None:
        self.pod_is_pending = pod_is_pending  # still exists and is not bound (the pod lister)
        self.nominated_pods: dict[str, dict[str, PodInfo]] = {}  # node -> uid -> pod
        self.pod_to_node: dict[str, str] = {}

    def add(self, pod: PodInfo, info: NominatingInfo | None) -> None:
        self.delete(pod)
        if info is not None and info.mode == MODE_OVERRIDE:
            node = info.nominated_node_name
        else:
            node = pod.nominated_node_name
        if not node or not self.pod_is_pending(pod):
            return
        self.pod_to_node[pod.uid] = node
        self.nominated_pods.setdefault(node, {})[pod.uid] = pod

    def delete(self, pod: PodInfo) -> None:
        node = self.pod_to_node.pop(pod.uid, None)
        if node is None:
            return
        pods = self.nominated_pods.get(node, {})
        pods.pop(pod.uid, None)
        if not pods:
            self.nominated_pods.pop(node, None)

    def update(self, old: PodInfo | None, new: PodInfo) -> None:
        """UpdateNominatedPod: keep a nomination the scheduler made even if the update the
        informer delivers does not carry it yet."""
        info = None
        if (
            old is not None
            and old.nominated_node_name == ""
            and new.nominated_node_name == ""
            and new.uid in self.pod_to_node
        ):
            info = NominatingInfo(self.pod_to_node[new.uid], MODE_OVERRIDE)
        self.add(new, info)

    def pods_for_node(self, node: str) -> list[PodInfo]:
        return list(self.nominated_pods.get(node, {}).values())
