"""Pod workers (pkg/kubelet/pod_workers.go): one worker per pod, so a pod's syncs never overlap.

An update for a pod whose worker is busy is remembered and handled when the current sync ends
(several updates in the meantime become one sync of the latest pod). A pod moves from syncing
to terminating (its containers are being stopped) to terminated (the kubelet is done with it);
it never goes back. Timed re-syncs (a back-off that ends, a retry after an error) are timers,
set only when something is due.

A sync that raises (a pod too malformed to run, a bug) is what upstream's podWorkerLoop calls
a sync error: the kubelet reports it ("Error syncing pod, skipping", once per pod and text) and
syncs the pod again after the back-off period, 10 s (workerBackOffPeriod; upstream adds up to
50% jitter, Podlife does not). Other pods' workers go on as usual.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.sim import Scheduled

if TYPE_CHECKING:
    from engine.node.kubelet import Kubelet

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

BACK_OFF_PERIOD = 10.0  # pod_workers.go workerBackOffPeriod: a failed sync is retried after this


@dataclass
class PodSyncStatus:
    pod: Obj  # the latest version of the pod
    pending: bool = False
    working: bool = False
    terminating: bool = False  # deletion requested, or the pod finished by itself
    terminated: bool = False  # containers stopped and the sandbox torn down
    removed: bool = False  # the pod is gone from the API server
    cleaned: bool = False  # the sandbox and containers are removed from the runtime
    timer_at: float = float("inf")
    timer: Scheduled | None = None  # the pending timed re-sync

    @property
    def uid(self) -> str:
        return str(self.pod["metadata"]["uid"])


class PodWorkers:
    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet
        self.states: dict[str, PodSyncStatus] = {}

    def update_pod(self, pod: Obj, kill: bool = False, removed: bool = False) -> None:
        """UpdatePod: a new version of the pod, or a request to kill it."""
        uid = pod["metadata"]["uid"]
        state = self.states.get(uid)
        if state is None:
            state = self.states[uid] = PodSyncStatus(pod)
        state.pod = pod
        if kill or removed or pod["metadata"].get("deletionTimestamp"):
            state.terminating = True
        if removed:
            state.removed = True
        state.pending = True
        if not state.working:
            state.working = True
            self.kubelet.context.env.process(self._work(state), "pod worker")

    def sync_after(self, uid: str, delay: float) -> None:
        """Sync the pod again after `delay` (keeps only the earliest pending timer)."""
        state = self.states.get(uid)
        if state is None or state.terminated:
            return
        env = self.kubelet.context.env
        when = env.now + delay
        if when >= state.timer_at > env.now:
            return
        if state.timer is not None:
            env.cancel(state.timer)
        state.timer_at = when

        def fire() -> None:
            state.timer = None
            if self.states.get(uid) is state:
                state.timer_at = float("inf")
                if self.kubelet.running:
                    self.update_pod(state.pod)

        # The wait itself is not work: a back-off running out is like a heartbeat.
        state.timer = env.schedule(delay, fire, background=True)

    def forget(self, uid: str) -> None:
        self.states.pop(uid, None)

    def stop_all(self) -> None:
        """The kubelet stops: in-flight syncs finish their current step and go no further."""
        for state in self.states.values():
            state.pending = False
            if state.timer is not None:
                self.kubelet.context.env.cancel(state.timer)
                state.timer = None
            state.timer_at = float("inf")

    def _work(self, state: PodSyncStatus) -> Gen:
        kubelet = self.kubelet
        while state.pending and kubelet.running:
            state.pending = False
            yield kubelet.context.timings.pod_sync_delay
            if not kubelet.running:
                break
            try:
                yield from self._sync(state)
            except Exception as error:
                kubelet.sync_failed(state.pod, error)
                self._retry(state)
        state.working = False

    def _sync(self, state: PodSyncStatus) -> Gen:
        """One pass of podWorkerLoop: sync, or terminate, or clean up, as the pod is."""
        kubelet = self.kubelet
        if not state.terminating:
            terminal = yield from kubelet.sync_pod(state)
            if terminal:
                state.terminating = True
                state.pending = True
            return
        if not state.terminated:
            yield from kubelet.sync_terminating_pod(state)
            yield from kubelet.sync_terminated_pod(state)
            state.terminated = True
        if state.removed and not state.cleaned:
            yield from kubelet.cleanup_pod(state)
            state.cleaned = True
            self.forget(state.uid)

    def _retry(self, state: PodSyncStatus) -> None:
        """completeWork after an error: the pod is synced again after BACK_OFF_PERIOD."""
        if not state.terminated:
            self.sync_after(state.uid, BACK_OFF_PERIOD)
            return
        # Terminated but not cleaned up: sync_after no longer applies; a timer of its own.
        env = self.kubelet.context.env

        def again() -> None:
            if self.states.get(state.uid) is state and self.kubelet.running:
                self.update_pod(state.pod, removed=state.removed)

        env.schedule(BACK_OFF_PERIOD, again, background=True)
