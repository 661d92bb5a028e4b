"""Running counts of each ReplicaSet's pods, kept up to date by the pod informer's handlers.

Upstream, syncReplicaSet walks all of a ReplicaSet's pods on every sync. With 10,000 pods and a
sync after every few pod changes that is quadratic, so Podlife keeps the same numbers
incrementally: per owner uid, how many pods there are of each (label set, state). A sync then
reads a handful of buckets instead of every pod; the status it computes is the one upstream's
calculateStatus computes. Pods whose labels no longer match the selector (to be released) and
the availability of pods under minReadySeconds still need the pods themselves; the controller
looks them up by the controller-uid index only in those cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.controllers.informers import controller_ref
from engine.controllers.podutil import is_pod_ready, is_terminal, pod_key

Obj = dict[str, Any]
LabelsKey = tuple[tuple[str, str], ...]

ACTIVE_READY = "active-ready"
ACTIVE = "active"
TERMINATING = "terminating"
FINISHED = "finished"


def state_of(pod: Obj) -> str:
    if is_terminal(pod):
        return FINISHED
    if pod["metadata"].get("deletionTimestamp"):
        return TERMINATING
    return ACTIVE_READY if is_pod_ready(pod) else ACTIVE


def labels_key(pod: Obj) -> LabelsKey:
    return tuple(sorted((pod["metadata"].get("labels") or {}).items()))


@dataclass
class PodTally:
    """Per owner uid: {(labels, state): count}."""

    buckets: dict[str, dict[tuple[LabelsKey, str], int]] = field(default_factory=dict)
    _counted: dict[str, tuple[str, tuple[LabelsKey, str]]] = field(default_factory=dict)

    def observe(self, pod: Obj | None, key: str) -> None:
        """Replace what was counted for pod `key` with `pod` (None: the pod is gone)."""
        previous = self._counted.pop(key, None)
        if previous is not None:
            owner, bucket = previous
            counts = self.buckets[owner]
            counts[bucket] -= 1
            if not counts[bucket]:
                del counts[bucket]
                if not counts:
                    del self.buckets[owner]
        if pod is None:
            return
        ref = controller_ref(pod)
        if ref is None or not ref.get("uid"):
            return
        bucket = (labels_key(pod), state_of(pod))
        counts = self.buckets.setdefault(ref["uid"], {})
        counts[bucket] = counts.get(bucket, 0) + 1
        self._counted[key] = (ref["uid"], bucket)

    def add(self, pod: Obj) -> None:
        self.observe(pod, pod_key(pod))

    def remove(self, pod: Obj) -> None:
        self.observe(None, pod_key(pod))

    def owner_of(self, key: str) -> str | None:
        counted = self._counted.get(key)
        return counted[0] if counted else None

    def of(self, owner_uid: str) -> dict[tuple[LabelsKey, str], int]:
        return self.buckets.get(owner_uid, {})
