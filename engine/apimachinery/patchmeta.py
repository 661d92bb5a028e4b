"""Patch metadata: what the Go struct tags of the API types say about each field.

Upstream reads `patchStrategy`, `patchMergeKey` and the `+listType`/`+listMapKey`/`+structType`
markers from the typed structs (staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/meta.go,
PatchMetaFromStruct); here one table, PATCH_META, says the same for every kind served. Strategic
merge patch (strategicpatch.py) and server-side apply (managedfields.py) both consult it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class FieldMeta:
    """What the Go struct tags say about one field.

    strategy: "merge" (lists merged by merge_key, or as a set of primitives when there is no
    key) or "" (maps merge, lists are replaced whole). retain_keys: `retainKeys` strategy.
    list_keys / key_defaults / atomic only matter to server-side apply (managedfields.py): the
    `+listMapKey` markers when wider than the merge key, schema defaults for key fields, and
    `+structType=atomic` maps that are owned as one value.
    """

    strategy: str = ""
    merge_key: str = ""
    retain_keys: bool = False
    list_keys: tuple[str, ...] = ()
    key_defaults: tuple[tuple[str, str], ...] = ()
    atomic: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        """The fields identifying a list item (listMapKeys, else the patchMergeKey)."""
        return self.list_keys or ((self.merge_key,) if self.merge_key else ())


_MERGE_BY_NAME = FieldMeta("merge", "name")
_MERGE_BY_TYPE = FieldMeta("merge", "type")
_MERGE_BY_IP = FieldMeta("merge", "ip")
_ATOMIC = FieldMeta(atomic=True)

# Path pattern → patch metadata, from the struct tags of k8s.io/api core/v1 and apps/v1
# types.go and k8s.io/apimachinery meta/v1 types.go. A pattern is a dotted path from the object
# root in which list items add no segment ("<pod>.containers.env" is the env list of every
# container). "Kind:" limits a pattern to one kind; <meta>, <pod> and <container> expand to
# the ObjectMeta, PodSpec and Container locations of each kind (see _PLACES). Fields absent
# here have no strategy: maps merge key by key, lists (tolerations, args, command, …) are
# replaced whole.
PATCH_META: dict[str, FieldMeta] = {
    # ObjectMeta: `patchStrategy:"merge"` (+listType=set) / `patchMergeKey:"uid"`.
    "<meta>.finalizers": FieldMeta("merge"),
    "<meta>.ownerReferences": FieldMeta("merge", "uid"),
    # PodSpec.
    "<pod>.volumes": FieldMeta("merge", "name", retain_keys=True),
    "<pod>.initContainers": _MERGE_BY_NAME,
    "<pod>.containers": _MERGE_BY_NAME,
    "<pod>.ephemeralContainers": _MERGE_BY_NAME,
    "<pod>.imagePullSecrets": _MERGE_BY_NAME,
    "<pod>.hostAliases": _MERGE_BY_IP,
    "<pod>.schedulingGates": _MERGE_BY_NAME,
    "<pod>.resourceClaims": FieldMeta("merge", "name", retain_keys=True),
    "<pod>.topologySpreadConstraints": FieldMeta(
        "merge", "topologyKey", list_keys=("topologyKey", "whenUnsatisfiable")
    ),
    "<pod>.topologySpreadConstraints.labelSelector": _ATOMIC,
    "<pod>.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution": _ATOMIC,
    # Container (and EphemeralContainerCommon).
    "<container>.ports": FieldMeta(
        "merge",
        "containerPort",
        list_keys=("containerPort", "protocol"),
        key_defaults=(("protocol", "TCP"),),
    ),
    "<container>.env": _MERGE_BY_NAME,
    "<container>.volumeMounts": FieldMeta("merge", "mountPath"),
    "<container>.volumeDevices": FieldMeta("merge", "devicePath"),
    # PodStatus.
    "Pod:status.conditions": _MERGE_BY_TYPE,
    "Pod:status.podIPs": _MERGE_BY_IP,
    "Pod:status.hostIPs": _MERGE_BY_IP,
    "Pod:status.resourceClaimStatuses": _MERGE_BY_NAME,
    # apps/v1.
    "Deployment:spec.strategy": FieldMeta(retain_keys=True),
    "Deployment:spec.selector": _ATOMIC,
    "Deployment:status.conditions": _MERGE_BY_TYPE,
    "ReplicaSet:spec.selector": _ATOMIC,
    "ReplicaSet:status.conditions": _MERGE_BY_TYPE,
    "DaemonSet:spec.selector": _ATOMIC,
    "DaemonSet:status.conditions": _MERGE_BY_TYPE,
    "StatefulSet:spec.selector": _ATOMIC,
    "StatefulSet:status.conditions": _MERGE_BY_TYPE,
    # core/v1 ReplicationController: its selector is a map, merged key by key.
    "ReplicationController:status.conditions": _MERGE_BY_TYPE,
    # Node, Namespace. (Event has no strategic fields.)
    "Node:spec.podCIDRs": FieldMeta("merge"),
    "Node:status.conditions": _MERGE_BY_TYPE,
    "Node:status.addresses": _MERGE_BY_TYPE,
    "Namespace:status.conditions": _MERGE_BY_TYPE,
    # Service: ports merge by port (+listMapKey port and protocol); the selector is atomic.
    "Service:spec.ports": FieldMeta(
        "merge", "port", list_keys=("port", "protocol"), key_defaults=(("protocol", "TCP"),)
    ),
    "Service:spec.selector": _ATOMIC,
    "Service:status.conditions": _MERGE_BY_TYPE,
    # admissionregistration/v1: matchConditions merge by name; LabelSelectors are atomic.
    "ValidatingAdmissionPolicy:spec.matchConditions": _MERGE_BY_NAME,
    "ValidatingAdmissionPolicy:spec.matchConstraints.namespaceSelector": _ATOMIC,
    "ValidatingAdmissionPolicy:spec.matchConstraints.objectSelector": _ATOMIC,
    "ValidatingAdmissionPolicy:status.conditions": _MERGE_BY_TYPE,
    "ValidatingAdmissionPolicyBinding:spec.matchResources.namespaceSelector": _ATOMIC,
    "ValidatingAdmissionPolicyBinding:spec.matchResources.objectSelector": _ATOMIC,
    "ValidatingAdmissionPolicyBinding:spec.paramRef.selector": _ATOMIC,
}

_TEMPLATE_PLACES = {
    "<meta>": ("metadata", "spec.template.metadata"),
    "<pod>": ("spec.template.spec",),
}
_PLACES: dict[str, dict[str, tuple[str, ...]]] = {
    "Pod": {"<meta>": ("metadata",), "<pod>": ("spec",)},
    "Deployment": _TEMPLATE_PLACES,
    "ReplicaSet": _TEMPLATE_PLACES,
    "DaemonSet": _TEMPLATE_PLACES,
    "StatefulSet": _TEMPLATE_PLACES,
    "ReplicationController": _TEMPLATE_PLACES,
}
_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
_NO_META = FieldMeta()


@cache
def _meta_table(kind: str) -> dict[tuple[str, ...], FieldMeta]:
    places = _PLACES.get(kind, {"<meta>": ("metadata",)})
    table: dict[tuple[str, ...], FieldMeta] = {}
    for pattern, meta in PATCH_META.items():
        scope, _, rest = pattern.rpartition(":")
        if scope and scope != kind:
            continue
        head, _, tail = rest.partition(".")
        if head == "<container>":
            pods = places.get("<pod>", ())
            prefixes = tuple(f"{pod}.{name}" for pod in pods for name in _CONTAINER_LISTS)
        elif head.startswith("<"):
            prefixes = places.get(head, ())
        else:
            prefixes, tail = (head,), tail
        for prefix in prefixes:
            path = f"{prefix}.{tail}" if tail else prefix
            table[tuple(path.split("."))] = meta
    return table


def field_meta(kind: str, path: Iterable[str]) -> FieldMeta:
    """Patch metadata of the field at `path` (field names from the root) of an object of `kind`."""
    return _meta_table(kind).get(tuple(path), _NO_META)
