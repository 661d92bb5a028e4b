"""`kubectl describe hpa` (staging/src/k8s.io/kubectl/pkg/describe/describe.go
describeHorizontalPodAutoscalerV2, printDirectionBehavior)."""

from __future__ import annotations

from engine.apiserver.autoscaling_tables import UNKNOWN, quantity
from engine.kubectl.describe_writer import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    Obj,
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
    rfc1123z,
    tabbed,
)


def _status_of(statuses: list[Obj], index: int, key: str) -> Obj | None:
    if index < len(statuses):
        found = (statuses[index] or {}).get(key)
        return found if isinstance(found, dict) else None
    return None


def _metric(w: PrefixWriter, metric: Obj, status: Obj | None) -> None:
    kind = metric.get("type", "")
    current_value = (status or {}).get("current") or {}
    if kind in ("Resource", "ContainerResource"):
        source = metric.get("resource" if kind == "Resource" else "containerResource") or {}
        target = source.get("target") or {}
        if kind == "Resource":
            w.write(LEVEL_1, f"resource {source.get('name', '')} on pods")
        else:
            w.write(
                LEVEL_1,
                f'resource {source.get("name", "")} of container "{source.get("container", "")}"'
                " on pods",
            )
        if target.get("averageValue") is not None:
            current = quantity(current_value.get("averageValue")) if status else UNKNOWN
            w.write(LEVEL_0, f":\t{current} / {quantity(target['averageValue'])}\n")
            return
        current = UNKNOWN
        if status and current_value.get("averageUtilization") is not None:
            average = quantity(current_value.get("averageValue"))
            current = f"{current_value['averageUtilization']}% ({average})"
        wanted = target.get("averageUtilization")
        shown = "<auto>" if wanted is None else f"{wanted}%"
        w.write(LEVEL_1, f"(as a percentage of request):\t{current} / {shown}\n")
    elif kind == "Pods":
        source = metric.get("pods") or {}
        current = quantity(current_value.get("averageValue")) if status else UNKNOWN
        average = quantity((source.get("target") or {}).get("averageValue"))
        name = (source.get("metric") or {}).get("name", "")
        w.write(LEVEL_1, f'"{name}" on pods:\t{current} / {average}\n')
    elif kind in ("Object", "External"):
        source = metric.get(kind.lower()) or {}
        target = source.get("target") or {}
        name = (source.get("metric") or {}).get("name", "")
        if kind == "Object":
            described = source.get("describedObject") or {}
            w.write(
                LEVEL_1, f'"{name}" on {described.get("kind", "")}/{described.get("name", "")} '
            )
            prefix, level = "", LEVEL_0
        else:
            prefix, level = f'"{name}" ', LEVEL_1
        if target.get("averageValue") is not None and (
            kind == "External" or target.get("type") == "AverageValue"
        ):
            current = quantity(current_value.get("averageValue")) if status else UNKNOWN
            wanted = quantity(target["averageValue"])
            w.write(level, f"{prefix}(target average value):\t{current} / {wanted}\n")
        else:
            current = quantity(current_value.get("value")) if status else UNKNOWN
            wanted = quantity(target.get("value"))
            w.write(level, f"{prefix}(target value):\t{current} / {wanted}\n")
    else:
        w.write(LEVEL_1, f'<unknown metric type "{kind}">\n')


def _direction(w: PrefixWriter, title: str, rules: Obj | None) -> None:
    """printDirectionBehavior."""
    if rules is None:
        return
    w.write(LEVEL_1, f"{title}:\n")
    if rules.get("stabilizationWindowSeconds") is not None:
        w.write(LEVEL_2, f"Stabilization Window: {rules['stabilizationWindowSeconds']} seconds\n")
    policies = rules.get("policies") or []
    if policies:
        w.write(LEVEL_2, f"Select Policy: {rules.get('selectPolicy') or 'Max'}\n")
        w.write(LEVEL_2, "Policies:\n")
        for p in policies:
            w.write(
                LEVEL_3,
                f"- Type: {p.get('type', '')}\tValue: {p.get('value', 0)}\t"
                f"Period: {p.get('periodSeconds', 0)} seconds\n",
            )


def describe_hpa(hpa: Obj, events: list[Obj] | None, now: float) -> str:
    meta, spec = hpa.get("metadata", {}), hpa.get("spec") or {}
    status = hpa.get("status") or {}
    target = spec.get("scaleTargetRef") or {}
    statuses = status.get("currentMetrics") or []

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp', ''))}\n")
        w.write(LEVEL_0, f"Reference:\t{target.get('kind', '')}/{target.get('name', '')}\n")
        w.write(LEVEL_0, "Metrics:\t( current / target )\n")
        keys = {"Resource": "resource", "ContainerResource": "containerResource"}
        for index, metric in enumerate(spec.get("metrics") or []):
            key = keys.get(metric.get("type", ""), str(metric.get("type", "")).lower())
            _metric(w, metric, _status_of(statuses, index, key))
        low = spec.get("minReplicas")
        w.write(LEVEL_0, f"Min replicas:\t{'<unset>' if low is None else low}\n")
        w.write(LEVEL_0, f"Max replicas:\t{spec.get('maxReplicas', 0)}\n")
        behavior = spec.get("behavior")
        if behavior is not None:
            w.write(LEVEL_0, "Behavior:\n")
            _direction(w, "Scale Up", behavior.get("scaleUp"))
            _direction(w, "Scale Down", behavior.get("scaleDown"))
        w.write(LEVEL_0, f"{target.get('kind', '')} pods:\t")
        current, desired = status.get("currentReplicas", 0), status.get("desiredReplicas", 0)
        w.write(LEVEL_0, f"{current} current / {desired} desired\n")
        conditions = status.get("conditions") or []
        if conditions:
            w.write(LEVEL_0, "Conditions:\n")
            w.write(LEVEL_1, "Type\tStatus\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t------\t-------\n")
            for c in conditions:
                w.write(
                    LEVEL_1,
                    f"{c.get('type', '')}\t{c.get('status', '')}\t{c.get('reason', '')}\t"
                    f"{c.get('message', '')}\n",
                )
        describe_events(w, events, now)

    return tabbed(body)
