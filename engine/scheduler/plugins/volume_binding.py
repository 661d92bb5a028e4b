"""VolumeBinding: a pod's PersistentVolumeClaims decide where it may run
(pkg/scheduler/framework/plugins/volumebinding/volume_binding.go and binder.go).

- PreFilter: a claim that does not exist, or is being deleted, or is unbound in an Immediate
  class (the PersistentVolume controller binds those, not the scheduler) keeps the pod
  Pending everywhere; a pod without claims skips the plugin.
- Filter: a bound claim's volume must be reachable from the node (its node affinity); an
  unbound claim of a WaitForFirstConsumer class needs a free volume that fits on the node, or
  a class with a provisioner that can make one there.
- PreBind: for each such claim, the chosen volume is reserved for it (claimRef) or the claim is
  annotated with the node (volume.kubernetes.io/selected-node) for its provisioner; the pod is
  bound once every claim is Bound (checkBindings, polled every second for up to 10 minutes).

Not simulated: Score (capacity scoring is off by default), storage capacity tracking
(CSIStorageCapacity) and the assume cache's rollback of a failed binding.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.scheduler.framework import (
    SKIP,
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    Code,
    CycleState,
    EnqueueExtensions,
    FilterPlugin,
    PreBindPlugin,
    PreFilterPlugin,
    PreFilterResult,
    Status,
)
from engine.scheduler.plugins.pv_helpers import SELECTED_NODE, best_match, node_matches
from engine.scheduler.types import NodeInfo, PodInfo
from engine.volumeutil import storage_class_of

if TYPE_CHECKING:
    from engine.scheduler.framework import Handle

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

STATE_KEY = "PreFilterVolumeBinding"
BIND_TIMEOUT = 600.0  # --bind-timeout-seconds's default (VolumeBindingArgs.BindTimeoutSeconds)
POLL = 1.0  # checkBindings' poll interval
# volume_binding.go's reasons
ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
ERR_REASON_NODE_CONFLICT = "node(s) had volume node affinity conflict"
ERR_REASON_PV_NOT_EXIST = (
    "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
)
ERR_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"
NO_PROVISIONER = "kubernetes.io/no-provisioner"

PVC, PV, STORAGE_CLASS = "PersistentVolumeClaim", "PersistentVolume", "StorageClass"
_ADD_OR_UPDATE = ActionType.ADD | ActionType.UPDATE


@dataclass
class _State:
    bound: list[Obj]  # claims with a volume
    delayed: list[Obj]  # unbound claims of a WaitForFirstConsumer class
    # node name -> what PreBind does for each delayed claim: (claim, volume or None to provision)
    decisions: dict[str, list[tuple[Obj, Obj | None]]] = field(default_factory=dict)


def claim_names(pod: Obj) -> list[str]:
    return [
        str(v["persistentVolumeClaim"].get("claimName", ""))
        for v in (pod.get("spec") or {}).get("volumes") or []
        if isinstance(v, dict) and isinstance(v.get("persistentVolumeClaim"), dict)
    ]


class VolumeBinding(PreFilterPlugin, FilterPlugin, PreBindPlugin, EnqueueExtensions):
    name = "VolumeBinding"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(ClusterEvent(PVC, _ADD_OR_UPDATE)),
            ClusterEventWithHint(ClusterEvent(PV, _ADD_OR_UPDATE)),
            ClusterEventWithHint(ClusterEvent(STORAGE_CLASS, _ADD_OR_UPDATE)),
        ]

    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        names = claim_names(pod.pod)
        if not names:
            return None, SKIP
        bound: list[Obj] = []
        delayed: list[Obj] = []
        for name in names:
            claim = self.handle.claims.get(f"{pod.namespace}/{name}")
            if claim is None:
                reason = f'persistentvolumeclaim "{name}" not found'
                return None, Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, reason)
            if claim["metadata"].get("deletionTimestamp"):
                reason = f'persistentvolumeclaim "{name}" is being deleted'
                return None, Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, reason)
            if (claim.get("spec") or {}).get("volumeName"):
                bound.append(claim)
                continue
            sc = self.handle.storage_classes.get(storage_class_of(claim))
            if (sc or {}).get("volumeBindingMode") != "WaitForFirstConsumer":
                return None, Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_UNBOUND_IMMEDIATE)
            delayed.append(claim)
        state[STATE_KEY] = _State(bound, delayed)
        return None, None

    def filter(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> Status | None:
        found: _State | None = state.get(STATE_KEY)
        if found is None:
            return None
        node = node_info.node
        for claim in found.bound:
            pv = self.handle.volumes.get(claim["spec"]["volumeName"])
            if pv is None:
                return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_PV_NOT_EXIST)
            if not node_matches(pv, node):
                return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_NODE_CONFLICT)
        decisions: list[tuple[Obj, Obj | None]] = []
        taken: set[str] = set()
        volumes = self.handle.volumes.list()
        for claim in found.delayed:
            free = [v for v in volumes if v["metadata"]["name"] not in taken]
            pv = best_match(free, claim, True, node)
            if pv is not None:
                taken.add(pv["metadata"]["name"])
                decisions.append((claim, pv))
                continue
            sc = self.handle.storage_classes.get(storage_class_of(claim)) or {}
            if sc.get("provisioner", NO_PROVISIONER) == NO_PROVISIONER:
                return Status(Code.UNSCHEDULABLE, ERR_REASON_BIND_CONFLICT)
            decisions.append((claim, None))
        found.decisions[node_info.name] = decisions
        return None

    def pre_bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Gen:
        """BindPodVolumes: bindAPIUpdate, then checkBindings until every claim is bound."""
        found: _State | None = state.get(STATE_KEY)
        if found is None or not found.delayed:
            return None
        client = self.handle.client
        for claim, pv in found.decisions.get(node_name, []):
            name = claim["metadata"]["name"]
            if pv is not None:
                body = copy.deepcopy(self.handle.volumes.get(pv["metadata"]["name"]) or pv)
                body["metadata"].setdefault("annotations", {})[
                    "pv.kubernetes.io/bound-by-controller"
                ] = "yes"
                body["spec"]["claimRef"] = {
                    "kind": "PersistentVolumeClaim",
                    "namespace": pod.namespace,
                    "name": name,
                    "uid": claim["metadata"].get("uid", ""),
                    "apiVersion": "v1",
                    "resourceVersion": claim["metadata"].get("resourceVersion", ""),
                }
                path = f"/api/v1/persistentvolumes/{pv['metadata']['name']}"
                what = f"volume {pv['metadata']['name']} on {node_name} is reserved for it"
            else:
                body = copy.deepcopy(self.handle.claims.get(f"{pod.namespace}/{name}") or claim)
                body["metadata"].setdefault("annotations", {})[SELECTED_NODE] = node_name
                path = f"/api/v1/namespaces/{pod.namespace}/persistentvolumeclaims/{name}"
                what = f"its volume is to be made on {node_name}"
            response = yield from client.request("PUT", path, body=body)
            if not response.ok:
                message = (
                    response.body.get("message", "") if isinstance(response.body, dict) else ""
                )
                return Status(Code.ERROR, f"binding volumes: {message}")
            self.handle.context.trace.milestone(
                "scheduler",
                f"Pod {pod.name} will run on {node_name}, so claim {name} (WaitForFirstConsumer) "
                f"can be served now: {what}",
                self.handle.ref(pod),
                None,
                None,
                node=node_name,
            )
        waited = 0.0
        while not all(self._bound(pod.namespace, c) for c, _ in found.decisions.get(node_name, [])):
            if waited >= BIND_TIMEOUT:
                return Status(Code.ERROR, "binding volumes: context deadline exceeded")
            yield POLL
            waited += POLL
        return None

    def _bound(self, namespace: str, claim: Obj) -> bool:
        current = self.handle.claims.get(f"{namespace}/{claim['metadata']['name']}")
        return bool(
            current
            and (current.get("spec") or {}).get("volumeName")
            and (current.get("status") or {}).get("phase") == "Bound"
        )
