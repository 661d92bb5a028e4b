"""kube-apiserver: the one path every request takes, each stage visible in the trace.

authentication → authorization → decode and default → mutating admission → validation →
validating admission → etcd (compare-and-swap) → response; then the watch cache fans the change
out to every watching component. Handlers are generator processes: talking to etcd takes
virtual time, and other requests may interleave (optimistic concurrency sorts them out, as in
staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go GuaranteedUpdate).

Why one module this long: the request chain and every verb's handler still live in this one
class; decoding (body.py, decoding.py, schema/typecheck.py), the quota (quota.py), the watch
cache (watch.py) and tables are already apart. The architecture issue (9) splits the rest
along upstream's seams: filters, one handler per verb (handlers/{get,watch,create,update,
patch,delete}.go), the generic store with a strategy per kind, and storage.
"""

from __future__ import annotations

import copy
import functools
import json
import marshal
import random
from collections.abc import Callable, Generator
from typing import Any

from engine.apimachinery import errors, fields, jsonpatch, labels, managedfields, strategicpatch
from engine.apimachinery.errors import StatusError
from engine.apimachinery.managedfields import apply_conflict_error, update_managed_fields
from engine.apimachinery.value import copy_json
from engine.apiserver import (
    admission,
    decoding,
    defaults,
    memo,
    quota,
    selectable_fields,
    strategy,
    validation,
)
from engine.apiserver.discovery import non_resource
from engine.apiserver.request import Request, ResourcePath, Response, parse_resource_path
from engine.apiserver.resources import RESOURCES, ResourceType
from engine.apiserver.schema import strict
from engine.apiserver.schema.typecheck import json_kind
from engine.apiserver.watch import Watch, WatchCache, decode
from engine.config import Timings
from engine.etcd import CASFailedError, Etcd, RequestTooLargeError, WatchEvent
from engine.sim import Environment
from engine.trace import ObjectRef, Step, Trace, object_ref

MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024  # staging/src/k8s.io/apiserver/pkg/server/config.go
# handlers/patch.go: the patch formats, in the order its 415 lists them.
_PATCH_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
    "application/strategic-merge-patch+json",
)
# Bodies we can decode: JSON, YAML and the patch formats (themselves JSON or YAML).
_READABLE = ("application/json", "application/yaml", *_PATCH_TYPES)
# NamespaceLifecycle's immortal namespaces (lifecycle/admission.go NewLifecycle).
IMMORTAL_NAMESPACES = frozenset({"default", "kube-system", "kube-public"})

Gen = Generator[Any, Any, Any]
LogReader = Callable[[dict[str, Any], str, dict[str, str]], str]


class APIServer:
    def __init__(
        self, env: Environment, etcd: Etcd, trace: Trace, rng: random.Random, timings: Timings
    ) -> None:
        self.env, self.etcd, self.trace, self.rng, self.timings = env, etcd, trace, rng, timings
        self.cache = WatchCache(env, trace, timings.watch_delivery)
        self.bearer_tokens: dict[str, str] = {}  # token -> user, for clients over HTTP
        self.quota = quota.Quota(etcd)  # the cluster's own limits: none until it is given some
        self.read_logs: LogReader | None = None  # the node side answers pods/log (part 2)
        self.quiet = False  # set while the cluster bootstraps: no trace for the furniture
        # What a write in progress already knows, for the watch fan-out of that very write
        # (_on_etcd_change): (key, mod revision, object), the decoded value an update replaces;
        # (key, name, namespace), the written object's metadata, for the trace.
        self._replacing: tuple[str, int, dict[str, Any]] | None = None
        self._writing: tuple[str, str, str] | None = None
        # NamespaceLifecycle reads the namespace on every create: key -> (revision, phase).
        self._namespace_phase: dict[str, tuple[int, Any]] = {}
        for resource in RESOURCES:
            etcd.watch(resource.prefix(), 0, functools.partial(self._on_etcd_change, resource))

    # ---- the request chain -------------------------------------------------------------------
    def handle(self, req: Request) -> Gen:
        try:
            self._check_size(req)
            self._authenticate(req)
            target = parse_resource_path(req.path)
            if target is None:
                return non_resource(req)
            verb = _verb(req, target)
            self._authorize(req, verb, target)
            handler = {
                "get": self._get,
                "list": self._list,
                "watch": self._watch,
                "create": self._create,
                "update": self._update,
                "patch": self._patch,
                "delete": self._delete,
                "deletecollection": self._delete_collection,
            }[verb]
            response: Response = yield from handler(req, target)
            return response
        except StatusError as error:
            return Response.of_error(error)

    def _stage(
        self, req: Request, kind: str, summary: str, obj: ObjectRef | None = None, **data: Any
    ) -> None:
        if not self.quiet:
            step = Step.PERSIST if req.step is Step.SEND else req.step
            self.trace.emit(
                "api-server", "api-server", kind, summary, step=step, obj=obj, data=data
            )

    def _check_size(self, req: Request) -> None:
        if isinstance(req.body, bytes | str) and len(req.body) > MAX_REQUEST_BODY_BYTES:
            raise errors.too_large(MAX_REQUEST_BODY_BYTES)

    def _authenticate(self, req: Request) -> None:
        header = req.headers.get("authorization", "")
        if header:
            token = header.removeprefix("Bearer ").strip()
            user = self.bearer_tokens.get(token)
            if user is None:
                self._stage(req, "authentication", "Authentication failed: unknown bearer token")
                raise errors.unauthorized()
            req.user, req.groups = user, ("system:masters", "system:authenticated")
            how = "a bearer token"
        elif req.source == "http" or not req.user:
            # A client over HTTP names no user: without a token it is nobody.
            self._stage(req, "authentication", "Authentication failed: no credentials")
            raise errors.unauthorized()
        else:
            how = "its client certificate"
        self._stage(
            req,
            "authentication",
            f"Authenticated {req.user} by {how}",
            user=req.user,
            groups=list(req.groups),
        )

    def _authorize(self, req: Request, verb: str, target: ResourcePath) -> None:
        # Everyone here is allowed: admins are system:masters, the components have the RBAC
        # roles kubeadm gives them, kubelets pass the Node authorizer.
        what = target.resource.name + (f"/{target.subresource}" if target.subresource else "")
        where = f" in namespace {target.namespace}" if target.namespace else ""
        mode = "Node" if req.user.startswith("system:node:") else "RBAC"
        self._stage(
            req,
            "authorization",
            f"{mode}: {req.user} may {verb} {what}{where}",
            verb=verb,
            resource=what,
        )

    # ---- reads -------------------------------------------------------------------------------
    def _get(self, req: Request, target: ResourcePath) -> Gen:
        if target.subresource == "log":
            return (yield from self._logs(req, target))
        obj = yield from self._read(req, target)
        if target.subresource == "scale":
            return Response(200, _scale_of(target.resource, obj))
        if _wants_table(req):
            return Response(200, self._table(target.resource, [obj], req, str(self.etcd.revision)))
        return Response(200, obj)

    def _read(self, req: Request, target: ResourcePath) -> Gen:
        key = target.resource.key(target.namespace, target.name)
        yield from self._etcd_round_trip(req, "range", key, target)
        kv = self.etcd.get(key)
        if kv is None:
            raise errors.not_found(target.resource.name, target.name, target.resource.group)
        return decode(kv.value, kv.mod_revision)

    def _list(self, req: Request, target: ResourcePath) -> Gen:
        items = yield from self._matching(req, target)
        return self._list_response(req, target.resource, items, str(self.etcd.revision))

    def _matching(self, req: Request, target: ResourcePath) -> Gen:
        """The stored objects a list (or a deletecollection) selects."""
        resource = target.resource
        matches = self._matcher(req, resource)
        yield from self._etcd_round_trip(req, "range", resource.prefix(target.namespace), target)
        items = [
            decode(kv.value, kv.mod_revision)
            for kv in self.etcd.range(resource.prefix(target.namespace))
        ]
        return [item for item in items if matches(item)]

    def _list_response(
        self, req: Request, resource: ResourceType, items: list[dict[str, Any]], revision: str
    ) -> Response:
        if _wants_table(req):
            return Response(200, self._table(resource, items, req, revision))
        return Response(
            200,
            {
                "kind": f"{resource.kind}List",
                "apiVersion": resource.api_version,
                "metadata": {"resourceVersion": revision},
                "items": items,
            },
        )

    def _watch(self, req: Request, target: ResourcePath) -> Gen:
        resource = target.resource
        timeout = _query_int(req, "timeoutSeconds")  # before the watch exists: it may refuse
        matches = self._matcher(req, resource, target.name)
        node = _indexed_node(resource, req.query.get("fieldSelector", ""))
        step = req.step
        watch = Watch(resource, req.source, matches, node, step)
        if _wants_table(req):
            self._send_tables(req, watch)
        since = req.query.get("resourceVersion", "")
        initial = req.query.get("sendInitialEvents") == "true"
        prefix = resource.prefix(target.namespace)
        if initial:
            for kv in self.etcd.range(prefix):
                obj = decode(kv.value, kv.mod_revision)
                if matches(obj):
                    watch.deliver("ADDED", obj)
            watch.deliver(
                "BOOKMARK",
                {
                    "kind": resource.kind,
                    "apiVersion": resource.api_version,
                    "metadata": {
                        "resourceVersion": str(self.etcd.revision),
                        "annotations": {"k8s.io/initial-events-end": "true"},
                    },
                },
            )
        elif since and since != "0":
            start = _parse_revision(since)
            if start <= self.etcd.compacted:
                raise errors.gone(f"too old resource version: {start} ({self.etcd.compacted + 1})")
            for event in self.etcd.history(start):
                if event.kv.key.startswith(prefix):
                    old, new = self._decode_change(event)
                    for kind, obj in _transitions(matches, old, new):
                        watch.deliver(kind, obj)
        else:
            # resourceVersion unset or "0" ("Get State and Start at Most Recent / Any"): the
            # watch opens with a synthetic ADDED for every matching object that exists now.
            for kv in self.etcd.range(prefix):
                obj = decode(kv.value, kv.mod_revision)
                if matches(obj):
                    watch.deliver("ADDED", obj)
        watch.covered = self.etcd.revision  # what is on its way to the cache is in there
        self.cache.add(watch)
        if timeout:
            # Late-bound: `stop` is replaced below. Housekeeping: it keeps nothing "busy".
            self.env.schedule(float(timeout), lambda: watch.stop(), background=True)
        original_stop = watch.stop

        def stop() -> None:
            self.cache.remove(watch)
            original_stop()

        watch.stop = stop  # type: ignore[method-assign]
        self._stage(
            req,
            "watch",
            f"Watching {resource.name}" + (f" in {target.namespace}" if target.namespace else ""),
        )
        yield 0
        return Response(200, None, watch=watch)

    def _send_tables(self, req: Request, watch: Watch) -> None:
        """A watch asked `as=Table` gets each object as a one-row Table; only the first event
        carries the column definitions (handlers/response.go watchEmbeddedEncoder sets
        NoHeaders after the first object, and Table.columnDefinitions has no omitempty).
        Bookmarks stay plain: they carry only a resourceVersion."""
        deliver = watch.deliver
        first = True

        def as_table(kind: str, obj: dict[str, Any]) -> None:
            nonlocal first
            if kind != "BOOKMARK":
                table = self._table(
                    watch.resource, [obj], req, obj["metadata"].get("resourceVersion", "")
                )
                if not first:
                    table["columnDefinitions"] = None
                first = False
                obj = table
            deliver(kind, obj)

        watch.deliver = as_table  # type: ignore[method-assign]

    def _matcher(
        self, req: Request, resource: ResourceType, name: str = ""
    ) -> Callable[[dict[str, Any]], bool]:
        try:
            label_selector = labels.parse_label_selector(req.query.get("labelSelector", ""))
            field_selector = fields.parse_field_selector(req.query.get("fieldSelector", ""))
            selectable_fields.validate_field_selector(field_selector, resource.kind)
        except labels.SelectorError as error:
            raise errors.bad_request(str(error)) from error
        fields_of = selectable_fields.fields_function(resource.kind)

        def matches(obj: dict[str, Any]) -> bool:
            if name and obj["metadata"].get("name") != name:
                return False
            return label_selector.matches(
                obj["metadata"].get("labels") or {}
            ) and field_selector.matches(fields_of(obj))

        return matches

    def _table(
        self, resource: ResourceType, items: list[dict[str, Any]], req: Request, revision: str
    ) -> dict[str, Any]:
        from engine.apiserver.tables import to_table

        include = req.query.get("includeObject", "Metadata")
        table = to_table(resource.name, items, self.env.now, include)
        table["metadata"] = {"resourceVersion": revision}
        return table

    def _logs(self, req: Request, target: ResourcePath) -> Gen:
        pod = yield from self._read(req, target)
        containers = [c["name"] for c in pod["spec"].get("containers", [])]
        container = req.query.get("container") or (containers[0] if len(containers) == 1 else "")
        if not container:
            raise errors.bad_request(
                f"a container name must be specified for pod {target.name}, choose one of: "
                f"[{' '.join(containers)}]"
            )
        if container not in containers:
            raise errors.bad_request(f"container {container} is not valid for pod {target.name}")
        if not pod["spec"].get("nodeName"):
            # pkg/registry/core/pod/strategy.go LogLocation: a pod not yet assigned to a node
            # has an empty log location, and the API server streams nothing (200, no body).
            return Response(200, "", content_type="text/plain")
        if self.read_logs is None:
            raise errors.bad_request(f"pod {target.name} does not have a host assigned")
        text = self.read_logs(pod, container, req.query)
        return Response(200, text, content_type="text/plain")

    # ---- writes ------------------------------------------------------------------------------
    def _create(self, req: Request, target: ResourcePath, fields_managed: bool = False) -> Gen:
        if target.subresource == "binding":
            return (yield from self._bind(req, target))
        if target.subresource == "eviction":
            return (yield from self._evict(req, target))
        if target.name:
            raise errors.method_not_supported(target.resource.name, "create", target.resource.group)
        resource = target.resource
        obj = self._decode_body(req, resource)
        if not fields_managed:
            self._check_fields(req, resource, obj, None)
        meta = obj.setdefault("metadata", {})
        if resource.namespaced:
            # rest.EnsureObjectNamespaceMatchesRequestNamespace: an empty namespace is filled in
            if (meta.get("namespace") or target.namespace) != target.namespace:
                raise errors.bad_request(
                    "the namespace of the provided object does not match "
                    "the namespace sent on the request"
                )
            meta["namespace"] = target.namespace
        strategy.prepare_for_create(resource, obj, self.env.now, self.rng)
        defaults.set_defaults(resource.kind, obj, on_create=True)
        changed = ["defaulting"]
        if resource.kind == "Pod":
            changed += admission.admit_pod_create(obj, self.rng)
        ref = _ref(resource, obj)
        self._stage(
            req,
            "mutating-admission",
            "Mutating admission: " + ", ".join(changed),
            ref,
            plugins=changed,
        )
        self._validate(req, resource, obj, None)
        self._admit_namespace(req, resource, obj)
        with self.quota.admit(resource, meta.get("name", "")):
            if not fields_managed:
                obj = self._manage_fields(req, resource, None, obj, "")
            obj = strategy.ordered(obj)
            if req.query.get("dryRun"):
                return Response(201, obj)
            key = resource.key(meta.get("namespace", ""), meta.get("name", ""))
            stored = yield from self._etcd_write(req, resource, key, obj, None)
        return Response(201, stored)

    def _update(self, req: Request, target: ResourcePath) -> Gen:
        resource = target.resource
        if target.subresource == "scale":
            scale = self._decode_body(req, None)
            return (yield from self._write_scale(req, target, lambda _old: scale))
        body = self._decode_body(req, resource)
        name = body.get("metadata", {}).get("name", "")
        if name != target.name:
            raise errors.bad_request(
                f"the name of the object ({name}) does not match the name "
                f"on the URL ({target.name})"
            )
        precondition = body["metadata"].get("resourceVersion", "")
        return (
            yield from self._guaranteed_update(
                req, target, lambda _old: _copy_body(body), precondition
            )
        )

    def _patch(self, req: Request, target: ResourcePath) -> Gen:

        content_type = req.content_type
        appliers = {
            "application/json-patch+json": jsonpatch.apply_json_patch,
            "application/merge-patch+json": jsonpatch.apply_merge_patch,
        }
        resource = target.resource
        if content_type not in _PATCH_TYPES:
            raise errors.unsupported_media_type(list(_PATCH_TYPES))
        body = self._decode_raw(req)
        if content_type == "application/apply-patch+yaml":
            return (yield from self._server_side_apply(req, target, body))
        if content_type == "application/strategic-merge-patch+json":
            kind = resource.kind if target.subresource != "scale" else "Scale"
            if not isinstance(body, dict | None):
                # handlers/patch.go: json.Unmarshal of the patch into a map[string]interface{}
                raise errors.bad_request(
                    f"json: cannot unmarshal {json_kind(body)} into Go value of type "
                    "map[string]interface {}"
                )
            body = body or {}

            def apply(obj: dict[str, Any], patch: Any) -> dict[str, Any]:
                # share=True: the result keeps what the patch does not touch as the very maps
                # and lists of `obj` (see _guaranteed_update), instead of copying the object.
                result: dict[str, Any] = strategicpatch.apply_strategic_merge_patch(
                    obj, patch, kind, share=True
                )
                return result
        else:
            apply = appliers[content_type]  # type: ignore[assignment]
        if content_type == "application/json-patch+json":
            # handlers/patch.go: jsonpatch.DecodePatch unmarshals into a []Operation
            body = [] if body is None else body
            wrong = (
                [op for op in body if not isinstance(op, dict | None)]
                if isinstance(body, list)
                else [body]
            )
            if wrong:
                what = "Operation" if isinstance(body, list) else "Patch"
                raise errors.bad_request(
                    f"json: cannot unmarshal {json_kind(wrong[0])} into Go value of type "
                    f"jsonpatch.{what}"
                )

        def patched(old: dict[str, Any]) -> dict[str, Any]:
            # The appliers never change their inputs, so neither needs copying first.
            try:
                result: dict[str, Any] = apply(old, body)
            except jsonpatch.PatchError as error:
                if content_type == "application/json-patch+json":
                    raise jsonpatch.json_patch_status_error() from error
                raise errors.bad_request(str(error)) from error
            if not isinstance(result, dict):
                # a merge patch that is not an object replaces the whole document (RFC 7386),
                # which then cannot decode as an object
                raise errors.bad_request(
                    f"json: cannot unmarshal {json_kind(result)} into Go value of type "
                    "map[string]interface {}"
                )
            # What the patch made must decode as the kind, before anything else sees it.
            if not decoding.trusted(req):
                decoding.check_patched(content_type, gvk, result, old, body)
            return result

        gvk = decoding.SUBRESOURCE_KINDS.get(target.subresource) or (
            resource.group,
            resource.version,
            resource.kind,
        )
        if target.subresource == "scale":
            return (yield from self._write_scale(req, target, patched))
        precondition = ""
        metadata = body.get("metadata") if isinstance(body, dict) else None
        if isinstance(metadata, dict) and isinstance(metadata.get("resourceVersion"), str):
            precondition = metadata["resourceVersion"]
        return (yield from self._guaranteed_update(req, target, patched, precondition))

    def _server_side_apply(self, req: Request, target: ResourcePath, body: Any) -> Gen:

        resource = target.resource
        body = {} if body is None else body  # null leaves the map it is decoded into empty
        if not isinstance(body, dict):
            # applyPatcher: sigs.k8s.io/yaml Unmarshal of the patch into a map[string]any
            raise errors.bad_request(
                "error decoding patch: error unmarshaling JSON: while decoding JSON: json: "
                f"cannot unmarshal {json_kind(body)} into Go value of type "
                "map[string]interface {}"
            )
        gvk = (resource.group, resource.version, resource.kind)
        decoding.check_applied(gvk, body)
        undeclared = strict.apply_error(resource.group, resource.version, resource.kind, body)
        if undeclared:
            raise errors.bad_request(undeclared)
        manager = req.query.get("fieldManager", "")
        if not manager:
            raise errors.bad_request(
                "PATCH requests with apply content type must specify a fieldManager"
            )
        force = req.query.get("force") == "true"
        key = resource.key(target.namespace, target.name)
        if self.etcd.get(key) is None:
            body.setdefault("metadata", {}).setdefault("name", target.name)
            merged, _ = managedfields.server_side_apply(
                None, body, manager, force, resource.kind, memo.rfc3339(self.env.now)
            )
            decoding.check_apply_result(gvk, merged, body)
            req.body = merged
            collection = ResourcePath(resource, target.namespace, "", "")
            created = yield from self._create(req, collection, fields_managed=True)
            return created

        def applied(old: dict[str, Any]) -> dict[str, Any]:
            merged, conflicts = managedfields.server_side_apply(
                copy.deepcopy(old),
                copy.deepcopy(body),
                manager,
                force,
                resource.kind,
                memo.rfc3339(self.env.now),
            )
            if conflicts:
                raise apply_conflict_error(conflicts)
            decoding.check_apply_result(gvk, merged, body)
            result: dict[str, Any] = merged
            return result

        return (yield from self._guaranteed_update(req, target, applied, "", fields_managed=True))

    def _guaranteed_update(
        self,
        req: Request,
        target: ResourcePath,
        compute: Callable[[dict[str, Any]], dict[str, Any]],
        precondition: str,
        fields_managed: bool = False,
    ) -> Gen:
        """Read, compute the new object, write if nothing changed meanwhile; else try again."""
        resource = target.resource
        key = resource.key(target.namespace, target.name)
        while True:
            kv = self.etcd.get(key)
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
            self._check_type(new, resource, old, req)
            if not fields_managed and not target.subresource:
                if self._field_directive(req):
                    new = copy_json(new)  # dropping unknown fields edits maps in place
                self._check_fields(req, resource, new, old)
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
            strategy.prepare_for_update(resource, new, old, target.subresource)
            defaults.set_defaults(resource.kind, new, on_create=False, old=old)
            ref = _ref(resource, new)
            self._stage(req, "mutating-admission", "Mutating admission: defaulting", ref)
            if target.subresource != "binding":  # binding writes storage directly upstream
                self._validate(req, resource, new, old, target.subresource)
            if not fields_managed:
                new = self._manage_fields(req, resource, old, new, target.subresource)
            new = strategy.ordered(new)
            if new == old:
                self._stage(req, "no-op", "Nothing changed: no write to etcd", ref)
                return Response(200, old)
            if req.query.get("dryRun"):
                return Response(200, new)
            if _finalized(new):
                yield from self._etcd_delete(req, resource, key, kv.mod_revision, ref)
                return Response(200, new)
            try:
                stored = yield from self._etcd_write(
                    req, resource, key, new, kv.mod_revision, replacing=old
                )
            except CASFailedError:
                if precondition:
                    raise errors.conflict(
                        resource.name, target.name, group=resource.group
                    ) from None
                continue
            return Response(200, stored)

    def _manage_fields(
        self,
        req: Request,
        resource: ResourceType,
        old: dict[str, Any] | None,
        new: dict[str, Any],
        subresource: str,
    ) -> dict[str, Any]:
        """Record who changed which fields (metadata.managedFields, operation Update).

        Events and Leases are written by the thousand and nobody applies to them, so they are
        left out to keep the hot path cheap."""
        if resource.kind in ("Event", "Lease"):
            return new
        manager = req.query.get("fieldManager") or _default_manager(req)
        stamp = memo.rfc3339(self.env.now)
        managed: dict[str, Any] = update_managed_fields(
            old, new, manager, resource.kind, stamp, subresource=subresource
        )
        return managed

    def _write_scale(
        self, req: Request, target: ResourcePath, compute: Callable[[dict[str, Any]], Any]
    ) -> Gen:
        """deployments/scale and replicasets/scale: a Scale in, spec.replicas changed."""

        def rescale(old: dict[str, Any]) -> dict[str, Any]:
            scale = compute(_scale_of(target.resource, old))
            replicas = (scale.get("spec") or {}).get("replicas", 0)
            new = dict(old)  # shares all but spec with `old` (see _guaranteed_update)
            new["spec"] = dict(old["spec"])
            new["spec"]["replicas"] = replicas
            return new

        response: Response = yield from self._guaranteed_update(
            req, ResourcePath(target.resource, target.namespace, target.name, ""), rescale, ""
        )
        if response.ok:
            response.body = _scale_of(target.resource, response.body)
        return response

    def _bind(self, req: Request, target: ResourcePath) -> Gen:
        """POST pods/<name>/binding: set spec.nodeName and PodScheduled=True in one write.

        pkg/registry/core/pod/storage/storage.go BindingREST.setPodNodeAndMetadata.
        """
        binding = self._decode_body(req, None)
        node = (binding.get("target") or {}).get("name", "")

        def bind(old: dict[str, Any]) -> dict[str, Any]:
            name = target.name
            if old["metadata"].get("deletionTimestamp"):
                raise errors.conflict(
                    "pods/binding",
                    name,
                    f"pod {name} is being deleted, cannot be assigned to a host",
                )
            if old["spec"].get("nodeName"):
                raise errors.conflict(
                    "pods/binding",
                    name,
                    f"pod {name} is already assigned to "
                    f"node {errors.quote(old['spec']['nodeName'])}",
                )
            # Copies only the maps it changes; the rest is shared with `old` (see
            # _guaranteed_update).
            new = dict(old)
            new["spec"] = dict(old["spec"])
            new["spec"]["nodeName"] = node
            status = new["status"] = dict(old["status"]) if "status" in old else {}
            conditions = [c for c in status.get("conditions", []) if c["type"] != "PodScheduled"]
            conditions.append(
                {
                    "type": "PodScheduled",
                    "status": "True",
                    "lastProbeTime": None,
                    "lastTransitionTime": memo.rfc3339(self.env.now),
                }
            )
            status["conditions"] = conditions
            return new

        response: Response = yield from self._guaranteed_update(
            req, ResourcePath(target.resource, target.namespace, target.name, "binding"), bind, ""
        )
        if response.ok:
            return Response(
                201,
                {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "metadata": {},
                    "status": "Success",
                    "code": 201,
                },
            )
        return response

    def _evict(self, req: Request, target: ResourcePath) -> Gen:
        """POST pods/<name>/eviction (what `kubectl drain` sends): a DELETE that a
        PodDisruptionBudget may refuse.

        pkg/registry/core/pod/storage/eviction.go EvictionREST.Create. Podlife has no
        PodDisruptionBudgets, so every eviction is allowed and deletes the pod with the
        eviction's DeleteOptions; the answer is a Status, not the pod.
        """
        eviction = self._decode_body(req, None)
        if (eviction.get("metadata") or {}).get("name", "") != target.name:
            raise errors.bad_request("name in URL does not match name in Eviction object")
        pod = ResourcePath(target.resource, target.namespace, target.name, "")
        self._stage(
            req,
            "eviction",
            f"No PodDisruptionBudget covers pod {target.name}: eviction allowed",
            _ref(
                target.resource, {"metadata": {"name": target.name, "namespace": target.namespace}}
            ),
        )
        delete = Request(
            "DELETE",
            req.path,
            dict(req.query),
            {},
            dict(eviction.get("deleteOptions") or {}),
            req.user,
            req.groups,
            req.source,
            req.step,
        )
        yield from self._delete(delete, pod)
        return Response(
            201,
            {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Success",
                "code": 201,
            },
        )

    def _delete(self, req: Request, target: ResourcePath) -> Gen:
        resource = target.resource
        options = self._delete_options(req)
        if resource.kind == "Namespace" and target.name in IMMORTAL_NAMESPACES:
            # NamespaceLifecycle admission, before the namespace is even read
            # (plugin/pkg/admission/namespace/lifecycle/admission.go: "prevent deletion of
            # immortal namespaces").
            raise errors.forbidden(resource.name, target.name, "this namespace may not be deleted")
        key = resource.key(target.namespace, target.name)
        while True:
            kv = self.etcd.get(key)
            if kv is None:
                raise errors.not_found(resource.name, target.name, resource.group)
            obj = decode(kv.value, kv.mod_revision)
            meta = obj["metadata"]
            self._check_preconditions(resource, target.name, meta, options)
            ref = _ref(resource, obj)
            if resource.kind == "Namespace" and (obj.get("spec") or {}).get("finalizers"):
                # pkg/registry/core/namespace/storage/storage.go Delete: the first DELETE only
                # marks the namespace Terminating; it goes once the namespace controller has
                # emptied it and removed its spec.finalizers (PUT namespaces/<name>/finalize).
                if meta.get("deletionTimestamp"):
                    return Response(200, obj)
                new = copy_json(obj)  # obj is freshly decoded JSON
                new["metadata"]["deletionTimestamp"] = memo.rfc3339(self.env.now)
                new.setdefault("status", {})["phase"] = "Terminating"
                self._stage(
                    req,
                    "graceful-delete",
                    "Namespace is Terminating; waiting for finalizers "
                    + ", ".join(new["spec"]["finalizers"]),
                    ref,
                )
                if req.query.get("dryRun"):
                    return Response(200, new)
                try:
                    stored = yield from self._etcd_write(
                        req, resource, key, strategy.ordered(new), kv.mod_revision
                    )
                except CASFailedError:
                    continue
                return Response(200, stored)
            grace = strategy.graceful_delete_seconds(
                resource, obj, options.get("gracePeriodSeconds")
            )
            finalizers = list(meta.get("finalizers") or [])
            policy = options.get("propagationPolicy") or (
                "Orphan" if options.get("orphanDependents") else ""
            )
            added = {"Orphan": "orphan", "Foreground": "foregroundDeletion"}.get(policy)
            if added and added not in finalizers:
                finalizers.append(added)
            if meta.get("deletionTimestamp"):
                # Already going: a later DELETE may only shorten the grace period.
                current = meta.get("deletionGracePeriodSeconds") or 0
                if grace >= current or (grace and finalizers):
                    return Response(200, obj)
            if grace > 0 or finalizers:
                new = copy_json(obj)  # obj is freshly decoded JSON
                new_meta = new["metadata"]
                new_meta["deletionTimestamp"] = memo.rfc3339(self.env.now + grace)
                new_meta["deletionGracePeriodSeconds"] = grace
                if finalizers:
                    new_meta["finalizers"] = finalizers
                self._stage(
                    req,
                    "graceful-delete",
                    _delete_summary(grace, finalizers),
                    ref,
                    gracePeriodSeconds=grace,
                )
                if req.query.get("dryRun"):
                    return Response(200, new)
                try:
                    stored = yield from self._etcd_write(
                        req, resource, key, strategy.ordered(new), kv.mod_revision
                    )
                except CASFailedError:
                    continue
                return Response(200, stored)
            if req.query.get("dryRun"):
                return Response(200, obj)
            try:
                yield from self._etcd_delete(req, resource, key, kv.mod_revision, ref)
            except CASFailedError:
                continue
            if resource.kind in ("Pod", "Namespace", "Node", "Event"):
                return Response(200, obj)
            details: dict[str, Any] = {"name": target.name}
            if resource.group:
                details["group"] = resource.group
            details.update({"kind": resource.name, "uid": meta.get("uid", "")})
            return Response(
                200,
                {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "metadata": {},
                    "status": "Success",
                    "details": details,
                },
            )

    def _delete_collection(self, req: Request, target: ResourcePath) -> Gen:
        items = yield from self._matching(req, target)
        for item in items:
            one = ResourcePath(
                target.resource, item["metadata"].get("namespace", ""), item["metadata"]["name"], ""
            )
            try:
                yield from self._delete(req, one)
            except StatusError:
                continue  # already gone: deletecollection does not fail for that
        # The list of what was deleted, as a Table when the client asks for one: upstream's
        # deletecollection handler answers through transformResponseObject, as a list does
        # (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/delete.go, response.go).
        return self._list_response(req, target.resource, items, str(self.etcd.revision))

    def _delete_options(self, req: Request) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if req.body not in (None, b"", ""):
            options = self._decode_raw(req) or {}
        for name in ("gracePeriodSeconds", "propagationPolicy", "orphanDependents"):
            if name in req.query:
                value: Any = req.query[name]
                options[name] = (
                    decoding.query_int64(value)
                    if name == "gracePeriodSeconds"
                    else (value == "true" if name == "orphanDependents" else value)
                )
        if options.get("propagationPolicy") not in (None, "Orphan", "Background", "Foreground"):
            raise errors.bad_request(
                f'DeleteOptions.meta.k8s.io "" is invalid: '
                f"propagationPolicy: Unsupported value: "
                f'"{options["propagationPolicy"]}": supported values: '
                f'"Foreground", "Background", "Orphan", "nil"'
            )
        return options

    @staticmethod
    def _check_preconditions(
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

    # ---- shared steps ------------------------------------------------------------------------
    def _decode_raw(self, req: Request) -> Any:
        body = req.body
        if isinstance(body, bytes):
            body = body.decode("utf-8", errors="replace")
        if not isinstance(body, str):
            return _copy_body(body)
        if req.content_type not in _READABLE:
            raise errors.unsupported_media_type(
                ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]
            )
        # The decoders' own words for what they cannot read (see decoding.read); a DELETE's
        # body is DeleteOptions, typed here as delete.go decodes it.
        value = decoding.read(req, body, decoding.body_gvk(req)[2], MAX_REQUEST_BODY_BYTES)
        if req.method.upper() == "DELETE":
            return decoding.typed_body(req, value, decoding.DELETE_OPTIONS, body)
        return value

    def _decode_body(self, req: Request, resource: ResourceType | None) -> dict[str, Any]:
        """A create or update body (or a Binding, Eviction or Scale), refused as its handler
        refuses what does not decode into its kind."""
        raw = req.body
        body = self._decode_raw(req)
        # A resource's own kind is typed by _check_type (with its apiVersion/kind checks).
        typed = decoding.typed_body(req, body, decoding.body_gvk(req), raw, types=resource is None)
        if resource is not None:
            self._check_type(typed, resource, None, req)
        return typed

    @staticmethod
    def _check_type(
        obj: dict[str, Any],
        resource: ResourceType,
        old: dict[str, Any] | None = None,
        req: Request | None = None,
    ) -> None:
        """The body's apiVersion/kind must be the URL's (or absent), and its values must fit
        their Go types. `old`: the stored object an update started from (see
        validation.decode_error); `req`: whose request it is (see decoding.trusted)."""
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        if api_version and api_version != resource.api_version:
            raise errors.bad_request(
                f"the API version in the data ({api_version}) does not match "
                f"the expected API version ({resource.api_version})"
            )
        if kind and kind != resource.kind:
            raise errors.bad_request(
                f"the kind in the data ({kind}) does not match the expected kind ({resource.kind})"
            )
        obj["apiVersion"], obj["kind"] = resource.api_version, resource.kind
        if req is not None and decoding.trusted(req):
            return
        problem = validation.decode_error(resource.kind, obj, old)
        if problem:
            raise errors.bad_request(
                f'{resource.kind} in version "{resource.version}" cannot be handled as a '
                f"{resource.kind}: {problem}"
            )

    def _check_fields(
        self,
        req: Request,
        resource: ResourceType,
        obj: dict[str, Any],
        old: dict[str, Any] | None,
    ) -> None:
        """fieldValidation: Strict rejects unknown fields, Warn and Ignore drop them. Requests
        over HTTP default to Warn, as upstream; in-engine components never send unknown
        fields, so without the parameter they skip the walk."""
        directive = self._field_directive(req)
        problem = strict.enforce(
            directive,
            resource.group,
            resource.version,
            resource.kind,
            obj,
            old,
            patch=req.method.upper() == "PATCH",
        )
        if problem:
            raise errors.bad_request(problem)

    @staticmethod
    def _field_directive(req: Request) -> str:
        return req.query.get("fieldValidation") or (
            "Warn" if isinstance(req.body, bytes | str) else ""
        )

    def _validate(
        self,
        req: Request,
        resource: ResourceType,
        obj: dict[str, Any],
        old: dict[str, Any] | None,
        subresource: str = "",
    ) -> None:
        ref = _ref(resource, obj)
        if subresource == "status" and old is not None:
            problems = validation.validate_status_update(resource.kind, obj, old)
        else:
            problems = validation.validate(resource.kind, obj, old)
        if problems:
            error = errors.invalid(resource.kind, ref.name, problems, resource.group)
            self._stage(req, "validation", f"Validation failed: {error.message}", ref)
            raise error
        self._stage(req, "validation", f"{resource.kind} {ref.name} is valid", ref)

    def _admit_namespace(self, req: Request, resource: ResourceType, obj: dict[str, Any]) -> None:
        """NamespaceLifecycle: no new objects in a missing or terminating namespace."""
        if not resource.namespaced:
            return
        namespace = obj["metadata"]["namespace"]
        key = f"/registry/namespaces/{namespace}"
        kv = self.etcd.get(key)
        if kv is None:
            raise errors.not_found("namespaces", namespace)
        known = self._namespace_phase.get(key)
        if known is None or known[0] != kv.mod_revision:
            known = (kv.mod_revision, json.loads(kv.value).get("status", {}).get("phase"))
            self._namespace_phase[key] = known
        if known[1] == "Terminating":
            raise errors.forbidden(
                resource.name,
                obj["metadata"].get("name", ""),
                f"unable to create new content in namespace {namespace} "
                "because it is being terminated",
                resource.group,
            )
        self._stage(
            req,
            "validating-admission",
            f"Validating admission: namespace {namespace} exists",
            _ref(resource, obj),
        )

    def _etcd_round_trip(self, req: Request, op: str, key: str, target: ResourcePath) -> Gen:
        """A read: the API server asks etcd and waits for the answer."""
        if self.quiet:
            return
        step = Step.PERSIST if req.step is Step.SEND else req.step
        latency = self.timings.etcd_latency
        self.trace.emit(
            "api-server",
            "etcd",
            "etcd-read",
            f"Range {key}",
            step=step,
            duration=latency,
            data={"key": key},
        )
        yield latency
        self.trace.emit(
            "etcd",
            "api-server",
            "etcd-reply",
            f"Read at revision {self.etcd.revision}",
            step=step,
            duration=latency,
            data={"revision": self.etcd.revision},
        )
        yield latency

    def _etcd_write(
        self,
        req: Request,
        resource: ResourceType,
        key: str,
        obj: dict[str, Any],
        expected: int | None,
        replacing: dict[str, Any] | None = None,
    ) -> Gen:
        """Compare-and-swap `obj` into etcd; returns the object as stored.

        `replacing`: the value at `expected`, decoded, that nothing else holds once this write
        is done (the `old` of _guaranteed_update). The watch fan-out of the write uses it as the
        event's previous object instead of decoding it again."""
        step = Step.PERSIST if req.step is Step.SEND else req.step
        ref = _ref(resource, obj)
        latency = 0.0 if self.quiet else self.timings.etcd_latency
        meta = obj["metadata"]
        meta.pop("resourceVersion", None)  # the revision is the version; it is not stored
        value = _compact_json(obj)
        op = "create" if expected is None else "update"
        if not self.quiet:
            self.trace.emit(
                "api-server",
                "etcd",
                "etcd-write",
                f"Txn: {op} {key}",
                step=step,
                obj=ref,
                duration=latency,
                data={"key": key, "op": op},
            )
            yield latency
        self._writing = (key, *_name_and_namespace(obj))
        if replacing is not None and expected is not None:
            self._replacing = (key, expected, replacing)
        try:
            if expected is None:
                kv = self.etcd.create(key, value)
            else:
                kv = self.etcd.update(key, value, expected)
        except CASFailedError:
            if expected is None:
                raise errors.already_exists(resource.name, ref.name, resource.group) from None
            raise
        except RequestTooLargeError as error:
            # storage/etcd3 hands etcd's error on as it is (upstream then answers 500 with no
            # reason); the object is the client's, so Podlife says 413 with etcd's words.
            # Nothing was written.
            if not self.quiet:
                self.trace.emit(
                    "etcd",
                    "api-server",
                    "etcd-reply",
                    f"Refused {key}: {error}",
                    step=step,
                    obj=ref,
                    data={"key": key, "revision": self.etcd.revision, "error": str(error)},
                )
            raise StatusError(413, "RequestEntityTooLarge", str(error)) from None
        finally:
            self._writing = self._replacing = None
        if not self.quiet:
            self.trace.emit(
                "etcd",
                "api-server",
                "etcd-reply",
                f"Committed {key} at revision {kv.mod_revision}",
                step=step,
                obj=ref,
                duration=latency,
                data={"key": key, "revision": kv.mod_revision},
            )
            yield latency
        return decode(kv.value, kv.mod_revision)

    def _etcd_delete(
        self, req: Request, resource: ResourceType, key: str, expected: int, ref: ObjectRef
    ) -> Gen:
        step = Step.PERSIST if req.step is Step.SEND else req.step
        latency = self.timings.etcd_latency
        self.trace.emit(
            "api-server",
            "etcd",
            "etcd-write",
            f"Txn: delete {key}",
            step=step,
            obj=ref,
            duration=latency,
            data={"key": key, "op": "delete"},
        )
        yield latency
        self._writing = (key, ref.name, ref.namespace)
        try:
            self.etcd.delete(key, expected)
        finally:
            self._writing = None
        self.trace.emit(
            "etcd",
            "api-server",
            "etcd-reply",
            f"Deleted {key} at revision {self.etcd.revision}",
            step=step,
            obj=ref,
            duration=latency,
            data={"key": key, "revision": self.etcd.revision},
        )
        yield latency

    # ---- watch fan-out -----------------------------------------------------------------------
    def _decode_change(
        self, event: WatchEvent, replaced: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """The change as objects: (previous or None, new or None). `replaced`: the previous
        object already decoded (see _on_etcd_change)."""
        old = replaced
        if old is None and event.prev:
            old = decode(event.prev.value, event.prev.mod_revision)
        if event.type == "DELETE":
            assert old is not None
            old["metadata"]["resourceVersion"] = str(event.revision)
            return old, None
        return old, decode(event.kv.value, event.kv.mod_revision)

    def _on_etcd_change(self, resource: ResourceType, event: WatchEvent) -> None:
        # What the write that made this change already knows (valid only during it):
        # the previous object, decoded and no longer used by the update, and the metadata
        # of the object written, for the trace.
        replaced = None
        known = self._replacing
        if (
            known is not None
            and event.type == "PUT"
            and event.prev is not None
            and known[0] == event.kv.key
            and known[1] == event.prev.mod_revision
        ):
            replaced, self._replacing = known[2], None
        if self.quiet:
            self.cache.dispatch(resource, *self._decode_change(event, replaced))
            return
        writing = self._writing
        if writing is not None and writing[0] == event.kv.key:
            name, namespace = writing[1], writing[2]
            ref = object_ref(resource.kind, name, namespace if resource.namespaced else "")
            # The objects are decoded when the change reaches the watch cache, and only if
            # someone watches: nobody watches Events, say, and they are written by the
            # thousand. Decoding later gives the same objects (etcd values never change).
            change: tuple[dict[str, Any] | None, dict[str, Any] | None] | None = None
        else:
            change = self._decode_change(event, replaced)
            obj = change[1] or change[0]
            assert obj is not None
            ref = _ref(resource, obj)
        latency = self.timings.etcd_latency
        self.trace.emit(
            "etcd",
            "api-server",
            "etcd-watch",
            f"{event.type} {event.kv.key} (revision {event.revision})",
            step=Step.OTHER,
            obj=ref,
            duration=latency,
            data={"key": event.kv.key, "revision": event.revision},
        )

        def deliver() -> None:
            if change is not None:
                self.cache.dispatch(resource, *change)
            elif self.cache.watched(resource.name):
                self.cache.dispatch(resource, *self._decode_change(event, replaced))

        self.env.schedule(latency, deliver)

    def compact(self) -> None:
        """The API server asks etcd to compact its history (every 5 minutes upstream)."""
        self.etcd.compact(self.etcd.revision)


# json.dumps(value, separators=(",", ":")) with the encoder built once, not per call.
_compact_json = json.JSONEncoder(separators=(",", ":")).encode


def _copy_body(value: Any) -> Any:
    """copy.deepcopy of a request body given as Python values (the in-engine clients'
    bodies), at a quarter of the cost: marshal round-trips exactly the built-in types
    (keeping tuples tuples and shared values shared, as deepcopy does) and refuses anything
    else, such as a str subclass, which then takes deepcopy's way."""
    try:
        return marshal.loads(marshal.dumps(value))
    except ValueError:
        return copy.deepcopy(value)


def _default_manager(req: Request) -> str:
    """Without ?fieldManager the API server names the manager after the client's user agent."""
    agent = req.headers.get("user-agent", "")
    if agent:
        return agent.split("/")[0]
    component = req.source.split("/")[0]
    return {
        "scheduler": "kube-scheduler",
        "controller-manager": "kube-controller-manager",
    }.get(component, component)


def _verb(req: Request, target: ResourcePath) -> str:
    method = req.method.upper()
    if method == "GET":
        if target.name:
            return "get"
        return "watch" if req.query.get("watch") in ("true", "1") else "list"
    verbs = {"POST": "create", "PUT": "update", "PATCH": "patch"}
    if method in verbs:
        if method != "POST" and not target.name:
            raise errors.method_not_supported(
                target.resource.name, verbs[method], target.resource.group
            )
        return verbs[method]
    if method == "DELETE":
        if target.name:
            return "delete"
        if "deletecollection" not in target.resource.verbs:
            # A kind whose storage deletes no collections (namespaces): kube-apiserver installs
            # no such route (endpoints/installer.go registers only the verbs the storage has).
            raise errors.method_not_supported(
                target.resource.name, "deletecollection", target.resource.group
            )
        return "deletecollection"
    raise errors.method_not_supported(target.resource.name, method.lower(), target.resource.group)


def _name_and_namespace(obj: dict[str, Any]) -> tuple[str, str]:
    """What _ref reads from an object's metadata: its name (or generateName), its namespace."""
    meta = obj.get("metadata") or {}
    return meta.get("name", "") or meta.get("generateName", ""), meta.get("namespace", "")


def _ref(resource: ResourceType, obj: dict[str, Any]) -> ObjectRef:
    meta = obj.get("metadata") or {}
    return object_ref(
        resource.kind,
        meta.get("name", "") or meta.get("generateName", ""),
        meta.get("namespace", "") if resource.namespaced else "",
    )


def _wants_table(req: Request) -> bool:
    return "as=Table" in req.headers.get("accept", "")


def _query_int(req: Request, name: str) -> int | None:
    """An integer query parameter, refused as the parameter codec refuses it (its
    strconv.ParseInt error, as a 400). Not Python's int(), which also takes `1_0`, ` 1`, other
    scripts' digits and numbers past int64: a watch would then outlive what it asked for."""
    text = req.query.get(name)
    if not text:
        return None
    return decoding.query_int64(text)


def _parse_revision(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise errors.bad_request(f"invalid resource version: {text}") from None


def _indexed_node(resource: ResourceType, field_selector: str) -> str | None:
    if resource.kind != "Pod":
        return None
    for requirement in field_selector.split(","):
        key, sep, value = requirement.partition("=")
        if sep and key == "spec.nodeName" and not key.endswith("!"):
            return value.lstrip("=")
    return None


def _transitions(
    matches: Callable[[dict[str, Any]], bool],
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
) -> list[tuple[str, dict[str, Any]]]:
    was = old is not None and matches(old)
    now = new is not None and matches(new)
    if was and now and new is not None:
        return [("MODIFIED", new)]
    if now and new is not None:
        return [("ADDED", new)]
    if was and old is not None:
        return [("DELETED", old)]
    return []


def _finalized(obj: dict[str, Any]) -> bool:
    """An object being deleted whose last finalizer just went, and whose grace is over."""
    meta = obj["metadata"]
    if obj.get("kind") == "Namespace" and (obj.get("spec") or {}).get("finalizers"):
        return False  # ShouldDeleteNamespaceDuringUpdate: spec.finalizers must be empty too
    return (
        bool(meta.get("deletionTimestamp"))
        and not meta.get("finalizers")
        and not meta.get("deletionGracePeriodSeconds")
    )


def _delete_summary(grace: int, finalizers: list[str]) -> str:
    if finalizers:
        return f"Marked for deletion; waiting for finalizers {', '.join(finalizers)}"
    return f"Graceful deletion: deletionTimestamp set {grace}s ahead"


def _scale_of(resource: ResourceType, obj: dict[str, Any]) -> dict[str, Any]:
    """The autoscaling/v1 Scale view of a Deployment or ReplicaSet."""
    meta = obj["metadata"]
    selector = obj.get("spec", {}).get("selector") or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: meta[k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in meta
        },
        "spec": {"replicas": obj.get("spec", {}).get("replicas", 0)},
        "status": {
            "replicas": obj.get("status", {}).get("replicas", 0),
            "selector": labels.selector_from_match(selector).string(),
        },
    }
