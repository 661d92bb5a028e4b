"""PrioritySort: the order of activeQ (plugins/queuesort/priority_sort.go).

Higher spec.priority first; among equals, the pod that entered the queue first.
"""

from __future__ import annotations

from typing import Any

from engine.scheduler.framework import QueueSortPlugin
from engine.scheduler.types import QueuedPodInfo


class PrioritySort(QueueSortPlugin):
    name = "PrioritySort"

    def less(self, a: QueuedPodInfo, b: QueuedPodInfo) -> bool:
        pa, pb = a.pod_info.priority, b.pod_info.priority
        return pa > pb or (pa == pb and a.timestamp < b.timestamp)

    def sort_key(self, qpi: QueuedPodInfo) -> tuple[Any, ...]:
        """The same order as less(), as a heap key."""
        return (-qpi.pod_info.priority, qpi.timestamp)
