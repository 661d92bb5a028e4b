"""events.k8s.io/v1 Events over core/v1's storage: pkg/apis/events/v1/conversion.go
(Convert_v1_Event_To_core_Event, Convert_core_Event_To_v1_Event, AddFieldLabelConversionsForEvent)
and the rules pkg/apis/core/validation/events.go keeps for requests at events.k8s.io/v1."""

from __future__ import annotations

from typing import Any

from engine.apimachinery import field
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.meta import validate_meta
from engine.apiserver.validation.names import name_is_dns_subdomain

Obj = dict[str, Any]

# (events.k8s.io/v1 field, core/v1 field): the fields renamed; the others keep their names.
_RENAMED = (
    ("regarding", "involvedObject"),
    ("note", "message"),
    ("reportingController", "reportingComponent"),
    ("deprecatedSource", "source"),
    ("deprecatedFirstTimestamp", "firstTimestamp"),
    ("deprecatedLastTimestamp", "lastTimestamp"),
    ("deprecatedCount", "count"),
)
_KEPT = ("eventTime", "series", "reportingInstance", "action", "reason", "related", "type")
# k8s.io/api/events/v1 types.go, in its order: (field, written even when empty). eventTime has
# no omitempty; omitempty leaves structs (regarding, deprecatedSource, the Times) in, and a zero
# metav1.Time or MicroTime is written as null.
_V1_FIELDS = (
    ("eventTime", True),
    ("series", False),
    ("reportingController", False),
    ("reportingInstance", False),
    ("action", False),
    ("reason", False),
    ("regarding", True),
    ("related", False),
    ("note", False),
    ("type", False),
    ("deprecatedSource", True),
    ("deprecatedFirstTimestamp", True),
    ("deprecatedLastTimestamp", True),
    ("deprecatedCount", False),
)
_EMPTY_STRUCTS: dict[str, Obj] = {"regarding": {}, "deprecatedSource": {}}

FIELD_LABELS = {
    "reason": "reason",
    **{
        f"regarding.{name}": f"involvedObject.{name}"
        for name in (
            "kind",
            "namespace",
            "name",
            "uid",
            "apiVersion",
            "resourceVersion",
            "fieldPath",
        )
    },
    "reportingController": "reportingComponent",
    "source": "source",
    "type": "type",
    "metadata.namespace": "metadata.namespace",
    "metadata.name": "metadata.name",
}


def to_core(event: Obj) -> Obj:
    """Convert_v1_Event_To_core_Event."""
    out: Obj = {"apiVersion": "v1", "kind": "Event", "metadata": event.get("metadata") or {}}
    for v1_name, core_name in _RENAMED:
        if event.get(v1_name) not in (None, "", 0, {}):
            out[core_name] = event[v1_name]
    for name in _KEPT:
        if event.get(name) not in (None, ""):
            out[name] = event[name]
    return out


def from_core(event: Obj) -> Obj:
    """Convert_core_Event_To_v1_Event, written as the Go struct is."""
    values = {name: event.get(name) for name in _KEPT}
    values.update({v1_name: event.get(core_name) for v1_name, core_name in _RENAMED})
    out: Obj = {"kind": "Event", "apiVersion": "events.k8s.io/v1"}
    if "metadata" in event:
        out["metadata"] = event["metadata"]
    for name, always in _V1_FIELDS:
        value = values.get(name)
        if value in (None, "", 0):
            if always:
                out[name] = _EMPTY_STRUCTS.get(name)
            continue
        out[name] = value
    return out


def validate(event: Obj, old: Obj | None) -> Errors:
    """ValidateEventCreate past legacyValidateEvent, for a request at events.k8s.io/v1 (the
    event in its core form). ValidateEventUpdate's immutability rules are not enforced."""
    if old is not None:
        return []
    errs = validate_meta(event, None, True, name_is_dns_subdomain)
    series = event.get("series")
    if series:  # validateV1EventSeries
        if (series.get("count") or 0) < 2:
            errs.append(field.invalid("series.count", "", "should be at least 2"))
        if not series.get("lastObservedTime"):
            errs.append(field.required("series.lastObservedTime", ""))
    if not event.get("eventTime"):
        errs.append(field.required("eventTime", ""))
    kind = event.get("type") or ""
    if kind not in ("Normal", "Warning"):
        errs.append(field.invalid("type", "", f"has invalid value: {kind}"))
    for name in ("firstTimestamp", "lastTimestamp", "count", "source"):
        if event.get(name):
            errs.append(field.invalid(name, "", "needs to be unset"))
    return errs
