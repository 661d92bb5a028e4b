"""The generic registry store: create, guaranteed update and (graceful) delete for every
resource, each resource's differences asked of its strategy.

staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go: Create (BeforeCreate,
admission, Storage.Create), Update (GuaranteedUpdate: read, compute, write only if nothing
changed meanwhile, else again), Delete (BeforeDelete: a graceful delete or a finalizer only
marks the object; updateForGracefulDeletionAndFinalizers; the last step removes it).
Every function takes the API server `api`, whose storage, strategies, admission and clock
they use, and traces each stage the request passes.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from engine.apimachinery import errors, fields, labels
from engine.apimachinery.errors import StatusError
from engine.apimachinery.managedfields import update_managed_fields
from engine.apimachinery.value import copy_json
from engine.apiserver import conversion, decoding, defaults, memo, resourcequota
from engine.apiserver.admissionpolicy import validating as validating_admission_policy
from engine.apiserver.registry.strategy import Strategy, finished, ordered
from engine.apiserver.request import Request, ResourcePath, Response
from engine.apiserver.resources import ResourceType
from engine.apiserver.storage.codec import decode
from engine.etcd import CASFailedError
from engine.trace import Step, story_length

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

Gen = Generator[Any, Any, Any]
Matcher = Callable[[dict[str, Any]], bool]


# ---- reads ------------------------------------------------------------------------------------
def read(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    """The stored object a URL names, or NotFound."""
    key = target.resource.key(target.namespace, target.name)
    yield from api.storage.read(req, key)
    obj = api.storage.get(key)
    if obj is None:
        raise errors.not_found(target.resource.name, target.name, target.resource.group)
    return obj


def matching(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    """The stored objects a list (or a deletecollection) selects."""
    resource = target.resource
    matches = matcher(api, req, resource)
    prefix = resource.prefix(target.namespace)
    yield from api.storage.read(req, prefix)
    return [item for item in api.storage.range(prefix) if matches(item)]


def matcher(api: APIServer, req: Request, resource: ResourceType, name: str = "") -> Matcher:
    """The request's label and field selectors (and a watch's name) as one test."""
    strategy = api.strategy(resource)
    try:
        label_selector = labels.parse_label_selector(req.query.get("labelSelector", ""))
        field_selector = fields.parse_field_selector(req.query.get("fieldSelector", ""))
        strategy.validate_field_selector(field_selector)
    except labels.SelectorError as error:
        raise errors.bad_request(str(error)) from error
    fields_of = strategy.selectable_fields

    def matches(obj: dict[str, Any]) -> bool:
        if name and obj["metadata"].get("name") != name:
            return False
        return label_selector.matches(
            obj["metadata"].get("labels") or {}
        ) and field_selector.matches(fields_of(obj))

    return matches


# ---- create ---------------------------------------------------------------------------------
def create(
    api: APIServer,
    req: Request,
    target: ResourcePath,
    obj: dict[str, Any],
    fields_managed: bool = False,
) -> Gen:
    """Store a new object decoded from the request (its unknown fields already dealt with)."""
    resource = target.resource
    strategy = api.strategy(resource)
    meta = obj.setdefault("metadata", {})
    if resource.namespaced:
        # rest.EnsureObjectNamespaceMatchesRequestNamespace: an empty namespace is filled in
        if (meta.get("namespace") or target.namespace) != target.namespace:
            raise errors.bad_request(
                "the namespace of the provided object does not match "
                "the namespace sent on the request"
            )
        meta["namespace"] = target.namespace
    strategy.before_create(obj, api.env.now, api.rng)
    api.trace.link(resource.ref_of(obj), obj)  # named now: its story is its owner's
    defaults.set_defaults(resource.kind, obj, on_create=True)
    changed = ["defaulting", *strategy.admit(api, obj)]
    ref = resource.ref_of(obj)
    api.stage(
        req, "mutating-admission", "Mutating admission: " + ", ".join(changed), ref, plugins=changed
    )
    finish = strategy.begin_write(api, obj, None, bool(req.query.get("dryRun")))
    try:
        validate(api, req, strategy, obj, None)
        api.lifecycle.admit_create(api, req, resource, obj)
        strategy.admit_validating(api, req, obj)
        validating_admission_policy.admit(api, req, resource, obj, None)
        yield from resourcequota.admit(api, req, resource, obj)
        with api.quota.admit(resource, meta.get("name", "")):
            if not fields_managed:
                obj = manage_fields(api, req, strategy, None, obj, "")
            obj = ordered(obj)
            if req.query.get("dryRun"):
                return Response(201, obj)
            key = resource.key(meta.get("namespace", ""), meta.get("name", ""))
            stored = yield from api.storage.write(req, resource, key, obj, None)
    finally:
        finish()
    if _tells(req, resource):
        revision = stored["metadata"]["resourceVersion"]
        waiting = strategy.stored_story(stored)
        _story(api, resource, stored, f"stored it in etcd (revision {revision}){waiting}")
    return Response(201, stored)


# ---- update ---------------------------------------------------------------------------------
def guaranteed_update(
    api: APIServer,
    req: Request,
    target: ResourcePath,
    compute: Callable[[dict[str, Any]], dict[str, Any]],
    precondition: str,
    fields_managed: bool = False,
) -> Gen:
    """Read, compute the new object, write if nothing changed meanwhile; else try again."""
    resource = target.resource
    strategy = api.strategy(resource)
    key = resource.key(target.namespace, target.name)
    while True:
        kv = api.etcd.get(key)
        if kv is None:
            raise errors.not_found(resource.name, target.name, resource.group)
        if precondition and precondition != str(kv.mod_revision):
            raise errors.conflict(resource.name, target.name, group=resource.group)
        old = decode(kv.value, kv.mod_revision)
        # `new` may share the maps and lists the change did not touch with `old` (a status
        # patch leaves the spec alone, a binding all but spec.nodeName and a condition):
        # copying a whole pod per write was most of what a write cost. From here on
        # nothing changes a value shared with `old` other than setting what it already
        # holds: the top-level map and metadata are this request's own, and defaulting
        # skips shared values (a stored object is already defaulted; see set_defaults).
        new = compute(old)
        if new is old:
            new = dict(new)
        decoding.check_type(new, resource, old, req)
        if not fields_managed and not target.subresource:
            if decoding.field_directive(req):
                new = copy_json(new)  # dropping unknown fields edits maps in place
            decoding.check_fields(req, resource, new, old)
        stored_meta: Any = old.get("metadata")
        if isinstance(new.get("metadata"), dict) and new["metadata"] is stored_meta:
            new["metadata"] = dict(new["metadata"])
        new_meta = new.setdefault("metadata", {})
        new_meta["name"], new_meta["resourceVersion"] = (
            target.name,
            old["metadata"]["resourceVersion"],
        )
        if resource.namespaced:
            new_meta["namespace"] = target.namespace
        strategy.before_update(new, old, target.subresource)
        defaults.set_defaults(resource.kind, new, on_create=False, old=old)
        ref = resource.ref_of(new)
        api.stage(req, "mutating-admission", "Mutating admission: defaulting", ref)
        finish = (
            strategy.begin_write(api, new, old, bool(req.query.get("dryRun")))
            if not target.subresource
            else finished
        )
        try:
            if target.subresource != "binding":  # binding writes storage directly upstream
                validate(api, req, strategy, new, old, target.subresource)
            validating_admission_policy.admit(api, req, resource, new, old)
            if not fields_managed:
                new = manage_fields(api, req, strategy, old, new, target.subresource)
            new = ordered(new)
            if new == old:
                api.stage(req, "no-op", "Nothing changed: no write to etcd", ref)
                return Response(200, old)
            if req.query.get("dryRun"):
                return Response(200, new)
            try:
                if strategy.should_delete_during_update(new):
                    # The last finalizer gone: deleted, if nobody wrote it since it was read
                    # (a status write in between: read it again).
                    yield from api.storage.delete(req, key, kv.mod_revision, ref)
                    return Response(200, new)
                stored = yield from api.storage.write(
                    req, resource, key, new, kv.mod_revision, replacing=old
                )
            except CASFailedError:
                if precondition:
                    raise errors.conflict(
                        resource.name, target.name, group=resource.group
                    ) from None
                continue
        finally:
            finish()
        if _tells(req, resource):
            revision = stored["metadata"]["resourceVersion"]
            _story(api, resource, stored, f"stored the change in etcd (revision {revision})")
        return Response(200, stored)


def manage_fields(
    api: APIServer,
    req: Request,
    strategy: Strategy,
    old: dict[str, Any] | None,
    new: dict[str, Any],
    subresource: str,
) -> dict[str, Any]:
    """Record who changed which fields (metadata.managedFields, operation Update)."""
    if not strategy.tracks_managed_fields:
        return new
    manager = req.query.get("fieldManager") or default_manager(req)
    stamp = memo.rfc3339(api.env.now)
    managed: dict[str, Any] = update_managed_fields(
        old, new, manager, strategy.kind, stamp, subresource=subresource
    )
    return managed


def default_manager(req: Request) -> str:
    """Without ?fieldManager the API server names the manager after the client's user agent."""
    agent = req.headers.get("user-agent", "")
    if agent:
        return agent.split("/")[0]
    component = req.source.split("/")[0]
    return {
        "scheduler": "kube-scheduler",
        "controller-manager": "kube-controller-manager",
    }.get(component, component)


def validate(
    api: APIServer,
    req: Request,
    strategy: Strategy,
    obj: dict[str, Any],
    old: dict[str, Any] | None,
    subresource: str = "",
) -> None:
    ref = strategy.resource.ref_of(obj)
    problems = strategy.validate(obj, old, subresource)
    version = conversion.of_request(req)  # the rules of the version the request came through
    if version is not None and not subresource:
        problems += version.validate(obj, old)
    if problems:
        error = errors.invalid(strategy.kind, ref.name, problems, strategy.resource.group)
        api.stage(req, "validation", f"Validation failed: {error.message}", ref)
        raise error
    api.stage(req, "validation", f"{strategy.kind} {ref.name} is valid", ref)


# ---- delete ---------------------------------------------------------------------------------
def delete(api: APIServer, req: Request, target: ResourcePath, options: dict[str, Any]) -> Gen:
    """Delete, or only mark for deletion: a grace period, finalizers (the request's
    propagation policy adds one) or the resource's own two-phase delete."""
    resource = target.resource
    strategy = api.strategy(resource)
    key = resource.key(target.namespace, target.name)
    while True:
        kv = api.etcd.get(key)
        if kv is None:
            raise errors.not_found(resource.name, target.name, resource.group)
        obj = decode(kv.value, kv.mod_revision)
        meta = obj["metadata"]
        check_preconditions(resource, target.name, meta, options)
        validating_admission_policy.admit(api, req, resource, None, obj)
        ref = resource.ref_of(obj)
        marked = strategy.begin_delete(obj, api.env.now)
        if marked is not None:
            new, summary = marked
            if new is obj:
                return Response(200, obj)  # already marked
            api.stage(req, "graceful-delete", summary, ref)
        else:
            grace = strategy.graceful_delete_seconds(obj, options.get("gracePeriodSeconds"))
            finalizers = list(meta.get("finalizers") or [])
            policy = options.get("propagationPolicy") or (
                "Orphan" if options.get("orphanDependents", strategy.orphans_by_default) else ""
            )
            added = {"Orphan": "orphan", "Foreground": "foregroundDeletion"}.get(policy)
            if added and added not in finalizers:
                finalizers.append(added)
            if meta.get("deletionTimestamp"):
                # Already going: a later DELETE may only shorten the grace period.
                current = meta.get("deletionGracePeriodSeconds") or 0
                if grace >= current or (grace and finalizers):
                    return Response(200, obj)
            if not grace and not finalizers:
                if req.query.get("dryRun"):
                    return Response(200, obj)
                try:
                    yield from api.storage.delete(req, key, kv.mod_revision, ref)
                except CASFailedError:
                    continue
                if _tells(req, resource):
                    gone = "deleted it from etcd" + strategy.deleted_story(obj, True)
                    _story(api, resource, obj, gone)
                return Response(
                    200, obj if strategy.return_deleted_object else _deleted(target, meta)
                )
            new = copy_json(obj)  # obj is freshly decoded JSON
            new_meta = new["metadata"]
            new_meta["deletionTimestamp"] = memo.rfc3339(api.env.now + grace)
            new_meta["deletionGracePeriodSeconds"] = grace
            if finalizers:
                new_meta["finalizers"] = finalizers
            api.stage(
                req,
                "graceful-delete",
                _delete_summary(grace, finalizers),
                ref,
                gracePeriodSeconds=grace,
            )
        if req.query.get("dryRun"):
            return Response(200, new)
        try:
            stored = yield from api.storage.write(req, resource, key, ordered(new), kv.mod_revision)
        except CASFailedError:
            continue
        if _tells(req, resource):
            grace = stored["metadata"].get("deletionGracePeriodSeconds")
            how = f": its kubelet has {grace} s to stop it" if grace else ""
            fate = strategy.deleted_story(stored, False)
            _story(api, resource, stored, f"marked it for deletion{how}{fate}")
        return Response(200, stored)


def delete_collection(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    """Delete every object the request selects; returns them."""
    items = yield from matching(api, req, target)
    options = decoding.delete_options(req)
    for item in items:
        meta = item["metadata"]
        one = ResourcePath(target.resource, meta.get("namespace", ""), meta["name"], "")
        try:
            yield from delete(api, req, one, options)
        except StatusError:
            continue  # already gone: deletecollection does not fail for that
    return items


def check_preconditions(
    resource: ResourceType, name: str, meta: dict[str, Any], options: dict[str, Any]
) -> None:
    pre = options.get("preconditions") or {}
    if pre.get("uid") and pre["uid"] != meta.get("uid"):
        raise errors.conflict(
            resource.name,
            name,
            f"Precondition failed: UID in precondition: "
            f"{pre['uid']}, UID in object meta: {meta.get('uid')}",
            resource.group,
        )
    if pre.get("resourceVersion") and pre["resourceVersion"] != meta.get("resourceVersion"):
        raise errors.conflict(
            resource.name,
            name,
            f"Precondition failed: ResourceVersion in "
            f"precondition: {pre['resourceVersion']}, ResourceVersion in "
            f"object meta: {meta.get('resourceVersion')}",
            resource.group,
        )


def _deleted(target: ResourcePath, meta: dict[str, Any]) -> dict[str, Any]:
    """The Status a DELETE answers for resources that do not return the deleted object."""
    details: dict[str, Any] = {"name": target.name}
    if target.resource.group:
        details["group"] = target.resource.group
    details.update({"kind": target.resource.name, "uid": meta.get("uid", "")})
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": details,
    }


def _delete_summary(grace: int, finalizers: list[str]) -> str:
    if finalizers:
        return f"Marked for deletion; waiting for finalizers {', '.join(finalizers)}"
    return f"Graceful deletion: deletionTimestamp set {grace}s ahead"


def _tells(req: Request, resource: ResourceType) -> bool:
    """Whether a write is a step of a story: the learner's own, of a kind that has one (a
    component's writes are told by the component)."""
    return req.step is Step.SEND and story_length(resource.kind) is not None


def _story(api: APIServer, resource: ResourceType, obj: dict[str, Any], what: str) -> None:
    """Step 2 of the story of an object the learner sent: what the API server did with it."""
    ref = resource.ref_of(obj)
    headline = f"The API server checked {resource.kind.lower()} {ref.name} and {what}"
    api.trace.milestone("api-server", headline, ref, 2, story_length(resource.kind))
