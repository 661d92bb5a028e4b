"""kube-apiserver: the one path every request takes, each stage visible in the trace.

filters (size limit, authentication, verb, authorization) → the verb's handler (handlers/) →
the registry's generic store with the resource's strategy (registry/): decode and default →
mutating admission → validation → validating admission → storage (storage/: etcd's
compare-and-swap) → response; then the watch cache fans the change out to every watching
component. Handlers are generator processes: talking to etcd takes virtual time, and other
requests may interleave (optimistic concurrency sorts them out, as in
staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go GuaranteedUpdate).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from typing import Any

from engine.apimachinery.errors import StatusError
from engine.apiserver import conversion, filters, quota
from engine.apiserver.authorization.authorizer import Authorizer
from engine.apiserver.discovery import non_resource
from engine.apiserver.handlers.create import create
from engine.apiserver.handlers.delete import delete, delete_collection
from engine.apiserver.handlers.get import get, list_
from engine.apiserver.handlers.patch import patch
from engine.apiserver.handlers.update import update
from engine.apiserver.handlers.watch import watch
from engine.apiserver.lifecycle import NamespaceLifecycle
from engine.apiserver.registry.core.service_alloc import ServiceAllocator
from engine.apiserver.registry.kinds import STRATEGIES
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.request import Request, ResourcePath, Response, parse_resource_path
from engine.apiserver.resources import BY_NAME, ResourceType
from engine.apiserver.storage.cacher import WatchCache
from engine.apiserver.storage.etcd3 import Storage
from engine.config import Timings
from engine.etcd import Etcd
from engine.sim import Environment
from engine.trace import ObjectRef, Trace

Gen = Generator[Any, Any, Any]
LogReader = Callable[[dict[str, Any], str, dict[str, str]], str]
# pod, container, command, tty, stdin -> the started process (engine/node/exec.py ExecSession)
ExecStarter = Callable[[dict[str, Any], str, list[str], bool, bool], Any]
Handler = Callable[["APIServer", Request, ResourcePath], Gen]

HANDLERS: dict[str, Handler] = {
    "get": get,
    "list": list_,
    "watch": watch,
    "create": create,
    "update": update,
    "patch": patch,
    "delete": delete,
    "deletecollection": delete_collection,
}


class APIServer:
    """What every handler and the store work with: the clock, the RNG, the trace, storage,
    the strategies and admission, and the cluster's own settings."""

    def __init__(
        self,
        env: Environment,
        etcd: Etcd,
        trace: Trace,
        rng: random.Random,
        timings: Timings,
        seed: int = 0,
    ) -> None:
        self.env, self.etcd, self.trace, self.rng, self.timings = env, etcd, trace, rng, timings
        self.cache = WatchCache(env, trace, timings.watch_delivery)
        self.storage = Storage(env, etcd, trace, timings, self.cache)
        self.lifecycle = NamespaceLifecycle(etcd)
        self.authorizer = Authorizer(self.storage)
        self.bearer_tokens: dict[str, str] = {}  # token -> user, for clients over HTTP
        self.quota = quota.Quota(etcd)  # the cluster's own limits: none until it is given some
        # The evictions a PodDisruptionBudget refused that the learner has been told about
        # (namespace, pod, cause): kubectl drain asks again every 5 s.
        self.evictions_told: set[tuple[str, str, str]] = set()
        self.read_logs: LogReader | None = None  # the node side answers pods/log
        self.exec_in: ExecStarter | None = None  # … and starts pods/exec's processes
        # The cluster IPs and node ports Services hold (the Service REST storage's allocators),
        # drawn from a generator of their own: the same seed gives the same IPs whatever else
        # the cluster drew meanwhile (pod names, UIDs).
        self.seed = seed  # the cluster's keys: tokens are signed and checked with them
        self.token_ids = random.Random(f"token-ids/{seed}")  # the tokens' `jti`, likewise apart
        services = BY_NAME["services"].prefix()
        self.service_allocator = ServiceAllocator(
            lambda: self.storage.range(services), random.Random(f"service-allocators/{seed}")
        )

    @property
    def quiet(self) -> bool:
        """Set while the cluster bootstraps: no trace for the furniture."""
        return self.storage.quiet

    @quiet.setter
    def quiet(self, value: bool) -> None:
        self.storage.quiet = value

    @staticmethod
    def strategy(resource: ResourceType) -> Strategy:
        return STRATEGIES[resource.name]

    def handle(self, req: Request) -> Gen:
        try:
            filters.check_size(req)
            filters.authenticate(self, req)
            filters.impersonate(self, req)
            target = parse_resource_path(req.path)
            if target is None:
                filters.authorize_path(self, req)
                return non_resource(req)
            req.flow = self.trace.flow_of(req.object_ref)  # for the stages that name no object
            verb = filters.verb(req, target)
            filters.authorize(self, req, verb, target)
            response: Response = yield from conversion.serve(
                self, HANDLERS[verb], verb, req, target
            )
            if target.resource.deprecation:
                response.warnings.append(target.resource.deprecation)
        except StatusError as error:
            response = Response.of_error(error)
        response.warnings += req.warnings
        return response

    def stage(
        self, req: Request, kind: str, summary: str, obj: ObjectRef | None = None, **data: Any
    ) -> None:
        """One stage of a request, in the trace."""
        if not self.storage.quiet:
            self.trace.emit(
                "api-server",
                "api-server",
                kind,
                summary,
                step=req.stage_step,
                obj=obj,
                data=data,
                flow=req.flow,
            )

    def compact(self) -> None:
        """The API server asks etcd to compact its history (every 5 minutes upstream)."""
        self.storage.compact()
