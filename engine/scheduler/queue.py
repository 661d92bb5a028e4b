"""The scheduling queue: activeQ, backoffQ and the unschedulable pods
(pkg/scheduler/backend/queue/scheduling_queue.go, active_queue.go, backoff_queue.go).

- activeQ: pods to try now, highest priority first, then oldest (the PrioritySort plugin).
- backoffQ: pods that failed and wait out a penalty of 1 s doubling per attempt up to 10 s,
  rounded to whole seconds (SchedulerPopFromBackoffQ). When activeQ is empty the scheduler takes
  from backoffQ at once rather than idle. Pods that failed with an *error* wait in a separate
  error backoffQ and only come back when their penalty is over.
- unschedulable pods: rejected by some plugins; they stay until a cluster event that one of
  those plugins says may help (its queueing hint says Queue), or 5 minutes pass.

A pod whose attempt failed with an exception (a pod too malformed for a plugin) waits out the
same error back-off, on a timer of its own in the background: it is retried for as long as it
exists, but retrying cannot help until the pod changes, so it does not keep the cluster from
settling. A queueing hint that raises counts as Queue, as upstream treats a hint's error.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.scheduler.framework import (
    UNSCHEDULABLE_TIMEOUT,
    ActionType,
    ClusterEvent,
    QueueingHint,
)
from engine.scheduler.nominator import Nominator
from engine.scheduler.types import PodInfo, QueuedPodInfo
from engine.sim import Environment, Event
from engine.utilruntime import ErrorReporter, describe, klog_line

if TYPE_CHECKING:
    from engine.config import Timings
    from engine.scheduler.runtime import Framework

Gen = Generator[Any, Any, Any]

# scheduling_queue.go: how often leftover unschedulable pods are looked at.
UNSCHEDULABLE_FLUSH_PERIOD = 30.0
BACKOFF_WINDOW = 1.0  # backoffQOrderingWindowDuration: backoff ends on whole seconds

ACTIVE, BACKOFF, ERROR_BACKOFF, UNSCHEDULABLE, IN_FLIGHT = (
    "activeQ",
    "backoffQ",
    "errorBackoffQ",
    "unschedulablePods",
    "inFlight",
)
# queueing strategies (scheduling_queue.go)
SKIP, AFTER_BACKOFF, IMMEDIATELY = 0, 1, 2


def _window(t: float) -> float:
    """Truncate to the backoff window (time.Truncate), tolerant of float sums like 2.9999999."""
    return math.floor(t / BACKOFF_WINDOW + 1e-9) * BACKOFF_WINDOW


class SchedulingQueue:
    def __init__(
        self, env: Environment, framework: Framework, timings: Timings, nominator: Nominator
    ) -> None:
        self.env = env
        self.framework = framework
        self.initial_backoff = timings.pod_initial_backoff
        self.max_backoff = timings.pod_max_backoff
        self.max_in_unschedulable = timings.unschedulable_flush
        self.nominator = nominator
        self.scheduling_cycle = 0
        self.infos: dict[str, QueuedPodInfo] = {}
        self.where: dict[str, str] = {}
        self.unschedulable: dict[str, QueuedPodInfo] = {}  # insertion order: deterministic
        self._active: list[tuple[Any, ...]] = []
        self._backoff: list[tuple[Any, ...]] = []
        self._error_backoff: list[tuple[Any, ...]] = []
        self._entry: dict[str, int] = {}  # uid -> seq of its live heap entry
        self._seq = 0
        self._waiter: Event | None = None
        self._flush_at: float | None = None
        self._in_flight: str | None = None  # the pod in its scheduling cycle
        self._in_flight_events: list[tuple[ClusterEvent, Any, Any]] = []
        self.errors: ErrorReporter | None = None  # the scheduler's, for queueing hints' errors

    def start(self) -> None:
        self.env.process(self._flush_unschedulable_leftover(), "scheduler queue", background=True)

    # ---- what is where -----------------------------------------------------------------------
    def pending_pods(self) -> dict[str, list[str]]:
        """`namespace/name` of the pods in each queue (the /debug/api/v1/pendingpods view)."""
        found: dict[str, list[str]] = {ACTIVE: [], BACKOFF: [], UNSCHEDULABLE: []}
        for uid, where in self.where.items():
            if where in (ACTIVE, UNSCHEDULABLE):
                found[where].append(self.infos[uid].pod_info.key)
            elif where in (BACKOFF, ERROR_BACKOFF):
                found[BACKOFF].append(self.infos[uid].pod_info.key)
        return {name: sorted(keys) for name, keys in found.items()}

    # ---- heaps -------------------------------------------------------------------------------
    def _push(self, heap: list[tuple[Any, ...]], key: tuple[Any, ...], qpi: QueuedPodInfo) -> None:
        self._seq += 1
        self._entry[qpi.uid] = self._seq
        heapq.heappush(heap, (*key, self._seq, qpi.uid))

    def _pop(self, heap: list[tuple[Any, ...]]) -> QueuedPodInfo | None:
        while heap:
            entry = heapq.heappop(heap)
            seq, uid = entry[-2], entry[-1]
            if self._entry.get(uid) == seq:
                del self._entry[uid]
                return self.infos[uid]
        return None

    def _peek(self, heap: list[tuple[Any, ...]]) -> QueuedPodInfo | None:
        while heap:
            seq, uid = heap[0][-2], heap[0][-1]
            if self._entry.get(uid) == seq:
                return self.infos[uid]
            heapq.heappop(heap)
        return None

    def _sort_key(self, qpi: QueuedPodInfo) -> tuple[Any, ...]:
        return self.framework.queue_sort_key(qpi)

    def _place(self, qpi: QueuedPodInfo, where: str) -> None:
        uid = qpi.uid
        self._entry.pop(uid, None)  # any older heap entry is now stale
        self.unschedulable.pop(uid, None)
        self.infos[uid] = qpi
        self.where[uid] = where
        if where == ACTIVE:
            self._push(self._active, self._sort_key(qpi), qpi)
        elif where == BACKOFF:
            self._push(self._backoff, (self._backoff_time(qpi), *self._sort_key(qpi)), qpi)
        elif where == ERROR_BACKOFF and qpi.unexpected_error:
            self._retry_quietly(qpi)
            return
        elif where == ERROR_BACKOFF:
            self._push(self._error_backoff, (self._backoff_time(qpi),), qpi)
        elif where == UNSCHEDULABLE:
            self.unschedulable[uid] = qpi
        if where in (BACKOFF, ERROR_BACKOFF):
            self._schedule_backoff_flush()
        if where in (ACTIVE, BACKOFF):
            self._wake()

    def _remove(self, uid: str) -> QueuedPodInfo | None:
        self._entry.pop(uid, None)
        self.unschedulable.pop(uid, None)
        self.where.pop(uid, None)
        return self.infos.pop(uid, None)

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.triggered:
            self._waiter.succeed()
        self._waiter = None

    # ---- backoff -----------------------------------------------------------------------------
    def _backoff_duration(self, qpi: QueuedPodInfo) -> float:
        if qpi.attempts == 0:
            return 0.0
        duration = self.initial_backoff
        for _ in range(1, qpi.attempts):
            if duration > self.max_backoff - duration:
                return self.max_backoff
            duration += duration
        return duration

    def _backoff_time(self, qpi: QueuedPodInfo) -> float:
        if qpi.attempts == 0:
            return -math.inf
        if qpi.backoff_expiration is None:
            qpi.backoff_expiration = _window(qpi.timestamp + self._backoff_duration(qpi))
        return qpi.backoff_expiration

    def is_backing_off(self, qpi: QueuedPodInfo) -> bool:
        return not self._backoff_time(qpi) < _window(self.env.now)

    def _schedule_backoff_flush(self) -> None:
        """flushBackoffQCompleted runs every whole second while anything is backing off."""
        if self._flush_at is not None:
            return
        tick = _window(self.env.now) + BACKOFF_WINDOW
        self._flush_at = tick
        self.env.schedule(tick - self.env.now, self._flush_backoff_completed)

    def _retry_quietly(self, qpi: QueuedPodInfo) -> None:
        """Back to activeQ at the flush tick after its back-off ends, as flushBackoffQCompleted
        would move it, by a background timer. An `_entry` marks the timer live: placing or
        removing the pod meanwhile makes it stale."""
        self._seq += 1
        seq = self._entry[qpi.uid] = self._seq
        ready_at = self._backoff_time(qpi) + BACKOFF_WINDOW

        def fire() -> None:
            if self._entry.get(qpi.uid) == seq and self.infos.get(qpi.uid) is qpi:
                del self._entry[qpi.uid]
                self._move_to_active(qpi)

        self.env.schedule(max(ready_at - self.env.now, 0.0), fire, background=True)

    def _flush_backoff_completed(self) -> None:
        self._flush_at = None
        for heap in (self._backoff, self._error_backoff):
            while (qpi := self._peek(heap)) is not None and not self.is_backing_off(qpi):
                self._pop(heap)
                self._move_to_active(qpi)
        if self._peek(self._backoff) or self._peek(self._error_backoff):
            self._schedule_backoff_flush()

    # ---- adding and popping ------------------------------------------------------------------
    def _move_to_active(self, qpi: QueuedPodInfo) -> bool:
        """moveToActiveQ: run PreEnqueue first; a gated pod waits with the unschedulable."""
        status = self.framework.run_pre_enqueue_plugins(qpi.pod_info)
        if status is not None:
            qpi.gated = True
            qpi.unschedulable_plugins = {status.plugin}
            self._place(qpi, UNSCHEDULABLE)
            return False
        qpi.gated = False
        self._place(qpi, ACTIVE)
        return True

    def add(self, pod: PodInfo) -> None:
        """A new unscheduled pod."""
        qpi = QueuedPodInfo(pod, self.env.now)
        self._move_to_active(qpi)
        self.nominator.add(pod, None)

    def pop(self) -> Gen:
        """Wait for the next pod to try (a process step)."""
        while True:
            qpi = self._pop(self._active) or self._pop(self._backoff)
            if qpi is not None:
                break
            self._waiter = self.env.event()
            yield self._waiter
        qpi.attempts += 1
        if qpi.initial_attempt_timestamp is None:
            qpi.initial_attempt_timestamp = self.env.now
        qpi.unschedulable_plugins = set()
        qpi.pending_plugins = set()
        qpi.backoff_expiration = None
        qpi.unexpected_error = False
        self.scheduling_cycle += 1
        self.where[qpi.uid] = IN_FLIGHT
        self._in_flight = qpi.uid
        self._in_flight_events = []
        return qpi

    def cycle_done(self) -> None:
        """The scheduling cycle of the in-flight pod is over (the binding cycle may go on)."""
        self._in_flight = None
        self._in_flight_events = []

    def done(self, uid: str) -> None:
        """The pod's attempt is over and it was not put back: forget it."""
        if self.where.get(uid) == IN_FLIGHT:
            self._remove(uid)

    def add_unschedulable_if_not_present(self, qpi: QueuedPodInfo) -> str:
        """A pod that failed its attempt comes back: to activeQ/backoffQ if an event during the
        attempt may already have helped, else to wait for one. Returns where it went."""
        qpi.timestamp = self.env.now
        qpi.backoff_expiration = None
        if qpi.uid == self._in_flight:
            strategy = self._hint_for_in_flight(qpi)
            self.cycle_done()
        else:
            strategy = AFTER_BACKOFF if not qpi.rejector_plugins else SKIP
        return self._requeue(qpi, strategy)

    def _hint_for_in_flight(self, qpi: QueuedPodInfo) -> int:
        if not qpi.rejector_plugins:
            return AFTER_BACKOFF  # an error: retry after the backoff
        best = SKIP
        for event, old, new in self._in_flight_events:
            best = max(best, self._worth_requeuing(qpi, event, old, new))
            if best == IMMEDIATELY:
                break
        return best

    def _requeue(self, qpi: QueuedPodInfo, strategy: int) -> str:
        """requeuePodWithQueueingStrategy."""
        if strategy == SKIP:
            self._place(qpi, UNSCHEDULABLE)
            return UNSCHEDULABLE
        if strategy == AFTER_BACKOFF and self.is_backing_off(qpi):
            self._place(qpi, BACKOFF if qpi.rejector_plugins else ERROR_BACKOFF)
            return BACKOFF
        return ACTIVE if self._move_to_active(qpi) else UNSCHEDULABLE

    # ---- updates from the informers ----------------------------------------------------------
    def update(self, old: PodInfo, new: PodInfo, events: list[ClusterEvent]) -> None:
        """An unscheduled pod changed; `events` says how (PodSchedulingPropertiesChange)."""
        uid = new.uid
        where = self.where.get(uid)
        if where == IN_FLIGHT:
            if uid == self._in_flight:
                self._in_flight_events.extend((e, old, new) for e in events)
            self.infos[uid].pod_info = new
            return
        if where in (ACTIVE, BACKOFF, ERROR_BACKOFF):
            self.infos[uid].pod_info = new
            self.nominator.update(old, new)
            return
        if where == UNSCHEDULABLE:
            qpi = self.unschedulable[uid]
            qpi.pod_info = new
            self.nominator.update(old, new)
            if qpi.gated:
                # Only the pod itself can open its gates: try PreEnqueue again.
                if self.framework.run_pre_enqueue_plugins(new) is None:
                    self._requeue(qpi, AFTER_BACKOFF)
                return
            for event in events:
                strategy = self._worth_requeuing(qpi, event, old, new)
                if strategy != SKIP:
                    self._requeue(qpi, strategy)
                    return
            return
        self.add(new)

    def delete(self, pod: PodInfo) -> None:
        self.nominator.delete(pod)
        if self.where.get(pod.uid) != IN_FLIGHT:
            self._remove(pod.uid)

    def move_all_to_active_or_backoff(self, event: ClusterEvent, old: Any, new: Any) -> None:
        """A cluster event: requeue the unschedulable pods it may help."""
        if not self.framework.is_event_of_interest(event):
            return
        for qpi in list(self.unschedulable.values()):
            if qpi.gated:
                continue
            strategy = self._worth_requeuing(qpi, event, old, new)
            if strategy != SKIP:
                self._requeue(qpi, strategy)
        if self._in_flight is not None:
            self._in_flight_events.append((event, old, new))

    def _worth_requeuing(self, qpi: QueuedPodInfo, event: ClusterEvent, old: Any, new: Any) -> int:
        """isPodWorthRequeuing: ask the queueing hints of the plugins that rejected the pod."""
        rejectors = qpi.rejector_plugins
        if not rejectors:
            return AFTER_BACKOFF
        if event.is_wildcard():
            return AFTER_BACKOFF
        strategy = SKIP
        for plugin, hint in self.framework.hints_for(event):
            if plugin not in rejectors:
                continue
            if hint is not None and self._hint(hint, plugin, qpi, event, old, new) is (
                QueueingHint.QUEUE_SKIP
            ):
                continue
            if plugin in qpi.pending_plugins:
                return IMMEDIATELY
            if not qpi.pending_plugins:
                return AFTER_BACKOFF
            strategy = AFTER_BACKOFF
        return strategy

    def _hint(
        self, hint: Any, plugin: str, qpi: QueuedPodInfo, event: ClusterEvent, old: Any, new: Any
    ) -> QueueingHint:
        try:
            verdict: QueueingHint = hint(qpi.pod_info, old, new)
        except Exception as error:
            # isPodWorthRequeuing: "QueueingHintFn returns error", and the event counts as
            # Queue, so the pod does not stay stuck with the unschedulable ones.
            if self.errors is not None:
                self.errors.handle_error(
                    qpi.pod_info.key,
                    klog_line(
                        "QueueingHintFn returns error",
                        err=describe(error),
                        event=event.label,
                        plugin=plugin,
                        pod=qpi.pod_info.key,
                    ),
                    error=error,
                )
            return QueueingHint.QUEUE
        return verdict

    def _flush_unschedulable_leftover(self) -> Gen:
        """flushUnschedulablePodsLeftover: nobody should wait longer than 5 minutes."""
        while True:
            now = self.env.now
            stale = [
                qpi
                for qpi in self.unschedulable.values()
                if not qpi.gated and now - qpi.timestamp > self.max_in_unschedulable
            ]
            for qpi in stale:
                self._requeue(qpi, self._worth_requeuing(qpi, UNSCHEDULABLE_TIMEOUT, None, None))
            yield UNSCHEDULABLE_FLUSH_PERIOD


def pod_scheduling_properties_change(old: PodInfo, new: PodInfo) -> list[ClusterEvent]:
    """framework.PodSchedulingPropertiesChange: which kinds of update happened to a pod."""
    resource = "AssignedPod" if new.node_name else "UnscheduledPod"
    actions: list[tuple[ActionType, str]] = []
    if old.labels != new.labels:
        actions.append((ActionType.UPDATE_POD_LABEL, "UpdatePodLabel"))
    if _scaled_down(old, new):
        actions.append((ActionType.UPDATE_POD_SCALE_DOWN, "UpdatePodScaleDown"))
    if old.spec.scheduling_gates and not new.spec.scheduling_gates:
        actions.append(
            (
                ActionType.UPDATE_POD_SCHEDULING_GATES_ELIMINATED,
                "UpdatePodSchedulingGatesEliminated",
            )
        )
    if old.spec.tolerations != new.spec.tolerations:
        actions.append((ActionType.UPDATE_POD_TOLERATION, "UpdatePodToleration"))
    if not actions:
        actions.append((ActionType.UPDATE_POD_OTHER, "UpdatePodOther"))
    return [ClusterEvent(resource, action, resource + label) for action, label in actions]


def _scaled_down(old: PodInfo, new: PodInfo) -> bool:
    a, b = old.spec.requests, new.spec.requests
    return (
        b.milli_cpu < a.milli_cpu
        or b.memory < a.memory
        or b.ephemeral_storage < a.ephemeral_storage
        or any(b.scalar.get(name, 0) < value for name, value in a.scalar.items())
    )
