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


# kube-controller-manager --cluster-cidr: a /14, room for 1,024 nodes of a /24 each (the usual
# kubeadm /16 would stop at 256 nodes, and the benchmark runs 1,000).
MAX_NODES = 1024


def pod_cidr(index: int) -> str:
    """The node's /24 out of 10.244.0.0/14, as the node IPAM controller hands them out."""
    if not 0 <= index < MAX_NODES:
        raise ValueError(f"the cluster CIDR 10.244.0.0/14 has room for {MAX_NODES} nodes")
    return f"10.{244 + index // 256}.{index % 256}.0/24"


def internal_ip(index: int) -> str:
    """Nodes sit on 172.18.0.0/16 (a kind-style Docker network), the gateway being .1."""
    host = index + 1
    return f"172.18.{host // 256}.{host % 256}"


def preloaded_images() -> list[dict[str, Any]]:
    """status.images of a fresh node: the sandbox (pause) image is always there."""
    from engine.node.registry import REGISTRY, SANDBOX_IMAGE

    pause = REGISTRY.image(SANDBOX_IMAGE)
    return [{"names": [pause.repo_digest, SANDBOX_IMAGE], "sizeBytes": pause.size}]


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
                {"type": "InternalIP", "address": internal_ip(index)},
                {"type": "Hostname", "address": spec.name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "images": preloaded_images(),
            "nodeInfo": {
                "machineID": names.random_string(rng, 32),
                "systemUUID": names.new_uid(rng),
                "bootID": names.new_uid(rng),
                "kernelVersion": KERNEL_VERSION,
                "osImage": OS_IMAGE,
                "containerRuntimeVersion": CONTAINER_RUNTIME_VERSION,
                "kubeletVersion": KUBELET_VERSION,
                # Deprecated and no longer set, but not omitempty in NodeSystemInfo
                # (staging/src/k8s.io/api/core/v1/types.go): the kubelet sends "", and clients
                # that validate their models (the official Python client) require it.
                "kubeProxyVersion": "",
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        },
    }
