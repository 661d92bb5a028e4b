"""autoscaling: HorizontalPodAutoscalers (pkg/registry/autoscaling)."""
