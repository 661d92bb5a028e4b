"""Recording Kubernetes Events, as client-go's recorders do.

Two recorders exist upstream and Podlife keeps both shapes, because `kubectl describe` shows them
differently:
- the core/v1 recorder (staging/src/k8s.io/client-go/tools/record), used by the kubelet and
  most controllers: firstTimestamp/lastTimestamp/count, source{component, host}; an identical
  event again PATCHes count+1 (EventCorrelator);
- the events.k8s.io recorder (staging/src/k8s.io/client-go/tools/events), used by the
  scheduler: eventTime, action, reportingController, and `series` for repeats, written at
  events.k8s.io/v1 (the same storage as core/v1's: engine/apiserver/conversion/).
Posting is asynchronous, as upstream: the component does not wait for it.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from engine import timeutil
from engine.client.rest import RestClient

Gen = Generator[Any, Any, Any]

NOTE_LENGTH_LIMIT = 1024  # events API validation.NoteLengthLimit

# EventCorrelator defaults (staging/src/k8s.io/client-go/tools/record/events_cache.go)
AGGREGATE_MAX_EVENTS = 10  # defaultAggregateMaxEvents
AGGREGATE_INTERVAL = 600.0  # defaultAggregateIntervalInSeconds
SPAM_BURST = 25  # defaultSpamBurst
SPAM_QPS = 1.0 / 300.0  # defaultSpamQPS
COMBINED_PREFIX = "(combined from similar events): "  # EventAggregatorByReasonMessageFunc


@dataclass
class _Seen:
    name: str
    namespace: str
    count: int
    first: float
    message: str = ""  # for a combined event, whose message follows the latest one


@dataclass
class _Similar:
    """EventAggregator's record: the distinct messages of one source/object/type/reason."""

    messages: dict[str, None]
    last: float


@dataclass
class _SpamBucket:
    """EventSourceObjectSpamFilter: a token bucket per source and object."""

    tokens: float
    last: float


def involved_object(obj: dict[str, Any], field_path: str = "") -> dict[str, Any]:
    meta = obj["metadata"]
    ref = {
        "kind": obj.get("kind", ""),
        "namespace": meta.get("namespace", ""),
        "name": meta["name"],
        "uid": meta.get("uid", ""),
        "apiVersion": obj.get("apiVersion", ""),
        "resourceVersion": meta.get("resourceVersion", ""),
    }
    if not ref["namespace"]:
        del ref["namespace"]
    if field_path:
        ref["fieldPath"] = field_path
    return ref


class EventRecorder:
    def __init__(
        self,
        client: RestClient,
        component: str,
        host: str = "",
        series_api: bool = False,
    ) -> None:
        self.client = client
        self.component = component  # source.component / reportingController
        self.host = host
        self.series_api = series_api  # the events.k8s.io recorder (scheduler)
        self._seen: dict[tuple[str, ...], _Seen] = {}
        self._nanos: set[int] = set()  # name suffixes in use: a set, not a scan of every name
        self._similar: dict[tuple[str, ...], _Similar] = {}
        self._spam: dict[tuple[str, ...], _SpamBucket] = {}

    def event(
        self,
        obj: dict[str, Any],
        type_: str,
        reason: str,
        message: str,
        *,
        field_path: str = "",
        action: str = "",
    ) -> None:
        if len(message) > NOTE_LENGTH_LIMIT:
            message = message[: NOTE_LENGTH_LIMIT - 4] + " ..."
        ref = involved_object(obj, field_path)
        namespace = ref.get("namespace") or "default"
        identity = (
            ref["kind"],
            namespace,
            ref["name"],
            ref["uid"],
            field_path,
            type_,
            reason,
            message,
        )
        env = self.client.context.env
        combined = False
        if not self.series_api:
            # EventCorrelator: from the 10th distinct message of the same kind about an object
            # within 10 minutes, events are combined into one that counts up.
            combined = self._aggregate(ref, type_, reason, message, env.now)
            if combined:
                message = COMBINED_PREFIX + message
                identity = ("combined", *identity[:-1])
        seen = self._seen.get(identity)
        if seen is not None:
            seen.count += 1
            seen.message = message if combined else ""
            if not self.series_api and self._spam_filtered(ref, env.now):
                return
            env.process(self._repeat(seen), f"event {reason}")
            return
        if not self.series_api and self._spam_filtered(ref, env.now):
            return  # more than 25 events about one object: dropped, as upstream
        name = f"{ref['name']}.{self._unix_nano(env.now):x}"
        self._seen[identity] = _Seen(name, namespace, 1, env.now)
        env.process(
            self._post(self._new_event(name, namespace, ref, type_, reason, message, action)),
            f"event {reason}",
        )

    def _aggregate(
        self, ref: dict[str, Any], type_: str, reason: str, message: str, now: float
    ) -> bool:
        """EventAggregator.EventAggregate: whether this event is to be combined."""
        key = (ref["kind"], ref.get("namespace", ""), ref["name"], ref["uid"], type_, reason)
        record = self._similar.get(key)
        if record is None or now - record.last > AGGREGATE_INTERVAL:
            record = self._similar[key] = _Similar({}, now)
        record.messages[message] = None
        record.last = now
        if len(record.messages) < AGGREGATE_MAX_EVENTS:
            return False
        del record.messages[next(iter(record.messages))]  # localKeys.PopAny
        return True

    def _spam_filtered(self, ref: dict[str, Any], now: float) -> bool:
        """EventSourceObjectSpamFilter.Filter: burst 25, then one event per 5 minutes."""
        key = (ref["kind"], ref.get("namespace", ""), ref["name"], ref["uid"])
        bucket = self._spam.get(key)
        if bucket is None:
            bucket = self._spam[key] = _SpamBucket(float(SPAM_BURST), now)
        bucket.tokens = min(float(SPAM_BURST), bucket.tokens + (now - bucket.last) * SPAM_QPS)
        bucket.last = now
        if bucket.tokens < 1:
            return True
        bucket.tokens -= 1
        return False

    def _unix_nano(self, now: float) -> int:
        base = int(timeutil.to_datetime(0).timestamp()) * 1_000_000_000
        nano = base + round(now * 1_000_000_000)
        # Names must be unique even for two events in the same virtual nanosecond.
        while nano in self._nanos:
            nano += 1
        self._nanos.add(nano)
        return nano

    def _new_event(
        self,
        name: str,
        namespace: str,
        ref: dict[str, Any],
        type_: str,
        reason: str,
        message: str,
        action: str,
    ) -> dict[str, Any]:
        now = self.client.context.env.now
        if self.series_api:
            # tools/events recorder.go generateEvent: an eventsv1.Event
            return {
                "apiVersion": "events.k8s.io/v1",
                "kind": "Event",
                "metadata": {"name": name, "namespace": namespace},
                "eventTime": timeutil.rfc3339_micro(now),
                "reportingController": self.component,
                "reportingInstance": f"{self.component}-control-plane",
                "action": action,
                "reason": reason,
                "regarding": ref,
                "note": message,
                "type": type_,
            }
        source = {"component": self.component}
        if self.host:
            source["host"] = self.host
        return {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": name, "namespace": namespace},
            "involvedObject": ref,
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": timeutil.rfc3339(now),
            "lastTimestamp": timeutil.rfc3339(now),
            "count": 1,
            "type": type_,
            "eventTime": None,
            "reportingComponent": self.component,
            "reportingInstance": self.host,
        }

    def _events(self, namespace: str) -> str:
        """Where this recorder's Events go: the events.k8s.io recorder writes at its API."""
        group = "/apis/events.k8s.io/v1" if self.series_api else "/api/v1"
        return f"{group}/namespaces/{namespace}/events"

    def _post(self, event: dict[str, Any]) -> Gen:
        namespace = event["metadata"]["namespace"]
        yield from self.client.request("POST", self._events(namespace), body=event)

    def _repeat(self, seen: _Seen) -> Gen:
        now = self.client.context.env.now
        if self.series_api:
            patch: dict[str, Any] = {
                "series": {"count": seen.count, "lastObservedTime": timeutil.rfc3339_micro(now)}
            }
        else:
            patch = {"count": seen.count, "lastTimestamp": timeutil.rfc3339(now)}
            if seen.message:
                patch["message"] = seen.message
        yield from self.client.request(
            "PATCH",
            f"{self._events(seen.namespace)}/{seen.name}",
            body=patch,
            headers={"content-type": "application/strategic-merge-patch+json"},
        )
