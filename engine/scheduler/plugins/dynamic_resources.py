"""DynamicResources: allocates ResourceClaims (DRA, on by default since 1.34)
(plugins/dynamicresources/dynamicresources.go).

Podlife has no ResourceClaim API, so no pod ever references a claim: PreFilter records that and
skips, and PostFilter says there is nothing to deallocate. That PostFilter message is why real
1.34+ clusters print `no new claims to deallocate, preemption: ...` in FailedScheduling events,
so the plugin stays in the profile to keep the messages faithful.
"""

from __future__ import annotations

from engine.scheduler.framework import (
    SKIP,
    Code,
    CycleState,
    FilterPlugin,
    NodeToStatus,
    PostFilterPlugin,
    PostFilterResult,
    PreFilterPlugin,
    PreFilterResult,
    Status,
)
from engine.scheduler.types import NodeInfo, PodInfo

STATE_KEY = "DynamicResources"


class DynamicResources(PreFilterPlugin, FilterPlugin, PostFilterPlugin):
    name = "DynamicResources"

    def filter(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> Status | None:
        return None  # never called: PreFilter always skips

    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        state[STATE_KEY] = []  # the pod's claims: none
        return None, SKIP

    def post_filter(
        self, state: CycleState, pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[PostFilterResult | None, Status]:
        return None, Status(Code.UNSCHEDULABLE, "no new claims to deallocate")
