"""The kubelet of one node (pkg/kubelet/kubelet.go).

It watches the pods bound to its node, admits them, and hands each to its pod worker, which
syncs it: generate the status, ask the runtime (through kuberuntime_manager) to create the
sandbox and start containers, and report through the status manager. The sync loop
(`sync_loop_iteration`) dispatches what arrives: pod additions, updates and removals from the
API server, container deaths from the runtime (PLEG), probe results, and timed re-syncs.

Besides pods it keeps the node alive in the API: it renews its Lease and reports node status.

`fail()` stops the kubelet (containers keep running, as on a real node whose kubelet died);
`recover()` brings it back, and it reconciles what happened meanwhile; `stop()` removes the
node's machine altogether. `crash_container()` is the UI's "crash container" button.

An error on one pod (a pod too malformed to admit or run) is that pod's sync error: reported
once (`errors`, the `error` trace event and a log record on `podlife.engine.kubelet.<node>`)
and retried after the pod worker's back-off; the kubelet's other pods and its heartbeats go on.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine import timeutil
from engine.client.informer import Handlers, key_of
from engine.client.record import EventRecorder
from engine.client.rest import RestClient
from engine.node.admission import admit, pod_requests
from engine.node.backoff import Backoff
from engine.node.config_manager import ConfigManager, blocked_headline
from engine.node.cri import RUNNING, Container, Sandbox
from engine.node.images import ImageManager
from engine.node.kuberuntime_manager import KubeRuntimeManager
from engine.node.logs import NodeRegistry
from engine.node.node_status import NodeLease, NodeStatusReporter
from engine.node.pod_source import new_source_apiserver
from engine.node.pod_status import TERMINAL, ProbeView, StartFailure, generate_api_pod_status
from engine.node.pod_workers import BACK_OFF_PERIOD, PodSyncStatus, PodWorkers
from engine.node.prober import ProbeManager
from engine.node.runtime import ContainerRuntime
from engine.node.status_manager import StatusManager
from engine.node.volumes import CLAIM, VolumeManager, failed_mount_message
from engine.sim import Process, Scheduled
from engine.trace import Step, ref_of
from engine.utilruntime import ErrorReporter, describe, klog_line, quote

if TYPE_CHECKING:
    from engine.context import Context

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

ERROR_RESYNC = BACK_OFF_PERIOD  # pod_workers backOffPeriod: a failed sync is retried after this
# What of a pod, when it changes, the kubelet acts on (status-only changes are its own echo).
_WATCHED_META = ("deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations")


class Kubelet:
    def __init__(self, context: Context, node_name: str) -> None:
        self.context = context
        self.node_name = node_name
        self.id = f"kubelet/{node_name}"
        self.client = RestClient(
            context,
            self.id,
            f"system:node:{node_name}",
            ("system:nodes", "system:authenticated"),
            Step.RUN,
        )
        self.recorder = EventRecorder(self.client, "kubelet", host=node_name)
        self.errors = ErrorReporter(context.trace, self.id, Step.RUN, lambda: context.env.now)
        self.runtime = ContainerRuntime(context, node_name)
        self.pods = new_source_apiserver(self.client, node_name)
        self.pod_workers = PodWorkers(self)
        self.status_manager = StatusManager(self)
        self.probes = ProbeManager(self)
        self.images = ImageManager(self)
        self.runtime_manager = KubeRuntimeManager(self)
        self.config = ConfigManager(self.client)
        self.volumes = VolumeManager(self)
        self._told: dict[str, set[str]] = {}  # by pod uid: causes its story has told
        timings = context.timings
        self.crash_backoff = Backoff(
            timings.crash_backoff_initial, timings.crash_backoff_max, timings.crash_backoff_reset
        )
        self.reasons: dict[str, dict[str, StartFailure]] = {}  # reasonCache, by pod uid
        self.lease = NodeLease(self)
        self.node_status = NodeStatusReporter(self)
        self.node: Obj | None = None
        self.host_ip = ""
        self.allocatable: dict[str, str] = {}
        self.admitted: set[str] = set()
        self._requests: dict[str, dict[str, int]] = {}  # by pod uid: its spec never changes
        self.running = False
        self.stopped = False
        # What runs for this life of the kubelet, which fail() stops: its start-up, lease and
        # node status processes, and the admissions it is to retry.
        self._processes: list[Process] = []
        self._retries: list[Scheduled] = []
        self._wired = False

    # ---- life cycle ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start the kubelet: learn its node, then lease, node status, and the pod watch."""
        if self.running or self.stopped:
            return
        NodeRegistry.of(self.context).register(self)
        if not self._wired:
            self._wired = True
            self.pods.add_handlers(
                Handlers(on_add=self._on_add, on_update=self._on_update, on_delete=self._on_delete)
            )
            self.runtime.listeners.append(self._on_pleg)
            self.probes.on_change = self._on_probe_result
        self.running = True
        self._run(self._startup(True), f"kubelet {self.node_name}")

    def fail(self) -> None:
        """The kubelet process dies: no more heartbeats, syncs or status. Containers go on."""
        if not self.running:
            return
        self.running = False
        for process in self._processes:
            process.stop()
        for retry in self._retries:
            self.context.env.cancel(retry)
        self._processes, self._retries = [], []
        self.pods.stop()
        self.pod_workers.stop_all()
        self.probes.stop_all()
        self.images = ImageManager(self)  # its queue of pulls dies with the process
        self.lease.lease = None

    def recover(self) -> None:
        """The kubelet comes back: heartbeats resume and it reconciles its pods."""
        if self.running or self.stopped:
            return
        self.running = True
        self.node_status.force = True
        self.node_event("Normal", "Starting", "Starting kubelet.")
        self._run(self._startup(False), f"kubelet {self.node_name}")

    def last_heard(self) -> float:
        """When the API server last heard from this kubelet: its last Lease renewal."""
        lease = self.lease.lease
        if lease is None:
            return self.context.env.now
        return timeutil.parse_rfc3339(lease["spec"]["renewTime"])

    def stop(self) -> None:
        """The node's machine goes away (node removal): kubelet, runtime and containers."""
        self.fail()
        self.stopped = True
        self.runtime.shutdown()
        NodeRegistry.of(self.context).unregister(self)

    def _run(self, generator: Gen, name: str, background: bool = False) -> None:
        self._processes.append(self.context.env.process(generator, name, background))

    def _startup(self, first: bool) -> Gen:
        env = self.context.env
        # Shielded: if the kubelet fails while the GET is on its way, the GET is answered and
        # start-up ends there.
        got = yield from env.shielded(
            self.client.request("GET", f"/api/v1/nodes/{self.node_name}", step=Step.OTHER)
        )
        if got.ok:
            try:
                self._learn_node(got.body)
            except Exception as error:
                # A node too malformed to read: keep the defaults and go on heart-beating.
                self.node_status_failed(f"error getting node {quote(self.node_name)}", error)
        self._run(self.lease.run(), "node lease", background=True)
        self._run(self.node_status.run(not first), "node status", background=True)
        synced = self.pods.start()
        yield synced
        if first:
            return
        self.status_manager.resync_all()
        self.handle_pod_cleanups()
        self.handle_pod_syncs(self.pods.list())

    def _learn_node(self, node: Obj) -> None:
        self.node = node
        status = node.get("status") or {}
        addresses = status.get("addresses") or []
        self.host_ip = next(
            (a["address"] for a in addresses if a.get("type") == "InternalIP"), self.host_ip
        )
        self.allocatable = dict(status.get("allocatable") or status.get("capacity") or {})
        try:
            self.runtime.cpus = max(1, int(float(self.allocatable.get("cpu", "4"))))
        except ValueError:
            self.runtime.cpus = 4
        self.runtime.cni.configure((node.get("spec") or {}).get("podCIDR", ""))

    # ---- the sync loop -------------------------------------------------------------------------
    def sync_loop_iteration(self, source: str, pods: list[Obj]) -> None:
        """syncLoopIteration: one thing arrived; hand it to the right handler."""
        if not self.running:
            return
        if source == "ADD":
            self.handle_pod_additions(pods)
        elif source == "UPDATE":
            self.handle_pod_updates(pods)
        elif source == "REMOVE":
            self.handle_pod_removes(pods)
        else:  # PLEG, PROBE, SYNC: something about the pod changed on the node
            self.handle_pod_syncs(pods)

    def _on_add(self, pod: Obj) -> None:
        self.sync_loop_iteration("ADD", [pod])

    def _on_update(self, old: Obj, new: Obj) -> None:
        if old.get("spec") != new.get("spec") or any(
            old["metadata"].get(k) != new["metadata"].get(k) for k in _WATCHED_META
        ):
            self.sync_loop_iteration("UPDATE", [new])

    def _on_delete(self, pod: Obj) -> None:
        self.sync_loop_iteration("REMOVE", [pod])

    def _on_pleg(self, pod_uid: str, kind: str, container_id: str) -> None:
        # ContainerStarted comes from this kubelet's own sync, which reports it when it ends.
        if kind != "ContainerDied" or not self.running:
            return
        self.probes.remove_container(container_id)
        state = self.pod_workers.states.get(pod_uid)
        if state is not None:
            self.sync_loop_iteration("PLEG", [self._latest(state)])

    def _on_probe_result(self, pod: Obj) -> None:
        state = self.pod_workers.states.get(pod["metadata"]["uid"])
        if state is not None:
            self.sync_loop_iteration("PROBE", [self._latest(state)])

    # ---- handlers ----------------------------------------------------------------------------
    def handle_pod_additions(self, pods: list[Obj]) -> None:
        for pod in sorted(pods, key=lambda p: p["metadata"].get("creationTimestamp", "")):
            uid = pod["metadata"]["uid"]
            if uid in self.pod_workers.states:
                self.pod_workers.update_pod(pod)
                continue
            if (pod.get("status") or {}).get(
                "phase"
            ) in TERMINAL and not self.runtime.pod_containers(uid):
                continue  # finished before this kubelet knew it: nothing to run
            if uid not in self.admitted:
                try:
                    rejection = admit(pod, self._active_pods(), self.allocatable, self._requests_of)
                except Exception as error:
                    self.sync_failed(pod, error)
                    self._retry_addition(pod)
                    continue
                if rejection is not None:
                    self.reject_pod(pod, *rejection)
                    continue
                self.admitted.add(uid)
                self.milestone(
                    f"The kubelet on {self.node_name} sees pod {pod['metadata']['name']} "
                    "assigned to its node, admits it and starts working on it",
                    pod,
                    node=self.node_name,
                )
            self.pod_workers.update_pod(pod)

    def _retry_addition(self, pod: Obj) -> None:
        """Admission raised on this pod: try it again after the pod workers' back-off."""
        uid, key = pod["metadata"]["uid"], key_of(pod)

        def again() -> None:
            self._retries.remove(retry)
            current = self.pods.get(key)
            if (
                current is not None
                and current["metadata"].get("uid") == uid
                and uid not in self.admitted
                and uid not in self.pod_workers.states
            ):
                self.handle_pod_additions([current])

        retry = self.context.env.schedule(BACK_OFF_PERIOD, again, background=True)
        self._retries.append(retry)

    def sync_failed(self, pod: Obj, error: Exception) -> None:
        """podWorkerLoop: klog.ErrorS(err, "Error syncing pod, skipping", "pod", klog.KObj(pod),
        "podUID", pod.UID), once per pod and error text."""
        text = describe(error)
        meta = pod.get("metadata") or {}
        key = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
        self.errors.handle_error(
            key,
            klog_line(
                "Error syncing pod, skipping", err=text, pod=key, podUID=str(meta.get("uid", ""))
            ),
            error=error,
            obj=ref_of(pod),
            data={"error": text},
        )

    def node_status_failed(self, what: str, error: Exception) -> None:
        """kubelet_node_status.go updateNodeStatus: "Error updating node status, will retry"."""
        text = f"{what}: {describe(error)}" if what else describe(error)
        self.errors.handle_error(
            self.node_name,
            klog_line("Error updating node status, will retry", err=text),
            error=error,
            data={"error": text},
        )

    def handle_pod_updates(self, pods: list[Obj]) -> None:
        for pod in pods:
            if pod["metadata"]["uid"] in self.pod_workers.states:
                self.pod_workers.update_pod(pod)

    def handle_pod_removes(self, pods: list[Obj]) -> None:
        for pod in pods:
            uid = pod["metadata"]["uid"]
            if uid in self.pod_workers.states or self.runtime.has_pod(uid):
                self.pod_workers.update_pod(pod, removed=True)
            else:
                self.status_manager.forget(uid)
                self.admitted.discard(uid)
            self.errors.forget(key_of(pod))

    def handle_pod_syncs(self, pods: list[Obj]) -> None:
        for pod in pods:
            if pod["metadata"]["uid"] in self.pod_workers.states:
                self.pod_workers.update_pod(pod)
            else:
                self.handle_pod_additions([pod])

    def handle_pod_cleanups(self) -> None:
        """HandlePodCleanups: kill what runs for pods the API server no longer has."""
        known = {p["metadata"]["uid"] for p in self.pods.list()} | set(self.pod_workers.states)
        for uid in sorted(self.runtime.pod_uids() - known):
            sandboxes = self.runtime.pod_sandboxes(uid)
            if not sandboxes:
                continue
            ref = sandboxes[0].pod
            orphan = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": ref.name, "namespace": ref.namespace, "uid": uid},
                "spec": {"containers": [], "terminationGracePeriodSeconds": 30},
            }
            self.pod_workers.update_pod(orphan, removed=True)

    def reject_pod(self, pod: Obj, reason: str, message: str) -> None:
        """rejectPod: the pod does not fit; it fails without ever running."""
        self.event(pod, "Warning", reason, message)
        status = dict(pod.get("status") or {})
        status.update(
            {"phase": "Failed", "reason": reason, "message": "Pod was rejected: " + message}
        )
        status.setdefault("startTime", _stamp(self.context.env.now))
        self.status_manager.set_pod_status(pod, status)

    def _requests_of(self, pod: Obj) -> dict[str, int]:
        uid = pod["metadata"]["uid"]
        found = self._requests.get(uid)
        if found is None:
            found = self._requests[uid] = pod_requests(pod)
        return found

    def _active_pods(self) -> list[Obj]:
        active = []
        for pod in self.pods.list():
            uid = pod["metadata"]["uid"]
            state = self.pod_workers.states.get(uid)
            if uid not in self.admitted or (state is not None and state.terminated):
                continue
            status = self.status_manager.get_pod_status(uid) or pod.get("status") or {}
            if status.get("phase") not in TERMINAL:
                active.append(pod)
        return active

    # ---- pod worker steps ----------------------------------------------------------------------
    def sync_pod(self, state: PodSyncStatus) -> Gen:
        """syncPod: report status, then make the runtime match the spec. True if terminal."""
        pod = self._latest(state)
        uid = pod["metadata"]["uid"]
        sandboxes, containers = self.runtime.pod_sandboxes(uid), self.runtime.pod_containers(uid)
        status = self._generate(pod, sandboxes, containers, False)
        self.status_manager.set_pod_status(pod, status)
        if status["phase"] in TERMINAL:
            return True
        self._ensure_probes(pod, containers)
        mounted = yield from self._wait_for_mount(pod)
        if not mounted or not self.running:
            return False
        result = yield from self.runtime_manager.sync_pod(pod, sandboxes, containers)
        if not self.running:
            return False
        cache = self.reasons.setdefault(uid, {})
        for name in result.started:
            cache.pop(name, None)
        cache.update(result.failures)
        containers = self.runtime.pod_containers(uid)
        self._ensure_probes(pod, containers)
        if result.changed or result.failures:
            # Report what this sync did right away, a crash back-off too: the container turns
            # from terminated (the status this sync began with, which still goes out as its
            # own patch) to waiting CrashLoopBackOff for the whole back-off window.
            self.status_manager.set_pod_status(
                pod,
                self._generate(pod, self.runtime.pod_sandboxes(uid), containers, False),
                separate=result.crash_backoff_until is not None,
            )
        now = self.context.env.now
        if result.crash_backoff_until is not None:
            # Sync again when the back-off ends (and meanwhile every 10 s, as the pod worker
            # retries a failed sync: each retry repeats the BackOff event).
            self.pod_workers.sync_after(
                uid, min(result.crash_backoff_until - now + 1e-6, ERROR_RESYNC)
            )
        if result.retry:
            self.pod_workers.sync_after(uid, ERROR_RESYNC)
        init = {c["name"] for c in pod["spec"].get("initContainers") or []}
        if init.intersection(result.started):
            # The next step (the next init container, or the app once a sidecar is up) is the
            # next sync's, which upstream's PLEG ContainerStarted event would trigger.
            state.pending = True
        return False

    def _wait_for_mount(self, pod: Obj) -> Gen:
        """WaitForAttachAndMount: False while a volume cannot be set up (FailedMount, retried
        after the volume manager's back-off); the pod stays ContainerCreating meanwhile."""
        failed = yield from self.volumes.mount(pod)
        for volume, error in failed:
            self.event(pod, "Warning", "FailedMount", failed_mount_message(volume, error, failed))
            who = f"its volume {volume}"
            headline = blocked_headline(pod, who, error)
            if error.kind == CLAIM and not error.missing:
                headline = (
                    f"Pod {pod['metadata']['name']} waits for its claim {error.name}: {error}"
                )
            self.milestone_once(f"{who}: {error}", headline, pod, node=self.node_name)
        uid = pod["metadata"]["uid"]
        if failed:
            self.pod_workers.sync_after(uid, self.volumes.retry_delay(uid))
        for claim, pv in self.volumes.claims.get(uid, {}).values():
            claim_name, pv_name = claim["metadata"]["name"], pv["metadata"]["name"]
            self.milestone_once(
                f"mounted claim {claim_name}",
                f"The kubelet on {self.node_name} mounts volume {pv_name} (claim {claim_name}) "
                f"into pod {pod['metadata']['name']}",
                pod,
                node=self.node_name,
            )
        return not failed

    def sync_terminating_pod(self, state: PodSyncStatus) -> Gen:
        """syncTerminatingPod: stop the containers (grace period, then SIGKILL), the sandbox."""
        pod = self._latest(state)
        uid = pod["metadata"]["uid"]
        sandboxes, containers = self.runtime.pod_sandboxes(uid), self.runtime.pod_containers(uid)
        if not state.removed:
            self.status_manager.set_pod_status(
                pod, self._generate(pod, sandboxes, containers, False)
            )
        override = None
        if state.removed and pod["metadata"].get("deletionGracePeriodSeconds") is None:
            override = 0  # force-deleted: the shortest grace the runtime allows
        yield from self.runtime_manager.kill_pod(pod, containers, sandboxes, override)
        if not state.removed and self.running:
            self.status_manager.set_pod_status(
                pod,
                self._generate(
                    pod, self.runtime.pod_sandboxes(uid), self.runtime.pod_containers(uid), True
                ),
            )

    def sync_terminated_pod(self, state: PodSyncStatus) -> Gen:
        """syncTerminatedPod: the pod is done here; the status manager may delete it."""
        self.probes.remove_pod(state.uid)
        if not state.removed:
            self.status_manager.terminate_pod(self._latest(state))
        yield 0

    def cleanup_pod(self, state: PodSyncStatus) -> Gen:
        """Garbage collection of a pod gone from the API: remove its sandbox and containers."""
        uid = state.uid
        for sandbox in self.runtime.pod_sandboxes(uid):
            yield from self.runtime.remove_pod_sandbox(self.id, sandbox.id)
        self.status_manager.forget(uid)
        self.reasons.pop(uid, None)
        self.admitted.discard(uid)
        self._requests.pop(uid, None)
        self.volumes.forget(uid)
        self._told.pop(uid, None)
        # HandlePodCleanups: back-off entries nobody has touched for a while go too
        self.crash_backoff.gc(self.context.env.now)
        self.images.backoff.gc(self.context.env.now)

    # ---- helpers -------------------------------------------------------------------------------
    def should_abort(self, pod: Obj) -> bool:
        """Whether a sync of this pod should stop: the kubelet died or the pod is being
        killed (upstream cancels the sync's context)."""
        if not self.running:
            return True
        state = self.pod_workers.states.get(pod["metadata"]["uid"])
        return state is not None and state.terminating

    def pod(self, namespace: str, name: str) -> Obj | None:
        return self.pods.get(f"{namespace}/{name}")

    def _latest(self, state: PodSyncStatus) -> Obj:
        current = self.pods.get(key_of(state.pod))
        if current is not None and current["metadata"].get("uid") == state.uid:
            state.pod = current
        return state.pod

    def _generate(
        self, pod: Obj, sandboxes: list[Sandbox], containers: list[Container], terminal: bool
    ) -> Obj:
        uid = pod["metadata"]["uid"]
        old = self.status_manager.get_pod_status(uid) or pod.get("status") or {}
        return generate_api_pod_status(
            pod,
            sandboxes,
            containers,
            old,
            self.reasons.get(uid, {}),
            ProbeView(self.probes.ready, self.probes.started),
            self.host_ip,
            terminal,
            self.context.env.now,
        )

    def _ensure_probes(self, pod: Obj, containers: list[Container]) -> None:
        specs = {c["name"]: c for c in pod["spec"].get("containers") or []}
        specs.update({c["name"]: c for c in pod["spec"].get("initContainers") or []})
        for container in containers:
            spec = specs.get(container.name)
            if spec is not None and container.state == RUNNING:
                self.probes.ensure_workers(pod, container, spec)

    def field_path(self, pod: Obj, container: str) -> str:
        init = {c["name"] for c in pod["spec"].get("initContainers") or []}
        return (
            f"spec.initContainers{{{container}}}"
            if container in init
            else (f"spec.containers{{{container}}}")
        )

    def event(self, pod: Obj, type_: str, reason: str, message: str, field_path: str = "") -> None:
        if self.running:
            self.recorder.event(pod, type_, reason, message, field_path=field_path)

    def milestone(self, headline: str, pod: Obj, number: int = 4, **data: Any) -> None:
        """A step of the pod's story on this node (4: it runs; 5: it is reported Running)."""
        if self.running:
            self.context.trace.milestone(self.id, headline, ref_of(pod), number, 5, **data)

    def milestone_once(
        self, cause: str, headline: str, pod: Obj, number: int = 4, **data: Any
    ) -> None:
        """A milestone told once per pod and cause, however often the kubelet retries."""
        told = self._told.setdefault(pod["metadata"]["uid"], set())
        if cause not in told and self.running:
            told.add(cause)
            self.milestone(headline, pod, number, **data)

    def node_event(self, type_: str, reason: str, message: str) -> None:
        # The kubelet's node reference uses the node name as uid (kubelet.go nodeRef).
        ref = {"kind": "Node", "metadata": {"name": self.node_name, "uid": self.node_name}}
        self.recorder.event(ref, type_, reason, message)

    # ---- the UI's buttons ----------------------------------------------------------------------
    def crash_container(self, pod_key: str, container: str = "") -> bool:
        """Make a running container's main process die (exit code 1, reason Error). Without
        a container name, the pod's first container. False if nothing was running."""
        pod = self.pods.get(pod_key)
        if pod is None or not self.runtime.alive:
            return False
        if not container:
            container = (pod["spec"].get("containers") or [{}])[0].get("name", "")
        for candidate in self.runtime.pod_containers(pod["metadata"]["uid"]):
            if candidate.name == container and candidate.state == RUNNING:
                return self.runtime.crash(candidate.id)
        return False


def _stamp(now: float) -> str:
    from engine import timeutil

    return timeutil.rfc3339(now)
