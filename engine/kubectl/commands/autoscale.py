"""kubectl autoscale (staging/src/k8s.io/kubectl/pkg/cmd/autoscale/autoscale.go): a
HorizontalPodAutoscaler (autoscaling/v2) for a Deployment, ReplicaSet, StatefulSet or
ReplicationController, named after it, between --min and --max replicas, on --cpu (a percent
of the requests, or a quantity), --memory, or the deprecated --cpu-percent."""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import Any

from engine.apimachinery.quantity import canonical_quantity
from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil
from engine.kubectl.cli import command
from engine.kubectl.commands.create_subcommand import send_created_object
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed
from engine.kubectl.selection import select

Gen = Generator[Any, Any, Any]

HPAS = BY_NAME["horizontalpodautoscalers"]
CPU_PERCENT_DEPRECATED = (
    "Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity "
    "format (e.g., '70%' for utilization or '500m' for milliCPU).\n"
)
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@command(
    "autoscale",
    Flag("min", kind="int", default=-1),
    Flag("max", kind="int", default=-1),
    Flag("cpu-percent", kind="int", default=-1),
    Flag("cpu", default=""),
    Flag("memory", default=""),
    Flag("name", default=""),
    Flag("output", "o", default=""),
    Flag("dry-run", default="none"),
    Flag("save-config", kind="bool", default=False),
    Flag("field-manager", default="kubectl-autoscale"),
    summary="Auto-scale a deployment, replica set, stateful set, or replication controller",
)
def autoscale(ctx: Context, flags: Parsed) -> Gen:
    if "cpu_percent" in flags.given:
        ctx.err(CPU_PERCENT_DEPRECATED)
    if "max" not in flags.given:
        raise KubectlError('error: required flag(s) "max" not set')
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    _validate(flags)
    selection = yield from select(ctx, flags.args)
    selection.fail_if_errors()
    if not selection.infos:
        raise KubectlError("error: no objects passed to autoscale")
    for info in selection.infos:
        resource = info.resource
        if resource.subresource("scale") is None:
            raise KubectlError(
                f"error: cannot autoscale a {resource.kind}: could not find scale subresource "
                # schema.GroupVersionResource's String()
                f"for {resource.group}/{resource.version}, Resource={resource.name} in "
                "discovery information"
            )
        hpa = _hpa(flags, resource.api_version, resource.kind, info.name)
        yield from send_created_object(
            ctx, flags, strategy, HPAS, ctx.namespace, hpa, operation="autoscaled"
        )


def _validate(flags: Parsed) -> None:
    """AutoscaleOptions.Validate."""
    if flags.max < 1:
        raise KubectlError(
            f"error: --max=MAXPODS is required and must be at least 1, max: {flags.max}"
        )
    if flags.max < flags.min:
        raise KubectlError(
            "error: --max=MAXPODS must be larger or equal to --min=MINPODS, "
            f"max: {flags.max}, min: {flags.min}"
        )
    if flags.cpu_percent > 0 and flags.cpu:
        raise KubectlError("error: --cpu-percent and --cpu are mutually exclusive")
    for value, name in ((flags.cpu, "cpu"), (flags.memory, "memory")):
        if value:
            _target(value, name)


def _target(text: str, resource: str) -> dict[str, Any]:
    """parseResourceInput: "70%" a utilization; a bare number in milliCPU or MiB; else a
    quantity."""
    text = text.strip()
    if text.endswith("%"):
        number = text[:-1]
        if not number.isdigit() or int(number) >= 2**31:
            raise KubectlError(f"error: invalid percentage value: {number}")
        return {"type": "Utilization", "averageUtilization": int(number)}
    if _NUMBER.fullmatch(text):
        value = float(text)
        unit = "m" if resource == "cpu" else "Mi"  # getDefaultUnitForResource
        return {"type": "AverageValue", "averageValue": canonical_quantity(f"{value:g}{unit}")}
    try:
        return {"type": "AverageValue", "averageValue": canonical_quantity(text)}
    except ValueError:
        raise KubectlError(f"error: invalid resource {resource} value: {text}") from None


def _hpa(flags: Parsed, api_version: str, kind: str, name: str) -> dict[str, Any]:
    """createHorizontalPodAutoscalerV2."""
    spec: dict[str, Any] = {
        "scaleTargetRef": {"kind": kind, "name": name, "apiVersion": api_version},
    }
    if flags.min > 0:
        spec["minReplicas"] = flags.min
    spec["maxReplicas"] = flags.max
    metrics = []
    if flags.cpu_percent > 0:
        target = {"type": "Utilization", "averageUtilization": flags.cpu_percent}
        metrics.append({"type": "Resource", "resource": {"name": "cpu", "target": target}})
    for value, resource in ((flags.cpu, "cpu"), (flags.memory, "memory")):
        if value:
            target = _target(value, resource)
            metrics.append({"type": "Resource", "resource": {"name": resource, "target": target}})
    if metrics:
        spec["metrics"] = metrics
    return {
        "kind": "HorizontalPodAutoscaler",
        "apiVersion": "autoscaling/v2",
        "metadata": {"name": flags.name or name},
        "spec": spec,
        "status": {"currentMetrics": None, "desiredReplicas": 0},
    }
