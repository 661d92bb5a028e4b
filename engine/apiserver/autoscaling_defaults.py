"""Defaulting of autoscaling/v2 HorizontalPodAutoscalers: pkg/apis/autoscaling/v2/defaults.go
SetDefaults_HorizontalPodAutoscaler, SetDefaults_HorizontalPodAutoscalerBehavior."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


def _d(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def _spec(obj: Obj) -> Obj:
    """obj["spec"], created (Go's zero-value struct) when absent or null."""
    if not isinstance(obj.get("spec"), dict):
        obj["spec"] = {}
    spec: Obj = obj["spec"]
    return spec


DEFAULT_CPU_UTILIZATION = 80  # autoscaling.DefaultCPUUtilization


def _scaling_rules(rules: Any, window: int, policies: list[Obj]) -> Obj:
    """GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: the defaults fill what is unset."""
    rules = _d(rules)
    if rules.get("policies") is None:
        rules["policies"] = policies
    rules.setdefault("selectPolicy", "Max")
    if rules.get("stabilizationWindowSeconds") is None:
        rules["stabilizationWindowSeconds"] = window
    return rules


def _default_hpa(hpa: Obj) -> None:
    """SetDefaults_HorizontalPodAutoscaler: one replica at least, 80% CPU when no metric is
    given, and a behavior given in part is completed (up: 4 pods or 100% per 15 s at once;
    down: 100% per 15 s after a 300 s window)."""
    spec = _spec(hpa)
    if spec.get("minReplicas") is None:
        spec["minReplicas"] = 1
    if not spec.get("metrics"):
        target = {"type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION}
        spec["metrics"] = [{"type": "Resource", "resource": {"name": "cpu", "target": target}}]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        up = [
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15},
        ]
        behavior["scaleUp"] = _scaling_rules(behavior.get("scaleUp"), 0, up)
        down = [{"type": "Percent", "value": 100, "periodSeconds": 15}]
        behavior["scaleDown"] = _scaling_rules(behavior.get("scaleDown"), 300, down)


AUTOSCALING_DEFAULTS = {"HorizontalPodAutoscaler": _default_hpa}
