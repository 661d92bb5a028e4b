"""The node side of the cluster: kubelet, container runtime (containerd over the CRI), CNI,
the image registries and a model of what containers do. See docs/node.md and
docs/containers.md.
"""

from engine.node.kubelet import Kubelet
from engine.node.logs import NodeRegistry

__all__ = ["Kubelet", "NodeRegistry"]
