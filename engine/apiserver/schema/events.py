"""events.k8s.io/v1: Event, as staging/src/k8s.io/api/events/v1/types.go. The same Events as
core/v1's (one storage), with the fields renamed: see engine/apiserver/conversion/events.py."""

from __future__ import annotations

import dataclasses

from engine.apiserver.schema.cluster import CORE, kind, list_kind
from engine.apiserver.schema.model import MICRO_TIME, Struct, int32, ref, string, time
from engine.apiserver.schema.pod import OBJECT_REFERENCE

EVENTS = "io.k8s.api.events.v1."

_EVENT = kind(
    EVENTS + "Event",
    ("events.k8s.io", "v1", "Event"),
    "An Event reports something that happened to an object: a pod was scheduled, an image "
    "pulled, a container restarted. The same Events core/v1 serves, named anew.",
    action=string("What was done (or failed) about the regarding object, e.g. Binding."),
    deprecatedCount=int32("core/v1's count, kept for backward compatibility."),
    deprecatedFirstTimestamp=time("core/v1's firstTimestamp, kept for backward compatibility."),
    deprecatedLastTimestamp=time("core/v1's lastTimestamp, kept for backward compatibility."),
    deprecatedSource=ref(CORE + "EventSource", "core/v1's source, kept for compatibility."),
    eventTime=ref(MICRO_TIME, "When the Event was first observed. It is required."),
    note=string("What happened, for people to read (at most 1 kB)."),
    reason=string("Why the action was taken, e.g. Scheduled."),
    regarding=ref(OBJECT_REFERENCE, "The object the Event is about."),
    related=ref(OBJECT_REFERENCE, "A second object involved, if any."),
    reportingController=string("The controller that emitted it, e.g. default-scheduler."),
    reportingInstance=string("The instance of that controller."),
    series=ref(EVENTS + "EventSeries", "For repeated events: how often, until when."),
    type=string("Normal or Warning."),
)
EVENT = dataclasses.replace(_EVENT, required=("eventTime",))

STRUCTS = (
    EVENT,
    list_kind(EVENT),
    Struct(
        EVENTS + "EventSeries",
        "A series of repeated events: how many, and the latest.",
        {
            "count": int32("How many occurrences up to the last heartbeat."),
            "lastObservedTime": ref(MICRO_TIME, "The time of the last occurrence observed."),
        },
        required=("count", "lastObservedTime"),
    ),
)
