"""The node lifecycle controller (pkg/controller/nodelifecycle/node_lifecycle_controller.go).

Every node_monitor_period it checks each node's heartbeat: the kubelet renews its Lease
`kube-node-lease/<node>` every 10 s (and posts status now and then). A node not heard from for
node_monitor_grace_period gets its conditions set to Unknown (`NodeStatusUnknown`,
`Kubelet stopped posting node status.`), an event `NodeNotReady`, and its pods Ready=False. On
the next pass the node is queued for the NoExecute taint `node.kubernetes.io/unreachable`
(`not-ready` when the kubelet itself reports Ready=False), rate-limited per zone
(--node-eviction-rate 0.1/s); the taint-eviction controller then evicts its pods. NoSchedule
taints mirror the conditions as soon as they change. A node heard from again gets its NoExecute
taints removed; the kubelet sets Ready=True itself.

Zones: if every node of every zone is unhealthy, the controller assumes the problem is its own
(or the network's), removes the NoExecute taints and stops tainting ("master disruption mode");
a zone with more than 2 and at least 55% of its nodes unhealthy slows tainting down (to 0 in
clusters of 50 nodes or fewer).
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from engine import timeutil
from engine.apiserver.request import Response
from engine.client.informer import Handlers
from engine.client.workqueue import WorkQueue
from engine.controllers import nodeutil
from engine.controllers.base import Controller, SyncError, path_of
from engine.controllers.informers import NODE_NAME
from engine.controllers.podutil import get_condition
from engine.trace import ObjectRef, object_ref
from engine.utilruntime import Failure, describe, klog_line, start

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

EVICTION_LIMITER_QPS = 0.1  # --node-eviction-rate
SECONDARY_EVICTION_LIMITER_QPS = 0.01  # --secondary-node-eviction-rate
LARGE_CLUSTER_SIZE_THRESHOLD = 50  # --large-cluster-size-threshold
UNHEALTHY_ZONE_THRESHOLD = 0.55  # --unhealthy-zone-threshold
NODE_STARTUP_GRACE_PERIOD = 60.0  # --node-startup-grace-period

NORMAL, FULL_DISRUPTION, PARTIAL_DISRUPTION, INITIAL = (
    "Normal",
    "FullDisruption",
    "PartialDisruption",
    "Initial",
)

# nodeConditionToTaintKeyStatusMap
CONDITION_TAINTS = {
    "Ready": {"False": nodeutil.NOT_READY, "Unknown": nodeutil.UNREACHABLE},
    "MemoryPressure": {"True": "node.kubernetes.io/memory-pressure"},
    "DiskPressure": {"True": "node.kubernetes.io/disk-pressure"},
    "NetworkUnavailable": {"True": "node.kubernetes.io/network-unavailable"},
    "PIDPressure": {"True": "node.kubernetes.io/pid-pressure"},
}
CONDITION_TAINT_KEYS = {
    key for by_status in CONDITION_TAINTS.values() for key in by_status.values()
}
UNREACHABLE_NO_EXECUTE = nodeutil.taint(nodeutil.UNREACHABLE, "NoExecute")
NOT_READY_NO_EXECUTE = nodeutil.taint(nodeutil.NOT_READY, "NoExecute")


@dataclass
class NodeHealth:
    """nodeHealthData."""

    probe_timestamp: float
    ready_transition_timestamp: float
    ready: Obj | None  # the Ready condition last seen
    lease_renew: float | None = None


class TaintQueue:
    """RateLimitedTimedQueue for one zone: nodes waiting for their NoExecute taint, let through
    at `qps` (token bucket, burst 1). A node stays "known" after it is processed so it is not
    queued again, until it is removed (it became reachable)."""

    def __init__(self, qps: float, now: float) -> None:
        self.qps = qps
        self.tokens = 1.0
        self.last = now
        self.queue: list[str] = []
        self.members: dict[str, None] = {}

    def add(self, name: str) -> bool:
        if name in self.members:
            return False
        self.members[name] = None
        self.queue.append(name)
        return True

    def remove(self, name: str) -> bool:
        self.queue = [n for n in self.queue if n != name]
        return self.members.pop(name, "absent") is None

    def swap_limiter(self, qps: float, now: float) -> None:
        if qps != self.qps:
            self.qps = qps
            self.tokens = min(self.tokens, 1.0)
            self.last = now

    def try_accept(self, now: float) -> bool:
        if self.qps <= 0:
            return False  # NewFakeNeverRateLimiter
        self.tokens = min(1.0, self.tokens + (now - self.last) * self.qps)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class NodeLifecycleController(Controller):
    name = "node-lifecycle-controller"
    service_account = "node-controller"
    event_source = "node-controller"
    workers = 8  # nodeUpdateWorkerSize: the NoSchedule tainting pass
    kind = "Node"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.nodes = self.informers.nodes
        self.pods = self.informers.pods
        self.leases = self.informers.leases
        self.pod_queue = WorkQueue(self.env, "node_lifecycle_controller_pods")
        self.health: dict[str, NodeHealth] = {}
        self.known: dict[str, Obj] = {}
        self.zone_states: dict[str, str] = {}
        self.tainters: dict[str, TaintQueue] = {}
        timings = self.context.timings
        self.monitor_period = timings.node_monitor_period
        self.grace_period = timings.node_monitor_grace_period

    def register(self) -> None:
        self.nodes.add_handlers(
            Handlers(
                on_add=lambda node: self.queue.add(node["metadata"]["name"]),
                on_update=lambda _old, node: self.queue.add(node["metadata"]["name"]),
            )
        )
        self.pods.add_handlers(
            Handlers(on_add=lambda pod: self._pod_updated(None, pod), on_update=self._pod_updated)
        )
        self.leases.add_handlers(Handlers())  # read in the monitor, not on every renewal

    def synced_resources(self) -> tuple[str, ...]:
        return ("nodes", "pods", "leases")

    def on_synced(self) -> None:
        for i in range(4):  # podUpdateWorkerSize
            self.env.process(self._pod_worker(), f"{self.name} pod worker {i}")
        self.env.process(self._monitor_loop(), f"{self.name} monitor", background=True)

    # ---- NoSchedule taints follow the conditions -----------------------------------------------
    def error_line(self, key: str, error: str) -> str:
        # doNodeProcessingPassWorker. Upstream does not requeue (a TODO); Podlife retries the
        # node with back-off like every other queue (and a node update queues it anyway).
        return klog_line("Failed to taint NoSchedule on node, requeue it", err=error, node=key)

    def sync(self, key: str) -> Gen:
        """doNoScheduleTaintingPass for one node."""
        node = self.nodes.get(key)
        if node is None:
            return
        yield from self.work()
        wanted = []
        for condition in (node.get("status") or {}).get("conditions") or ():
            key_for = CONDITION_TAINTS.get(condition.get("type", ""), {}).get(
                condition.get("status", "")
            )
            if key_for:
                wanted.append(nodeutil.taint(key_for, "NoSchedule"))
        if (node.get("spec") or {}).get("unschedulable"):
            wanted.append(nodeutil.taint(nodeutil.UNSCHEDULABLE, "NoSchedule"))
        present = [
            t
            for t in nodeutil.taints_of(node)
            if t.get("effect") == "NoSchedule"
            and (t.get("key") == nodeutil.UNSCHEDULABLE or t.get("key") in CONDITION_TAINT_KEYS)
        ]
        to_add = [t for t in wanted if not nodeutil.taint_exists(present, t)]
        to_remove = [t for t in present if not nodeutil.taint_exists(wanted, t)]
        if not to_add and not to_remove:
            return
        self.note(
            f"Node {key}: conditions say NoSchedule taints "
            f"{_keys(wanted) or 'none'}; adding {_keys(to_add) or 'none'}, "
            f"removing {_keys(to_remove) or 'none'}",
            ObjectRef(kind="Node", name=key),
        )
        yield from nodeutil.swap_taints(self, key, to_add, to_remove, node)

    # ---- pods scheduled onto a node that is not ready ------------------------------------------
    def _pod_updated(self, old: Obj | None, pod: Obj) -> None:
        node = pod.get("spec", {}).get("nodeName", "")
        if node and (old is None or old.get("spec", {}).get("nodeName") != node):
            meta = pod["metadata"]
            self.pod_queue.add(f"{meta.get('namespace', '')}/{meta['name']}")

    def _pod_worker(self) -> Gen:
        while True:
            key = yield from self.pod_queue.get()
            try:
                yield from self._process_pod(key)
            except SyncError:
                self.pod_queue.add_rate_limited(key)
            except Exception as error:
                # processPod: "Unable to mark pod NotReady on node", then AddRateLimited.
                pod = self.pods.get(key) or {}
                node = str((pod.get("spec") or {}).get("nodeName", ""))
                line = klog_line(
                    "Unable to mark pod NotReady on node", pod=key, node=node, err=describe(error)
                )
                namespace, _, name = key.partition("/")
                self.handle_unexpected(
                    key, error, self.pod_queue, line, object_ref("Pod", name, namespace)
                )
            else:
                self.pod_queue.forget(key)
            self.pod_queue.done(key)

    def _process_pod(self, key: str) -> Gen:
        """processPod: a pod bound to a node that is not Ready is marked NotReady at once."""
        pod = self.pods.get(key)
        if pod is None:
            return
        node_name = pod["spec"].get("nodeName", "")
        health = self.health.get(node_name)
        if health is None or health.ready is None:
            return
        if health.ready.get("status") != "True":
            yield from nodeutil.mark_pods_not_ready(self, [pod], node_name)

    # ---- the monitor -------------------------------------------------------------------------
    def _monitor_loop(self) -> Gen:
        """wait.Until(monitorNodeHealth, nodeMonitorPeriod). The loop is housekeeping; each pass
        runs as ordinary work, so the cluster settles only once a pass has finished."""
        while True:
            result = yield start(
                self.env, self.monitor_node_health(), f"{self.name} monitorNodeHealth"
            )
            if isinstance(result, Failure):
                # Run: wait.Until(monitorNodeHealth); its error is logged, the next pass comes.
                text = describe(result.error)
                self.errors.handle_error(
                    "monitorNodeHealth",
                    klog_line("Error monitoring node health", err=text),
                    error=result.error,
                    data={"error": text},
                )
            yield self.monitor_period

    def monitor_node_health(self) -> Gen:
        nodes = self.nodes.list()
        current_names = {n["metadata"]["name"] for n in nodes}
        for node in nodes:
            name = node["metadata"]["name"]
            if name not in self.known:
                self.known[name] = node
                try:
                    yield from self._register(node, name)
                except Exception as error:
                    self._node_failed(name, error)
        for name in [n for n in self.known if n not in current_names]:
            gone = self.known.pop(name)
            nodeutil.record_node_event(
                self, gone, "RemovingNode", f"Removing Node {name} from Controller"
            )
            self.health.pop(name, None)
            for tainter in self.tainters.values():
                tainter.remove(name)
        zone_conditions: dict[str, list[Obj | None]] = {}
        for node in nodes:
            name = node["metadata"]["name"]
            try:
                zone = nodeutil.zone_key(node)
                current = yield from self._update_node(node, name)
            except Exception as error:
                # One node's error skips that node: its health is not judged this pass.
                self._node_failed(name, error)
                continue
            zone_conditions.setdefault(zone, []).append(current)
        yield from self.handle_disruption(zone_conditions, nodes)
        yield from self.do_no_execute_tainting_pass()

    def _register(self, node: Obj, name: str) -> Gen:
        """A node seen for the first time: its event, its zone's tainter, no NoExecute taints."""
        nodeutil.record_node_event(
            self, node, "RegisteredNode", f"Registered Node {name} in Controller"
        )
        zone = nodeutil.zone_key(node)
        if zone not in self.tainters:
            self.tainters[zone] = TaintQueue(EVICTION_LIMITER_QPS, self.now)
            self.zone_states.setdefault(zone, INITIAL)
        yield from self.mark_node_as_reachable(node)

    def _update_node(self, node: Obj, name: str) -> Gen:
        """One node's part of the pass: its health, taint-based eviction, NotReady pods.
        Returns its Ready condition as now written (None if it never had one)."""
        observed, current = yield from self.try_update_node_health(node)
        if current is None:
            return None
        yield from self.process_taint_base_eviction(node, observed)
        if current.get("status") != "True" and observed.get("status") == "True":
            nodeutil.record_node_status_change(self, node, "NodeNotReady")
            pods = self.pods.by_index(NODE_NAME, name)
            yield from nodeutil.mark_pods_not_ready(self, pods, name)
        return current

    def _node_failed(self, name: str, error: Exception) -> None:
        # monitorNodeHealth's updateNodeFunc: the node is skipped for this pass.
        text = describe(error)
        self.errors.handle_error(
            name,
            klog_line(
                "Update health of Node from Controller error, Skipping - no pods will be evicted",
                err=text,
                node=name,
            ),
            error=error,
            obj=self.ref_for(name),
            data={"error": text},
        )

    def try_update_node_health(self, node: Obj) -> Gen:
        """tryUpdateNodeHealth: (the Ready condition as observed, as now written)."""
        name = node["metadata"]["name"]
        now = self.now
        current = get_condition(node, "Ready")
        health = self.health.get(name)
        if current is None:
            # The kubelet never posted status: a fake Unknown from the node's creation.
            created = timeutil.parse_rfc3339(node["metadata"]["creationTimestamp"])
            observed: Obj = {
                "type": "Ready",
                "status": "Unknown",
                "lastHeartbeatTime": node["metadata"]["creationTimestamp"],
                "lastTransitionTime": node["metadata"]["creationTimestamp"],
            }
            grace = NODE_STARTUP_GRACE_PERIOD
            if health is None:
                health = NodeHealth(created, created, None)
            health.ready = None
        else:
            observed = dict(current)
            grace = self.grace_period
            if health is None:
                health = NodeHealth(now, now, dict(current))  # "Assuming now as a timestamp"
            elif health.ready is None:
                health = NodeHealth(now, now, dict(current))
            elif health.ready.get("lastHeartbeatTime") != current.get("lastHeartbeatTime"):
                transition = (
                    now
                    if health.ready.get("lastTransitionTime") != current.get("lastTransitionTime")
                    else health.ready_transition_timestamp
                )
                health = NodeHealth(now, transition, dict(current), health.lease_renew)
        lease = self.leases.get(f"kube-node-lease/{name}")
        renew = _renew_time(lease)
        if renew is not None and (health.lease_renew is None or health.lease_renew < renew):
            # A renewed Lease is a heartbeat: the node is alive.
            health.lease_renew = renew
            health.probe_timestamp = now
        self.health[name] = health
        if now <= health.probe_timestamp + grace:
            return observed, current
        updated = copy.deepcopy(node)
        conditions = updated.setdefault("status", {}).setdefault("conditions", [])
        stamp = timeutil.rfc3339(now)
        for kind in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure"):
            condition = next((c for c in conditions if c.get("type") == kind), None)
            if condition is None:
                conditions.append(
                    {
                        "type": kind,
                        "status": "Unknown",
                        "lastHeartbeatTime": node["metadata"]["creationTimestamp"],
                        "lastTransitionTime": stamp,
                        "reason": "NodeStatusNeverUpdated",
                        "message": "Kubelet never posted node status.",
                    }
                )
            elif condition.get("status") != "Unknown":
                condition.update(
                    {
                        "status": "Unknown",
                        "reason": "NodeStatusUnknown",
                        "message": "Kubelet stopped posting node status.",
                        "lastTransitionTime": stamp,
                    }
                )
        new_ready = next(c for c in conditions if c.get("type") == "Ready")
        if new_ready == observed:
            return observed, current
        silent = now - health.probe_timestamp
        self.note(
            f"Node {name}: no heartbeat (Lease renewal or status) for {silent:.0f}s, more than "
            f"the grace period {grace:.0f}s: conditions Unknown",
            ObjectRef(kind="Node", name=name),
            silentFor=round(silent, 3),
            gracePeriod=grace,
        )
        self.milestone(
            f"Node {name} has not been heard from for {silent:.0f} s (the grace period is "
            f"{grace:.0f} s): the node lifecycle controller marks it NotReady (status Unknown)",
            ObjectRef(kind="Node", name=name),
            None,
            None,
            node=name,
        )
        response: Response = yield from self.request(
            "PUT", path_of("nodes", "", name, "status"), updated
        )
        if not response.ok:
            return observed, current
        self.health[name] = NodeHealth(health.probe_timestamp, now, dict(new_ready), renew)
        return observed, dict(new_ready)

    def process_taint_base_eviction(self, node: Obj, observed: Obj) -> Gen:
        """processTaintBaseEviction: queue an unhealthy node for its NoExecute taint (or swap
        not-ready and unreachable at once); a healthy one loses them."""
        name = node["metadata"]["name"]
        taints = nodeutil.taints_of(node)
        status = observed.get("status")
        if status == "False":
            if nodeutil.taint_exists(taints, UNREACHABLE_NO_EXECUTE):
                yield from nodeutil.swap_taints(
                    self, name, [NOT_READY_NO_EXECUTE], [UNREACHABLE_NO_EXECUTE], node
                )
            else:
                self.mark_node_for_tainting(node, status)
        elif status == "Unknown":
            if nodeutil.taint_exists(taints, NOT_READY_NO_EXECUTE):
                yield from nodeutil.swap_taints(
                    self, name, [UNREACHABLE_NO_EXECUTE], [NOT_READY_NO_EXECUTE], node
                )
            else:
                self.mark_node_for_tainting(node, status)
        elif status == "True":
            yield from self.mark_node_as_reachable(node)

    def mark_node_for_tainting(self, node: Obj, status: str) -> bool:
        tainter = self._tainter(node)
        taints = nodeutil.taints_of(node)
        wanted = NOT_READY_NO_EXECUTE if status == "False" else UNREACHABLE_NO_EXECUTE
        if not nodeutil.taint_exists(taints, wanted):
            tainter.remove(node["metadata"]["name"])
        return tainter.add(node["metadata"]["name"])

    def mark_node_as_reachable(self, node: Obj) -> Gen:
        name = node["metadata"]["name"]
        if any(
            nodeutil.taint_exists(nodeutil.taints_of(node), t)
            for t in (UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE)
        ):
            self.note(
                f"Node {name} is reachable: removing its NoExecute taints",
                ObjectRef(kind="Node", name=name),
            )
            self.milestone(
                f"Node {name} is heard from again: the node lifecycle controller removes its "
                "NoExecute taint",
                ObjectRef(kind="Node", name=name),
                None,
                None,
                node=name,
            )
        yield from nodeutil.remove_taints(
            self, node, name, [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE]
        )
        self._tainter(node).remove(name)

    def _tainter(self, node: Obj) -> TaintQueue:
        zone = nodeutil.zone_key(node)
        if zone not in self.tainters:
            self.tainters[zone] = TaintQueue(EVICTION_LIMITER_QPS, self.now)
        return self.tainters[zone]

    def do_no_execute_tainting_pass(self) -> Gen:
        """doNoExecuteTaintingPass: let queued nodes through each zone's rate limiter."""
        for zone in sorted(self.tainters):
            tainter = self.tainters[zone]
            while tainter.queue and tainter.try_accept(self.now):
                name = tainter.queue.pop(0)
                node = self.nodes.get(name)
                if node is None:
                    continue
                ready = get_condition(node, "Ready")
                status = ready.get("status") if ready else None
                if status == "False":
                    to_add, opposite = NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE
                elif status == "Unknown":
                    to_add, opposite = UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE
                else:
                    continue  # ready again: no taint needed
                self.note(
                    f"Node {name} is Ready={status}: tainting it {to_add['key']}:NoExecute",
                    ObjectRef(kind="Node", name=name),
                )
                self.milestone(
                    f"The node lifecycle controller taints {name} {to_add['key']}:NoExecute: "
                    "its pods are evicted once their toleration of it runs out ("
                    f"{self.context.timings.default_toleration_seconds} s by default)",
                    ObjectRef(kind="Node", name=name),
                    None,
                    None,
                    node=name,
                    deadline=round(self.now + self.context.timings.default_toleration_seconds, 6),
                )
                yield from nodeutil.swap_taints(self, name, [to_add], [opposite], node)

    def handle_disruption(
        self, zone_conditions: dict[str, list[Obj | None]], nodes: list[Obj]
    ) -> Gen:
        """handleDisruption: zone states, and the eviction rate each implies."""
        new_states: dict[str, str] = {}
        all_fully_disrupted = True
        for zone, conditions in zone_conditions.items():
            state = _zone_state(conditions)
            if state != FULL_DISRUPTION:
                all_fully_disrupted = False
            new_states[zone] = state
            self.zone_states.setdefault(zone, INITIAL)
        all_were_fully_disrupted = True
        for zone in list(self.zone_states):
            if zone not in zone_conditions:
                del self.zone_states[zone]
                continue
            if self.zone_states[zone] != FULL_DISRUPTION:
                all_were_fully_disrupted = False
        if all_fully_disrupted and all_were_fully_disrupted:
            return
        if all_fully_disrupted:
            self.note(
                "Controller detected that all Nodes are not-Ready. Entering master disruption "
                "mode: no NoExecute taints, no evictions",
            )
            for node in nodes:
                yield from self.mark_node_as_reachable(node)
            for zone in self.zone_states:
                self.tainters[zone].swap_limiter(0, self.now)
                self.zone_states[zone] = FULL_DISRUPTION
            return
        if all_were_fully_disrupted:
            self.note(
                "Controller detected that some Nodes are Ready. Exiting master disruption mode"
            )
            for node in nodes:
                health = self.health.get(node["metadata"]["name"])
                if health is not None:
                    health.probe_timestamp = self.now
                    health.ready_transition_timestamp = self.now
            for zone in self.zone_states:
                self._set_limiter(zone, len(zone_conditions[zone]), new_states[zone])
                self.zone_states[zone] = new_states[zone]
            return
        for zone, state in self.zone_states.items():
            if state == new_states[zone]:
                continue
            self._set_limiter(zone, len(zone_conditions[zone]), new_states[zone])
            self.zone_states[zone] = new_states[zone]

    def _set_limiter(self, zone: str, size: int, state: str) -> None:
        if state == PARTIAL_DISRUPTION:
            # ReducedQPSFunc: slower in large clusters, not at all in small ones.
            qps = SECONDARY_EVICTION_LIMITER_QPS if size > LARGE_CLUSTER_SIZE_THRESHOLD else 0.0
        else:
            qps = EVICTION_LIMITER_QPS  # HealthyQPSFunc for Normal and FullDisruption
        self.tainters[zone].swap_limiter(qps, self.now)


def _zone_state(conditions: list[Obj | None]) -> str:
    """ComputeZoneState."""
    ready = sum(1 for c in conditions if c is not None and c.get("status") == "True")
    not_ready = len(conditions) - ready
    if ready == 0 and not_ready > 0:
        return FULL_DISRUPTION
    if not_ready > 2 and not_ready / (not_ready + ready) >= UNHEALTHY_ZONE_THRESHOLD:
        return PARTIAL_DISRUPTION
    return NORMAL


def _renew_time(lease: Obj | None) -> float | None:
    stamp = ((lease or {}).get("spec") or {}).get("renewTime")
    return timeutil.parse_rfc3339(stamp) if stamp else None


def _keys(taints: list[Obj]) -> str:
    return ", ".join(f"{t['key']}:{t['effect']}" for t in taints)
