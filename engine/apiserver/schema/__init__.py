"""The schema of every kind the API server serves, as one registry of named types.

See model.py for the building blocks; the type modules follow k8s.io/api's packages.
"""

from __future__ import annotations

from typing import Any

from engine.apiserver.schema import (
    admissionregistration,
    apps,
    authorization,
    autoscaling,
    autoscaling_v1,
    batch,
    cluster,
    config,
    container,
    daemonset,
    discovery,
    endpoints,
    events,
    meta,
    networking,
    pod,
    policy,
    rbac,
    replicationcontroller,
    service,
    serviceaccount,
    statefulset,
    storage,
    volume,
)
from engine.apiserver.schema.model import (
    FIELDS_V1,
    INT_OR_STRING,
    MICRO_TIME,
    QUANTITY,
    TIME,
    Registry,
    Struct,
)

REGISTRY = Registry()
_MODULES = (
    meta,
    container,
    volume,
    pod,
    cluster,
    config,
    service,
    serviceaccount,
    rbac,
    authorization,
    endpoints,
    apps,
    daemonset,
    discovery,
    batch,
    storage,
    statefulset,
    policy,
    networking,
    autoscaling,
    replicationcontroller,
    admissionregistration,
    autoscaling_v1,
    events,
)
for _module in _MODULES:
    REGISTRY.add(*_module.STRUCTS)

# Named types that are strings on the wire (their own OpenAPI components upstream).
STRING_FORMATS: dict[str, dict[str, Any]] = {
    INT_OR_STRING: {
        "description": "A value that is either a whole number or a string, such as 8080 or "
        '"http", or 3 or "25%".',
        "format": "int-or-string",
        "type": "string",
    },
    QUANTITY: {
        "description": "A fixed-point amount of a resource, written with a suffix: binary "
        "(Ki, Mi, Gi…), decimal (k, M, G…) or milli (m, so 500m cpu is half a core).",
        "type": "string",
    },
    TIME: {
        "description": "A moment in time, in RFC 3339 form to the second, in UTC.",
        "format": "date-time",
        "type": "string",
    },
    MICRO_TIME: {
        "description": "A moment in time, in RFC 3339 form to the microsecond.",
        "format": "date-time",
        "type": "string",
    },
}
assert FIELDS_V1 in REGISTRY.structs

# The fields typed metav1.Time or MicroTime in any served kind (creationTimestamp,
# lastTransitionTime, firstTimestamp, renewTime, managedFields' time…).
TIME_FIELDS = frozenset(
    name
    for struct in REGISTRY.structs.values()
    for name, prop in struct.fields.items()
    if prop.ref in (TIME, MICRO_TIME)
)

_BY_GVK: dict[tuple[str, str, str], Struct] = {
    s.gvk: s for s in REGISTRY.structs.values() if s.gvk is not None
}


def kind_struct(group: str, version: str, kind: str) -> Struct | None:
    """The top-level type of a kind, e.g. ("apps", "v1", "Deployment")."""
    return _BY_GVK.get((group, version, kind))
