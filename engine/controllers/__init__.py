"""kube-controller-manager: the controllers that turn Deployments into ReplicaSets into Pods,
collect garbage, watch node health and clean up namespaces. See docs/controllers.md."""

from engine.controllers.controllermanager import ControllerManager

__all__ = ["ControllerManager"]
