"""What the API server does to an object of one resource on its way into storage.

A Strategy is a resource's rules for the generic store (registry/store.py), as each
pkg/registry/<group>/<resource>/strategy.go is upstream: what create resets, what an update
may not change, whether spec changes bump metadata.generation, how long a delete is graceful,
which fields a field selector may name, its printer columns, and which subresources have
storage of their own (pods/binding, deployments/scale…). The defaults here are the generic ones of
staging/src/k8s.io/apiserver/pkg/registry/rest/{create,update,delete}.go; a resource overrides
only what differs.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from engine import names
from engine.apimachinery.fields import FieldSelector
from engine.apimachinery.labels import SelectorError
from engine.apiserver import memo, tables
from engine.apiserver.resources import BY_NAME, ResourceType
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.meta import validate_object_meta_update

if TYPE_CHECKING:
    from engine.apiserver.request import Request
    from engine.apiserver.server import APIServer

Obj = Mapping[str, Any]
# What a write calls once it is over, stored or not (registry.FinishFunc).
Finish = Callable[[], None]

# ObjectMeta's JSON field order (k8s.io/apimachinery/pkg/apis/meta/v1/types.go), so that
# `kubectl get -o json` shows keys where Kubernetes puts them.
_META_ORDER = (
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
)
_TOP_ORDER = ("kind", "apiVersion", "metadata", "spec", "status")
# The metadata a client may not set or change (rest.BeforeCreate, BeforeUpdate).
_SYSTEM_FIELDS = ("deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion")
_IMMUTABLE_FIELDS = (
    "uid",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "namespace",
)
# The fields every kind can select by (runtime.DefaultMetaV1FieldSelectorConversion).
_META_FIELD_LABELS = ("metadata.name", "metadata.namespace")


def ordered(obj: dict[str, Any]) -> dict[str, Any]:
    """The object with top-level and metadata keys in Go struct order (canonicalize)."""
    out = {k: obj[k] for k in _TOP_ORDER if k in obj}
    out.update({k: v for k, v in obj.items() if k not in out})
    meta = out.get("metadata")
    if isinstance(meta, dict):
        m = {k: meta[k] for k in _META_ORDER if k in meta}
        m.update({k: v for k, v in meta.items() if k not in m})
        out["metadata"] = m
    return out


def text(value: Any) -> str:
    """A field's value as a selectable-field string ("" for a missing one)."""
    return "" if value is None else str(value)


def generic_fields(obj: Obj, namespaced: bool = True) -> dict[str, str]:
    """generic.ObjectMetaFieldsSet."""
    metadata = obj.get("metadata") or {}
    fields = {"metadata.name": text(metadata.get("name"))}
    if namespaced:
        fields["metadata.namespace"] = text(metadata.get("namespace"))
    return fields


# A subresource with storage of its own (BindingREST, EvictionREST, LogREST, ScaleREST), by
# (subresource, verb). get and create take (api, request, target); update and patch also the
# function that computes the subresource's new value from its current one.
SubresourceHandler = Callable[..., Any]


def finished() -> None:
    """The Finish of a write that holds nothing."""


class Strategy:
    """The generic rules; one subclass per resource says what differs."""

    resource_name: ClassVar[str]
    # metadata.generation counts spec changes (pods too: PodObservedGenerationTracking).
    generation: ClassVar[bool] = False
    # A plain update keeps the stored status: only the /status subresource writes it.
    update_resets_status: ClassVar[bool] = True
    # metadata.managedFields kept up to date on every write.
    tracks_managed_fields: ClassVar[bool] = True
    # A DELETE answers with the deleted object rather than a Status (Store.ReturnDeletedObject).
    return_deleted_object: ClassVar[bool] = False
    # The field whose value indexes this resource's watches (the cacher's IndexerFuncs).
    watch_index: ClassVar[str] = ""
    # The fields a field selector may name; None: only metadata.name and metadata.namespace.
    field_labels: ClassVar[tuple[str, ...] | None] = None
    subresources: ClassVar[Mapping[tuple[str, str], SubresourceHandler]] = {}
    # A kind that is never stored: the API server answers its create at once (the access
    # reviews of authorization.k8s.io), taking (api, request, target) like a subresource.
    answer_create: ClassVar[SubresourceHandler | None] = None
    # Its server-side table: columns and rows as `kubectl get` shows them (tables.py).
    printer: ClassVar[tables.Printer] = tables.DEFAULT

    def __init__(self) -> None:
        self.resource: ResourceType = BY_NAME[self.resource_name]
        self.kind = self.resource.kind

    # ---- create ------------------------------------------------------------------------------
    def before_create(self, obj: dict[str, Any], now: float, rng: random.Random) -> None:
        """rest.BeforeCreate: system metadata set, what a client may not set cleared."""
        meta = obj.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = names.generate_name(rng, meta["generateName"])
        meta["uid"] = names.new_uid(rng)
        meta["creationTimestamp"] = memo.rfc3339(now)
        for system_field in _SYSTEM_FIELDS:
            meta.pop(system_field, None)
        if self.generation:
            meta["generation"] = 1
        self.prepare_for_create(obj)

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        """PrepareForCreate: what this resource resets on create (usually its status)."""

    def admit(self, api: APIServer, obj: dict[str, Any]) -> list[str]:
        """The mutating admission plugins that change a new object of this kind, by name
        (they may read other objects, and the flags in `api.timings`)."""
        return []

    def admit_validating(self, api: APIServer, req: Request, obj: dict[str, Any]) -> None:
        """The validating admission plugins of this kind that run after its validation and
        may refuse a new object (LimitRanger's min/max for pods); they raise StatusError."""

    def begin_write(
        self, api: APIServer, obj: dict[str, Any], old: dict[str, Any] | None, dry_run: bool
    ) -> Finish:
        """Store.BeginCreate / BeginUpdate: what the write takes hold of before it is
        validated (a Service's cluster IP). Returns what to call when the write is over."""
        return finished

    # ---- update ------------------------------------------------------------------------------
    def before_update(self, new: dict[str, Any], old: dict[str, Any], subresource: str) -> None:
        """rest.BeforeUpdate: metadata a client cannot change kept as stored, then the
        resource's own PrepareForUpdate."""
        new_meta = new.setdefault("metadata", {})
        old_meta = old["metadata"]
        for immutable in _IMMUTABLE_FIELDS:
            if immutable in old_meta:
                new_meta[immutable] = old_meta[immutable]
            else:
                new_meta.pop(immutable, None)
        self.prepare_for_update(new, old, subresource)

    def prepare_for_update(
        self, new: dict[str, Any], old: dict[str, Any], subresource: str
    ) -> None:
        """Keep what this write may not change; bump generation when the spec changed."""
        if subresource == "status":
            if "spec" in old:
                new["spec"] = old["spec"]
            else:
                new.pop("spec", None)
            return
        if self.resource.has_status and self.update_resets_status:
            if "status" in old:
                new["status"] = old["status"]
            else:
                new.pop("status", None)
        if self.generation and new.get("spec") != old.get("spec"):
            new["metadata"]["generation"] = old["metadata"].get("generation", 1) + 1

    def validate(
        self, obj: dict[str, Any], old: dict[str, Any] | None, subresource: str = ""
    ) -> Errors:
        """What a write must pass: the /status subresource's own checks, or the kind's."""
        if subresource == "status" and old is not None:
            return self.validate_status_update(obj, old)
        return self.validate_object(obj, old)

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        """Validate (old is None) or ValidateUpdate: the kind's rules (validation/)."""
        return []

    def validate_status_update(self, obj: dict[str, Any], old: dict[str, Any]) -> Errors:
        """The status strategy's ValidateUpdate: only metadata rules, by default."""
        return validate_object_meta_update(obj.get("metadata"), old.get("metadata"))

    def should_delete_during_update(self, obj: dict[str, Any]) -> bool:
        """An object being deleted whose last finalizer just went, and whose grace is over
        (registry.ShouldDeleteDuringUpdate): the update deletes it instead."""
        meta = obj["metadata"]
        return (
            bool(meta.get("deletionTimestamp"))
            and not meta.get("finalizers")
            and not meta.get("deletionGracePeriodSeconds")
        )

    # ---- delete ------------------------------------------------------------------------------
    def admit_delete(self, name: str) -> None:
        """Admission of a DELETE before the object is read; raises a StatusError to refuse."""

    def begin_delete(self, obj: dict[str, Any], now: float) -> tuple[dict[str, Any], str] | None:
        """A resource whose DELETE only marks it for a controller to finish (namespaces):
        the marked object and what the trace says. None: the generic graceful delete."""
        return None

    # DefaultGarbageCollectionPolicy is OrphanDependents (batch/v1 Jobs, for backward
    # compatibility): a DELETE that names no propagationPolicy leaves the dependents.
    orphans_by_default: ClassVar[bool] = False

    def graceful_delete_seconds(self, obj: dict[str, Any], requested: int | None) -> int:
        """CheckGracefulDelete: how long the object lingers with a deletionTimestamp."""
        return 0

    # ---- the story ---------------------------------------------------------------------------
    def stored_story(self, obj: dict[str, Any]) -> str:
        """What the story adds when a learner's new object is stored ("Pending, …")."""
        return ""

    def deleted_story(self, obj: dict[str, Any], at_once: bool) -> str:
        """What the story adds when a learner deletes one: what becomes of it. `at_once`: it
        left etcd now (`obj` as it was); otherwise it was only marked for deletion."""
        return ""

    # ---- selection ---------------------------------------------------------------------------
    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        """GetAttrs / ToSelectableFields: the fields a field selector matches against."""
        return generic_fields(obj)

    def validate_field_selector(self, selector: FieldSelector) -> None:
        """The field-label conversion: raise SelectorError for a field this kind cannot
        select (pkg/apis/core/v1/conversion.go; a 400)."""
        supported = self.field_labels
        for field in selector.fields():
            if supported is None and field not in _META_FIELD_LABELS:
                # runtime.DefaultMetaV1FieldSelectorConversion (kinds without their own).
                raise SelectorError(
                    f'"{field}" is not a known field selector: '
                    'only "metadata.name", "metadata.namespace"'
                )
            if supported is not None and field not in supported:
                raise SelectorError(f"field label not supported: {field}")

    def watch_index_value(self, field_selector: FieldSelector) -> str | None:
        """The indexed field's value when a watch's field selector requires it exactly."""
        if not self.watch_index:
            return None
        return field_selector.requires_exact_match(self.watch_index)
