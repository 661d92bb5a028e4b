"""The node's heartbeats: its Lease and its status.

- Lease `kube-node-lease/<node>` (k8s.io/component-helpers/apimachinery/lease/controller.go, as
  pkg/kubelet/nodelease sets it up): created if absent, then renewed every renew interval
  (a quarter of leaseDurationSeconds 40) with a PUT of the cached lease — a GET only after a
  conflict. The node lifecycle controller reads it to decide whether the node is alive.
- Node status (pkg/kubelet/kubelet_node_status.go tryUpdateNodeStatus, nodestatus/setters.go):
  conditions with a fresh lastHeartbeatTime and the images on the node (the scheduler's
  ImageLocality reads them). Computed every nodeStatusUpdateFrequency (10 s) and PATCHed only
  when something changed or nodeStatusReportFrequency (5 min) has passed. Deviation, for
  speed: upstream GETs the node before each patch; here the kubelet diffs against its last
  patch's response (and GETs only at start and after a failure).

A round that raises (its own node too malformed to read) is reported once and the next round
comes as usual: "Failed to update lease" (component-helpers lease/controller.go) and "Error
updating node status, will retry" (kubelet_node_status.go).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine import timeutil
from engine.apimachinery.jsoncopy import deep_copy_json
from engine.apimachinery.strategicpatch import create_two_way_merge_patch
from engine.trace import Step
from engine.utilruntime import describe, klog_line

if TYPE_CHECKING:
    from engine.node.kubelet import Kubelet

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

LEASE_NAMESPACE = "kube-node-lease"
LEASE_DURATION_SECONDS = 40  # nodeLeaseDurationSeconds
NODE_STATUS_UPDATE_FREQUENCY = 10.0  # nodeStatusUpdateFrequency

# nodestatus/setters.go: the pressure conditions and Ready, as a healthy kubelet reports them.
HEALTHY_CONDITIONS = (
    (
        "MemoryPressure",
        "False",
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
    ),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
)


class NodeLease:
    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet
        self.lease: Obj | None = None

    @property
    def path(self) -> str:
        return (
            f"/apis/coordination.k8s.io/v1/namespaces/{LEASE_NAMESPACE}/leases/"
            f"{self.kubelet.node_name}"
        )

    def run(self) -> Gen:
        """Renew the lease until the kubelet stops this process (a background process). A round
        is shielded: one begun when the kubelet fails is finished, and the loop ends there (as
        wait.Until looks at its stop channel only between rounds)."""
        kubelet = self.kubelet
        env = kubelet.context.env
        interval = kubelet.context.timings.lease_renew_interval
        while True:
            try:
                if self.lease is None:
                    yield from env.shielded(self._ensure())
                else:
                    yield from env.shielded(self._renew())
            except Exception as error:
                self.lease = None  # start again from a GET
                text = describe(error)
                kubelet.errors.handle_error(
                    f"{LEASE_NAMESPACE}/{kubelet.node_name}",
                    klog_line("Failed to update lease", err=text),
                    error=error,
                    data={"error": text},
                )
            yield interval

    def _ensure(self) -> Gen:
        client = self.kubelet.client
        got = yield from client.request("GET", self.path, step=Step.OTHER)
        if got.ok:
            self.lease = got.body
            yield from self._renew()
            return
        node = self.kubelet.node or {}
        lease = {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": {
                "name": self.kubelet.node_name,
                "namespace": LEASE_NAMESPACE,
                "ownerReferences": [
                    {
                        "apiVersion": "v1",
                        "kind": "Node",
                        "name": self.kubelet.node_name,
                        "uid": (node.get("metadata") or {}).get("uid", ""),
                    }
                ],
            },
            "spec": {
                "holderIdentity": self.kubelet.node_name,
                "leaseDurationSeconds": LEASE_DURATION_SECONDS,
                "renewTime": timeutil.rfc3339_micro(self.kubelet.context.env.now),
            },
        }
        created = yield from client.request(
            "POST",
            f"/apis/coordination.k8s.io/v1/namespaces/{LEASE_NAMESPACE}/leases",
            body=lease,
            step=Step.OTHER,
        )
        if created.ok:
            self.lease = created.body

    def _renew(self) -> Gen:
        assert self.lease is not None
        lease = deep_copy_json(self.lease)
        lease["spec"]["holderIdentity"] = self.kubelet.node_name
        lease["spec"]["leaseDurationSeconds"] = LEASE_DURATION_SECONDS
        lease["spec"]["renewTime"] = timeutil.rfc3339_micro(self.kubelet.context.env.now)
        response = yield from self.kubelet.client.request(
            "PUT", self.path, body=lease, step=Step.OTHER
        )
        if response.ok:
            self.lease = response.body
        else:
            self.lease = None  # a conflict or a deleted lease: GET (or create) next time


class NodeStatusReporter:
    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet
        self.last_report = -1.0e9
        self.force = False  # report at the next tick whatever happened

    def run(self, immediately: bool) -> Gen:
        """Check every nodeStatusUpdateFrequency until the kubelet stops this process (a
        background process). At first start the node object is fresh from registration, so the
        first check waits one period; after a failure the kubelet reports at once. A patch is
        shielded, as a lease round is."""
        kubelet = self.kubelet
        env = kubelet.context.env
        report_every = kubelet.context.timings.node_status_report_frequency
        if not immediately:
            self.last_report = env.now
            yield NODE_STATUS_UPDATE_FREQUENCY
        while True:
            now = env.now
            try:
                wanted = self._desired()
                if self.force or now - self.last_report >= report_every or self._differs(wanted):
                    yield from env.shielded(self._patch(wanted))
            except Exception as error:
                kubelet.node_status_failed("", error)
            yield NODE_STATUS_UPDATE_FREQUENCY

    def _desired(self) -> Obj:
        return {"images": self.kubelet.runtime.images.image_list()}

    def _differs(self, wanted: Obj) -> bool:
        node = self.kubelet.node or {}
        status = node.get("status") or {}
        current = {c.get("type"): c for c in status.get("conditions") or []}
        for kind, value, reason, _ in HEALTHY_CONDITIONS:
            c = current.get(kind) or {}
            if c.get("status") != value or c.get("reason") != reason:
                return True
        return (status.get("images") or []) != wanted["images"]

    def _patch(self, wanted: Obj) -> Gen:
        kubelet = self.kubelet
        if kubelet.node is None:
            return
        stamp = timeutil.rfc3339(kubelet.context.env.now)
        old = kubelet.node.get("status") or {}
        previous = {c.get("type"): c for c in old.get("conditions") or []}
        conditions = []
        for kind, value, reason, message in HEALTHY_CONDITIONS:
            before = previous.get(kind) or {}
            transition = before.get("lastTransitionTime") if before.get("status") == value else None
            conditions.append(
                {
                    "type": kind,
                    "status": value,
                    "lastHeartbeatTime": stamp,
                    "lastTransitionTime": transition or stamp,
                    "reason": reason,
                    "message": message,
                }
            )
        new_status = {**deep_copy_json(old), "conditions": conditions, "images": wanted["images"]}
        patch = create_two_way_merge_patch({"status": old}, {"status": new_status}, "Node")
        if not patch:
            return
        was_ready = (previous.get("Ready") or {}).get("status") == "True"
        response = yield from kubelet.client.request(
            "PATCH",
            f"/api/v1/nodes/{kubelet.node_name}/status",
            body=patch,
            headers={"content-type": "application/strategic-merge-patch+json"},
            step=Step.OTHER,
        )
        if response.ok:
            kubelet.node = response.body
            self.last_report = kubelet.context.env.now
            self.force = False
            if not was_ready:
                # pkg/kubelet/nodestatus/setters.go ReadyCondition: recordEventFunc
                kubelet.node_event(
                    "Normal", "NodeReady", f"Node {kubelet.node_name} status is now: NodeReady"
                )
