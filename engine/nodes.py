"""Node objects as a kubelet registers them (pkg/kubelet/kubelet_node_status.go initialNode)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from engine import names, timeutil

if TYPE_CHECKING:
    from engine.cluster import NodeSpec

KUBELET_VERSION = "v1.37.0"
CONTAINER_RUNTIME_VERSION = "containerd://2.1.4"
OS_IMAGE = "Debian GNU/Linux 12 (bookworm)"
KERNEL_VERSION = "6.12.0-podlife"
EPHEMERAL_STORAGE = "100Gi"


def pod_cidr(index: int) -> str:
    """Each node gets a /24 of the cluster CIDR 10.244.0.0/16, as kubeadm + host-local do."""
    return f"10.244.{index}.0/24"


def node_object(spec: NodeSpec, index: int, rng: random.Random, now: float) -> dict[str, Any]:
    stamp = timeutil.rfc3339(now)
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": spec.name,
        "kubernetes.io/os": "linux",
        **spec.labels,
    }
    capacity = {
        "cpu": spec.capacity.get("cpu", "4"),
        "ephemeral-storage": spec.capacity.get("ephemeral-storage", EPHEMERAL_STORAGE),
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": spec.capacity.get("memory", "8Gi"),
        "pods": spec.capacity.get("pods", "110"),
    }

    def condition(kind: str, status: str, reason: str, message: str) -> dict[str, str]:
        return {
            "type": kind,
            "status": status,
            "lastHeartbeatTime": stamp,
            "lastTransitionTime": stamp,
            "reason": reason,
            "message": message,
        }

    spec_part: dict[str, Any] = {"podCIDR": pod_cidr(index), "podCIDRs": [pod_cidr(index)]}
    if spec.taints:
        spec_part["taints"] = [dict(t) for t in spec.taints]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": spec.name,
            "labels": labels,
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec_part,
        "status": {
            "capacity": capacity,
            "allocatable": dict(capacity),
            # Condition texts: pkg/kubelet/nodestatus/setters.go
            "conditions": [
                condition(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                condition(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                condition(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "addresses": [
                {"type": "InternalIP", "address": f"172.18.0.{index + 1}"},
                {"type": "Hostname", "address": spec.name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": names.random_string(rng, 32),
                "systemUUID": names.new_uid(rng),
                "bootID": names.new_uid(rng),
                "kernelVersion": KERNEL_VERSION,
                "osImage": OS_IMAGE,
                "containerRuntimeVersion": CONTAINER_RUNTIME_VERSION,
                "kubeletVersion": KUBELET_VERSION,
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        },
    }
