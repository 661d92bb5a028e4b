"""What every controller in kube-controller-manager shares: its identity, its client and event
recorder, a work queue and the worker loop (processNextWorkItem / handleErr upstream).

A controller's sync is a generator: it reads from the shared informers' caches and changes
things only through API requests, each of which takes virtual time.

A sync fails in one of two ways. A SyncError is an error the controller expects (a request the
API server refused): the key comes back after the rate limiter's delay, as upstream. Any other
exception is a bug or a malformed object (a string where a number belongs, stored by an older
API server): upstream it would be an error returned by the sync, so it is handled the same way,
reported once per key and text (engine/utilruntime.py) and retried with back-off, while every
other key is served as usual. Those retries are background timers: they go on, but trying
again cannot help until the object changes, so they do not keep the cluster from settling.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from engine import timeutil
from engine.apiserver.request import Response
from engine.apiserver.resources import BY_NAME
from engine.client.record import EventRecorder
from engine.client.rest import RestClient
from engine.client.workqueue import WorkQueue
from engine.trace import ObjectRef, Step, object_ref, ref_of
from engine.utilruntime import ErrorReporter, describe, join, quote, start

if TYPE_CHECKING:
    from engine.controllers.controllermanager import ControllerManager

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

MAX_RETRIES = 15  # maxRetries in replica_set.go / deployment_controller.go

STRATEGIC_MERGE = {"content-type": "application/strategic-merge-patch+json"}
MERGE_PATCH = {"content-type": "application/merge-patch+json"}
JSON_PATCH = {"content-type": "application/json-patch+json"}


class SyncError(Exception):
    """A sync failed part-way: the key goes back on the queue with back-off."""


def path_of(resource: str, namespace: str = "", name: str = "", subresource: str = "") -> str:
    r = BY_NAME[resource]
    path = f"/apis/{r.group}/{r.version}" if r.group else "/api/v1"
    if r.namespaced and namespace:
        path += f"/namespaces/{namespace}"
    path += f"/{r.name}"
    if name:
        path += f"/{name}"
    if subresource:
        path += f"/{subresource}"
    return path


def split_key(key: str) -> tuple[str, str]:
    """cache.SplitMetaNamespaceKey."""
    namespace, _, name = key.rpartition("/")
    return namespace, name


def error_message(response: Response) -> str:
    body = response.body
    return body.get("message", "") if isinstance(body, dict) else str(body)


class Controller:
    """The shape of one controller: `name` is its component id after `controller-manager/`."""

    name = ""  # e.g. "replicaset-controller": the id in --controllers and in the trace
    service_account = ""  # --use-service-account-credentials: its own ServiceAccount
    event_source = ""  # source.component of the events it records
    workers = 1  # --concurrent-*-syncs
    kind = ""  # the kind of object its queue's keys name, for the trace

    def __init__(self, manager: ControllerManager) -> None:
        self.manager = manager
        self.context = manager.context
        self.env = manager.context.env
        self.informers = manager.informers
        self.component = f"controller-manager/{self.name}"
        self.client = RestClient(
            self.context,
            self.component,
            f"system:serviceaccount:kube-system:{self.service_account}",
            ("system:serviceaccounts", "system:serviceaccounts:kube-system"),
            Step.CONTROL,
        )
        self.recorder = EventRecorder(self.client, self.event_source)
        self.queue = WorkQueue(self.env, self.name)
        self.errors = ErrorReporter(
            self.context.trace, self.component, Step.CONTROL, lambda: self.env.now
        )

    # ---- running -----------------------------------------------------------------------------
    def start(self) -> None:
        """Register handlers on the shared informers, then run once their caches are synced."""
        self.register()
        self.env.process(self._run(), f"{self.name} start")

    def register(self) -> None:
        """Add this controller's handlers (and say which informers it needs)."""

    def synced_resources(self) -> tuple[str, ...]:
        return ()

    def _run(self) -> Gen:
        yield from self.informers.wait_for_sync(*self.synced_resources())
        self.on_synced()
        for i in range(self.workers):
            self.env.process(self._worker(), f"{self.name} worker {i}")

    def on_synced(self) -> None:
        """Start any periodic loops (they run as background processes)."""

    def _worker(self) -> Gen:
        while True:
            key = yield from self.queue.get()
            try:
                yield from self.sync(key)
            except SyncError:
                self._handle_error(key)
            except Exception as error:
                self.handle_unexpected(key, error)
            else:
                self.queue.forget(key)
            self.queue.done(key)

    def _handle_error(self, key: str) -> None:
        if self.queue.limiter.retries(key) < MAX_RETRIES:
            self.queue.add_rate_limited(key)
        else:
            self.queue.forget(key)  # dropped out of the queue, as upstream after maxRetries

    def handle_unexpected(
        self,
        key: str,
        error: Exception,
        queue: WorkQueue | None = None,
        line: str | None = None,
        ref: ObjectRef | None = None,
    ) -> None:
        """handleErr for an exception from a sync of `key`: report it (once per key and text)
        and queue the key again after the rate limiter's delay, in the background; after
        MAX_RETRIES it is dropped, as upstream drops a key after maxRetries. `queue`, `line`
        and `ref` are for a controller's other queues: their key's queue, report and object."""
        queue = queue or self.queue
        text = describe(error)
        ref = ref or self.ref_for(key)
        if queue.limiter.retries(key) < MAX_RETRIES:
            self.errors.handle_error(
                key,
                line or self.error_line(key, text),
                error=error,
                obj=ref,
                data={"error": text},
            )
            queue.add_rate_limited(key, background=True)
            return
        queue.forget(key)
        dropped = self.dropped_line(key, text)
        if dropped:
            self.errors.handle_error(key, dropped, error=error, obj=ref, data={"error": text})

    def error_line(self, key: str, error: str) -> str:
        """What the worker reports for a failed sync: replica_set.go processNextWorkItem's
        utilruntime.HandleError(fmt.Errorf("sync %q failed with %v", key, err))."""
        return f"sync {quote(key)} failed with {error}"

    def dropped_line(self, key: str, error: str) -> str:
        """What it reports when it gives up on a key ("" for nothing more)."""
        return ""

    def ref_for(self, key: str) -> ObjectRef | None:
        """The object a queue key names, for the trace."""
        if not self.kind:
            return None
        namespace, name = split_key(key)
        return object_ref(self.kind, name, namespace)

    def sync(self, key: str) -> Gen:
        raise NotImplementedError
        yield

    # ---- helpers -----------------------------------------------------------------------------
    def enqueue_after(self, key: str, delay: float, *, background: bool = False) -> None:
        """queue.AddAfter. A `background` re-check (a progress deadline, a toleration running
        out) is a timer, not pending work: it does not keep the cluster from settling."""
        if not background:
            self.queue.add_after(key, delay)
            return
        self.env.schedule(max(delay, 0.0), lambda: self.queue.add(key), background=True)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Gen:
        response: Response = yield from self.client.request(
            method, path, body=body, query=query, headers=headers
        )
        return response

    def must(self, response: Response) -> Any:
        if not response.ok:
            raise SyncError(error_message(response))
        return response.body

    def milestone(
        self, headline: str, obj: Obj | ObjectRef, number: int | None, of: int | None, **data: Any
    ) -> None:
        """A step of the story this controller makes happen (docs/trace.md, "Milestones");
        `number` and `of` None: an outcome outside the seeds' steps."""
        trace = self.context.trace
        if isinstance(obj, dict):
            ref = ref_of(obj)
            trace.link(ref, obj)  # said before it is created: whose story it is, already
        else:
            ref = obj
        trace.milestone(self.component, headline, ref, number, of, **data)

    def note(self, summary: str, obj: Obj | ObjectRef | None = None, **data: Any) -> None:
        """A decision inside this controller, for the learner: a `reconcile` trace event."""
        ref = ref_of(obj) if isinstance(obj, dict) else obj
        self.context.trace.emit(
            self.component,
            self.component,
            "reconcile",
            summary,
            step=Step.CONTROL,
            obj=ref,
            data=data,
        )

    def work(self) -> Gen:
        """The time one sync takes before its first API call (Timings.controller_sync)."""
        yield self.context.timings.controller_sync

    @property
    def now(self) -> float:
        return self.env.now

    def stamp(self) -> str:
        return timeutil.rfc3339(self.env.now)


def run_parallel(controller: Controller, jobs: list[Callable[[], Gen]], label: str) -> Gen:
    """Run jobs concurrently (goroutines and a WaitGroup upstream); their results in order.
    A job that raises does so here, once all have ended (utilruntime.join)."""
    processes = [start(controller.env, job(), label) for job in jobs]
    results: list[Any] = yield from join(processes)
    return results
