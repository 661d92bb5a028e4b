"""The default plugins, in the order and with the Score weights of the default profile
(pkg/scheduler/apis/config/v1/default_plugins.go getDefaultPlugins; all enabled through
multiPoint, so each extension point runs them in this order)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.scheduler.framework import Plugin
from engine.scheduler.plugins.balanced_allocation import NodeResourcesBalancedAllocation
from engine.scheduler.plugins.default_binder import DefaultBinder
from engine.scheduler.plugins.default_preemption import DefaultPreemption
from engine.scheduler.plugins.dynamic_resources import DynamicResources
from engine.scheduler.plugins.image_locality import ImageLocality
from engine.scheduler.plugins.inter_pod_affinity import InterPodAffinity
from engine.scheduler.plugins.node_affinity import NodeAffinity
from engine.scheduler.plugins.node_name import NodeName
from engine.scheduler.plugins.node_ports import NodePorts
from engine.scheduler.plugins.node_resources_fit import NodeResourcesFit
from engine.scheduler.plugins.node_unschedulable import NodeUnschedulable
from engine.scheduler.plugins.pod_topology_spread import PodTopologySpread
from engine.scheduler.plugins.queue_sort import PrioritySort
from engine.scheduler.plugins.scheduling_gates import SchedulingGates
from engine.scheduler.plugins.taint_toleration import TaintToleration
from engine.scheduler.plugins.volume_binding import VolumeBinding

if TYPE_CHECKING:
    from engine.scheduler.framework import Handle


def default_plugins(handle: Handle) -> list[tuple[Plugin, int]]:
    """(plugin, Score weight). Of the volume plugins between NodeResourcesFit and
    PodTopologySpread upstream only VolumeBinding is here: VolumeRestrictions,
    NodeVolumeLimits (CSI attach limits) and VolumeZone (zone labels) would always pass."""
    return [
        (SchedulingGates(), 0),
        (PrioritySort(), 0),
        (NodeUnschedulable(handle), 0),
        (NodeName(), 0),
        (TaintToleration(handle), 3),
        (NodeAffinity(), 2),
        (NodePorts(), 0),
        (NodeResourcesFit(), 1),
        (VolumeBinding(handle), 0),
        (PodTopologySpread(handle), 2),
        (InterPodAffinity(handle), 2),
        (DynamicResources(), 0),  # 1.34+: just before DefaultPreemption
        (DefaultPreemption(handle), 0),
        (NodeResourcesBalancedAllocation(), 1),
        (ImageLocality(handle), 1),
        (DefaultBinder(handle), 0),
    ]
