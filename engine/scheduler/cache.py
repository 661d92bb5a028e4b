"""The scheduler cache: a NodeInfo per node, kept up to date from the informers, plus the pods
the scheduler has *assumed* onto a node before the API server confirmed the binding
(pkg/scheduler/backend/cache/cache.go, node_tree.go, snapshot.go).

Upstream copies the changed NodeInfos into a Snapshot at the start of every cycle, because
informer goroutines keep changing the cache while a cycle runs. Here a cycle's filtering and
scoring run within one step of the simulation, so nothing can change under it: the cache is
its own snapshot, and only preemption's "what if" simulations work on clones.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from engine.scheduler.types import NodeInfo, PodInfo, read_node

Obj = dict[str, Any]

ZONE_LABELS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
REGION_LABELS = ("topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region")


def zone_key(node: Obj) -> str:
    """utilnode.GetZoneKey: region and zone, or "" when the node has neither label."""
    labels = (node.get("metadata") or {}).get("labels") or {}
    region = next((labels[k] for k in REGION_LABELS if labels.get(k)), "")
    zone = next((labels[k] for k in ZONE_LABELS if labels.get(k)), "")
    return f"{region}:\x00:{zone}" if region or zone else ""


UNSCHEDULABLE, TAINTED, PREFER_NO_SCHEDULE = "unschedulable", "tainted", "preferNoSchedule"


def _special(info: NodeInfo) -> list[str]:
    kinds = []
    if info.unschedulable:
        kinds.append(UNSCHEDULABLE)
    if info.taints:
        kinds.append(TAINTED)
    if info.prefer_no_schedule_taints:
        kinds.append(PREFER_NO_SCHEDULE)
    return kinds


class NodeTree:
    """Nodes grouped by zone; list() takes one node from each zone in turn, so that the first
    nodes the scheduler tries are spread across zones (node_tree.go)."""

    def __init__(self) -> None:
        self.zones: dict[str, list[str]] = {}
        self.where: dict[str, str] = {}

    def add(self, name: str, zone: str) -> None:
        if name in self.where:
            return
        self.zones.setdefault(zone, []).append(name)
        self.where[name] = zone

    def remove(self, name: str) -> None:
        zone = self.where.pop(name, None)
        if zone is None:
            return
        self.zones[zone].remove(name)
        if not self.zones[zone]:
            del self.zones[zone]

    def update(self, name: str, zone: str) -> None:
        if self.where.get(name) != zone:
            self.remove(name)
            self.add(name, zone)

    def list(self) -> list[str]:
        columns = list(self.zones.values())
        if len(columns) == 1:
            return list(columns[0])
        names: list[str] = []
        for index in range(max((len(c) for c in columns), default=0)):
            names.extend(c[index] for c in columns if index < len(c))
        return names


class Cache:
    def __init__(self) -> None:
        self.nodes: dict[str, NodeInfo] = {}  # includes "ghost" entries for pods on unknown nodes
        self.tree = NodeTree()
        self.pod_states: dict[str, PodInfo] = {}  # uid -> the pod as the cache knows it
        self.assumed: dict[str, bool] = {}  # uid -> binding finished
        self.image_nodes: dict[str, set[str]] = {}  # image name -> nodes that have it
        self.image_size: dict[str, int] = {}  # the largest size any node reported (a bound)
        self.label_keys: Counter[str] = Counter()  # label key -> how many nodes carry it
        # How many nodes are cordoned or tainted: when none are, the plugins that look at
        # them need not visit every node.
        self.special_nodes: Counter[str] = Counter()
        self._list: list[NodeInfo] | None = None
        self._order: dict[str, int] = {}
        self.affinity_pods = 0  # pods with (anti-)affinity, across all nodes
        self.required_anti_affinity_pods = 0

    # ---- the snapshot view -------------------------------------------------------------------
    def node_infos(self) -> list[NodeInfo]:
        """Every node, in node-tree order (Snapshot.NodeInfos().List())."""
        if self._list is None:
            self._list = [self.nodes[name] for name in self.tree.list()]
            self._order = {info.name: i for i, info in enumerate(self._list)}
        return self._list

    def node_order(self) -> dict[str, int]:
        """Each node's position in node_infos()."""
        self.node_infos()
        return self._order

    def get(self, name: str) -> NodeInfo | None:
        info = self.nodes.get(name)
        return info if info is not None and info.node is not None else None

    def num_nodes(self) -> int:
        return len(self.tree.where)

    def have_pods_with_affinity(self) -> list[NodeInfo]:
        if not self.affinity_pods:
            return []
        return [ni for ni in self.node_infos() if ni.pods_with_affinity]

    def have_pods_with_required_anti_affinity(self) -> list[NodeInfo]:
        if not self.required_anti_affinity_pods:
            return []
        return [ni for ni in self.node_infos() if ni.pods_with_required_anti_affinity]

    # ---- nodes -------------------------------------------------------------------------------
    def add_node(self, node: Obj) -> None:
        name = node["metadata"]["name"]
        read = read_node(node)  # may raise (a malformed node): then nothing has changed
        zone = zone_key(node)
        info = self.nodes.get(name)
        if info is None:
            info = self.nodes[name] = NodeInfo(name)
        self._forget_images(info)
        if info.node is not None:
            self.label_keys.subtract(info.labels.keys())
            self.special_nodes.subtract(_special(info))
        info.set_node(node, read)
        self.label_keys.update(info.labels.keys())
        self.special_nodes.update(_special(info))
        self._remember_images(info)
        if self.tree.where.get(name) != zone:
            self.tree.update(name, zone)
            self._list = None  # the NodeInfo objects stay; only membership and order change

    def update_node(self, node: Obj) -> None:
        self.add_node(node)

    def remove_node(self, name: str) -> None:
        info = self.nodes.get(name)
        if info is None:
            return
        self._forget_images(info)
        if info.node is not None:
            self.label_keys.subtract(info.labels.keys())
            self.special_nodes.subtract(_special(info))
        self.tree.remove(name)
        self._list = None
        if info.pods:
            info.node = None  # a ghost: its pods are still accounted until they go
        else:
            del self.nodes[name]

    def _remember_images(self, info: NodeInfo) -> None:
        for image, size in info.images.items():
            self.image_nodes.setdefault(image, set()).add(info.name)
            if size > self.image_size.get(image, 0):
                self.image_size[image] = size

    def _forget_images(self, info: NodeInfo) -> None:
        for image in info.images:
            holders = self.image_nodes.get(image)
            if holders is not None:
                holders.discard(info.name)
                if not holders:
                    del self.image_nodes[image]

    # ---- pods --------------------------------------------------------------------------------
    def _node_for(self, name: str) -> NodeInfo:
        info = self.nodes.get(name)
        if info is None:
            info = self.nodes[name] = NodeInfo(name)
        return info

    def _add(self, pod: PodInfo) -> None:
        self._node_for(pod.node_name).add_pod(pod)
        self.pod_states[pod.uid] = pod
        self.affinity_pods += pod.spec.has_affinity
        self.required_anti_affinity_pods += pod.spec.has_required_anti_affinity

    def _remove(self, pod: PodInfo) -> None:
        info = self.nodes.get(pod.node_name)
        if info is not None:
            info.remove_pod(pod.uid)
            if info.node is None and not info.pods:
                del self.nodes[pod.node_name]
        self.pod_states.pop(pod.uid, None)
        self.affinity_pods -= pod.spec.has_affinity
        self.required_anti_affinity_pods -= pod.spec.has_required_anti_affinity

    def assume_pod(self, pod: PodInfo) -> None:
        """Count the pod on its chosen node now, before the binding is confirmed."""
        if pod.uid in self.pod_states:
            # cache.go AssumePod: the key is the uid, then klog.KObj(pod)
            raise ValueError(f"pod {pod.uid}({pod.key}) is in the cache, so can't be assumed")
        self._add(pod)
        self.assumed[pod.uid] = False

    def finish_binding(self, pod: PodInfo) -> None:
        if pod.uid in self.assumed:
            self.assumed[pod.uid] = True

    def forget_pod(self, pod: PodInfo) -> None:
        """Undo an assume whose binding failed."""
        current = self.pod_states.get(pod.uid)
        if current is not None and pod.uid in self.assumed:
            self._remove(current)
            del self.assumed[pod.uid]

    def is_assumed(self, uid: str) -> bool:
        return uid in self.assumed

    def add_pod(self, pod: PodInfo) -> None:
        """An assigned pod seen by the informer; confirms the pod if it was assumed."""
        current = self.pod_states.get(pod.uid)
        if current is not None:
            self._remove(current)
        self.assumed.pop(pod.uid, None)
        self._add(pod)

    def update_pod(self, pod: PodInfo) -> None:
        current = self.pod_states.get(pod.uid)
        if (
            current is not None
            and current.spec is pod.spec
            and current.node_name == pod.node_name
            and current.label_key == pod.label_key
        ):
            # Only its status changed (the kubelet's reports): nothing to count again, and
            # the node's remembered scores stay valid.
            info = self.nodes[pod.node_name]
            info.pods[pod.uid] = pod
            for index in (info.pods_with_affinity, info.pods_with_required_anti_affinity):
                if pod.uid in index:
                    index[pod.uid] = pod
            self.pod_states[pod.uid] = pod
            self.assumed.pop(pod.uid, None)
            return
        if current is not None:
            self._remove(current)
        self.assumed.pop(pod.uid, None)
        self._add(pod)

    def remove_pod(self, pod: PodInfo) -> None:
        current = self.pod_states.get(pod.uid)
        if current is not None:
            self._remove(current)
        self.assumed.pop(pod.uid, None)
