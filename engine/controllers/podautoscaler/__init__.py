"""The horizontal pod autoscaler controller (pkg/controller/podautoscaler)."""
