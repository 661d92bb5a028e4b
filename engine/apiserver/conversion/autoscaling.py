"""autoscaling/v1 HorizontalPodAutoscalers over autoscaling/v2's storage:
pkg/apis/autoscaling/v1/conversion.go. v1 knows one metric, the pods' CPU utilization
(targetCPUUtilizationPercentage, currentCPUUtilizationPercentage); what else the HPA holds
(other metrics, all current metrics, conditions, behavior) rides in annotations, in v1's
(formerly v2beta1's) metric shapes, and comes back from them on the way in."""

from __future__ import annotations

import json
from typing import Any

from engine.apimachinery import errors

Obj = dict[str, Any]

# pkg/apis/autoscaling/annotations.go
METRIC_SPECS = "autoscaling.alpha.kubernetes.io/metrics"
METRIC_STATUSES = "autoscaling.alpha.kubernetes.io/current-metrics"
CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions"
BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior"
DEFAULT_CPU_UTILIZATION = 80  # autoscaling.DefaultCPUUtilization
_KEYS = {"Resource": "resource", "ContainerResource": "containerResource", "Pods": "pods"}
_KEYS.update({"Object": "object", "External": "external"})


def _pruned(fields: list[tuple[str, Any]]) -> Obj:
    """A Go struct's fields in its order, the unset (nil) ones left out."""
    return {name: value for name, value in fields if value is not None}


def _cpu_utilization(metric: Obj, part: str) -> int | None:
    resource = metric.get("resource") or {}
    if metric.get("type") == "Resource" and resource.get("name") == "cpu":
        value: int | None = (resource.get(part) or {}).get("averageUtilization")
        return value
    return None


def _spec_to_v1(metric: Obj) -> Obj:
    """Convert_autoscaling_MetricSpec_To_v1_MetricSpec (and its sources')."""
    kind = metric.get("type", "")
    source = metric.get(_KEYS.get(kind, ""), {}) or {}
    target, ident = source.get("target") or {}, source.get("metric") or {}
    if kind in ("Resource", "ContainerResource"):
        body = _pruned(
            [
                ("name", source.get("name")),
                ("targetAverageUtilization", target.get("averageUtilization")),
                ("targetAverageValue", target.get("averageValue")),
                ("container", source.get("container")),
            ]
        )
    elif kind == "Pods":
        body = _pruned(
            [
                ("metricName", ident.get("name")),
                ("targetAverageValue", target.get("averageValue") or "0"),
                ("selector", ident.get("selector")),
            ]
        )
    elif kind == "Object":
        body = _pruned(
            [
                ("target", source.get("describedObject")),
                ("metricName", ident.get("name")),
                ("targetValue", target.get("value") or "0"),
                ("selector", ident.get("selector")),
                ("averageValue", target.get("averageValue")),
            ]
        )
    else:
        body = _pruned(
            [
                ("metricName", ident.get("name")),
                ("metricSelector", ident.get("selector")),
                ("targetValue", target.get("value")),
                ("targetAverageValue", target.get("averageValue")),
            ]
        )
    return {"type": kind, _KEYS.get(kind, kind.lower()): body}


def _spec_from_v1(metric: Obj) -> Obj:
    """Convert_v1_MetricSpec_To_autoscaling_MetricSpec: the target type from what is set."""
    kind = metric.get("type", "")
    key = _KEYS.get(kind, "")
    body = metric.get(key) or {}
    if kind in ("Resource", "ContainerResource"):
        utilization = body.get("targetAverageUtilization")
        target = _pruned(
            [
                ("type", "AverageValue" if utilization is None else "Utilization"),
                ("averageValue", body.get("targetAverageValue")),
                ("averageUtilization", utilization),
            ]
        )
        source = _pruned(
            [("name", body.get("name")), ("target", target), ("container", body.get("container"))]
        )
    else:
        ident = _pruned([("name", body.get("metricName")), ("selector", body.get("selector"))])
        if kind == "Pods":
            target = {"type": "AverageValue", "averageValue": body.get("targetAverageValue")}
            source = {"metric": ident, "target": target}
        elif kind == "Object":
            average = body.get("averageValue")
            target = _pruned(
                [
                    ("type", "Value" if average is None else "AverageValue"),
                    ("value", body.get("targetValue")),
                    ("averageValue", average),
                ]
            )
            source = {"describedObject": body.get("target"), "target": target, "metric": ident}
        else:
            ident = _pruned(
                [("name", body.get("metricName")), ("selector", body.get("metricSelector"))]
            )
            value = body.get("targetValue")
            target = _pruned(
                [
                    ("type", "AverageValue" if value is None else "Value"),
                    ("value", value),
                    ("averageValue", body.get("targetAverageValue")),
                ]
            )
            source = {"metric": ident, "target": target}
    return {"type": kind, key: source}


def _status_to_v1(metric: Obj) -> Obj:
    """Convert_autoscaling_MetricStatus_To_v1_MetricStatus."""
    kind = metric.get("type", "")
    key = _KEYS.get(kind, "")
    status = metric.get(key) or {}
    current, ident = status.get("current") or {}, status.get("metric") or {}
    if kind in ("Resource", "ContainerResource"):
        body = _pruned(
            [
                ("name", status.get("name")),
                ("currentAverageUtilization", current.get("averageUtilization")),
                ("currentAverageValue", current.get("averageValue") or "0"),
                ("container", status.get("container")),
            ]
        )
    elif kind == "Pods":
        body = _pruned(
            [
                ("metricName", ident.get("name")),
                ("currentAverageValue", current.get("averageValue") or "0"),
                ("selector", ident.get("selector")),
            ]
        )
    elif kind == "Object":
        body = _pruned(
            [
                ("target", status.get("describedObject")),
                ("metricName", ident.get("name")),
                ("currentValue", current.get("value") or "0"),
                ("selector", ident.get("selector")),
                ("averageValue", current.get("averageValue")),
            ]
        )
    else:
        body = _pruned(
            [
                ("metricName", ident.get("name")),
                ("metricSelector", ident.get("selector")),
                ("currentValue", current.get("value") or "0"),
                ("currentAverageValue", current.get("averageValue")),
            ]
        )
    return {"type": kind, key: body}


def _status_from_v1(metric: Obj) -> Obj:
    """Convert_v1_MetricStatus_To_autoscaling_MetricStatus."""
    kind = metric.get("type", "")
    key = _KEYS.get(kind, "")
    body = metric.get(key) or {}
    if kind in ("Resource", "ContainerResource"):
        current = _pruned(
            [
                ("averageValue", body.get("currentAverageValue")),
                ("averageUtilization", body.get("currentAverageUtilization")),
            ]
        )
        status = _pruned(
            [("name", body.get("name")), ("current", current), ("container", body.get("container"))]
        )
    elif kind == "Pods":
        ident = _pruned([("name", body.get("metricName")), ("selector", body.get("selector"))])
        status = {"metric": ident, "current": {"averageValue": body.get("currentAverageValue")}}
    elif kind == "Object":
        ident = _pruned([("name", body.get("metricName")), ("selector", body.get("selector"))])
        current = _pruned(
            [("value", body.get("currentValue")), ("averageValue", body.get("averageValue"))]
        )
        status = {"metric": ident, "current": current, "describedObject": body.get("target")}
    else:
        ident = _pruned(
            [("name", body.get("metricName")), ("selector", body.get("metricSelector"))]
        )
        current = _pruned(
            [("value", body.get("currentValue")), ("averageValue", body.get("currentAverageValue"))]
        )
        status = {"metric": ident, "current": current}
    return {"type": kind, key: status}


def _go_json(value: Any) -> str:
    """json.Marshal's text: no spaces, '<', '>' and '&' escaped."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def from_v2(hpa: Obj) -> Obj:
    """Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler."""
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    metrics = spec.get("metrics") or []
    current = status.get("currentMetrics") or []
    conditions = status.get("conditions") or []
    meta = dict(hpa.get("metadata") or {})
    others = [_spec_to_v1(m) for m in metrics if _cpu_utilization(m, "target") is None]
    annotations = dict(meta.get("annotations") or {})
    if others:
        annotations[METRIC_SPECS] = _go_json(others)
    if current:  # the CPU one too: its raw value is kept
        annotations[METRIC_STATUSES] = _go_json([_status_to_v1(m) for m in current])
    if conditions:
        annotations[CONDITIONS] = _go_json(conditions)
    if spec.get("behavior"):
        annotations[BEHAVIOR] = _go_json(spec["behavior"])
    if annotations:
        meta["annotations"] = dict(sorted(annotations.items()))  # a Go map: keys sorted
    v1_spec = _pruned(
        [
            ("scaleTargetRef", spec.get("scaleTargetRef")),
            ("minReplicas", spec.get("minReplicas")),
            ("maxReplicas", spec.get("maxReplicas")),
            (
                "targetCPUUtilizationPercentage",
                next(
                    (u for m in metrics if (u := _cpu_utilization(m, "target")) is not None), None
                ),
            ),
        ]
    )
    cpu = [u for m in current if (u := _cpu_utilization(m, "current")) is not None]
    v1_status = _pruned(
        [
            ("observedGeneration", status.get("observedGeneration")),
            ("lastScaleTime", status.get("lastScaleTime")),
            ("currentReplicas", status.get("currentReplicas", 0)),
            ("desiredReplicas", status.get("desiredReplicas", 0)),
            ("currentCPUUtilizationPercentage", cpu[-1] if cpu else None),
        ]
    )
    return {
        "kind": "HorizontalPodAutoscaler",
        "apiVersion": "autoscaling/v1",
        "metadata": meta,
        "spec": v1_spec,
        "status": v1_status,
    }


def _cpu(part: str, value: int) -> Obj:
    kind = {"target": {"type": "Utilization", "averageUtilization": value}}.get(
        part, {"averageUtilization": value}
    )
    return {"type": "Resource", "resource": {"name": "cpu", part: kind}}


def _popped(annotations: Obj, key: str, default: Any) -> Any:
    """An annotation's JSON, taken out; what does not decode fails the conversion, which
    the decoder answers with a 400."""
    if key not in annotations:
        return default
    text = annotations.pop(key)
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError as error:
        value, problem = None, str(error)
    else:
        problem = "" if isinstance(value, type(default)) or default is None else "wrong type"
    if problem or (value is None and default is not None):
        raise errors.bad_request(
            'HorizontalPodAutoscaler in version "v1" cannot be handled as a '
            f"HorizontalPodAutoscaler: annotation {key}: {problem or 'not JSON'}"
        )
    return value


def to_v2(hpa: Obj) -> Obj:
    """Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler."""
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    meta = dict(hpa.get("metadata") or {})
    annotations = dict(meta.get("annotations") or {})
    metrics = [_spec_from_v1(m) for m in _popped(annotations, METRIC_SPECS, [])]
    if spec.get("targetCPUUtilizationPercentage") is not None:
        metrics.append(_cpu("target", spec["targetCPUUtilizationPercentage"]))
    if not metrics:
        # "autoscaling/v1 formerly had an implicit default applied in the controller"
        metrics = [_cpu("target", DEFAULT_CPU_UTILIZATION)]
    current = [_status_from_v1(m) for m in _popped(annotations, METRIC_STATUSES, [])]
    if not current and status.get("currentCPUUtilizationPercentage") is not None:
        current = [_cpu("current", status["currentCPUUtilizationPercentage"])]
    conditions = _popped(annotations, CONDITIONS, [])
    behavior = _popped(annotations, BEHAVIOR, None)
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    v2_spec = _pruned(
        [
            ("scaleTargetRef", spec.get("scaleTargetRef")),
            ("minReplicas", spec.get("minReplicas")),
            ("maxReplicas", spec.get("maxReplicas")),
            ("metrics", metrics),
            ("behavior", behavior),
        ]
    )
    v2_status = _pruned(
        [
            ("observedGeneration", status.get("observedGeneration")),
            ("lastScaleTime", status.get("lastScaleTime")),
            ("currentReplicas", status.get("currentReplicas")),
            ("desiredReplicas", status.get("desiredReplicas")),
            ("currentMetrics", current or None),
            ("conditions", conditions or None),
        ]
    )
    out: Obj = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta}
    out["spec"] = v2_spec
    if v2_status:
        out["status"] = v2_status
    return out
