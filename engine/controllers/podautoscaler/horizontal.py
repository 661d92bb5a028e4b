"""The HPA controller (pkg/controller/podautoscaler/horizontal.go reconcileAutoscaler,
computeReplicasForMetrics, setCondition, setStatus), as it behaves in a cluster without
metrics-server — the simulated cluster has none, like a fresh kind cluster.

Every 15 s (--horizontal-pod-autoscaler-sync-period) it reads the target's /scale. Out of
bounds it rescales at once, without metrics: below minReplicas to minReplicas, above
maxReplicas to maxReplicas (SuccessfulRescale). Within bounds it asks the resource metrics
API (metrics.k8s.io) for the pods' use; that API is not served, so every Resource metric
fails (FailedGetResourceMetric), ScalingActive turns False and FailedComputeMetricsReplicas
says the replica count could not be computed: the replicas stay as they are. Metrics of other
types (Pods, Object, External) fail alike against their own APIs (custom.metrics.k8s.io,
external.metrics.k8s.io), which nothing serves either.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

from engine.apiserver.resources import by_api_version_kind
from engine.client.informer import Handlers, key_of
from engine.controllers.base import Controller, error_message, path_of

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

SYNC_PERIOD = 15.0  # --horizontal-pod-autoscaler-sync-period
METRICS_API = "/apis/metrics.k8s.io/v1beta1"
# The metric types that the resource metrics API answers, and the condition reason each fails
# with (computeStatusForResourceMetric, computeStatusForContainerResourceMetric).
_RESOURCE_REASONS = {
    "Resource": "FailedGetResourceMetric",
    "ContainerResource": "FailedGetContainerResourceMetric",
}
_OTHER_APIS = {  # the API each other metric type is read from, and its condition reason
    "Pods": ("custom.metrics.k8s.io", "FailedGetPodsMetric"),
    "Object": ("custom.metrics.k8s.io", "FailedGetObjectMetric"),
    "External": ("external.metrics.k8s.io", "FailedGetExternalMetric"),
}


class MetricError(Exception):
    """A metric that could not be read: the condition to set, and the error."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def set_condition(hpa: Obj, kind: str, status: str, reason: str, message: str, now: str) -> None:
    """setConditionInList: a new type goes last; the transition time moves only when the
    status changes."""
    conditions = hpa["status"].setdefault("conditions", [])
    found = next((c for c in conditions if c.get("type") == kind), None)
    if found is None:
        found = {"type": kind}
        conditions.append(found)
    if found.get("status") != status:
        found["lastTransitionTime"] = now
    found.update(status=status, reason=reason, message=message)
    # Go's field order: type status lastTransitionTime reason message
    ordered = {k: found[k] for k in ("type", "status", "lastTransitionTime", "reason", "message")}
    found.clear()
    found.update(ordered)


class HorizontalController(Controller):
    name = "horizontal-pod-autoscaler-controller"
    service_account = "horizontal-pod-autoscaler"
    event_source = "horizontal-pod-autoscaler"
    workers = 5  # --concurrent-horizontal-pod-autoscaler-syncs
    kind = "HorizontalPodAutoscaler"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.hpas = self.informers.get("horizontalpodautoscalers")
        self._told: dict[str, str] = {}  # hpa key -> the last outcome the story told
        self._waiting: set[str] = set()  # keys due in the queue after the sync period

    def register(self) -> None:
        enqueue = self._enqueue
        self.hpas.add_handlers(Handlers(enqueue, lambda _old, cur: enqueue(cur), None))

    def synced_resources(self) -> tuple[str, ...]:
        return ("horizontalpodautoscalers",)

    def _enqueue(self, hpa: Obj) -> None:
        self._add_rate_limited(key_of(hpa))

    def _add_rate_limited(self, key: str) -> None:
        """enqueueHPA / processNextWorkItem: AddRateLimited with the fixed-interval limiter
        (NewDefaultHPARateLimiter), so even a new HPA is first looked at one sync period
        later; a key already waiting keeps its time (the delaying queue's AddAfter)."""
        if key in self._waiting:
            return
        self._waiting.add(key)

        def due() -> None:
            self._waiting.discard(key)
            self.queue.add(key)

        # A timer, not pending work: an HPA never settles, like a CronJob's schedule.
        self.env.schedule(SYNC_PERIOD, due, background=True)

    # ---- sync --------------------------------------------------------------------------------
    def sync(self, key: str) -> Gen:
        yield from self.work()
        cached = self.hpas.get(key)
        if cached is None:
            self._told.pop(key, None)
            return
        hpa = copy.deepcopy(cached)
        hpa["status"] = hpa.get("status") or {}
        original = copy.deepcopy(hpa["status"])
        try:
            yield from self._reconcile(hpa)
            yield from self._update_status_if_needed(hpa, original)
        finally:
            self._add_rate_limited(key)  # every HPA is looked at again a period later

    def _reconcile(self, hpa: Obj) -> Gen:
        """reconcileAutoscaler."""
        spec, namespace = hpa.get("spec") or {}, hpa["metadata"].get("namespace", "")
        target = spec.get("scaleTargetRef") or {}
        resource = by_api_version_kind(target.get("apiVersion", ""), target.get("kind", ""))
        if resource is None or not any(s.name == "scale" for s in resource.subresources):
            group = target.get("apiVersion", "").rpartition("/")[0]
            return self._failed_get_scale(
                hpa, f'no matches for kind "{target.get("kind", "")}" in group "{group}"'
            )
        scale_path = path_of(resource.name, namespace, target.get("name", ""), "scale")
        response = yield from self.request("GET", scale_path)
        if not response.ok:
            return self._failed_get_scale(hpa, error_message(response))
        scale = response.body
        self._condition(
            hpa,
            "AbleToScale",
            "True",
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale",
        )
        current = (scale.get("spec") or {}).get("replicas", 0)
        low, high = spec.get("minReplicas", 1), spec.get("maxReplicas", 0)
        statuses: list[Obj] = []
        rescale, reason, desired = True, "", 0
        if current == 0 and low != 0:
            rescale = False
            self._condition(
                hpa,
                "ScalingActive",
                "False",
                "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero",
            )
        elif current > high:
            reason, desired = "Current number of replicas above Spec.MaxReplicas", high
        elif current < low:
            reason, desired = "Current number of replicas below Spec.MinReplicas", low
        else:
            statuses, error = yield from self._compute_replicas_for_metrics(hpa, scale)
            # Every metric failed (no metrics API here): the replicas stay as they are.
            self._set_status(hpa, current, hpa["status"].get("desiredReplicas", 0), statuses)
            self.recorder.event(hpa, "Warning", "FailedComputeMetricsReplicas", error)
            self._tell(hpa, "metrics", error, current)
            return
        if rescale:
            scale["spec"]["replicas"] = desired
            response = yield from self.request("PUT", scale_path, scale)
            if not response.ok:
                text = error_message(response)
                self.recorder.event(
                    hpa,
                    "Warning",
                    "FailedRescale",
                    f"New size: {desired}; reason: {reason}; error: {text}",
                )
                message = f"the HPA controller was unable to update the target scale: {text}"
                self._condition(hpa, "AbleToScale", "False", "FailedUpdateScale", message)
                self._set_status(hpa, current, hpa["status"].get("desiredReplicas", 0), statuses)
                return
            message = f"the HPA controller was able to update the target scale to {desired}"
            self._condition(hpa, "AbleToScale", "True", "SucceededRescale", message)
            self.recorder.event(
                hpa, "Normal", "SuccessfulRescale", f"New size: {desired}; reason: {reason}"
            )
            self._tell(hpa, "rescale", reason, current, desired)
        else:
            desired = current
        self._set_status(hpa, current, desired, statuses, rescaled=rescale)

    def _failed_get_scale(self, hpa: Obj, error: str) -> None:
        self.recorder.event(hpa, "Warning", "FailedGetScale", error)
        message = f"the HPA controller was unable to get the target's current scale: {error}"
        self._condition(hpa, "AbleToScale", "False", "FailedGetScale", message)

    def _compute_replicas_for_metrics(self, hpa: Obj, scale: Obj) -> Gen:
        """computeReplicasForMetrics, where no metric can be read: each fails with its event
        and condition; the first failure's condition is set and the error names it."""
        selector = (scale.get("status") or {}).get("selector", "")
        metrics = (hpa.get("spec") or {}).get("metrics") or []
        statuses: list[Obj] = [{"type": ""} for _ in metrics]  # empty MetricStatus{}
        if not selector:
            self.recorder.event(hpa, "Warning", "SelectorRequired", "selector is required")
            message = "the HPA target's scale is missing a selector"
            self._condition(hpa, "ScalingActive", "False", "InvalidSelector", message)
            return statuses, "selector is required"
        first: MetricError | None = None
        first_error = ""
        for metric in metrics:
            try:
                yield from self._read_metric(hpa, metric, selector)
            except MetricError as failure:
                self.recorder.event(hpa, "Warning", failure.reason, str(failure))
                if first is None:
                    first, first_error = failure, _wrapped(metric, str(failure))
        assert first is not None
        message = f"the HPA was unable to compute the replica count: {first}"
        self._condition(hpa, "ScalingActive", "False", first.reason, message)
        count = len(metrics)
        error = f"invalid metrics ({count} invalid out of {count}), first error is: {first_error}"
        return statuses, error

    def _read_metric(self, hpa: Obj, metric: Obj, selector: str) -> Gen:
        """The metrics client's request for one metric, and the error it ends in."""
        namespace = hpa["metadata"].get("namespace", "")
        kind = metric.get("type", "")
        if kind in _RESOURCE_REASONS:
            source = metric.get("resource" if kind == "Resource" else "containerResource") or {}
            name = source.get("name", "")
            response = yield from self.request(
                "GET",
                f"{METRICS_API}/namespaces/{namespace}/pods",
                query={"labelSelector": selector},
            )
            fetched = f"{error_message(response)} (get pods.metrics.k8s.io)"
            # replica_calculator.go GetResourceReplicas / GetRawResourceReplicas,
            # metrics/client.go resourceMetricsClient.GetResourceMetric
            error = (
                f"unable to get metrics for resource {name}: unable to fetch metrics from "
                f"resource metrics API: {fetched}"
            )
            what = "usage" if (source.get("target") or {}).get("averageValue") else "utilization"
            raise MetricError(_RESOURCE_REASONS[kind], f"failed to get {name} {what}: {error}")
        api, reason = _OTHER_APIS.get(kind, ("", "InvalidMetricSourceType"))
        if not api:
            raise MetricError(reason, f'unknown metric source type "{kind}"')
        source = metric.get(kind.lower()) or {}
        name = (source.get("metric") or {}).get("name", "")
        raise MetricError(
            reason,
            f"unable to get metric {name}: unable to fetch metrics from {api}: the server "
            f"could not find the requested resource",
        )

    # ---- status ------------------------------------------------------------------------------
    def _condition(self, hpa: Obj, kind: str, status: str, reason: str, message: str) -> None:
        set_condition(hpa, kind, status, reason, message, self.stamp())

    def _set_status(
        self, hpa: Obj, current: int, desired: int, statuses: list[Obj], rescaled: bool = False
    ) -> None:
        """setStatus: the replicas seen and wanted, the metrics, the last scale time."""
        status = hpa["status"]
        fresh: Obj = {}
        if status.get("lastScaleTime") or rescaled:
            fresh["lastScaleTime"] = self.stamp() if rescaled else status["lastScaleTime"]
        if current:
            fresh["currentReplicas"] = current
        fresh["desiredReplicas"] = desired
        fresh["currentMetrics"] = statuses or None
        if status.get("conditions"):
            fresh["conditions"] = status["conditions"]
        hpa["status"] = fresh

    def _update_status_if_needed(self, hpa: Obj, original: Obj) -> Gen:
        """updateStatusIfNeeded: PUT /status only when something changed."""
        if hpa["status"] == original:
            return
        meta = hpa["metadata"]
        path = path_of("horizontalpodautoscalers", meta.get("namespace", ""), meta["name"])
        response = yield from self.request("PUT", path + "/status", hpa)
        if not response.ok:
            self.errors.handle_error(
                key_of(hpa),
                f"failed to update status for {meta['name']}: {error_message(response)}",
                obj=self.ref_for(key_of(hpa)),
            )

    # ---- the story ---------------------------------------------------------------------------
    def _tell(self, hpa: Obj, outcome: str, why: str, current: int, desired: int = 0) -> None:
        """A milestone when the outcome changes, not every 15 s."""
        target = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
        what = f"{target.get('kind', '')} {target.get('name', '')}"
        name = hpa["metadata"]["name"]
        if outcome == "rescale":
            headline = (
                f"HorizontalPodAutoscaler {name} scaled {what} from {current} to {desired} "
                f"replicas: {why[0].lower()}{why[1:]}"
            )
        else:
            headline = (
                f"HorizontalPodAutoscaler {name} cannot read the pods' metrics: no metrics API "
                f"(metrics-server) in this cluster, so {what} keeps its {current} "
                f"replica{'' if current == 1 else 's'}"
            )
        key = key_of(hpa)
        if self._told.get(key) == headline:
            return
        self._told[key] = headline
        self.milestone(headline, hpa, None, None, **({"count": desired} if desired else {}))


def _wrapped(metric: Obj, error: str) -> str:
    """computeReplicasForMetric's wrapping of a metric's error."""
    kind = metric.get("type", "")
    if kind == "Resource":
        name = (metric.get("resource") or {}).get("name", "")
        return f"failed to get {name} resource metric value: {error}"
    if kind == "ContainerResource":
        container = (metric.get("containerResource") or {}).get("container", "")
        return f"failed to get {container} container metric value: {error}"
    if kind == "Pods":
        return f"failed to get pods metric value: {error}"
    if kind == "Object":
        return f"failed to get object metric value: {error}"
    if kind == "External":
        name = ((metric.get("external") or {}).get("metric") or {}).get("name", "")
        return f"failed to get {name} external metric value: {error}"
    return error
