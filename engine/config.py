"""Every delay in the simulation, in virtual seconds, in one place.

They are explicit so a teacher can slow one part down and so tests can reason about time. The
defaults are of the order real clusters show on a laptop-sized setup, and the upstream defaults
where Kubernetes has one (cited beside them).
"""

from __future__ import annotations

from pydantic import BaseModel


class Timings(BaseModel):
    # The wire and storage
    api_latency: float = 0.004  # client <-> API server, one way
    etcd_latency: float = 0.002  # API server <-> etcd, one way (a write commits in ~4 ms)
    watch_delivery: float = 0.003  # API server -> a watching client
    etcd_compaction_interval: float = 300.0  # kube-apiserver --etcd-compaction-interval=5m
    kubectl_wait_limit: float = 600.0  # cap on how long an in-engine kubectl may wait

    # kube-scheduler (pkg/scheduler/apis/config/v1/defaults.go)
    scheduling_cycle: float = 0.001  # filter + score for one pod, per 100 nodes considered
    pod_initial_backoff: float = 1.0  # podInitialBackoffSeconds
    pod_max_backoff: float = 10.0  # podMaxBackoffSeconds
    unschedulable_flush: float = 300.0  # podMaxInUnschedulablePodsDuration (5 min)

    # kube-controller-manager
    controller_sync: float = 0.001  # the work of one sync, before its API calls
    node_monitor_period: float = 5.0  # --node-monitor-period
    node_monitor_grace_period: float = 50.0  # --node-monitor-grace-period (50 s since 1.32)
    default_toleration_seconds: int = 300  # DefaultTolerationSeconds admission

    # kubelet, container runtime, CNI (pkg/kubelet defaults)
    lease_renew_interval: float = 10.0  # nodeLeaseDurationSeconds 40 / 4
    node_status_report_frequency: float = 300.0  # nodeStatusReportFrequency 5m
    pod_sync_delay: float = 0.01  # a pod worker picking up work
    sandbox_create: float = 0.3  # RunPodSandbox: pause container + network namespace
    cni_add: float = 0.05  # CNI ADD: veth pair, IPAM, routes
    image_pull_bandwidth: float = 50e6  # bytes per second from the registry
    image_pull_overhead: float = 0.4  # resolve, auth, manifest before the layers
    container_create: float = 0.1
    container_start: float = 0.15
    container_stop_signal: float = 0.2  # how long a well-behaved server takes to exit on SIGTERM
    crash_backoff_initial: float = 10.0  # backOffPeriod
    crash_backoff_max: float = 300.0  # MaxContainerBackOff
    crash_backoff_reset: float = 600.0  # the back-off resets after 10 min of running fine


# Node failure in a classroom: the same two flags an operator would set, shortened so a class
# sees a node go NotReady and its pods evicted in under a minute instead of about six.
DEMO_TIMINGS = Timings(node_monitor_grace_period=20.0, default_toleration_seconds=30)
TIMINGS = {"default": Timings(), "demo": DEMO_TIMINGS}


def timings_name(timings: Timings) -> str:
    """ "default", "demo", or "custom" for any other set (tests, benchmarks)."""
    return next((name for name, known in TIMINGS.items() if known == timings), "custom")


class Limits(BaseModel):
    """How much one cluster may hold. The engine alone sets none (benchmarks run 10,000 pods);
    the web server gives every session's cluster the limits of its settings (docs/limits.md)."""

    max_pods: int | None = None  # pods stored at once, in all namespaces
    max_objects_per_kind: int | None = None  # of every other kind but Events, Leases and Nodes
